/**
 * connection.multi-connect with the real nmcli, as NetworkManager 1.42 does
 * it: a `single` profile moves to the device it is brought up on; a
 * `manual-multiple` one stays up where it was when brought up on a second
 * device by hand; a `multiple` one autoconnects on every device it fits.
 * Profiles name no interface (that is what lets them fit several devices).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const profile = (id: string, n: number, multi: number, autoconnect: boolean) => `[connection]
id=${id}
uuid=6d1f0c3e-58a1-4c55-9b6e-00000000000${n}
type=ethernet
autoconnect=${autoconnect}
multi-connect=${multi}

[ipv4]
method=manual
address1=192.0.2.${50 + n}/24

[ipv6]
method=ignore
`;

const file = (text: string) => ({ text, mode: 0o600 });

describe('connection.multi-connect (veths, real nmcli)', () => {
  let ns: Netns;
  let d: Daemon;

  beforeAll(async () => {
    ns = await Netns.create('nmkm');
    await ns.addVeth('veth0', 'veth1');
    await ns.addVeth('veth2', 'veth3');
    for (const l of ['veth0', 'veth1', 'veth2', 'veth3']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:veth1;interface-name:veth3\n',
      files: {
        'etc/nmk/system-connections/single.nmconnection': file(profile('single', 1, 1, false)),
        'etc/nmk/system-connections/manual.nmconnection': file(profile('manual', 2, 2, false)),
        'etc/nmk/system-connections/every.nmconnection': file(profile('every', 3, 3, true)),
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  const active = async () => parseTerse((await d.nmcli(['-t', '-f', 'NAME,DEVICE', 'connection', 'show', '--active'])).stdout).sort();
  const addrs = async (dev: string) => ((await ns.ipJson<any[]>(['-4', 'addr', 'show', 'dev', dev]))[0]?.addr_info ?? []).map((a: any) => `${a.local}/${a.prefixlen}`);

  it('multiple: autoconnect brings the profile up on both devices it fits', async () => {
    await expect.poll(active, { timeout: 30_000 }).toEqual([
      ['every', 'veth0'],
      ['every', 'veth2'],
    ]);
    expect(await addrs('veth0')).toEqual(['192.0.2.53/24']);
    expect(await addrs('veth2')).toEqual(['192.0.2.53/24']);
    // Two active connections of one profile: two paths.
    const paths = parseTerse((await d.nmcli(['-t', '-f', 'NAME,ACTIVE-PATH', 'connection', 'show', '--active'])).stdout).map((r) => r[1]);
    expect(new Set(paths).size).toBe(2);
  });

  it('single: brought up on a second device, it leaves the first', async () => {
    for (const dev of ['veth0', 'veth2']) expect((await d.nmcli(['device', 'disconnect', dev])).code).toBe(0);
    let r = await d.nmcli(['connection', 'up', 'single', 'ifname', 'veth0'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    r = await d.nmcli(['connection', 'up', 'single', 'ifname', 'veth2'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(await active()).toEqual([['single', 'veth2']]);
    expect(await addrs('veth0')).toEqual([]);
    expect(await addrs('veth2')).toEqual(['192.0.2.51/24']);
  });

  it('manual-multiple: brought up by hand on a second device, it stays up on the first', async () => {
    expect((await d.nmcli(['connection', 'down', 'single'])).code).toBe(0);
    let r = await d.nmcli(['connection', 'up', 'manual', 'ifname', 'veth0'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    r = await d.nmcli(['connection', 'up', 'manual', 'ifname', 'veth2'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(await active()).toEqual([
      ['manual', 'veth0'],
      ['manual', 'veth2'],
    ]);
    expect(await addrs('veth0')).toEqual(['192.0.2.52/24']);
    expect(await addrs('veth2')).toEqual(['192.0.2.52/24']);
  });

  it('without ifname, a manual-multiple profile takes a device it is not on yet; with none left it is refused', async () => {
    expect((await d.nmcli(['connection', 'down', 'manual'])).code).toBe(0);
    await expect.poll(active, { timeout: 10_000 }).toEqual([]);
    let r = await d.nmcli(['connection', 'up', 'manual'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    r = await d.nmcli(['connection', 'up', 'manual'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect((await active()).map((row) => row[1])).toEqual(['veth0', 'veth2']);
    r = await d.nmcli(['connection', 'up', 'manual'], { timeoutMs: 30_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no free device fits it/);
  });
});
