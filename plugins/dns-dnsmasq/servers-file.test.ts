/** The servers file dnsmasq re-reads: split DNS lines, interface binding, global DNS. */
import { describe, expect, it } from 'vitest';
import type { DnsConfig, DnsState } from '../../sdk/index.js';
import { dnsmasqAddress, serverLines } from './servers-file.js';

const base = { connectionUuid: 'u', connectionId: 'c', searches: [], options: [], priority: 100, isDefault: false, isVpn: false };
function state(configs: DnsConfig[], global?: DnsState['global']): DnsState {
  return { configs, nameservers: [], searches: [], options: [], ...(global ? { global } : {}) };
}

describe('dnsmasq servers file', () => {
  it('binds each server to its link; link-local IPv6 with %, others with @', () => {
    expect(dnsmasqAddress('10.0.0.1', 'eth0')).toBe('10.0.0.1@eth0');
    expect(dnsmasqAddress('FE80::1', 'eth0')).toBe('fe80::1%eth0');
    expect(dnsmasqAddress('2001:db8::53', 'eth0')).toBe('2001:db8::53@eth0');
    expect(dnsmasqAddress('::ffff:192.0.2.1', 'eth0')).toBe('192.0.2.1@eth0');
    expect(dnsmasqAddress('bogus', 'eth0')).toBeUndefined();
  });

  it('routes each domain to its config and the wildcard to the default ones', () => {
    const lines = serverLines(state([
      { ...base, ifindex: 2, ifname: 'eth0', family: 4, nameservers: ['10.0.0.1'], domains: ['lan'], routing: { domains: ['lan'], defaultRoute: 'yes' } },
      { ...base, ifindex: 5, ifname: 'tun0', family: 4, nameservers: ['172.16.0.1', '172.16.0.2'], domains: ['corp', '.'], routing: { domains: ['corp', '.'], defaultRoute: 'exclusive' } },
      { ...base, ifindex: 6, ifname: 'eth1', family: 6, nameservers: ['fe80::1'], domains: ['x'], routing: { domains: [], defaultRoute: 'no' } },
      { ...base, ifindex: 7, ifname: 'eth2', family: 4, nameservers: ['10.9.0.1'], domains: ['bad/name'], routing: { domains: ['bad/name'], defaultRoute: 'no' } },
    ]));
    expect(lines).toEqual([
      'server=10.0.0.1@eth0',
      'server=/lan/10.0.0.1@eth0',
      'server=172.16.0.1@tun0',
      'server=/corp/172.16.0.1@tun0',
      'server=172.16.0.2@tun0',
      'server=/corp/172.16.0.2@tun0',
    ]);
  });

  it('a global "*" domain replaces the connections; other global domains come first', () => {
    const configs: DnsConfig[] = [{ ...base, ifindex: 2, ifname: 'eth0', family: 4, nameservers: ['10.0.0.1'], domains: [], routing: { domains: [], defaultRoute: 'yes' } }];
    expect(serverLines(state(configs, { searches: [], options: [], domains: { '*': { servers: ['9.9.9.9'], options: [] }, corp: { servers: ['10.9.9.9'], options: [] } } }))).toEqual([
      'server=9.9.9.9',
      'server=/corp/10.9.9.9',
    ]);
    expect(serverLines(state(configs, { searches: ['g'], options: [], domains: {} }))).toEqual(['server=10.0.0.1@eth0']);
  });
});
