/**
 * Generated cloned MAC addresses with the real nmcli and kernel: a veth
 * profile with cloned-mac-address=stable gets NetworkManager's stable
 * address (from the host's secret key, machine id, interface name and the
 * profile's UUID) and keeps it across re-activation; "random" gives a new
 * locally administered unicast address at each activation; "preserve" (the
 * default) leaves the address alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { stableMac } from '../../core/activation/cloned-mac.js';
import { StableType } from '../../core/ip/dhcp-identity.js';
import { hostIdFromSecretKey } from '../../core/ip/host-identity.js';

const MACHINE_ID = 'ee7ac3602b6306061bd984a41eb1c045';
const SECRET_KEY = 'nm-v2:hnIHoHp4p9kaEWU5/+dO+gFREirN1AsMoO1MPaoYxCc=';
const STABLE_UUID = '0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0c01';

const profile = (id: string, uuid: string, ifname: string, cloned?: string) => `[connection]
id=${id}
uuid=${uuid}
type=ethernet
interface-name=${ifname}
autoconnect=false

[ethernet]
${cloned ? `cloned-mac-address=${cloned}` : ''}

[ipv4]
method=disabled

[ipv6]
method=ignore
`;

const file = (text: string) => ({ text, mode: 0o600 });

describe('generated cloned MAC addresses (veth, real nmcli)', () => {
  let ns: Netns;
  let d: Daemon;

  beforeAll(async () => {
    ns = await Netns.create('nmkm');
    await ns.addVeth('veth0', 'veth1');
    await ns.addVeth('veth2', 'veth3');
    await ns.addVeth('veth4', 'veth5');
    for (const l of ['veth0', 'veth1', 'veth2', 'veth3', 'veth4', 'veth5']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:veth1;interface-name:veth3;interface-name:veth5\n',
      files: {
        'etc/machine-id': `${MACHINE_ID}\n`,
        'var/lib/NetworkManager/secret_key': file(SECRET_KEY),
        'etc/nmk/system-connections/st.nmconnection': file(profile('st', STABLE_UUID, 'veth0', 'stable')),
        'etc/nmk/system-connections/rnd.nmconnection': file(profile('rnd', '0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0c02', 'veth2', 'random')),
        'etc/nmk/system-connections/keep.nmconnection': file(profile('keep', '0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0c03', 'veth4')),
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  const mac = async (dev: string): Promise<string> => (await ns.ipJson<any[]>(['link', 'show', 'dev', dev]))[0].address;
  const up = async (id: string) => {
    const r = await d.nmcli(['connection', 'up', id], { timeoutMs: 30_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
  };
  const localUnicast = (m: string) => parseInt(m.slice(0, 2), 16) & 3;

  it('stable: NetworkManager\'s address for the host, interface and UUID, the same at every activation', async () => {
    const hostId = hostIdFromSecretKey(Buffer.from(SECRET_KEY), MACHINE_ID)!;
    const expected = stableMac(StableType.Uuid, STABLE_UUID, hostId, 'veth0');
    expect(localUnicast(expected)).toBe(2);
    expect(await mac('veth0')).not.toBe(expected);
    await up('st');
    expect(await mac('veth0')).toBe(expected);
    await up('st');
    expect(await mac('veth0')).toBe(expected);
    expect((await d.nmcli(['connection', 'down', 'st'])).code).toBe(0);
    await up('st');
    expect(await mac('veth0')).toBe(expected);
    expect((await d.nmcli(['-t', '-f', 'GENERAL.HWADDR', 'device', 'show', 'veth0'])).stdout.trim().toLowerCase()).toBe(`general.hwaddr:${expected}`);
  });

  it('random: a new locally administered unicast address at each activation', async () => {
    const before = await mac('veth2');
    await up('rnd');
    const first = await mac('veth2');
    await up('rnd');
    const second = await mac('veth2');
    expect(new Set([before, first, second]).size).toBe(3);
    for (const m of [first, second]) expect(localUnicast(m)).toBe(2);
  });

  it('unset (preserve): the address stays as it was', async () => {
    const before = await mac('veth4');
    await up('keep');
    expect(await mac('veth4')).toBe(before);
  });
});
