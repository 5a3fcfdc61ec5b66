/**
 * Ordering, merging and split-DNS routing, case by case against what
 * NetworkManager 1.42's nm-dns-manager.c does with the same inputs.
 */
import { describe, expect, it } from 'vitest';
import type { DnsConfig, GlobalDns } from '../../sdk/index.js';
import { MergedConfig } from '../config/merged-config.js';
import { buildConfiguration } from './configuration.js';
import { dnsConfigFromNm } from './dns-config-input.js';
import { resolvConfConfigs, sortConfigs } from './dns-order.js';
import { computeRouting } from './dns-routing.js';
import { readGlobalDns } from './global-dns.js';
import { renderResolvConf } from './resolv-conf-text.js';
import { hostDomain, mergeResolvConf } from './resolv-merge.js';

let seq = 0;
function cfg(over: Partial<DnsConfig> & { ifname: string }): DnsConfig {
  return {
    ifindex: 10 + seq++,
    connectionUuid: `uuid-${over.ifname}`,
    connectionId: over.ifname,
    family: 4,
    nameservers: [],
    searches: [],
    domains: [],
    options: [],
    priority: 100,
    isDefault: false,
    isVpn: false,
    ...over,
  };
}

/** Sorted, then merged for resolv.conf, as the manager does. */
function resolv(configs: DnsConfig[], global?: GlobalDns, hostname?: string) {
  const sorted = sortConfigs(configs.map((config, i) => ({ config, seq: i })));
  return mergeResolvConf(resolvConfConfigs(sorted), global, hostname);
}

function routing(configs: DnsConfig[]) {
  const sorted = sortConfigs(configs.map((config, i) => ({ config, seq: i })));
  const r = computeRouting(sorted);
  return Object.fromEntries(sorted.map((c, i) => [c.ifname, r[i]]));
}

describe('order (_mgr_get_ip_data_lst_cmp)', () => {
  it('sorts by dns-priority, then VPN, then the default-route connection, then least recently changed', () => {
    const a = cfg({ ifname: 'a', priority: 100 });
    const b = cfg({ ifname: 'b', priority: 100, isDefault: true });
    const vpn = cfg({ ifname: 'tun0', priority: 100, isVpn: true });
    const c = cfg({ ifname: 'c', priority: 50 });
    const d = cfg({ ifname: 'd', priority: 100 });
    const sorted = sortConfigs([a, b, vpn, c, d].map((config, i) => ({ config, seq: i })));
    expect(sorted.map((x) => x.ifname)).toEqual(['c', 'tun0', 'b', 'a', 'd']);
  });

  it('applies the default priority for 0: 50 for a VPN, 100 otherwise', () => {
    const sorted = sortConfigs([cfg({ ifname: 'eth', priority: 0 }), cfg({ ifname: 'vpn', priority: 0, isVpn: true }), cfg({ ifname: 'p70', priority: 70 })].map((config, i) => ({ config, seq: i })));
    expect(sorted.map((x) => [x.ifname, x.priority])).toEqual([['vpn', 50], ['p70', 70], ['eth', 100]]);
  });
});

