/**
 * Four veth pairs in a fresh namespace, and what the side-by-side tests of
 * nmk and NetworkManager 1.42 do with them: a profile per device that only
 * takes the link (no IP), `nmcli connection up` for each, and the MAC
 * address each device ends with (the per-device defaults under test are
 * cloned MAC addresses).
 */
import { expect } from 'vitest';
import { Netns } from './netns.js';

/** The devices under test; each one's peer (PEERS[i]) is kept unmanaged by the test's config. */
export const DEVICES = ['veth0', 'veth2', 'veth4', 'veth6'];
export const PEERS = ['veth1', 'veth3', 'veth5', 'veth7'];

/** A keyfile per device, named `${prefix}-DEV`, autoconnect off, no IP; `uuidStem` is 35 hex-and-dash characters. */
export function linkOnlyKeyfiles(prefix: string, uuidStem: string): Record<string, string> {
  const profile = (ifname: string, n: number) => `[connection]
id=${prefix}-${ifname}
uuid=${uuidStem}${n}
type=ethernet
interface-name=${ifname}
autoconnect=false

[ethernet]

[ipv4]
method=disabled

[ipv6]
method=ignore
`;
  return Object.fromEntries(DEVICES.map((d, i) => [`${prefix}-${d}.nmconnection`, profile(d, i)]));
}

/** A namespace holding the four pairs, every end up. */
export async function vethNamespace(prefix: string): Promise<Netns> {
  const ns = await Netns.create(prefix);
  for (let i = 0; i < DEVICES.length; i++) await ns.addVeth(DEVICES[i]!, PEERS[i]!);
  for (const l of [...DEVICES, ...PEERS]) await ns.ip(['link', 'set', l, 'up']);
  return ns;
}

/** Each device's MAC address now. */
export async function macs(ns: Netns): Promise<Record<string, string>> {
  const links = await ns.ipJson<Array<{ ifname: string; address: string }>>(['link', 'show']);
  return Object.fromEntries(links.filter((l) => DEVICES.includes(l.ifname)).map((l) => [l.ifname, l.address]));
}

type Nmcli = (args: string[], opts?: { timeoutMs?: number }) => Promise<{ code: number | null; stdout: string; stderr: string }>;

/** nmcli connection up for every device's profile (`${prefix}-DEV`), failing with nmcli's words. */
export async function upAll(nmcli: Nmcli, prefix: string): Promise<void> {
  for (const d of DEVICES) {
    const r = await nmcli(['connection', 'up', `${prefix}-${d}`], { timeoutMs: 30_000 });
    expect(r.code, `${d}: ${r.stderr}${r.stdout}`).toBe(0);
  }
}
