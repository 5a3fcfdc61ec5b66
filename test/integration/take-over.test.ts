/**
 * Take-over and autoconnect with the real kernel and the real nmcli: links
 * configured by `ip` (a veth with an address and a default route, a bridge
 * with a port) and keyfiles that describe exactly that are assumed at
 * start, after SIGTERM and after kill -9, with `ip monitor` seeing no change
 * at all; a matching autoconnect profile on a bare link is applied; a
 * profile the user took down stays down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startPrivateBus, type PrivateBus } from '../harness/dbus.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const file = (text: string) => ({ text, mode: 0o600 });

const LAN = `[connection]
id=lan
uuid=5b0c7c8e-0000-4000-8000-000000000001
type=ethernet
interface-name=veth0

[ipv4]
method=manual
address1=192.0.2.10/24,192.0.2.1

[ipv6]
method=ignore
`;

const BR = `[connection]
id=br1
uuid=5b0c7c8e-0000-4000-8000-000000000002
type=bridge
interface-name=br1

[bridge]
forward-delay=2
stp=false

[ipv4]
method=manual
address1=198.18.5.1/24

[ipv6]
method=ignore
`;

const BR_PORT = `[connection]
id=br1-port
uuid=5b0c7c8e-0000-4000-8000-000000000003
type=ethernet
interface-name=veth2
master=br1
slave-type=bridge
`;

const AUTO = `[connection]
id=auto
uuid=5b0c7c8e-0000-4000-8000-000000000004
type=ethernet
interface-name=veth4

[ipv4]
method=manual
address1=203.0.113.4/24

[ipv6]
method=ignore
`;

const FILES = {
  'etc/nmk/system-connections/lan.nmconnection': file(LAN),
  'etc/nmk/system-connections/br1.nmconnection': file(BR),
  'etc/nmk/system-connections/br1-port.nmconnection': file(BR_PORT),
  'etc/nmk/system-connections/auto.nmconnection': file(AUTO),
};
const CONFIG = '[keyfile]\nunmanaged-devices=interface-name:veth1;interface-name:veth3;interface-name:veth5\n';

/** `ip monitor` inside the namespace: every line the kernel announced while it ran. */
class Monitor {
  private lines: string[] = [];
  private child: ChildProcess;
  constructor(ns: Netns) {
    this.child = spawn('ip', ['-n', ns.name, 'monitor', 'link', 'address', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
    // One entry per kernel message: indented lines continue the message before them.
    this.child.stdout!.on('data', (b: Buffer) => {
      for (const line of b.toString().split('\n').filter(Boolean)) {
        if (/^\s/.test(line) && this.lines.length > 0) this.lines[this.lines.length - 1] += ` ${line.trim()}`;
        else this.lines.push(line);
      }
    });
  }
  take(): string[] {
    return this.lines.splice(0);
  }
  stop(): void {
    this.child.kill('SIGKILL');
  }
}

describe('take-over without disruption, and autoconnect', () => {
  let ns: Netns;
  let bus: PrivateBus;
  let root: string;
  let d: Daemon | undefined;
  let monitor: Monitor | undefined;

  const start = () => startDaemon({ ns, root, busAddress: bus.address, profile: 'server', config: CONFIG, files: FILES });
  const active = async () => parseTerse((await d!.nmcli(['-t', '-f', 'NAME,DEVICE,STATE', 'connection', 'show', '--active'])).stdout).sort();
  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    ns = await Netns.create('nmkt');
    root = await mkdtemp(path.join(os.tmpdir(), 'nmk-root-'));
    bus = await startPrivateBus();
    await ns.addVeth('veth0', 'veth1');
    await ns.addVeth('veth2', 'veth3');
    await ns.addVeth('veth4', 'veth5');
    for (const l of ['veth0', 'veth1', 'veth2', 'veth3', 'veth4', 'veth5']) await ns.ip(['link', 'set', l, 'up']);
    // What an administrator (or the initramfs) configured before nmk starts.
    await ns.ip(['addr', 'add', '192.0.2.10/24', 'dev', 'veth0']);
    await ns.ip(['route', 'add', 'default', 'via', '192.0.2.1', 'dev', 'veth0', 'proto', 'static', 'metric', '100']);
    // A short forward delay: the kernel moves the port to forwarding (an event of its own) before nmk starts.
    await ns.ip(['link', 'add', 'br1', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '200']);
    await ns.ip(['link', 'set', 'veth2', 'master', 'br1']);
    await ns.ip(['link', 'set', 'br1', 'up']);
    await ns.ip(['addr', 'add', '198.18.5.1/24', 'dev', 'br1']);
    await settle(500);
  });
  afterAll(async () => {
    monitor?.stop();
    await d?.cleanup();
    await bus?.stop();
    await ns?.destroy();
    await rm(root, { recursive: true, force: true });
  });

  it('at start, assumes the matching profiles and changes nothing in the kernel', async () => {
    monitor = new Monitor(ns);
    // The kernel's own late events (IPv6 duplicate address detection, bridge port states) end first.
    for (let quiet = 0, i = 0; quiet < 3 && i < 20; i++) {
      await settle(700);
      quiet = monitor.take().length === 0 ? quiet + 1 : 0;
    }
    d = await start();
    await expect.poll(active, { timeout: 20_000 }).toEqual(
      expect.arrayContaining([
        ['br1', 'br1', 'activated'],
        ['br1-port', 'veth2', 'activated'],
        ['lan', 'veth0', 'activated'],
      ]),
    );
    await settle(1000);
    // veth4 had nothing: its autoconnect profile was applied (the only expected change).
    const changes = monitor.take().filter((l) => !/veth4|203\.0\.113/.test(l));
    expect(changes).toEqual([]);
    const r = await d.nmcli(['-t', '-f', 'GENERAL.STATE', 'device', 'show', 'veth0']);
    expect(r.stdout).toMatch(/100 \(connected\)/);
  });

  it('applies an autoconnect profile to a bare link', async () => {
    await expect.poll(active, { timeout: 20_000 }).toContainEqual(['auto', 'veth4', 'activated']);
    const addrs = (await ns.ipJson<any[]>(['addr', 'show', 'dev', 'veth4']))[0].addr_info.map((a: any) => a.local);
    expect(addrs).toContain('203.0.113.4');
  });

  it('re-adopts everything after SIGTERM and after kill -9, with no change seen by ip monitor', async () => {
    monitor!.take();
    expect(await d!.stop()).toBe(0);
    d = await start();
    await expect.poll(active, { timeout: 20_000 }).toHaveLength(4);
    process.kill(d.pid, 'SIGKILL');
    await settle(300);
    d = await start();
    await expect.poll(active, { timeout: 20_000 }).toHaveLength(4);
    await settle(1000);
    expect(monitor!.take()).toEqual([]);
  });

  it('a profile the user took down stays down, until the user brings it up', async () => {
    expect((await d!.nmcli(['connection', 'down', 'auto'])).code).toBe(0);
    await settle(1500);
    expect(await active()).not.toContainEqual(['auto', 'veth4', 'activated']);
    expect((await d!.nmcli(['connection', 'up', 'auto'])).code).toBe(0);
    expect(await active()).toContainEqual(['auto', 'veth4', 'activated']);
  });
});

