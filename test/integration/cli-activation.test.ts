/**
 * The nmk command line's activation commands against the real daemon in a
 * namespace: `connection up` prints each state as it happens and nmcli's
 * success line, and the address is in the kernel; `down` removes it; device
 * connect/disconnect/reapply/set; a DHCP profile with no server fails with exit 4 and
 * its reason; unknown names are exit 10, bad command lines exit 2, --wait 0
 * returns at once, and a bus without the daemon is exit 8 naming the bus.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { JITI_CLI, Netns, REPO_ROOT, type ExecResult } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const LAN_UUID = '0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0201';
const LAN = `[connection]
id=lan
uuid=${LAN_UUID}
type=ethernet
interface-name=veth0
autoconnect=false

[ipv4]
method=manual
address1=192.0.2.10/24

[ipv6]
method=manual
address1=2001:db8::10/64
`;

const DHCP = `[connection]
id=dhcp
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0202
type=ethernet
interface-name=veth2
autoconnect=false

[ipv4]
method=auto
dhcp-timeout=3

[ipv6]
method=auto
ra-timeout=3
`;

/** The CLI from source, as a user runs it, against a bus. */
function nmk(busAddress: string, args: string[]): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [JITI_CLI, path.join(REPO_ROOT, 'cli/main.ts'), ...args], { env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress }, timeout: 100_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter(Boolean);

/** Each test runs the CLI a few times, each a node and jiti start-up: slow on a loaded 2-core machine. */
const SLOW = 150_000;

