/**
 * bridge-port.priority, path-cost and hairpin-mode with the real nmcli and
 * the real kernel: nmk sets them in one rtnetlink link change on the
 * attached port (IFLA_INFO_SLAVE_DATA), and what the kernel holds is read
 * back with `ip -d -j link show` (its info_slave_data). A reapply changes
 * them on the live port without detaching it; a re-activation sets them
 * anew on the re-attached port; a priority or path cost of 0 means
 * NetworkManager's default (32, 100), not the kernel's (a veth's path cost is 2).
 *
 * Read back: a bridge and ports made by `ip`, one with its own priority,
 * cost and hairpin mode, are shown "connected (externally)" with generated
 * profiles whose bridge-port settings are what the kernel holds, defaults
 * included, exactly as NetworkManager 1.42 prints them (run after nmkd on
 * the same links).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';
import { startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';

const BRIDGE = `[connection]
id=brp
uuid=5d0f6a0e-2b1c-4e59-9d1a-7b7c0c0b0001
type=bridge
interface-name=brp
autoconnect=false

[bridge]
stp=false

[ipv4]
method=disabled

[ipv6]
method=disabled
`;

const PORT = `[connection]
id=brp-port
uuid=5d0f6a0e-2b1c-4e59-9d1a-7b7c0c0b0002
type=ethernet
interface-name=vp0
master=brp
slave-type=bridge
autoconnect=false

[bridge-port]
priority=7
path-cost=42
hairpin-mode=true
`;

const file = (text: string) => ({ text, mode: 0o600 });

describe('bridge port options over netlink (real nmcli, real kernel)', () => {
  let ns: Netns;
  let d: Daemon;

  beforeAll(async () => {
    ns = await Netns.create('nmkbp');
    await ns.addVeth('vp0', 'vp1');
    for (const l of ['vp0', 'vp1']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:vp1\n',
      files: {
        'etc/nmk/system-connections/brp.nmconnection': file(BRIDGE),
        'etc/nmk/system-connections/brp-port.nmconnection': file(PORT),
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  const ok = async (args: string[]) => {
    const r = await d.nmcli(args, { timeoutMs: 30_000 });
    const said = d.logs.filter((l) => l.level === 'warn' || l.level === 'error').slice(-5).map((l) => JSON.stringify(l)).join('\n');
    expect(r.code, `nmcli ${args.join(' ')}: ${r.stderr}${r.stdout}\n${said}`).toBe(0);
    return r.stdout;
  };
  /** The port as the kernel reports it: its controller and its bridge port options. */
  const port = async () => {
    const l = (await ns.ipJson<any[]>(['-d', 'link', 'show', 'vp0']))[0];
    const data = l.linkinfo?.info_slave_data ?? {};
    return { master: l.master, ifindex: l.ifindex, kind: l.linkinfo?.info_slave_kind, priority: data.priority, cost: data.cost, hairpin: data.hairpin };
  };

  it("activation attaches the port and sets the profile's priority, path cost and hairpin mode", async () => {
    await ok(['connection', 'up', 'brp-port']);
    expect(await port()).toMatchObject({ master: 'brp', kind: 'bridge', priority: 7, cost: 42, hairpin: true });
    // The same values where sysfs shows them.
    const brport = async (f: string) => (await ns.exec('cat', [`/sys/class/net/vp0/brport/${f}`])).stdout.trim();
    expect([await brport('priority'), await brport('path_cost'), await brport('hairpin_mode')]).toEqual(['7', '42', '1']);
  });

  it('a reapply with changed values changes them on the live port, which stays attached', async () => {
    const before = await port();
    await ok(['connection', 'modify', 'brp-port', 'bridge-port.priority', '9', 'bridge-port.path-cost', '50', 'bridge-port.hairpin-mode', 'no']);
    await ok(['device', 'reapply', 'vp0']);
    expect(await port()).toMatchObject({ master: 'brp', ifindex: before.ifindex, priority: 9, cost: 50, hairpin: false });
    expect((await ok(['-g', 'GENERAL.STATE', 'device', 'show', 'vp0'])).trim()).toMatch(/^100 /);
  });

  it('a re-activation with changed values sets them on the re-attached port', async () => {
    await ok(['connection', 'modify', 'brp-port', 'bridge-port.priority', '11', 'bridge-port.path-cost', '60', 'bridge-port.hairpin-mode', 'yes']);
    await ok(['connection', 'up', 'brp-port']);
    expect(await port()).toMatchObject({ master: 'brp', priority: 11, cost: 60, hairpin: true });
  });

  it("a priority or path cost of 0 gets NetworkManager's default, not the kernel's; taking the bridge down releases the port", async () => {
    await ok(['connection', 'modify', 'brp-port', 'bridge-port.priority', '0', 'bridge-port.path-cost', '0', 'bridge-port.hairpin-mode', 'no']);
    await ok(['connection', 'up', 'brp-port']);
    expect(await port()).toMatchObject({ master: 'brp', priority: 32, cost: 100, hairpin: false });
    await ok(['connection', 'down', 'brp']);
    await expect.poll(async () => (await ns.tryExec('ip', ['link', 'show', 'brp'])).code, { timeout: 10_000 }).not.toBe(0);
    expect((await port()).master).toBeUndefined();
  });
});

