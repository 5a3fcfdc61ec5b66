/**
 * Three things NetworkManager 1.42 does around deactivation and restarts,
 * with the real kernel and the real nmcli (each checked against
 * NetworkManager itself, side by side in a namespace):
 * - a cloned MAC (stable) is on the link while the profile is up, and the
 *   address from before is back after `nmcli connection down`; after a kill -9
 *   and a restart the daemon no longer knows it, and the link keeps the
 *   generated one;
 * - a bridge nmkd created is deleted by `nmcli connection down` even after
 *   nmkd was killed with -9 and restarted; a bridge made by `ip` and taken
 *   over is kept;
 * - of two profiles for one device with the same autoconnect-priority, the
 *   one used most recently (connection.timestamp) autoconnects after a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startPrivateBus, type PrivateBus } from '../harness/dbus.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const file = (text: string) => ({ text, mode: 0o600 });
const ORIGINAL = '02:00:00:00:5e:01';

const keyfile = (id: string, uuid: string, ifname: string, body: string, type = 'ethernet', autoconnect = false) => `[connection]
id=${id}
uuid=${uuid}
type=${type}
interface-name=${ifname}
autoconnect=${autoconnect}

${body}
`;
const ip4 = (address: string) => `[ipv4]\nmethod=manual\naddress1=${address}\n\n[ipv6]\nmethod=ignore\n`;

/** Each describe block: its namespace, a bus and a state root that restarts keep. */
function lane(prefix: string, veths: Array<[string, string]>, config: string, files: Record<string, { text: string; mode: number }>) {
  const t = {} as { ns: Netns; bus: PrivateBus; root: string; d?: Daemon };
  beforeAll(async () => {
    t.ns = await Netns.create(prefix);
    t.root = await mkdtemp(path.join(os.tmpdir(), 'nmk-root-'));
    t.bus = await startPrivateBus();
    for (const [a, b] of veths) {
      await t.ns.addVeth(a, b);
      for (const l of [a, b]) await t.ns.ip(['link', 'set', l, 'up']);
    }
  });
  afterAll(async () => {
    await t.d?.cleanup();
    await t.bus?.stop();
    await t.ns?.destroy();
    if (t.root) await rm(t.root, { recursive: true, force: true });
  });
  const start = async () => (t.d = await startDaemon({ ns: t.ns, root: t.root, busAddress: t.bus.address, profile: 'server', config, files }));
  const nmcli = async (args: string[]) => {
    const r = await t.d!.nmcli(args, { timeoutMs: 30_000 });
    expect(r.code, `nmcli ${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
    return r.stdout;
  };
  const active = async () => parseTerse(await nmcli(['-t', '-f', 'NAME,DEVICE,STATE', 'connection', 'show', '--active'])).sort();
  const links = async () => (await t.ns.ipJson<Array<{ ifname: string }>>(['link', 'show'])).map((l) => l.ifname);
  return { t, start, nmcli, active, links };
}

describe('the MAC address after nmcli connection down', () => {
  const STABLE = keyfile('st', '6c7d1e2f-0000-4000-8000-00000000c001', 'veth0', `[ethernet]\ncloned-mac-address=stable\n\n${ip4('192.0.2.20/24')}`);
  const l = lane('nmkm', [['veth0', 'veth1']], '[keyfile]\nunmanaged-devices=interface-name:veth1\n', { 'etc/nmk/system-connections/st.nmconnection': file(STABLE) });
  const mac = async () => (await l.t.ns.ipJson<Array<{ address: string }>>(['link', 'show', 'dev', 'veth0']))[0]!.address;

  it('stable: the generated address while up, the address from before once down', async () => {
    await l.t.ns.ip(['link', 'set', 'veth0', 'address', ORIGINAL]);
    await l.start();
    await l.nmcli(['connection', 'up', 'st']);
    const generated = await mac();
    expect(generated).not.toBe(ORIGINAL);
    expect(parseInt(generated.slice(0, 2), 16) & 3).toBe(2);
    await l.nmcli(['connection', 'down', 'st']);
    expect(await mac()).toBe(ORIGINAL);
  });

  it('after kill -9 and a restart the address from before is not known any more: down leaves the generated one (as NetworkManager)', async () => {
    await l.nmcli(['connection', 'up', 'st']);
    const generated = await mac();
    await l.t.d!.kill();
    await l.start();
    await expect.poll(l.active, { timeout: 20_000 }).toContainEqual(['st', 'veth0', 'activated']);
    await l.nmcli(['connection', 'down', 'st']);
    expect(await mac()).toBe(generated);
  });
});

describe('a bridge nmkd created, after kill -9 and a restart', () => {
  const BR0 = keyfile('br0', '6c7d1e2f-0000-4000-8000-00000000b000', 'br0', `[bridge]\nstp=false\n\n${ip4('198.51.100.1/24')}`, 'bridge');
  const BR1 = keyfile('br1', '6c7d1e2f-0000-4000-8000-00000000b001', 'br1', `[bridge]\nstp=false\n\n${ip4('198.51.100.129/25')}`, 'bridge');
  const l = lane('nmkb', [], '', {
    'etc/nmk/system-connections/br0.nmconnection': file(BR0),
    'etc/nmk/system-connections/br1.nmconnection': file(BR1),
  });

  it('nmcli connection down deletes the bridge nmkd created, and keeps the one made by ip', async () => {
    // br1: made by ip, as its profile describes it: taken over at start.
    await l.t.ns.ip(['link', 'add', 'br1', 'type', 'bridge', 'stp_state', '0']);
    await l.t.ns.ip(['link', 'set', 'br1', 'up']);
    await l.t.ns.ip(['addr', 'add', '198.51.100.129/25', 'dev', 'br1']);
    await l.start();
    await expect.poll(l.active, { timeout: 20_000 }).toContainEqual(['br1', 'br1', 'activated']);
    // br0: created by nmkd.
    expect(await l.links()).not.toContain('br0');
    await l.nmcli(['connection', 'up', 'br0']);
    expect(await l.links()).toContain('br0');

    await l.t.d!.kill();
    await l.start();
    await expect.poll(l.active, { timeout: 20_000 }).toEqual([
      ['br0', 'br0', 'activated'],
      ['br1', 'br1', 'activated'],
    ]);
    await l.nmcli(['connection', 'down', 'br0']);
    await l.nmcli(['connection', 'down', 'br1']);
    await expect.poll(l.links, { timeout: 10_000 }).not.toContain('br0');
    expect(await l.links()).toContain('br1');
  });
});

describe('autoconnect between two profiles of equal priority, after a restart', () => {
  // "old" has the smaller UUID and comes first by file name: only its timestamp can make "new" win.
  const OLD = keyfile('old', '00000000-0000-4000-8000-00000000a001', 'veth0', ip4('203.0.113.1/24'), 'ethernet', true);
  const NEW = keyfile('new', 'ffffffff-0000-4000-8000-00000000a002', 'veth0', ip4('203.0.113.2/24'), 'ethernet', true);
  const l = lane('nmka', [['veth0', 'veth1']], '[keyfile]\nunmanaged-devices=interface-name:veth1\n', {
    'etc/nmk/system-connections/a-old.nmconnection': file(OLD),
    'etc/nmk/system-connections/b-new.nmconnection': file(NEW),
  });
  const stamp = async (id: string) => Number((await l.nmcli(['-g', 'connection.timestamp', 'connection', 'show', id])).trim());

  it('the profile activated most recently wins', async () => {
    await l.start();
    await expect.poll(l.active, { timeout: 20_000 }).toContainEqual(['old', 'veth0', 'activated']);
    await l.nmcli(['connection', 'up', 'new']);
    // The carrier goes: after NetworkManager's grace time "new" goes down by itself (not by the user), and is stamped then.
    await l.t.ns.ip(['link', 'set', 'veth1', 'down']);
    await expect.poll(l.active, { timeout: 20_000 }).toEqual([]);
    expect(await stamp('new')).toBeGreaterThan(await stamp('old'));
    expect(await l.t.d!.stop()).toBe(0);
    await l.t.ns.ip(['link', 'set', 'veth1', 'up']);
    await l.start();
    await expect.poll(l.active, { timeout: 20_000 }).toEqual([['new', 'veth0', 'activated']]);
  });
});