describe('nmk connection up/down and device commands (real daemon, veths)', () => {
  let ns: Netns;
  let d: Daemon;
  const run = (args: string[]) => nmk(d.busAddress, args);

  beforeAll(async () => {
    ns = await Netns.create('nmkc');
    await ns.addVeth('veth0', 'veth1');
    await ns.addVeth('veth2', 'veth3');
    for (const l of ['veth0', 'veth1', 'veth2', 'veth3']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:veth1;interface-name:veth3\n',
      files: {
        'etc/nmk/system-connections/lan.nmconnection': LAN,
        'etc/nmk/system-connections/dhcp.nmconnection': DHCP,
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  const addrs = async (dev: string) =>
    ((await ns.ipJson<any[]>(['addr', 'show', 'dev', dev]))[0]?.addr_info ?? []).filter((a: any) => a.scope === 'global').map((a: any) => `${a.local}/${a.prefixlen}`).sort();
  const deviceRow = async (dev: string) => parseTerse((await d.nmcli(['-t', '-f', 'DEVICE,STATE,CONNECTION', 'device'])).stdout).find((r) => r[0] === dev);

  it('up prints each state in order and the success line; the addresses are in the kernel', async () => {
    const r = await run(['connection', 'up', 'lan']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual([
      'lan: activating',
      'veth0: connecting (prepare)',
      'veth0: connecting (configuring)',
      'veth0: connecting (getting IP configuration)',
      'veth0: connecting (checking IP connectivity)',
      'veth0: connecting (starting secondary connections)',
      'veth0: connected',
      'lan: activated',
      expect.stringMatching(/^Connection successfully activated \(D-Bus active path: \/org\/freedesktop\/NetworkManager\/ActiveConnection\/\d+\)$/),
    ]);
    expect(await addrs('veth0')).toEqual(['192.0.2.10/24', '2001:db8::10/64']);
    expect(await deviceRow('veth0')).toEqual(['veth0', 'connected', 'lan']);
  }, SLOW);

  it('up of the active profile activates it again: the old activation is seen ending, then the new one succeeds', async () => {
    const r = await run(['connection', 'up', 'uuid', LAN_UUID]);
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out.slice(0, 3)).toEqual(['veth0: deactivating (reason: new-activation)', 'veth0: disconnected (reason: new-activation)', 'lan: activating']);
    expect(out.at(-1)).toMatch(/^Connection successfully activated/);
    expect(await addrs('veth0')).toEqual(['192.0.2.10/24', '2001:db8::10/64']);
    expect(parseTerse((await d.nmcli(['-t', '-f', 'NAME,DEVICE', 'connection', 'show', '--active'])).stdout)).toEqual([['lan', 'veth0']]);
  }, SLOW);

  it('down removes the addresses and says so as nmcli; a second down is exit 10', async () => {
    const r = await run(['connection', 'down', 'lan']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toContain('lan: deactivated (reason: user-disconnected)');
    expect(lines(r.stdout).at(-1)).toMatch(/^Connection 'lan' successfully deactivated \(D-Bus active path: \/org\/freedesktop\/NetworkManager\/ActiveConnection\/\d+\)$/);
    expect(await addrs('veth0')).toEqual([]);
    const again = await run(['connection', 'down', 'lan']);
    expect([again.code, again.stderr.trim()]).toEqual([10, "Error: 'lan' is not an active connection."]);
  }, SLOW);

  it('device connect picks the profile and follows it; disconnect takes it down; a second disconnect is exit 6', async () => {
    let r = await run(['device', 'connect', 'veth0']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout).at(-1)).toBe(`Device 'veth0' successfully activated with '${LAN_UUID}'.`);
    expect(await addrs('veth0')).toEqual(['192.0.2.10/24', '2001:db8::10/64']);
    r = await run(['device', 'disconnect', 'veth0']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout).at(-1)).toBe("Device 'veth0' successfully disconnected.");
    expect(await addrs('veth0')).toEqual([]);
    expect(await deviceRow('veth0')).toEqual(['veth0', 'disconnected', '']);
    r = await run(['device', 'disconnect', 'veth0']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^Error: Device 'veth0' \(\/org\/freedesktop\/NetworkManager\/Devices\/\d+\) disconnecting failed: .*not active/);
  }, SLOW);

  it('reapply after a modify changes the address in place', async () => {
    expect((await run(['connection', 'up', 'lan'])).code).toBe(0);
    expect((await d.nmcli(['connection', 'modify', 'lan', 'ipv4.addresses', '192.0.2.11/24'])).code).toBe(0);
    expect(await addrs('veth0')).toContain('192.0.2.10/24');
    const r = await run(['device', 'reapply', 'veth0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("Connection successfully reapplied to device 'veth0'.");
    expect(await addrs('veth0')).toEqual(['192.0.2.11/24', '2001:db8::10/64']);
  }, SLOW);

  it('set managed no makes a device unmanaged and yes gives it back; autoconnect is set too', async () => {
    let r = await run(['device', 'set', 'veth2', 'managed', 'no']);
    expect(r.code, r.stderr).toBe(0);
    expect(await deviceRow('veth2')).toEqual(['veth2', 'unmanaged', '']);
    r = await run(['device', 'set', 'veth2', 'managed', 'yes', 'autoconnect', 'no']);
    expect(r.code, r.stderr).toBe(0);
    expect(await deviceRow('veth2')).toEqual(['veth2', 'disconnected', '']);
    expect((await d.nmcli(['-g', 'GENERAL.AUTOCONNECT', 'device', 'show', 'veth2'])).stdout.trim()).toBe('no');
  }, SLOW);

  it('a profile whose DHCP server and router never answer fails with exit 4 naming the reason; nothing is left on the device', async () => {
    const r = await run(['connection', 'up', 'dhcp']);
    expect(r.code).toBe(4);
    expect(lines(r.stdout)).toContain('veth2: connection failed (reason: ip-config-unavailable)');
    expect(r.stderr.trim()).toBe('Error: Connection activation failed: IP configuration could not be reserved (no available address, timeout, etc.) (device veth2: ip-config-unavailable; connection: device-disconnected).');
    expect(await addrs('veth2')).toEqual([]);
  }, SLOW);

  it('--wait 0 returns once the daemon accepted the request, printing nothing, as nmcli -w 0', async () => {
    // Start from a known state whatever the tests before left: up, then down.
    expect((await run(['connection', 'up', 'lan'])).code).toBe(0);
    expect((await run(['connection', 'down', 'lan'])).code).toBe(0);
    const r = await run(['connection', 'up', 'lan', '--wait', '0']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    // nmcli -w 0 prints nothing, unless the connection is already activated when the reply comes
    // (a static profile on a fast machine), then its usual success line.
    expect(r.stdout).toMatch(/^(|Connection successfully activated \(D-Bus active path: \/org\/freedesktop\/NetworkManager\/ActiveConnection\/\d+\)\n)$/);
    await expect.poll(() => deviceRow('veth0'), { timeout: 20_000 }).toEqual(['veth0', 'connected', 'lan']);
    // The profile's address as it is now (the reapply test before changes it).
    const v4 = (await d.nmcli(['-g', 'ipv4.addresses', 'connection', 'show', 'lan'])).stdout.trim();
    expect(await addrs('veth0')).toEqual([v4, '2001:db8::10/64']);
  }, SLOW);

  it('unknown names are exit 10 naming them; bad command lines are exit 2 with the usage', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['connection', 'up', 'nosuch'], 10, /^Error: unknown connection 'nosuch'\.$/m],
      [['connection', 'up', 'lan', 'ifname', 'veth9'], 10, /^Error: Device 'veth9' not found\.$/m],
      [['device', 'connect', 'veth9'], 10, /^Error: Device 'veth9' not found\.$/m],
      [['connection', 'up'], 2, /^Error: No connection specified\.\nUsage: nmk connection up/],
      [['device', 'set', 'veth0', 'managed'], 2, /^Error: 'managed' argument is missing\.\nUsage: nmk device/],
      [['connection', 'up', 'lan', '--frobnicate'], 2, /^Error: Option '--frobnicate' is unknown/],
    ];
    for (const [args, code, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  }, SLOW);

  it('a bus where nothing answers is exit 8 naming the bus address', async () => {
    const address = `unix:path=${path.join(d.root, 'no-such-bus')}`;
    const r = await nmk(address, ['connection', 'up', 'lan']);
    expect(r.code).toBe(8);
    expect(r.stderr).toContain(address);
  });
});
