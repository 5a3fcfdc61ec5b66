/**
 * Activation with the real nmcli against the real kernel: `nmcli connection
 * up` of a static profile puts its addresses and routes (NetworkManager's
 * metrics) on a veth, nmcli shows the device connected with its IP config,
 * `down` removes exactly what the profile added (an address another tool
 * added stays), and bad requests get NetworkManager's errors while the
 * daemon and the other devices carry on.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const STATIC = `[connection]
id=lan
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0001
type=ethernet
interface-name=veth0
autoconnect=false

[ipv4]
method=manual
address1=192.0.2.10/24,192.0.2.1
route1=198.51.100.0/24,192.0.2.254
route2=203.0.113.0/24,192.0.2.254,55
route3=198.18.9.0/24,10.9.9.9
route3_options=onlink=true,table=100
routing-rule1=priority 5 from 192.0.2.10/32 table 100

[ipv6]
method=manual
address1=2001:db8::10/64
`;

const DHCP_ONLY = `[connection]
id=dhcp
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0002
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

const MISSING = `[connection]
id=ghost
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0003
type=ethernet
interface-name=nosuch0
autoconnect=false

[ipv4]
method=manual
address1=192.0.2.99/24
`;

const WIREGUARD = `[connection]
id=wg
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0004
type=wireguard
interface-name=wg0
autoconnect=false

[wireguard]
private-key=yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=

[ipv4]
method=disabled

[ipv6]
method=ignore
`;

const file = (text: string) => ({ text, mode: 0o600 });

describe('activation of static profiles (veth, real nmcli)', () => {
  let ns: Netns;
  let d: Daemon;

  beforeAll(async () => {
    ns = await Netns.create('nmka');
    await ns.addVeth('veth0', 'veth1');
    await ns.addVeth('veth2', 'veth3');
    for (const l of ['veth0', 'veth1', 'veth2', 'veth3']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:veth1;interface-name:veth3\n',
      files: {
        'etc/nmk/system-connections/lan.nmconnection': file(STATIC),
        'etc/nmk/system-connections/dhcp.nmconnection': file(DHCP_ONLY),
        'etc/nmk/system-connections/ghost.nmconnection': file(MISSING),
        'etc/nmk/system-connections/wg.nmconnection': file(WIREGUARD),
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  const addrs = async (dev: string) => ((await ns.ipJson<any[]>(['addr', 'show', 'dev', dev]))[0]?.addr_info ?? []).filter((a: any) => a.scope === 'global').map((a: any) => `${a.local}/${a.prefixlen}`).sort();
  const routes = async (fam: '-4' | '-6') => (await ns.ipJson<any[]>([fam, 'route', 'show', 'dev', 'veth0'])).map((r: any) => `${r.dst} ${r.gateway ?? '-'} ${r.metric ?? 0} ${r.protocol}`).sort();

  it('nmcli connection up puts the addresses and routes in the kernel with NetworkManager metrics', async () => {
    const r = await d.nmcli(['connection', 'up', 'lan'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/Connection successfully activated/);
    expect(await addrs('veth0')).toEqual(['192.0.2.10/24', '2001:db8::10/64']);
    const v4 = await routes('-4');
    expect(v4).toContain('default 192.0.2.1 100 static');
    expect(v4).toContain('198.51.100.0/24 192.0.2.254 100 static');
    expect(v4).toContain('203.0.113.0/24 192.0.2.254 55 static');
    // The subnet's route at the profile's metric, added by nmk (the address is noprefixroute), as NetworkManager does.
    expect(v4).toContain('192.0.2.0/24 - 100 kernel');
    expect(v4.filter((x) => x.startsWith('192.0.2.0/24'))).toHaveLength(1);
    expect(await ns.ip(['-6', 'route', 'show', 'dev', 'veth0'])).toMatch(/2001:db8::\/64/);
    // A route through a gateway outside the subnet (onlink) in table 100, and the rule that uses that table.
    const t100 = await ns.ipJson<any[]>(['-4', 'route', 'show', 'table', '100']);
    expect(t100).toContainEqual(expect.objectContaining({ dst: '198.18.9.0/24', gateway: '10.9.9.9', flags: expect.arrayContaining(['onlink']) }));
    const rules = await ns.ipJson<any[]>(['-4', 'rule', 'show']);
    expect(rules).toContainEqual(expect.objectContaining({ priority: 5, src: '192.0.2.10', table: '100' }));
    // NetworkManager's manual IPv6: kernel RA handling off.
    expect((await ns.exec('cat', ['/proc/sys/net/ipv6/conf/veth0/accept_ra'])).stdout.trim()).toBe('0');
  });

  it('nmcli shows the device connected with the profile and its IP configuration', async () => {
    const dev = parseTerse((await d.nmcli(['-t', '-f', 'DEVICE,STATE,CONNECTION', 'device'])).stdout);
    expect(dev).toContainEqual(['veth0', 'connected', 'lan']);
    const show = (await d.nmcli(['-t', '-f', 'IP4.ADDRESS,IP4.GATEWAY,IP6.ADDRESS', 'device', 'show', 'veth0'])).stdout;
    expect(show).toMatch(/IP4.ADDRESS\[1\]:192.0.2.10\/24/);
    expect(show).toMatch(/IP4.GATEWAY:192.0.2.1/);
    expect(show).toMatch(/IP6.ADDRESS\[\d\]:2001:db8::10\/64/);
    const active = parseTerse((await d.nmcli(['-t', '-f', 'NAME,DEVICE,STATE', 'connection', 'show', '--active'])).stdout);
    expect(active).toEqual([['lan', 'veth0', 'activated']]);
    const general = (await d.nmcli(['-t', '-f', 'STATE', 'general'])).stdout.trim();
    expect(general).toBe('connected');
  });

  it('down removes what the profile added and leaves what another tool added', async () => {
    await ns.ip(['addr', 'add', '192.0.2.77/24', 'dev', 'veth0']);
    const r = await d.nmcli(['connection', 'down', 'lan']);
    expect(r.code, r.stderr).toBe(0);
    expect(await addrs('veth0')).toEqual(['192.0.2.77/24']);
    const v4 = await routes('-4');
    expect(v4.filter((x) => x.includes('static'))).toEqual([]);
    expect(await ns.ipJson<any[]>(['-4', 'route', 'show', 'table', '100'])).toEqual([]);
    expect((await ns.ipJson<any[]>(['-4', 'rule', 'show'])).filter((r) => r.priority === 5)).toEqual([]);
    const dev = parseTerse((await d.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout);
    expect(dev).toContainEqual(['veth0', 'disconnected']);
    await ns.ip(['addr', 'del', '192.0.2.77/24', 'dev', 'veth0']);
  });

  it('device disconnect and connect-by-device work through Device.Disconnect and ActivateConnection', async () => {
    let r = await d.nmcli(['connection', 'up', 'lan', 'ifname', 'veth0']);
    expect(r.code, r.stderr).toBe(0);
    r = await d.nmcli(['device', 'disconnect', 'veth0']);
    expect(r.code, r.stderr).toBe(0);
    expect(await addrs('veth0')).toEqual([]);
  });

  it('a profile whose DHCP server and router never answer fails with a clear reason and leaves the device as it was', async () => {
    const r = await d.nmcli(['connection', 'up', 'dhcp'], { timeoutMs: 30_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/IP configuration could not be reserved/i);
    expect(await addrs('veth2')).toEqual([]);
    const dev = parseTerse((await d.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout);
    expect(dev).toContainEqual(['veth2', 'disconnected']);
    expect(d.logs.some((l) => /DHCPv4 timeout/.test(l.msg))).toBe(true);
  });

  it('a profile of a type with no device plugin is listed and editable; activating it fails naming the type', async () => {
    expect(parseTerse((await d.nmcli(['-t', '-f', 'NAME,TYPE', 'connection', 'show'])).stdout)).toContainEqual(['wg', 'wireguard']);
    expect((await d.nmcli(['connection', 'modify', 'wg', 'wireguard.listen-port', '51820'])).code).toBe(0);
    const r = await d.nmcli(['connection', 'up', 'wg']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot create 'wireguard' devices/);
  });

  it('a profile for an interface that does not exist is refused with NetworkManager\'s error, and the daemon runs on', async () => {
    const r = await d.nmcli(['connection', 'up', 'ghost']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/nosuch0/);
    const up = await d.nmcli(['connection', 'up', 'lan']);
    expect(up.code, up.stderr).toBe(0);
    expect(await addrs('veth0')).toEqual(['192.0.2.10/24', '2001:db8::10/64']);
    expect((await d.nmcli(['connection', 'down', 'lan'])).code).toBe(0);
  });
});

const BRIDGE = `[connection]
id=br0
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0010
type=bridge
interface-name=br0
autoconnect=false

[bridge]
forward-delay=4
priority=4096

[ipv4]
method=manual
address1=198.18.0.1/24

[ipv6]
method=disabled
`;

const BRIDGE_PORT = `[connection]
id=br0-port
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0011
type=ethernet
interface-name=veth4
master=br0
slave-type=bridge
autoconnect=false

[bridge-port]
path-cost=7
priority=40
`;

const MACVLAN = `[connection]
id=mv
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0012
type=macvlan
interface-name=mv0
autoconnect=false

[macvlan]
mode=2
parent=veth6
tap=false

[ipv4]
method=manual
address1=198.18.1.1/24

[ipv6]
method=ignore
`;

const VXLAN = `[connection]
id=vx
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0013
type=vxlan
interface-name=vx42
autoconnect=false

[vxlan]
id=42
local=198.18.1.1
remote=198.18.1.2
parent=mv0

[ipv4]
method=manual
address1=198.18.2.1/24

[ipv6]
method=ignore
`;

describe('activation of software devices and ports (bridge, macvlan, vxlan)', () => {
  let ns: Netns;
  let d: Daemon;

  beforeAll(async () => {
    ns = await Netns.create('nmkb');
    await ns.addVeth('veth4', 'veth5');
    await ns.addVeth('veth6', 'veth7');
    for (const l of ['veth4', 'veth5', 'veth6', 'veth7']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:veth5;interface-name:veth7\n',
      files: {
        'etc/nmk/system-connections/br0.nmconnection': file(BRIDGE),
        'etc/nmk/system-connections/br0-port.nmconnection': file(BRIDGE_PORT),
        'etc/nmk/system-connections/mv.nmconnection': file(MACVLAN),
        'etc/nmk/system-connections/vx.nmconnection': file(VXLAN),
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  const link = async (name: string) => (await ns.ipJson<any[]>(['-d', 'link', 'show', name]))[0];
  const sysfs = async (p: string) => (await ns.exec('cat', [`/sys/class/net/${p}`])).stdout.trim();

  it('activating a port creates its bridge with the profile options, attaches the port and configures the bridge', async () => {
    const r = await d.nmcli(['connection', 'up', 'br0-port'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const br = await link('br0');
    expect(br.linkinfo.info_kind).toBe('bridge');
    expect(await sysfs('br0/bridge/stp_state')).toBe('1');
    expect(await sysfs('br0/bridge/forward_delay')).toBe('400');
    expect(await sysfs('br0/bridge/priority')).toBe('4096');
    expect((await link('veth4')).master).toBe('br0');
    // bridge-port options, and the default NetworkManager writes for the one left unset.
    expect(await sysfs('veth4/brport/priority')).toBe('40');
    expect(await sysfs('veth4/brport/path_cost')).toBe('7');
    expect(await sysfs('veth4/brport/hairpin_mode')).toBe('0');
    await expect.poll(async () => parseTerse((await d.nmcli(['-t', '-f', 'NAME,DEVICE,STATE', 'connection', 'show', '--active'])).stdout).sort(), { timeout: 10_000 }).toEqual([
      ['br0', 'br0', 'activated'],
      ['br0-port', 'veth4', 'activated'],
    ]);
    const addrs = (await ns.ipJson<any[]>(['addr', 'show', 'dev', 'br0']))[0].addr_info.map((a: any) => `${a.local}/${a.prefixlen}`);
    expect(addrs).toContain('198.18.0.1/24');
    expect((await ns.exec('cat', ['/proc/sys/net/ipv6/conf/br0/disable_ipv6'])).stdout.trim()).toBe('1');
    const ports = (await d.nmcli(['-g', 'BRIDGE.SLAVES', 'device', 'show', 'br0'])).stdout.trim();
    expect(ports).toBe('veth4');
  });

  it('taking the bridge down detaches its port and deletes the bridge nmk created', async () => {
    const r = await d.nmcli(['connection', 'down', 'br0']);
    expect(r.code, r.stderr).toBe(0);
    await expect.poll(async () => (await ns.tryExec('ip', ['link', 'show', 'br0'])).code, { timeout: 10_000 }).not.toBe(0);
    expect((await link('veth4')).master).toBeUndefined();
    expect(parseTerse((await d.nmcli(['-t', '-f', 'NAME', 'connection', 'show', '--active'])).stdout)).toEqual([]);
  });

  it('macvlan on a parent and vxlan on the macvlan are created with their options and removed on down', async () => {
    let r = await d.nmcli(['connection', 'up', 'mv']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const mv = await link('mv0');
    expect(mv.linkinfo.info_kind).toBe('macvlan');
    expect(mv.linkinfo.info_data.mode).toBe('bridge');
    expect(mv.link).toBe('veth6');
    r = await d.nmcli(['connection', 'up', 'vx']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const vx = await link('vx42');
    expect(vx.linkinfo.info_data.id).toBe(42);
    expect(vx.linkinfo.info_data.remote).toBe('198.18.1.2');
    expect(vx.linkinfo.info_data.port).toBe(8472);
    expect((await d.nmcli(['connection', 'down', 'vx'])).code).toBe(0);
    expect((await d.nmcli(['connection', 'down', 'mv'])).code).toBe(0);
    await expect.poll(async () => (await ns.tryExec('ip', ['link', 'show', 'mv0'])).code, { timeout: 10_000 }).not.toBe(0);
  });

  it('a vxlan whose parent does not exist is refused naming the parent; nothing is created', async () => {
    const r = await d.nmcli(['connection', 'up', 'vx']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/mv0/);
    expect((await ns.tryExec('ip', ['link', 'show', 'vx42'])).code).not.toBe(0);
  });

  it('a bridge with VLAN filtering, which this kernel lacks (EOPNOTSUPP), is refused naming the option; nothing is created', async () => {
    // The kernel lane (test/kernel/activation.test.ts) shows the same profile working on a kernel that has it.
    const add = await d.nmcli(['connection', 'add', 'type', 'bridge', 'ifname', 'brf0', 'con-name', 'brf0', 'autoconnect', 'no', 'bridge.vlan-filtering', 'yes', 'ipv4.method', 'disabled', 'ipv6.method', 'disabled']);
    expect(add.code, add.stderr).toBe(0);
    const r = await d.nmcli(['connection', 'up', 'brf0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vlan.filtering/);
    expect(r.stderr).toMatch(/EOPNOTSUPP/);
    expect((await ns.tryExec('ip', ['link', 'show', 'brf0'])).code).not.toBe(0);
  });
});

describe('reapply, applied connection, networking off, managed, delete (real nmcli)', () => {
  let ns: Netns;
  let d: Daemon;
  const PROFILE = `[connection]
id=re
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0020
type=ethernet
interface-name=veth8
autoconnect=false

[ipv4]
method=manual
address1=192.0.2.20/24
route1=198.51.100.0/24,192.0.2.254

[ipv6]
method=ignore
`;
  const BR = `[connection]
id=brr
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0021
type=bridge
interface-name=brr
autoconnect=false

[bridge]
stp=false
hello-time=2

[ipv4]
method=disabled

[ipv6]
method=ignore
`;

  beforeAll(async () => {
    ns = await Netns.create('nmkr');
    await ns.addVeth('veth8', 'veth9');
    for (const l of ['veth8', 'veth9']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:veth9\n',
      files: { 'etc/nmk/system-connections/re.nmconnection': file(PROFILE), 'etc/nmk/system-connections/brr.nmconnection': file(BR) },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  const addrs = async (dev: string) => ((await ns.ipJson<any[]>(['addr', 'show', 'dev', dev]))[0]?.addr_info ?? []).filter((a: any) => a.scope === 'global').map((a: any) => `${a.local}/${a.prefixlen}`).sort();
  const linkEvents = () => {
    const out: string[] = [];
    const child = spawn('ip', ['-n', ns.name, 'monitor', 'link'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout!.on('data', (b: Buffer) => out.push(...b.toString().split('\n').filter((l) => /veth8|brr/.test(l))));
    return { lines: out, stop: () => child.kill('SIGKILL') };
  };

  it('device reapply changes addresses and routes without a link flap', async () => {
    expect((await d.nmcli(['connection', 'up', 're'])).code).toBe(0);
    const mon = linkEvents();
    await new Promise((r) => setTimeout(r, 300));
    expect((await d.nmcli(['connection', 'modify', 're', 'ipv4.addresses', '192.0.2.21/24', '+ipv4.routes', '203.0.113.0/24 192.0.2.254 7'])).code).toBe(0);
    const r = await d.nmcli(['device', 'reapply', 'veth8']);
    expect(r.code, r.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    mon.stop();
    expect(await addrs('veth8')).toEqual(['192.0.2.21/24']);
    const routes = (await ns.ipJson<any[]>(['-4', 'route', 'show', 'dev', 'veth8'])).map((x: any) => `${x.dst} ${x.metric ?? 0}`);
    expect(routes).toEqual(expect.arrayContaining(['198.51.100.0/24 100', '203.0.113.0/24 7']));
    expect(mon.lines.filter((l) => /state DOWN|NO-CARRIER/.test(l))).toEqual([]);
    const applied = (await d.nmcli(['-g', 'IP4.ADDRESS', 'device', 'show', 'veth8'])).stdout.trim();
    expect(applied).toBe('192.0.2.21/24');
  });

  it('a reapply that changes the interface name is refused naming it; the device stays as it was', async () => {
    const r = await d.nmcli(['device', 'modify', 'veth8', 'connection.interface-name', 'veth9']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/interface-name/);
    expect(await addrs('veth8')).toEqual(['192.0.2.21/24']);
  });

  it('bridge timers change live through reapply', async () => {
    expect((await d.nmcli(['connection', 'up', 'brr'])).code).toBe(0);
    expect((await ns.exec('cat', ['/sys/class/net/brr/bridge/hello_time'])).stdout.trim()).toBe('200');
    expect((await d.nmcli(['connection', 'modify', 'brr', 'bridge.hello-time', '5', 'bridge.priority', '100'])).code).toBe(0);
    const r = await d.nmcli(['device', 'reapply', 'brr']);
    expect(r.code, r.stderr).toBe(0);
    expect((await ns.exec('cat', ['/sys/class/net/brr/bridge/hello_time'])).stdout.trim()).toBe('500');
    expect((await ns.exec('cat', ['/sys/class/net/brr/bridge/priority'])).stdout.trim()).toBe('100');
  });

  it('networking off deactivates everything, on lets it come back', async () => {
    expect((await d.nmcli(['networking', 'off'])).code).toBe(0);
    expect((await d.nmcli(['-t', '-f', 'STATE', 'general'])).stdout.trim()).toBe('asleep');
    expect(await addrs('veth8')).toEqual([]);
    expect((await d.nmcli(['networking', 'on'])).code).toBe(0);
    expect((await d.nmcli(['-t', '-f', 'NETWORKING', 'general'])).stdout.trim()).toBe('enabled');
  });

  it('making an active device unmanaged leaves its configuration; device delete removes a software link', async () => {
    expect((await d.nmcli(['connection', 'up', 're'])).code).toBe(0);
    expect((await d.nmcli(['device', 'set', 'veth8', 'managed', 'no'])).code).toBe(0);
    expect(await addrs('veth8')).toEqual(['192.0.2.21/24']);
    const dev = parseTerse((await d.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout);
    expect(dev).toContainEqual(['veth8', 'unmanaged']);
    expect((await d.nmcli(['connection', 'up', 'brr'])).code).toBe(0);
    expect((await d.nmcli(['device', 'delete', 'brr'])).code).toBe(0);
    await expect.poll(async () => (await ns.tryExec('ip', ['link', 'show', 'brr'])).code, { timeout: 10_000 }).not.toBe(0);
    const del = await d.nmcli(['device', 'delete', 'lo']);
    expect(del.code).not.toBe(0);
    expect(del.stderr).toMatch(/not a software device/);
  });
});

describe('a controller with autoconnect-slaves brings its ports up', () => {
  let ns: Netns;
  let d: Daemon;
  const BRS = `[connection]
id=brs
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0030
type=bridge
interface-name=brs
autoconnect=false
autoconnect-slaves=1

[bridge]
stp=false

[ipv4]
method=disabled

[ipv6]
method=ignore
`;
  const PORT = (n: number) => `[connection]
id=brs-p${n}
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c003${n}
type=ethernet
interface-name=vp${n}
master=brs
slave-type=bridge
autoconnect=false
`;

  beforeAll(async () => {
    ns = await Netns.create('nmks');
    await ns.addVeth('vp1', 'vq1');
    await ns.addVeth('vp2', 'vq2');
    for (const l of ['vp1', 'vq1', 'vp2', 'vq2']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:vq1;interface-name:vq2\n',
      files: {
        'etc/nmk/system-connections/brs.nmconnection': file(BRS),
        'etc/nmk/system-connections/brs-p1.nmconnection': file(PORT(1)),
        'etc/nmk/system-connections/brs-p2.nmconnection': file(PORT(2)),
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  it('both ports (autoconnect off) are attached and activated with the bridge', async () => {
    expect((await d.nmcli(['connection', 'up', 'brs'])).code).toBe(0);
    await expect.poll(async () => parseTerse((await d.nmcli(['-t', '-f', 'NAME,STATE', 'connection', 'show', '--active'])).stdout).sort(), { timeout: 15_000 }).toEqual([
      ['brs', 'activated'],
      ['brs-p1', 'activated'],
      ['brs-p2', 'activated'],
    ]);
    for (const p of ['vp1', 'vp2']) expect((await ns.ipJson<any[]>(['link', 'show', p]))[0].master).toBe('brs');
  });
});