describe('resolv.conf merge (_collect_resolv_conf_data)', () => {
  it('lists servers and searches in config order without duplicates', () => {
    const r = resolv([
      cfg({ ifname: 'eth1', nameservers: ['10.0.0.1', '10.0.0.2'], searches: ['b.test'], priority: 100 }),
      cfg({ ifname: 'eth0', nameservers: ['10.0.0.2', '192.168.1.1'], searches: ['a.test', 'b.test'], priority: 50 }),
    ]);
    expect(r).toEqual({ nameservers: ['10.0.0.2', '192.168.1.1', '10.0.0.1'], searches: ['a.test', 'b.test'], options: [] });
  });

  it('a negative priority hides every config with another priority', () => {
    const r = resolv([
      cfg({ ifname: 'eth0', nameservers: ['10.0.0.1'], searches: ['lan'], isDefault: true }),
      cfg({ ifname: 'tun0', nameservers: ['172.16.0.1'], searches: ['corp'], priority: -10, isVpn: true }),
      cfg({ ifname: 'tun1', nameservers: ['172.17.0.1'], priority: -10, isVpn: true }),
      cfg({ ifname: 'tun2', nameservers: ['172.18.0.1'], priority: -5, isVpn: true }),
    ]);
    expect(r.nameservers).toEqual(['172.16.0.1', '172.17.0.1']);
    expect(r.searches).toEqual(['corp']);
  });

  it('negative priorities below a positive first one hide nothing', () => {
    // Only the first config's priority decides; here it is the lowest anyway, so a positive first means all positive.
    const r = resolv([cfg({ ifname: 'a', nameservers: ['1.1.1.1'], priority: 10 }), cfg({ ifname: 'b', nameservers: ['2.2.2.2'], priority: 20 })]);
    expect(r.nameservers).toEqual(['1.1.1.1', '2.2.2.2']);
  });

  it('merges options by name (the first ndots wins) and keeps trust-ad only when every config with servers asks', () => {
    const both = resolv([
      cfg({ ifname: 'a', nameservers: ['1.1.1.1'], options: ['ndots:2', 'trust-ad', 'rotate'], priority: 10 }),
      cfg({ ifname: 'b', nameservers: ['2.2.2.2'], options: ['ndots:3', 'trust-ad', 'edns0'], priority: 20 }),
      cfg({ ifname: 'c', options: ['timeout:3'], priority: 30 }), // no servers: no say on trust-ad
    ]);
    expect(both.options).toEqual(['ndots:2', 'rotate', 'edns0', 'timeout:3', 'trust-ad']);
    const one = resolv([
      cfg({ ifname: 'a', nameservers: ['1.1.1.1'], options: ['trust-ad'], priority: 10 }),
      cfg({ ifname: 'b', nameservers: ['2.2.2.2'], priority: 20 }),
    ]);
    expect(one.options).toEqual([]);
  });

  it('scopes IPv6 link-local servers with %ifname, prints IPv4-mapped ones as IPv4, drops routing-only searches', () => {
    const r = resolv([
      cfg({ ifname: 'wlan0', family: 6, nameservers: ['FE80::1', '2001:DB8:0:0::53', '::ffff:192.0.2.1', 'not-an-ip'], searches: ['home.arpa', '~corp'] }),
    ]);
    expect(r.nameservers).toEqual(['fe80::1%wlan0', '2001:db8::53', '192.0.2.1']);
    expect(r.searches).toEqual(['home.arpa']);
  });

  it('[global-dns] with a "*" domain replaces every connection; its searches and options come first', () => {
    const global: GlobalDns = { searches: ['g.test', '~routing'], options: ['ndots:1'], domains: { '*': { servers: ['9.9.9.9'], options: [] }, 'corp': { servers: ['10.9.9.9'], options: [] } } };
    const r = resolv([cfg({ ifname: 'eth0', nameservers: ['10.0.0.1'], searches: ['lan'], options: ['rotate'] })], global);
    expect(r).toEqual({ nameservers: ['9.9.9.9'], searches: ['g.test'], options: ['ndots:1'] });
  });

  it('[global-dns] without servers only adds its searches and options before the connections', () => {
    const global: GlobalDns = { searches: ['g.test'], options: ['edns0'], domains: {} };
    const r = resolv([cfg({ ifname: 'eth0', nameservers: ['10.0.0.1'], searches: ['lan'], options: ['edns0', 'rotate'] })], global);
    expect(r).toEqual({ nameservers: ['10.0.0.1'], searches: ['g.test', 'lan'], options: ['edns0', 'rotate'] });
  });

  it('adds the host name domain last', () => {
    expect(resolv([cfg({ ifname: 'e', nameservers: ['1.1.1.1'], searches: ['lan'] })], undefined, 'box.example.com').searches).toEqual(['lan', 'example.com']);
    expect(hostDomain('example.com')).toBe('example.com');
    expect(hostDomain('box')).toBeUndefined();
    expect(hostDomain('localhost.localdomain')).toBeUndefined();
  });
});