describe('bridge port options read back for ports another tool configured (real nmcli, real kernel, NetworkManager 1.42 beside)', () => {
  let ns: Netns;
  let d: Daemon | undefined;
  let nm: NetworkManagerInstance | undefined;
  const unmanaged = 'interface-name:vp1;interface-name:vq1';

  beforeAll(async () => {
    ns = await Netns.create('nmkbx');
    await ns.addVeth('vp0', 'vp1');
    await ns.addVeth('vq0', 'vq1');
    for (const l of ['vp0', 'vp1', 'vq0', 'vq1']) await ns.ip(['link', 'set', l, 'up']);
    await ns.ip(['link', 'add', 'brx', 'type', 'bridge', 'stp_state', '0']);
    await ns.ip(['link', 'set', 'vp0', 'master', 'brx']);
    await ns.ip(['link', 'set', 'vq0', 'master', 'brx']);
    await ns.ip(['link', 'set', 'vp0', 'type', 'bridge_slave', 'priority', '7', 'cost', '42', 'hairpin', 'on']);
    await ns.ip(['link', 'set', 'brx', 'up']);
    // An address makes the bridge one NetworkManager 1.42 describes whatever the order it sees the links in
    // (a bridge with only link-local addresses waits for an event to notice its ports, and may wait forever).
    await ns.ip(['addr', 'add', '192.0.2.1/24', 'dev', 'brx']);
    d = await startDaemon({ ns, profile: 'server', config: `[keyfile]\nunmanaged-devices=${unmanaged}\n` });
  });
  afterAll(async () => {
    await d?.cleanup();
    await nm?.cleanup();
    await ns?.destroy();
  });

  /** The ports' options as the kernel holds them. */
  const kernel = async (port: string) => {
    const data = (await ns.ipJson<any[]>(['link', 'show', port]))[0].linkinfo?.info_slave_data ?? {};
    return { priority: data.priority, cost: data.cost, hairpin: data.hairpin };
  };
  const bridgePort = async (run: (args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>, port: string) => {
    const r = await run(['-t', '-f', 'bridge-port', 'connection', 'show', port]);
    expect(r.code, `${port}: ${r.stderr}`).toBe(0);
    return r.stdout.trim().split('\n');
  };
  const shownExternal = async (run: (args: string[]) => Promise<{ stdout: string }>) =>
    expect.poll(async () => parseTerse((await run(['-t', '-f', 'DEVICE,STATE,CONNECTION', 'device'])).stdout), { timeout: 20_000 }).toEqual(
      expect.arrayContaining([
        ['brx', 'connected (externally)', 'brx'],
        ['vp0', 'connected (externally)', 'vp0'],
        ['vq0', 'connected (externally)', 'vq0'],
      ]),
    );
  let nmkShows: Record<string, string[]> = {};

  it("shows the kernel's priority, path cost and hairpin mode in each port's generated profile, and changes none of them", async () => {
    await shownExternal((args) => d!.nmcli(args));
    // vq0 keeps the kernel's defaults: priority 32, a cost from the veth's speed (2), hairpin off.
    const vq0 = await kernel('vq0');
    expect(vq0).toMatchObject({ priority: 32, hairpin: false });
    nmkShows = { vp0: await bridgePort((args) => d!.nmcli(args), 'vp0'), vq0: await bridgePort((args) => d!.nmcli(args), 'vq0') };
    expect(nmkShows.vp0).toEqual(['bridge-port.priority:7', 'bridge-port.path-cost:42', 'bridge-port.hairpin-mode:yes', 'bridge-port.vlans:']);
    expect(nmkShows.vq0).toEqual(['bridge-port.priority:32', `bridge-port.path-cost:${vq0.cost}`, 'bridge-port.hairpin-mode:no', 'bridge-port.vlans:']);
    const master = (await d!.nmcli(['-t', '-f', 'connection.slave-type', 'connection', 'show', 'vp0'])).stdout.trim();
    expect(master).toBe('connection.slave-type:bridge');
    expect(await kernel('vp0')).toEqual({ priority: 7, cost: 42, hairpin: true });
    expect(await kernel('vq0')).toEqual(vq0);
  });

  it('prints them as NetworkManager 1.42 does for the same links', async () => {
    if (!nm) {
      // nmkd leaves the kernel as it is; cleanup() later removes its state root and bus.
      expect(await d!.stop()).toBe(0);
      nm = await startNetworkManager({ ns, networking: true, extraConfig: `[keyfile]\nunmanaged-devices=${unmanaged}\n` });
    }
    await shownExternal((args) => nm!.nmcli(args));
    expect(await bridgePort((args) => nm!.nmcli(args), 'vp0')).toEqual(nmkShows.vp0);
    expect(await bridgePort((args) => nm!.nmcli(args), 'vq0')).toEqual(nmkShows.vq0);
  });
});
