/**
 * Automatic IP configuration end to end, with the real nmcli: nmkd in one
 * namespace, dnsmasq in another on the far side of a veth serving DHCPv4
 * (a two-minute lease), router advertisements with RDNSS/DNSSL, and
 * stateless DHCPv6. `nmcli connection up` of an auto/auto profile gets the
 * lease's address (with its lifetime), the router's default route, the DNS
 * servers and domains, DHCP4 options in `nmcli device show`, a SLAAC address
 * in the advertised prefix and the IPv6 default route via the router's
 * link-local address; `down` removes all of it.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startPrivateBus, type PrivateBus } from '../harness/dbus.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const AUTO = `[connection]
id=auto
uuid=5c1b0f3e-8d7a-4c55-9a55-7b9e6f0a0001
type=ethernet
interface-name=veth0
autoconnect=false

[ipv4]
method=auto
dhcp-hostname=nmk-client
# IPv4 must come up: the connection waits for the lease even when the router advertisement is quicker.
may-fail=false

[ipv6]
method=auto
addr-gen-mode=eui64
`;

const file = (text: string) => ({ text, mode: 0o600 });

describe('DHCPv4, router advertisements and DHCPv6 through nmcli', () => {
  let ns: Netns;
  let srv: Netns;
  let d: Daemon;
  let dnsmasq: Dnsmasq;

  beforeAll(async () => {
    ns = await Netns.create('nmkip');
    srv = await Netns.create('nmkis');
    await ns.addVeth('veth0', 'veth1', srv);
    await ns.ip(['link', 'set', 'veth0', 'up']);
    dnsmasq = await startDnsmasq({
      ns: srv,
      iface: 'veth1',
      range: '192.0.2.50,192.0.2.60',
      leaseTime: '120',
      ipv6Ra: true,
      ipv6Prefix: 'fd42:7::',
      extraArgs: [
        '--dhcp-option=option:router,192.0.2.1',
        '--dhcp-option=option:dns-server,192.0.2.53',
        '--dhcp-option=option:domain-name,example.test',
        '--dhcp-option=option6:dns-server,[fd42:7::53]',
        '--dhcp-option=option6:domain-search,v6.example.test',
      ],
    });
    d = await startDaemon({ ns, profile: 'server', files: { 'etc/nmk/system-connections/auto.nmconnection': file(AUTO) } });
  });
  afterAll(async () => {
    await d?.cleanup();
    await dnsmasq?.stop();
    await ns?.destroy();
    await srv?.destroy();
  });

  const addrInfo = async (family: '-4' | '-6') => ((await ns.ipJson<any[]>([family, 'addr', 'show', 'dev', 'veth0']))[0]?.addr_info ?? []).filter((a: any) => a.scope === 'global');

  it('nmcli connection up gets the lease: address with its lifetime, default route, DNS, DHCP4 options', async () => {
    const r = await d.nmcli(['connection', 'up', 'auto'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const v4 = await addrInfo('-4');
    expect(v4).toHaveLength(1);
    expect(v4[0].local).toMatch(/^192\.0\.2\.(5\d|60)$/);
    expect(v4[0].prefixlen).toBe(24);
    // A lease's address expires with the lease unless renewed: never "forever".
    expect(v4[0].valid_life_time).toBeGreaterThan(0);
    expect(v4[0].valid_life_time).toBeLessThanOrEqual(120);
    const routes = await ns.ipJson<any[]>(['-4', 'route', 'show', 'dev', 'veth0']);
    expect(routes).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '192.0.2.1', metric: 100, protocol: 'dhcp' }));
    const show = (await d.nmcli(['-t', '-f', 'IP4.ADDRESS,IP4.GATEWAY,IP4.DNS,IP4.DOMAIN,DHCP4.OPTION', 'device', 'show', 'veth0'])).stdout;
    expect(show).toContain(`IP4.ADDRESS[1]:${v4[0].local}/24`);
    expect(show).toContain('IP4.GATEWAY:192.0.2.1');
    expect(show).toContain('IP4.DNS[1]:192.0.2.53');
    expect(show).toContain('IP4.DOMAIN[1]:example.test');
    expect(show).toMatch(new RegExp(`DHCP4.OPTION\\[\\d+\\]:ip_address = ${v4[0].local.replace(/\./g, '\\.')}`));
    // dnsmasq's lease names the hostname the profile sends.
    expect(await readFile(dnsmasq.leasesFile, 'utf8')).toMatch(new RegExp(`${v4[0].local.replace(/\./g, '\\.')} nmk-client`));
  });

  it('router advertisements give a SLAAC address, the default route via the router and RDNSS/DNSSL', async () => {
    let v6: any[] = [];
    for (let i = 0; i < 60 && !v6.some((a) => a.local.startsWith('fd42:7:')); i++) {
      await new Promise((r) => setTimeout(r, 250));
      v6 = await addrInfo('-6');
    }
    const slaac = v6.find((a) => a.local.startsWith('fd42:7:'));
    expect(slaac, JSON.stringify(v6)).toBeDefined();
    expect(slaac.prefixlen).toBe(64);
    const mac = (await ns.ipJson<any[]>(['link', 'show', 'dev', 'veth0']))[0].address as string;
    const b = mac.split(':').map((x) => parseInt(x, 16));
    const eui = `${((b[0]! ^ 2) << 8 | b[1]!).toString(16)}:${(b[2]! << 8 | 0xff).toString(16)}:${(0xfe00 | b[3]!).toString(16)}:${(b[4]! << 8 | b[5]!).toString(16)}`;
    expect(slaac.local).toBe(`fd42:7::${eui}`);
    const routes = await ns.ipJson<any[]>(['-6', 'route', 'show', 'dev', 'veth0']);
    expect(routes).toContainEqual(expect.objectContaining({ dst: 'default', gateway: expect.stringMatching(/^fe80::/), protocol: 'ra', metric: 100 }));
    let show = '';
    for (let i = 0; i < 40 && !/IP6.DNS/.test(show); i++) {
      show = (await d.nmcli(['-t', '-f', 'IP6.ADDRESS,IP6.DNS,IP6.DOMAIN,IP6.SEARCHES', 'device', 'show', 'veth0'])).stdout;
      if (!/IP6.DNS/.test(show)) await new Promise((r) => setTimeout(r, 250));
    }
    expect(show).toContain('fd42:7::53');
    expect(show).toContain('v6.example.test');
  });

  it('nmcli connection down removes the lease address, the routes and the SLAAC address', async () => {
    const r = await d.nmcli(['connection', 'down', 'auto'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(await addrInfo('-4')).toEqual([]);
    expect((await addrInfo('-6')).filter((a: any) => a.local.startsWith('fd42:7:'))).toEqual([]);
    const routes = await ns.ipJson<any[]>(['route', 'show', 'dev', 'veth0']);
    expect(routes.filter((x: any) => x.protocol === 'dhcp' || x.protocol === 'ra')).toEqual([]);
    expect(parseTerse((await d.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout)).toContainEqual(['veth0', 'disconnected']);
  });
});

describe('a DHCP connection across a restart of nmkd (SIGTERM, kill -9)', () => {
  let ns: Netns;
  let srv: Netns;
  let bus: PrivateBus;
  let root: string;
  let d: Daemon | undefined;
  let dnsmasq: Dnsmasq;
  let monitor: ChildProcess | undefined;
  const events: string[] = [];

  const start = () => startDaemon({ ns, root, busAddress: bus.address, profile: 'server', files: { 'etc/nmk/system-connections/auto.nmconnection': file(AUTO.replace('autoconnect=false', 'autoconnect=true')) } });
  const active = async () => parseTerse((await d!.nmcli(['-t', '-f', 'NAME,DEVICE,STATE', 'connection', 'show', '--active'])).stdout);

  beforeAll(async () => {
    ns = await Netns.create('nmkir');
    srv = await Netns.create('nmkirs');
    root = await mkdtemp(path.join(os.tmpdir(), 'nmk-root-'));
    bus = await startPrivateBus();
    await ns.addVeth('veth0', 'veth1', srv);
    await ns.ip(['link', 'set', 'veth0', 'up']);
    dnsmasq = await startDnsmasq({ ns: srv, iface: 'veth1', range: '192.0.2.50,192.0.2.60', leaseTime: '120', extraArgs: ['--dhcp-option=option:router,192.0.2.1'] });
  });
  afterAll(async () => {
    monitor?.kill('SIGKILL');
    await d?.cleanup();
    await dnsmasq?.stop();
    await bus?.stop();
    await ns?.destroy();
    await srv?.destroy();
    await rm(root, { recursive: true, force: true });
  });

  it('re-adopts the DHCP connection and renews the same lease without removing the address', async () => {
    d = await start();
    await expect.poll(active, { timeout: 60_000 }).toContainEqual(['auto', 'veth0', 'activated']);
    const before = ((await ns.ipJson<any[]>(['-4', 'addr', 'show', 'dev', 'veth0']))[0]?.addr_info ?? []).map((a: any) => a.local);
    expect(before).toHaveLength(1);
    monitor = ns.spawn('ip', ['-o', 'monitor', 'address', 'route']);
    monitor.stdout!.on('data', (b: Buffer) => events.push(...b.toString().split('\n').filter(Boolean)));
    await new Promise((r) => setTimeout(r, 500));

    expect(await d.stop()).toBe(0);
    d = await start();
    await expect.poll(active, { timeout: 60_000 }).toContainEqual(['auto', 'veth0', 'activated']);
    process.kill(d.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    d = await start();
    await expect.poll(active, { timeout: 60_000 }).toContainEqual(['auto', 'veth0', 'activated']);
    // The client asked for the lease again: dnsmasq acknowledged the same address.
    const acks = dnsmasq.log().split('\n').filter((l) => l.includes(`DHCPACK(veth1) ${before[0]} `));
    // One lease at the first start, asked for again after the SIGTERM restart and after the kill -9 one.
    expect(acks.length, dnsmasq.log()).toBeGreaterThanOrEqual(3);
    const after = ((await ns.ipJson<any[]>(['-4', 'addr', 'show', 'dev', 'veth0']))[0]?.addr_info ?? []).map((a: any) => a.local);
    expect(after).toEqual(before);
    // Lifetimes were refreshed (address replaced), but nothing was deleted.
    expect(events.filter((l) => l.startsWith('Deleted'))).toEqual([]);
  });
});