describe('split DNS routing (_mgr_configs_data_construct)', () => {
  it('gives the wildcard to the connection with the default route, and VPN domains to the VPN', () => {
    const r = routing([
      cfg({ ifname: 'eth0', nameservers: ['10.0.0.1'], searches: ['lan'], domains: ['lan'], isDefault: true }),
      cfg({ ifname: 'tun0', nameservers: ['172.16.0.1'], domains: ['corp.test'], priority: 50, isVpn: true }),
    ]);
    expect(r.eth0).toEqual({ domains: ['lan'], defaultRoute: 'yes' });
    expect(r.tun0).toEqual({ domains: ['corp.test'], defaultRoute: 'no' });
  });

  it('without any default route every non-VPN config takes the wildcard', () => {
    const r = routing([
      cfg({ ifname: 'eth0', nameservers: ['10.0.0.1'] }),
      cfg({ ifname: 'eth1', nameservers: ['10.0.1.1'] }),
      cfg({ ifname: 'tun0', nameservers: ['172.16.0.1'], isVpn: true, priority: 50 }),
    ]);
    expect([r.eth0!.defaultRoute, r.eth1!.defaultRoute, r.tun0!.defaultRoute]).toEqual(['yes', 'yes', 'no']);
  });

  it('every connection with a default route shares the wildcard at equal priority', () => {
    const r = routing([
      cfg({ ifname: 'eth0', nameservers: ['10.0.0.1'], isDefault: true }),
      cfg({ ifname: 'eth1', nameservers: ['10.0.1.1'], hasDefaultRoute: true }),
      cfg({ ifname: 'eth2', nameservers: ['10.0.2.1'] }),
    ]);
    expect([r.eth0!.defaultRoute, r.eth1!.defaultRoute, r.eth2!.defaultRoute]).toEqual(['yes', 'yes', 'no']);
  });

  it('a domain claimed at a lower priority is dropped from higher ones; equal priorities share it', () => {
    const r = routing([
      cfg({ ifname: 'a', nameservers: ['1.1.1.1'], domains: ['corp'], priority: 10 }),
      cfg({ ifname: 'b', nameservers: ['2.2.2.2'], domains: ['corp', 'other'], priority: 20 }),
      cfg({ ifname: 'c', nameservers: ['3.3.3.3'], domains: ['corp'], priority: 10 }),
    ]);
    expect(r.a!.domains).toEqual(['corp']);
    expect(r.c!.domains).toEqual(['corp']);
    expect(r.b!.domains).toEqual(['other']);
  });

  it('a negative priority with the default route is exclusive and shadows everyone else', () => {
    const r = routing([
      cfg({ ifname: 'eth0', nameservers: ['10.0.0.1'], domains: ['lan', 'x.corp'], isDefault: true }),
      cfg({ ifname: 'tun0', nameservers: ['172.16.0.1'], domains: ['corp'], priority: -10, isVpn: true, hasDefaultRoute: true }),
    ]);
    expect(r.tun0).toEqual({ domains: ['corp'], defaultRoute: 'exclusive' });
    // Everything under the negative wildcard is shadowed, sub-domains of corp too.
    expect(r.eth0).toEqual({ domains: [], defaultRoute: 'no' });
  });

  it('a negative domain shadows its sub-domains but not unrelated ones', () => {
    const r = routing([
      cfg({ ifname: 'tun0', nameservers: ['172.16.0.1'], domains: ['corp'], priority: -10, isVpn: true }),
      cfg({ ifname: 'eth0', nameservers: ['10.0.0.1'], domains: ['a.corp', 'lan'], isDefault: true }),
    ]);
    expect(r.eth0).toEqual({ domains: ['lan'], defaultRoute: 'yes' });
  });

  it('an explicit "~." is exclusive at any priority and replaces the automatic wildcard', () => {
    const r = routing([
      cfg({ ifname: 'tun0', nameservers: ['172.16.0.1'], domains: ['.'], priority: 50, isVpn: true }),
      cfg({ ifname: 'eth0', nameservers: ['10.0.0.1'], isDefault: true }),
    ]);
    expect(r.tun0).toEqual({ domains: ['.'], defaultRoute: 'exclusive' });
    expect(r.eth0!.defaultRoute).toBe('no'); // "" already claimed at 50
  });

  it('configs without servers take no part', () => {
    const r = routing([cfg({ ifname: 'eth0', searches: ['lan'], domains: ['lan'], isDefault: true }), cfg({ ifname: 'eth1', nameservers: ['1.1.1.1'] })]);
    expect(r.eth0).toEqual({ domains: [], defaultRoute: 'no' });
    expect(r.eth1!.defaultRoute).toBe('yes');
  });
});

