/**
 * nmk's DHCP identifiers against the real NetworkManager 1.42 on the same
 * machine: NetworkManager activates one profile per veth (IPv4 auto, IPv6
 * dhcp, each profile with other ipv6.dhcp-duid, dhcp-iaid, dhcp-client-id
 * and stable-id values) and logs at TRACE the stable id, DUID, IAIDs and
 * client id it computed. Its secret key lives in its private mount namespace
 * (a tmpfs over /var/lib/NetworkManager) and is read through
 * /proc/<pid>/root; the machine id and boot id are the host's, which it
 * shares. core/ip/dhcp-identity.ts, given the same inputs, must print the
 * same bytes for every one of them.
 */
import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Netns } from '../harness/netns.js';
import { startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';
import { hostIdFromSecretKey, parseBootId, parseMachineId } from '../../core/ip/host-identity.js';
import { dhcpIaid, ipv4ClientId, ipv6Duid, resolveStableId, toHex, type HostKeys, type StableId } from '../../core/ip/dhcp-identity.js';

interface Profile {
  stableId?: string;
  ipv4: Record<string, string>;
  ipv6: Record<string, string>;
}

/** One profile per interface; together they reach every mode of the three settings. */
const PROFILES: Record<string, Profile> = {
  nid0: { ipv4: { 'dhcp-client-id': 'duid' }, ipv6: {} },
  nid1: {
    stableId: '${CONNECTION}/${DEVICE}/${MAC}/${BOOT}/x$$y$z',
    ipv4: { 'dhcp-client-id': 'stable', 'dhcp-iaid': 'stable' },
    ipv6: { 'dhcp-duid': 'stable-uuid', 'dhcp-iaid': 'stable' },
  },
  nid2: { stableId: 'fixed-id', ipv4: { 'dhcp-client-id': 'ipv6-duid' }, ipv6: { 'dhcp-duid': 'stable-llt', 'dhcp-iaid': 'mac' } },
  nid3: { ipv4: { 'dhcp-client-id': 'ipv6-duid', 'dhcp-iaid': '0x00abcdef' }, ipv6: { 'dhcp-duid': 'stable-ll', 'dhcp-iaid': 'perm-mac' } },
  nid4: { ipv4: { 'dhcp-client-id': 'mac', 'dhcp-iaid': 'ifname' }, ipv6: { 'dhcp-duid': 'llt', 'dhcp-iaid': '1234' } },
  nid5: { ipv4: { 'dhcp-client-id': 'hello' }, ipv6: { 'dhcp-duid': 'll', 'dhcp-iaid': '01:02:03:04' } },
  nid6: { ipv4: { 'dhcp-client-id': '01:aa:bb:cc' }, ipv6: { 'dhcp-duid': '00:01:02:03:04', 'dhcp-iaid': '017' } },
};

function uuidFor(i: number): string {
  return `5d3b0c2e-1f4a-4c1b-9a6e-0000000000${String(i).padStart(2, '0')}`;
}

function keyfile(ifname: string, i: number, p: Profile): string {
  const lines = ['[connection]', `id=${ifname}`, `uuid=${uuidFor(i)}`, 'type=ethernet', `interface-name=${ifname}`];
  if (p.stableId) lines.push(`stable-id=${p.stableId}`);
  lines.push('', '[ipv4]', 'method=auto', ...Object.entries(p.ipv4).map(([k, v]) => `${k}=${v}`));
  lines.push('', '[ipv6]', 'method=dhcp', ...Object.entries(p.ipv6).map(([k, v]) => `${k}=${v}`), '');
  return lines.join('\n');
}

interface Seen {
  stable?: StableId;
  duid?: string;
  iaid4?: number;
  iaid6?: number;
  clientId?: string;
}

/** What NetworkManager logged per interface (nm-device.c's _LOGD/_LOGT lines). */
function parseLog(out: string): Map<string, Seen> {
  const seen = new Map<string, Seen>();
  const get = (ifname: string) => seen.get(ifname) ?? seen.set(ifname, {}).get(ifname)!;
  for (const line of out.split('\n')) {
    const dev = /\(([^()]+)\): (.*)$/.exec(line);
    if (!dev || !PROFILES[dev[1]!]) continue;
    const s = get(dev[1]!);
    const msg = dev[2]!;
    let m: RegExpExecArray | null;
    if ((m = /^stable-id: type=(\d), "([^"]*)"/.exec(msg))) s.stable = { id: m[2]!, type: Number(m[1]) };
    else if ((m = /^ipv6\.dhcp-duid: generate \S+ DUID '([0-9a-f:]+)'/.exec(msg))) s.duid = m[1];
    else if ((m = /^ipv4\.dhcp-iaid: using (\d+) /.exec(msg))) s.iaid4 ??= Number(m[1]);
    else if ((m = /^ipv6\.dhcp-iaid: using (\d+) /.exec(msg))) s.iaid6 ??= Number(m[1]);
    else if ((m = /^ipv4\.dhcp-client-id: use "[^"]*" client ID: ([0-9a-f:]+)/.exec(msg))) s.clientId = m[1];
  }
  return seen;
}

function complete(s: Seen | undefined): boolean {
  // The stable id is computed (and logged) only where a mode uses it.
  return !!s && s.duid !== undefined && s.iaid6 !== undefined && s.clientId !== undefined;
}

describe('DHCP identifiers: nmk computes what NetworkManager 1.42 computes', () => {
  let ns: Netns | undefined;
  let nm: NetworkManagerInstance | undefined;
  const macs = new Map<string, string>();

  beforeAll(async () => {
    ns = await Netns.create('nmkid');
    for (const ifname of Object.keys(PROFILES)) {
      await ns.addVeth(ifname, `${ifname}p`);
      await ns.ip(['link', 'set', `${ifname}p`, 'up']);
      const [link] = await ns.ipJson(['link', 'show', 'dev', ifname]);
      macs.set(ifname, link.address);
    }
    const keyfiles = Object.fromEntries(Object.entries(PROFILES).map(([ifname, p], i) => [`${ifname}.nmconnection`, keyfile(ifname, i, p)]));
    nm = await startNetworkManager({ ns, keyfiles, networking: true, logLevel: 'TRACE' });
  });

  afterAll(async () => {
    await nm?.cleanup();
    await ns?.destroy();
  });

  it('gives the same stable ids, DUIDs, IAIDs and client ids for every profile', async () => {
    let seen = parseLog(nm!.output());
    for (let i = 0; i < 300 && !Object.keys(PROFILES).every((n) => complete(seen.get(n))); i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = parseLog(nm!.output());
    }
    const missing = Object.keys(PROFILES).filter((n) => !complete(seen.get(n)));
    expect(missing, `NetworkManager did not log every identifier:\n${nm!.output().slice(-6000)}`).toEqual([]);

    const keyFile = `/proc/${nm!.pid}/root/var/lib/NetworkManager/secret_key`;
    const machineId = parseMachineId(await readFile('/etc/machine-id', 'latin1'))!;
    const bootId = parseBootId(await readFile('/proc/sys/kernel/random/boot_id', 'latin1'))!;
    const host: HostKeys = {
      machineId,
      hostId: hostIdFromSecretKey(await readFile(keyFile), machineId.toString('hex'))!,
      hostIdTimestamp: Number((await stat(keyFile, { bigint: true })).mtimeNs / 1_000_000_000n),
    };

    const problems: string[] = [];
    for (const [i, [ifname, p]] of Object.entries(PROFILES).entries()) {
      const nmSeen = seen.get(ifname)!;
      const hwaddr = macs.get(ifname)!;
      // A veth has no permanent address: NetworkManager falls back to the first address it saw (perm-mac) but leaves ${MAC} empty.
      const stable = resolveStableId({ stableId: p.stableId, uuid: uuidFor(i), ifname, bootId });
      const iaid4 = dhcpIaid({ iaid: p.ipv4['dhcp-iaid'], ifname, hwaddr, permHwaddr: hwaddr, host, stable, family: 4 });
      const iaid6 = dhcpIaid({ iaid: p.ipv6['dhcp-iaid'], ifname, hwaddr, permHwaddr: hwaddr, host, stable, family: 6 });
      const duid6 = ipv6Duid({ duid: p.ipv6['dhcp-duid'], hwaddr, host, stable });
      const clientId = ipv4ClientId({ clientId: p.ipv4['dhcp-client-id'], hwaddr, permHwaddr: hwaddr, host, stable, iaid4, iaid6, duid6 });
      const ours: Seen = { stable, duid: toHex(duid6.duid), iaid4: iaid4.iaid, iaid6: iaid6.iaid, clientId: clientId.clientId && toHex(clientId.clientId) };
      for (const k of ['stable', 'duid', 'iaid6', 'clientId', 'iaid4'] as const) {
        if (nmSeen[k] === undefined) continue; // NetworkManager computes the stable id and IPv4 IAID only where a mode needs them
        if (JSON.stringify(nmSeen[k]) !== JSON.stringify(ours[k])) problems.push(`${ifname} ${k}: NetworkManager ${JSON.stringify(nmSeen[k])}, nmk ${JSON.stringify(ours[k])}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