describe('devices another tool configured, with no profile for them', () => {
  let ns: Netns;
  let d: Daemon | undefined;

  beforeAll(async () => {
    ns = await Netns.create('nmkx');
    await ns.addVeth('veth0', 'veth1');
    await ns.addVeth('veth2', 'veth3');
    for (const l of ['veth0', 'veth1', 'veth2', 'veth3']) await ns.ip(['link', 'set', l, 'up']);
    await ns.ip(['addr', 'add', '192.0.2.50/24', 'dev', 'veth0']);
    await ns.ip(['link', 'add', 'brx', 'type', 'bridge']);
    await ns.ip(['link', 'set', 'veth2', 'master', 'brx']);
    await ns.ip(['link', 'set', 'brx', 'up']);
    d = await startDaemon({ ns, profile: 'server', config: '[keyfile]\nunmanaged-devices=interface-name:veth1;interface-name:veth3\n' });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  it('shows them "connected (externally)" with generated in-memory profiles named after the interface', async () => {
    await expect.poll(async () => parseTerse((await d!.nmcli(['-t', '-f', 'DEVICE,STATE,CONNECTION', 'device'])).stdout).sort(), { timeout: 20_000 }).toEqual(
      expect.arrayContaining([
        ['brx', 'connected (externally)', 'brx'],
        ['veth0', 'connected (externally)', 'veth0'],
        ['veth2', 'connected (externally)', 'veth2'],
      ]),
    );
    const flags = (await d!.nmcli(['-t', '-f', 'NAME,FILENAME', 'connection', 'show'])).stdout;
    expect(flags).toMatch(/^veth0:$/m);
    // Written nowhere.
    const dir = path.join(d!.root, 'etc/nmk/system-connections');
    const files = await import('node:fs/promises').then((fs) => fs.readdir(dir).catch(() => []));
    expect(files).toEqual([]);
  });

  it('taking an external connection down leaves the kernel as it is and forgets the generated profile', async () => {
    expect((await d!.nmcli(['connection', 'down', 'veth0'])).code).toBe(0);
    const addrs = (await ns.ipJson<any[]>(['addr', 'show', 'dev', 'veth0']))[0].addr_info.map((a: any) => a.local);
    expect(addrs).toContain('192.0.2.50');
    await expect.poll(async () => parseTerse((await d!.nmcli(['-t', '-f', 'NAME', 'connection', 'show'])).stdout).flat(), { timeout: 10_000 }).not.toContain('veth0');
  });
});

describe('default wired connections ([main] no-auto-default)', () => {
  let ns: Netns;
  let d: Daemon | undefined;
  let bus: PrivateBus;
  let root: string;
  const config = '[main]\nno-auto-default=interface-name:veth2\n[keyfile]\nunmanaged-devices=interface-name:veth1;interface-name:veth3\n';
  const start = () => startDaemon({ ns, root, busAddress: bus.address, profile: 'desktop', config });

  beforeAll(async () => {
    ns = await Netns.create('nmkw');
    root = await mkdtemp(path.join(os.tmpdir(), 'nmk-root-'));
    bus = await startPrivateBus();
    await ns.addVeth('veth0', 'veth1');
    await ns.addVeth('veth2', 'veth3');
    d = await start();
  });
  afterAll(async () => {
    await d?.cleanup();
    await bus?.stop();
    await ns?.destroy();
    await rm(root, { recursive: true, force: true });
  });

  const profiles = async () => parseTerse((await d!.nmcli(['-t', '-f', 'NAME,DEVICE,FILENAME', 'connection', 'show'])).stdout);

  it('gives an ethernet device no profile fits an in-memory "Wired connection 1", except where no-auto-default matches', async () => {
    await expect.poll(async () => (await profiles()).map((r) => r[0]), { timeout: 15_000 }).toContain('Wired connection 1');
    const rows = await profiles();
    expect(rows.filter((r) => r[0]!.startsWith('Wired connection'))).toHaveLength(1);
    const show = (await d!.nmcli(['-t', '-f', 'connection.interface-name,connection.autoconnect-priority,ipv4.method', 'connection', 'show', 'Wired connection 1'])).stdout;
    expect(show).toMatch(/connection.interface-name:veth0/);
    expect(show).toMatch(/connection.autoconnect-priority:-999/);
    expect(rows.find((r) => r[0] === 'Wired connection 1')![2]).toMatch(/\/run\/nmk\/system-connections\//);
  });

  it('a deleted default connection stays deleted across a restart', async () => {
    expect((await d!.nmcli(['connection', 'delete', 'Wired connection 1'])).code).toBe(0);
    expect(await d!.stop()).toBe(0);
    d = await start();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await profiles()).map((r) => r[0])).not.toContain('Wired connection 1');
  });
});

describe('waiting for carrier', () => {
  let ns: Netns;
  let d: Daemon | undefined;

  beforeAll(async () => {
    ns = await Netns.create('nmkc');
    await ns.addVeth('veth0', 'veth1');
    await ns.ip(['link', 'set', 'veth1', 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:veth1\n',
      files: { 'etc/nmk/system-connections/down.nmconnection': file(LAN) },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  it('brings a down link up for the autoconnect profile waiting on it, then activates it when the carrier comes', async () => {
    await expect.poll(async () => parseTerse((await d!.nmcli(['-t', '-f', 'NAME,DEVICE,STATE', 'connection', 'show', '--active'])).stdout), { timeout: 20_000 }).toContainEqual(['lan', 'veth0', 'activated']);
    const link = (await ns.ipJson<any[]>(['link', 'show', 'veth0']))[0];
    expect(link.flags).toContain('UP');
  });
});