describe('resolv.conf text (create_resolv_conf)', () => {
  it('writes search, nameservers (with the note after three) and options', () => {
    expect(renderResolvConf({ searches: ['a.test', 'b.test'], nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'], options: ['edns0', 'trust-ad'] })).toBe(
      '# Generated by NetworkManager (nmk)\nsearch a.test b.test\nnameserver 1.1.1.1\nnameserver 2.2.2.2\nnameserver 3.3.3.3\n' +
        '# NOTE: the libc resolver may not support more than 3 nameservers.\n# The nameservers listed below may not be recognized.\n' +
        'nameserver 4.4.4.4\noptions edns0 trust-ad\n',
    );
    expect(renderResolvConf({ searches: [], nameservers: [], options: [] })).toBe('# Generated by NetworkManager (nmk)\n');
  });

  it('pads a search line past 256 characters so the cut falls between entries', () => {
    const long = Array.from({ length: 30 }, (_, i) => `domain${i}.example`);
    const line = renderResolvConf({ searches: long, nameservers: [], options: [] }).split('\n')[1]!;
    const cut = line.slice(0, 256);
    expect(cut.trimEnd().split(' ').slice(1).every((d) => long.includes(d))).toBe(true);
    expect(line.replace(/ +/g, ' ')).toBe(`search ${long.join(' ')}`);
  });
});

describe('DnsConfig from NetworkManager lists', () => {
  const base = { ifindex: 2, ifname: 'eth0', connectionUuid: 'u', connectionId: 'c', family: 4 as const, nameservers: ['10.0.0.1'], options: [], priority: 0, isDefault: true, isVpn: false };
  it('prefers searches over DHCP domains for routing; "~." is every domain', () => {
    const c = dnsConfigFromNm({ ...base, searches: ['lan.', '~corp.test', '~.', '..bad', ''], domains: ['dhcp.test'] });
    expect(c.searches).toEqual(['lan']);
    expect(c.domains).toEqual(['lan', 'corp.test', '.']);
    expect(c.priority).toBe(100);
  });
  it('uses the DHCP domains when there is no search list, and for resolv.conf when there are several', () => {
    expect(dnsConfigFromNm({ ...base, searches: [], domains: ['d.test'] })).toMatchObject({ searches: ['d.test'], domains: ['d.test'] });
    expect(dnsConfigFromNm({ ...base, searches: ['s.test'], domains: ['d1.test', 'd2.test'] })).toMatchObject({ searches: ['s.test', 'd1.test', 'd2.test'], domains: ['s.test'] });
    expect(dnsConfigFromNm({ ...base, searches: ['s.test'], domains: ['d1.test'] })).toMatchObject({ searches: ['s.test'], domains: ['s.test'] });
  });
});

describe('[global-dns] and Configuration', () => {
  function config(lines: [string, string, string][]) {
    const c = new MergedConfig();
    lines.forEach(([s, k, v], i) => c.set(s, k, v, `/etc/nmk/nmk.conf:${i + 1}`));
    return c;
  }

  it('reads domains sorted, drops bad servers with a warning, and ignores a configuration without "*"', () => {
    const ok = readGlobalDns(config([
      ['global-dns', 'searches', 'g.test'],
      ['global-dns-domain-corp', 'servers', '10.9.9.9,bogus'],
      ['global-dns-domain-*', 'servers', '9.9.9.9'],
    ]));
    expect(Object.keys(ok.global!.domains)).toEqual(['*', 'corp']);
    expect(ok.global!.domains.corp!.servers).toEqual(['10.9.9.9']);
    expect(ok.warnings).toEqual([`/etc/nmk/nmk.conf:2: 'bogus' is not an IP address; ignored`]);
    const noStar = readGlobalDns(config([['global-dns-domain-corp', 'servers', '10.9.9.9']]));
    expect(noStar.global).toBeUndefined();
    expect(noStar.warnings[0]).toMatch(/no \[global-dns-domain-\*\]/);
    expect(readGlobalDns(config([['main', 'dns', 'default']])).global).toBeUndefined();
  });

  it('lists global domains first, then configs with servers (negative ones included), with routing domains marked "~"', () => {
    const global: GlobalDns = { searches: [], options: [], domains: { '*': { servers: ['9.9.9.9'], options: [] }, corp: { servers: ['10.9.9.9'], options: [] } } };
    const sorted = sortConfigs([
      cfg({ ifname: 'eth0', nameservers: ['fe80::1'], family: 6, searches: ['lan'], domains: ['lan', 'corp'] }),
      cfg({ ifname: 'tun0', nameservers: ['172.16.0.1'], priority: -10, isVpn: true }),
      cfg({ ifname: 'eth1', searches: ['nothing'] }),
    ].map((config, i) => ({ config, seq: i })));
    expect(buildConfiguration(sorted, global)).toEqual([
      { nameservers: ['9.9.9.9'], priority: 100, vpn: false },
      { nameservers: ['10.9.9.9'], domains: ['corp'], priority: 100, vpn: false },
      { nameservers: ['172.16.0.1'], interface: 'tun0', priority: -10, vpn: true },
      { nameservers: ['fe80::1'], domains: ['lan', '~corp'], interface: 'eth0', priority: 100, vpn: false },
    ]);
  });
});
