/**
 * nmkd in a network namespace on a private bus, seen by Debian's real nmcli
 * and by a plain D-Bus client: device objects with the right types appear and
 * disappear with the links, follow their changes, honour unmanaged-devices
 * and SIGHUP, and the manager, settings and DNS objects answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NMDeviceType } from '../../sdk/index.js';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { testClient, type TestClient } from '../harness/dbus.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const NM = 'org.freedesktop.NetworkManager';
const DEV = `${NM}.Device`;

function plain(v: any): any {
  if (v && typeof v === 'object' && 'signature' in v && 'value' in v) return plain(v.value);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('nmkd seen by nmcli and D-Bus clients', () => {
  let ns: Netns;
  let daemon: Daemon;
  let client: TestClient;

  const managed = async () => plain((await client.call(NM, '/org/freedesktop', 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects')).body[0]) as Record<string, Record<string, any>>;
  const deviceByName = async (name: string) => {
    const objs = await managed();
    const entry = Object.entries(objs).find(([, ifs]) => ifs[DEV]?.Interface === name);
    return entry ? { path: entry[0], ifaces: entry[1] } : undefined;
  };
  const until = async <T>(fn: () => Promise<T | undefined | false>, what: string, ms = 5000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v as T;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    ns = await Netns.create('nmkn');
    await ns.addVeth('veth0', 'veth1');
    await ns.ip(['link', 'add', 'br0', 'type', 'bridge']);
    await ns.ip(['link', 'add', 'mv0', 'link', 'veth0', 'type', 'macvlan', 'mode', 'bridge']);
    // No default wired connection: this file is about the manager and its devices, not policy.
    daemon = await startDaemon({ ns, config: '[main]\nno-auto-default=*\n[keyfile]\nunmanaged-devices=interface-name:veth1\n' });
    client = await testClient(daemon.busAddress);
  });

  afterAll(async () => {
    await client?.close();
    await daemon?.cleanup();
    await ns?.destroy();
  });

  it('nmcli lists every link of the namespace with its type and state', async () => {
    const r = await daemon.nmcli(['-t', '-f', 'DEVICE,TYPE,STATE', 'device']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseTerse(r.stdout).sort((a, b) => a[0]!.localeCompare(b[0]!));
    // libnm names a veth's type "ethernet" (nm_device_get_type_description), as NetworkManager does.
    expect(rows).toEqual([
      ['br0', 'bridge', 'unavailable'],
      ['lo', 'loopback', 'unmanaged'],
      ['mv0', 'macvlan', 'unavailable'],
      ['veth0', 'ethernet', 'unavailable'],
      ['veth1', 'ethernet', 'unmanaged'],
    ]);
  });

  it('exports the type interfaces libnm needs, with NetworkManager device types', async () => {
    const veth0 = (await deviceByName('veth0'))!;
    const veth1 = (await deviceByName('veth1'))!;
    expect(veth0.ifaces[DEV].DeviceType).toBe(NMDeviceType.VETH);
    expect(Object.keys(veth0.ifaces)).toEqual(expect.arrayContaining([`${NM}.Device.Wired`, `${NM}.Device.Veth`]));
    expect(veth0.ifaces[`${NM}.Device.Veth`].Peer).toBe(veth1.path);
    const links = await ns.ipJson<any[]>(['link', 'show', 'veth0']);
    expect(veth0.ifaces[DEV].HwAddress).toBe(links[0].address.toUpperCase());
    expect(veth0.ifaces[DEV].Mtu).toBe(links[0].mtu);
    const br0 = (await deviceByName('br0'))!;
    expect(br0.ifaces[DEV].DeviceType).toBe(NMDeviceType.BRIDGE);
    expect(br0.ifaces[`${NM}.Device.Bridge`]).toBeDefined();
    const mv0 = (await deviceByName('mv0'))!;
    expect(mv0.ifaces[`${NM}.Device.Macvlan`].Parent).toBe(veth0.path);
    expect(mv0.ifaces[`${NM}.Device.Macvlan`].Mode).toBe('bridge');
    expect(veth1.ifaces[DEV].Managed).toBe(false);
    expect(veth1.ifaces[DEV].StateReason).toEqual([10, 74]); // unmanaged, by user config
  });

  it('adds and removes device objects with the links, with InterfacesAdded/Removed and Devices', async () => {
    const added = await client.subscribe(`type='signal',interface='org.freedesktop.DBus.ObjectManager',member='InterfacesAdded'`);
    const removed = await client.subscribe(`type='signal',interface='org.freedesktop.DBus.ObjectManager',member='InterfacesRemoved'`);
    await ns.ip(['link', 'add', 'br9', 'type', 'bridge']);
    const sig = await client.waitFor(added, (m) => plain(m.body[1])?.[DEV]?.Interface === 'br9');
    const br9Path = sig.body[0] as string;
    const devices = plain((await client.call(NM, '/org/freedesktop/NetworkManager', NM, 'GetDevices')).body[0]) as string[];
    expect(devices).toContain(br9Path);
    const listed = parseTerse((await daemon.nmcli(['-t', '-f', 'DEVICE', 'device'])).stdout).flat();
    expect(listed).toContain('br9');
    await ns.ip(['link', 'del', 'br9']);
    await client.waitFor(removed, (m) => m.body[0] === br9Path);
    expect(await deviceByName('br9')).toBeUndefined();
  });

  it('follows link changes: MTU, carrier and bridge ports', async () => {
    await ns.ip(['link', 'set', 'veth0', 'mtu', '1400']);
    await until(async () => (await deviceByName('veth0'))?.ifaces[DEV].Mtu === 1400, 'Mtu 1400');
    const r = await daemon.nmcli(['-g', 'GENERAL.MTU', 'device', 'show', 'veth0']);
    expect(r.stdout.trim()).toBe('1400');

    // veth1 is unmanaged, so only veth0's state follows the carrier.
    await ns.ip(['link', 'set', 'veth1', 'up']);
    await ns.ip(['link', 'set', 'veth0', 'up']);
    await until(async () => (await deviceByName('veth0'))?.ifaces[DEV].State === 30, 'veth0 disconnected (carrier)');

    // veth0 carries mv0, so the bridge gets a fresh pair's end as its port.
    await ns.addVeth('veth2', 'veth3');
    await ns.ip(['link', 'set', 'veth2', 'master', 'br0']);
    const veth2 = await until(() => deviceByName('veth2'), 'veth2 device');
    await until(async () => (await deviceByName('br0'))?.ifaces[`${NM}.Device.Bridge`].Slaves.includes(veth2.path), 'br0 Slaves');
    expect((await deviceByName('br0'))!.ifaces[DEV].Ports).toEqual([veth2.path]);
    await ns.ip(['link', 'set', 'veth2', 'nomaster']);
    await until(async () => (await deviceByName('br0'))?.ifaces[`${NM}.Device.Bridge`].Slaves.length === 0, 'br0 without ports');
  });

  it('nmcli general reports the manager; Settings and DnsManager answer', async () => {
    const r = await daemon.nmcli(['-t', '-f', 'STATE,CONNECTIVITY', 'general']);
    expect(r.code, r.stderr).toBe(0);
    // No device is activated: NetworkManager 1.42's connectivity guess is "none" (see connectivity.test.ts).
    expect(r.stdout.trim()).toBe('disconnected:none');
    const version = await daemon.nmcli(['-g', 'VERSION', 'general']).catch(() => undefined);
    expect(version === undefined || version.code !== 0 || /1\.42/.test(version.stdout)).toBe(true);
    const conns = await daemon.nmcli(['-t', 'connection', 'show']);
    expect(conns.code, conns.stderr).toBe(0);
    expect(conns.stdout.trim()).toBe('');
    const dns = plain((await client.call(NM, '/org/freedesktop/NetworkManager/DnsManager', 'org.freedesktop.DBus.Properties', 'Get', 'ss', [`${NM}.DnsManager`, 'Mode'])).body[0]);
    expect(dns).toBe('default');
  });

  it('the nmk CLI lists the same devices and manager state as nmcli', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { JITI_CLI, REPO_ROOT } = await import('../harness/netns.js');
    const nmk = (args: string[]) =>
      promisify(execFile)(process.execPath, [JITI_CLI, path.join(REPO_ROOT, 'cli/main.ts'), ...args], { env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: daemon.busAddress } });
    const ours = parseTerse((await nmk(['-t', '-f', 'DEVICE,TYPE,STATE', 'device'])).stdout).sort();
    const theirs = parseTerse((await daemon.nmcli(['-t', '-f', 'DEVICE,TYPE,STATE', 'device'])).stdout).sort();
    expect(ours).toEqual(theirs);
    const general = parseTerse((await nmk(['-t', '-f', 'STATE,VERSION', 'general'])).stdout);
    expect(general).toEqual([['disconnected', '1.42.4']]);
  });

  it('refuses a Set on a read-only property and leaves it unchanged', async () => {
    const veth0 = (await deviceByName('veth0'))!;
    const { Variant } = await import('dbus-next');
    const err = await client.callError(NM, veth0.path, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', [DEV, 'Mtu', new Variant('u', 9000)]);
    expect(err.name).toBe('org.freedesktop.DBus.Error.PropertyReadOnly');
    expect(err.message).not.toMatch(/at .*\.js|\.ts:\d+/);
    expect((await deviceByName('veth0'))!.ifaces[DEV].Mtu).toBe(1400);
  });

  it('re-reads the config on SIGHUP: a device the new config manages leaves unmanaged', async () => {
    fs.writeFileSync(path.join(daemon.root, 'etc/nmk/nmk.conf'), '[keyfile]\nunmanaged-devices=\n');
    process.kill(daemon.pid, 'SIGHUP');
    await daemon.waitForLog((l) => l.msg === 'configuration reloaded');
    await until(async () => (await deviceByName('veth1'))?.ifaces[DEV].Managed === true, 'veth1 managed');
    const rows = parseTerse((await daemon.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout);
    expect(rows).toContainEqual(['veth1', 'disconnected']);
  });

  it('stops on SIGTERM with status 0 and leaves links, addresses and routes as they were', async () => {
    await ns.ip(['addr', 'add', '10.9.0.1/24', 'dev', 'veth0']);
    // The kernel's own changes end first: IPv6 duplicate address detection of the links brought up earlier.
    await until(async () => (await ns.ip(['-6', 'addr', 'show', 'tentative'])).trim() === '', 'no tentative address left');
    const before = [await ns.ipJson(['link']), await ns.ipJson(['addr']), await ns.ipJson(['route'])];
    expect(await daemon.stop()).toBe(0);
    const after = [await ns.ipJson(['link']), await ns.ipJson(['addr']), await ns.ipJson(['route'])];
    // Compared as data, so a failure shows which link, address or route changed.
    expect(after).toEqual(before);
  });
});
