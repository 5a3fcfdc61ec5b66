import { describe, expect, it } from 'vitest';
import type { DhcpLease, NdiscConfig } from '../../../sdk/index.js';
import { l3FromDhcp4, l3FromNdisc, mergeL3, type L3Context } from './l3-config.js';

const ctx4: L3Context = { family: 4, ifindex: 7, metric: 100, table: 254, neverDefault: false, ignoreAutoRoutes: false, ignoreAutoDns: false };
const ctx6: L3Context = { ...ctx4, family: 6 };

const lease = (o: Partial<DhcpLease> = {}): DhcpLease => ({
  family: 4,
  addresses: [{ address: '192.0.2.50', prefixlen: 24, validLifetime: 120, preferredLifetime: 120 }],
  gateways: ['192.0.2.1'],
  routes: [],
  nameservers: ['192.0.2.53', '192.0.2.53'],
  domains: ['example.test'],
  ntpServers: [],
  options: {},
  ...o,
});

describe('l3FromDhcp4', () => {
  it('gives the address with its lifetimes, its subnet route and the default route at the profile metric', () => {
    const c = l3FromDhcp4(lease(), ctx4);
    expect(c.addresses[0]!.spec).toMatchObject({ address: '192.0.2.50', prefixlen: 24, broadcast: '192.0.2.255', validLifetime: 120, replace: true });
    expect(c.addresses[0]!.prefixRoute).toMatchObject({ dst: '192.0.2.0', dstLen: 24, metric: 100, prefsrc: '192.0.2.50' });
    expect(c.routes).toEqual([{ family: 4, dst: '0.0.0.0', dstLen: 0, gateway: '192.0.2.1', ifindex: 7, metric: 100, table: 254, protocol: 16 }]);
    expect(c.nameservers).toEqual(['192.0.2.53']);
    expect(c.domains).toEqual(['example.test']);
  });
  it('a classless default route replaces the router option (RFC 3442)', () => {
    const c = l3FromDhcp4(lease({ routes: [{ dest: '0.0.0.0', prefixlen: 0, gateway: '192.0.2.2' }, { dest: '10.9.0.0', prefixlen: 16, gateway: '192.0.2.3' }] }), ctx4);
    expect(c.routes.map((r) => `${r.dst}/${r.dstLen} via ${r.gateway}`)).toEqual(['0.0.0.0/0 via 192.0.2.2', '10.9.0.0/16 via 192.0.2.3']);
  });
  it('never-default, ignore-auto-routes and ignore-auto-dns leave their part out', () => {
    expect(l3FromDhcp4(lease(), { ...ctx4, neverDefault: true }).routes).toEqual([]);
    expect(l3FromDhcp4(lease({ routes: [{ dest: '10.9.0.0', prefixlen: 16, gateway: '192.0.2.3' }] }), { ...ctx4, ignoreAutoRoutes: true }).routes).toEqual([]);
    expect(l3FromDhcp4(lease(), { ...ctx4, ignoreAutoDns: true }).nameservers).toEqual([]);
  });
});

describe('l3FromNdisc', () => {
  const ra: NdiscConfig = {
    routers: [
      { address: 'fe80::1', lifetime: 1800, preference: 'low' },
      { address: 'fe80::2', lifetime: 1800, preference: 'high' },
    ],
    addresses: [{ address: 'fd42:1::5054:ff:fe12:3456', prefixlen: 64, validLifetime: 86400, preferredLifetime: 14400 }],
    onLinkPrefixes: [{ prefix: 'fd42:1::', prefixlen: 64, validLifetime: 86400 }],
    routes: [],
    nameservers: [{ address: 'fd42:1::53', lifetime: 600 }, { address: 'fd42:1::54', lifetime: 0 }],
    domains: [{ domain: 'example.test', lifetime: 600 }],
    managed: false,
    otherConfig: false,
  };
  it('uses the most preferred router, the on-link prefix and live RDNSS/DNSSL only', () => {
    const c = l3FromNdisc(ra, ctx6);
    expect(c.routes.find((r) => r.dstLen === 0)?.gateway).toBe('fe80::2');
    expect(c.routes.find((r) => r.dstLen === 64)).toMatchObject({ dst: 'fd42:1::', protocol: 9 });
    expect(c.nameservers).toEqual(['fd42:1::53']);
    expect(c.addresses[0]!.spec).toMatchObject({ preferredLifetime: 14400, validLifetime: 86400, flags: 0x200 });
    expect(l3FromNdisc(ra, { ...ctx6, privacy: true }).addresses[0]!.spec.flags).toBe(0x300);
  });
});

describe('mergeL3', () => {
  it('keeps one of each address and route, the first source winning', () => {
    const a = l3FromDhcp4(lease(), ctx4);
    const m = mergeL3([a, a]);
    expect(m.addresses).toHaveLength(1);
    expect(m.routes).toHaveLength(1);
  });
});
