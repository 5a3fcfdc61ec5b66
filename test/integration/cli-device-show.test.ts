/**
 * `nmk device show` and `nmk dns` against the real daemons:
 * - nmkd with an activated static profile: the address, gateway and routes
 *   (NetworkManager's metrics) are printed, and nmk prints exactly the IP4
 *   and IP6 rows the real nmcli prints for the same device;
 * - NetworkManager 1.42 with the same static profile (DNS servers, search
 *   domains) and a DHCP device behind dnsmasq: nmk prints the same IP4,
 *   DHCP4 and IP6 rows as nmcli (NameserverData, Domains, Searches and the
 *   DHCP4Config options, read from NetworkManager's own objects), and `nmk
 *   dns` shows its DnsManager (mode, rc-manager, one block per interface).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';
import { Netns, type ExecResult } from '../harness/netns.js';
import { runNmk as nmk } from '../harness/nmk-cli.js';
import { startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';
import { parseTerse } from '../harness/nmcli.js';

const STATIC = `[connection]
id=lan
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0e01
type=ethernet
interface-name=veth0
autoconnect=false

[ipv4]
method=manual
address1=192.0.2.10/24,192.0.2.1
dns=192.0.2.53;198.51.100.53;
dns-search=a.example;b.example;
route1=198.51.100.0/24,192.0.2.254,55

[ipv6]
method=manual
address1=2001:db8::10/64
gateway=2001:db8::1
`;

const DHCP = `[connection]
id=dyn
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0e02
type=ethernet
interface-name=veth2
autoconnect=false

[ipv4]
method=auto
dns-search=extra.example;

[ipv6]
method=ignore
`;

const ok = (r: ExecResult, what: string): string => {
  expect(r.code, `${what}: ${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout;
};
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('nmk device show and nmk dns (nmkd and NetworkManager 1.42)', () => {
  const namespaces: Netns[] = [];
  let d: Daemon | undefined;
  let nm: NetworkManagerInstance | undefined;
  let dnsmasq: Dnsmasq | undefined;

  beforeAll(async () => {
    // nmkd: veth0 with its peer end in the same namespace, left unmanaged.
    const ns = await Netns.create('nmkv');
    namespaces.push(ns);
    await ns.addVeth('veth0', 'veth1');
    for (const l of ['veth0', 'veth1']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:veth1\n',
      files: { 'etc/nmk/system-connections/lan.nmconnection': { text: STATIC, mode: 0o600 } },
    });
    ok(await d.nmcli(['connection', 'up', 'lan']), 'nmcli connection up lan (nmkd)');

    // NetworkManager: the same static profile, and veth2 behind dnsmasq (DNS servers and a domain in the lease).
    const nmNs = await Netns.create('nmkvn');
    const peer = await Netns.create('nmkvp');
    namespaces.push(nmNs, peer);
    await nmNs.addVeth('veth0', 'veth1');
    await nmNs.addVeth('veth2', 'veth3', peer);
    for (const [n, l] of [[nmNs, 'veth0'], [nmNs, 'veth1'], [nmNs, 'veth2'], [peer, 'veth3']] as const) await n.ip(['link', 'set', l, 'up']);
    dnsmasq = await startDnsmasq({ ns: peer, iface: 'veth3', range: '10.42.0.10,10.42.0.100', extraArgs: ['--dhcp-option=option:dns-server,10.42.0.1,10.42.0.2', '--domain=lan.example'] });
    nm = await startNetworkManager({
      ns: nmNs,
      keyfiles: { 'lan.nmconnection': STATIC, 'dyn.nmconnection': DHCP },
      networking: true,
      extraConfig: '[device-veth1]\nmatch-device=interface-name:veth1\nmanaged=false\n',
    });
    ok(await nm.nmcli(['connection', 'up', 'lan'], { timeoutMs: 60_000 }), 'nmcli connection up lan (NetworkManager)');
    ok(await nm.nmcli(['connection', 'up', 'dyn'], { timeoutMs: 60_000 }), 'nmcli connection up dyn (NetworkManager)');
  });
  afterAll(async () => {
    await d?.cleanup();
    await nm?.cleanup();
    await dnsmasq?.stop();
    for (const ns of namespaces) await ns.destroy();
  });

  it('nmkd: the address, gateway and routes of the activated static device', async () => {
    const out = lines(ok(await nmk(d!.busAddress, ['device', 'show', 'veth0']), 'nmk device show veth0'));
    expect(out).toContain('GENERAL.DEVICE:                         veth0');
    expect(out).toContain('GENERAL.STATE:                          100 (connected)');
    expect(out).toContain('GENERAL.CONNECTION:                     lan');
    expect(out).toContain('IP4.ADDRESS[1]:                         192.0.2.10/24');
    expect(out).toContain('IP4.GATEWAY:                            192.0.2.1');
    const routes = out.filter((l) => l.startsWith('IP4.ROUTE[')).map((l) => l.replace(/^\S+\s+/, ''));
    expect(routes).toEqual(expect.arrayContaining([
      'dst = 192.0.2.0/24, nh = 0.0.0.0, mt = 100',
      'dst = 0.0.0.0/0, nh = 192.0.2.1, mt = 100',
      'dst = 198.51.100.0/24, nh = 192.0.2.254, mt = 55',
    ]));
    expect(out).toContain('IP6.GATEWAY:                            2001:db8::1');
    expect(out.some((l) => /^IP6\.ADDRESS\[\d+\]: +2001:db8::10\/64$/.test(l))).toBe(true);
  });

  it('nmkd: nmk prints the IP4 and IP6 rows nmcli prints, for one device and for all', async () => {
    const bus = d!.busAddress;
    const fields = ['-t', '-f', 'IP4,IP6', 'device', 'show', 'veth0'];
    const mine = lines(ok(await nmk(bus, fields), 'nmk'));
    expect(mine.length).toBeGreaterThan(4);
    expect(mine).toEqual(lines(ok(await d!.nmcli(fields), 'nmcli')));
    // Without a name: every device, veth0 among them.
    const all = ok(await nmk(bus, ['-t', '-f', 'GENERAL.DEVICE', 'device', 'show']), 'nmk device show');
    expect(parseTerse(all).map((r) => r[1])).toEqual(expect.arrayContaining(['lo', 'veth0', 'veth1']));
  });

  it('nmkd: nmk dns shows the server profile\'s DNS mode and resolv.conf manager', async () => {
    const out = lines(ok(await nmk(d!.busAddress, ['-t', 'dns']), 'nmk dns'));
    expect(out.slice(0, 2)).toEqual(['DNS.MODE:none', 'DNS.RC-MANAGER:unmanaged']);
  });

  it('NetworkManager 1.42: the same rows as nmcli for a static and a DHCP device (DNS, searches, DHCP4 options)', async () => {
    const bus = nm!.busAddress;
    for (const dev of ['veth0', 'veth2']) {
      const fields = ['-t', '-f', 'IP4,DHCP4,IP6', 'device', 'show', dev];
      const theirs = lines(ok(await nm!.nmcli(fields), `nmcli ${dev}`));
      expect(lines(ok(await nmk(bus, fields), `nmk ${dev}`))).toEqual(theirs);
    }
    const dyn = lines(ok(await nmk(bus, ['-t', 'device', 'show', 'veth2']), 'nmk veth2'));
    expect(dyn).toEqual(expect.arrayContaining(['IP4.DNS[1]:10.42.0.1', 'IP4.DNS[2]:10.42.0.2', 'IP4.DOMAIN[1]:lan.example', 'IP4.SEARCHES[1]:extra.example']));
    expect(dyn.filter((l) => l.startsWith('DHCP4.OPTION['))).toEqual(expect.arrayContaining([expect.stringMatching(/^DHCP4\.OPTION\[\d+\]:routers = 10\.42\.0\.1$/), expect.stringMatching(/:domain_name_servers = 10\.42\.0\.1 10\.42\.0\.2$/)]));
    const lan = lines(ok(await nmk(bus, ['-t', '-f', 'IP4', 'device', 'show', 'veth0']), 'nmk veth0'));
    expect(lan).toEqual(expect.arrayContaining(['IP4.DNS[1]:192.0.2.53', 'IP4.DNS[2]:198.51.100.53', 'IP4.SEARCHES[1]:a.example', 'IP4.SEARCHES[2]:b.example']));
  });

  it('NetworkManager 1.42: nmk dns shows its DnsManager, one block per interface', async () => {
    const blocks = ok(await nmk(nm!.busAddress, ['-t', 'dns']), 'nmk dns').trim().split('\n\n').map(lines);
    expect(blocks[0]).toEqual(['DNS.MODE:none', 'DNS.RC-MANAGER:unmanaged']);
    const lan = blocks.find((b) => b.some((l) => l.endsWith('.SERVERS:192.0.2.53 198.51.100.53')));
    expect(lan, blocks.flat().join('\n')).toBeDefined();
    expect(lan).toEqual(expect.arrayContaining([expect.stringMatching(/\.INTERFACE:veth0$/), expect.stringMatching(/\.DOMAINS:a\.example b\.example$/), expect.stringMatching(/\.VPN:no$/)]));
    expect(blocks.some((b) => b.some((l) => l.endsWith('.SERVERS:10.42.0.1 10.42.0.2')))).toBe(true);
  });
});
