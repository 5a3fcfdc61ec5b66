import { describe, expect, it } from 'vitest';
import type { Route } from '../../sdk/index.js';
import { gatewayRoute, ip4FromU32, parseGeneric, parseIpConfig, planTunnel, profileRoutes, u32FromIp4 } from './vpn-config.js';

const u = u32FromIp4;

describe('VPN config dictionaries to the kernel', () => {
  it('reads IPv4 addresses in network byte order', () => {
    expect(ip4FromU32(u('10.8.0.2'))).toBe('10.8.0.2');
  });
  it('reads the generic config; "_none_" means the base device', () => {
    expect(parseGeneric({ tundev: 'tun0', gateway: u('192.0.2.1'), mtu: 1400, 'has-ip4': true, banner: 'hi' })).toEqual({ tundev: 'tun0', gateway4: '192.0.2.1', mtu: 1400, banner: 'hi', hasIp4: true, hasIp6: false });
    expect(parseGeneric({ tundev: '_none_', gateway: u('192.0.2.1') }).tundev).toBeUndefined();
  });
  it('turns an Ip4Config into address, subnet route, pushed routes and the default route; drops the gateway host route', () => {
    const c = parseIpConfig(4, {
      address: u('10.8.0.2'), prefix: 24, 'internal-gateway': u('10.8.0.1'), dns: [u('10.8.0.1')], domains: ['corp.test'],
      routes: [[u('198.51.100.0'), 24, u('10.8.0.1'), 0], [u('192.0.2.1'), 32, 0, 0]],
    }, '192.0.2.1');
    if (c instanceof Error) throw c;
    expect(c.nameservers).toEqual(['10.8.0.1']);
    expect(c.domains).toEqual(['corp.test']);
    const plan = planTunnel(c, { ifindex: 7, metric: 50, table: 254, neverDefault: false, ignoreRoutes: false });
    expect(plan.addresses).toEqual([{ family: 4, ifindex: 7, address: '10.8.0.2', prefixlen: 24, flags: 0x200 }]);
    expect(plan.routes.map((r) => `${r.dst}/${r.dstLen} ${r.gateway ?? '-'} ${r.metric}`)).toEqual(['10.8.0.0/24 - 50', '198.51.100.0/24 10.8.0.1 50', '0.0.0.0/0 10.8.0.1 50']);
  });
  it('honours never-default (the plugin\'s or the profile\'s) and ignore-auto-routes', () => {
    const c = parseIpConfig(4, { address: u('10.8.0.2'), prefix: 24, 'never-default': true, routes: [[u('198.51.100.0'), 24, 0, 0]] });
    if (c instanceof Error) throw c;
    expect(planTunnel(c, { ifindex: 7, metric: 50, table: 254, neverDefault: false, ignoreRoutes: true }).routes.map((r) => `${r.dst}/${r.dstLen}`)).toEqual(['10.8.0.0/24']);
  });
  it('refuses a config without an address, naming the family', () => {
    expect(parseIpConfig(4, { prefix: 24 })).toEqual(new Error('invalid IPv4 config received: no valid IP address/prefix'));
  });
  it('routes the VPN gateway through the base device\'s best route', () => {
    const r = (x: Partial<Route>): Route => ({ family: 4, table: 254, dst: '0.0.0.0', dstLen: 0, ifindex: 3, metric: 100, protocol: 4, scope: 0, type: 1, ...x });
    expect(gatewayRoute(4, '203.0.113.9', 3, [r({ gateway: '192.0.2.1' }), r({ dst: '192.0.2.0', dstLen: 24, metric: 100, scope: 253 })])).toMatchObject({ dst: '203.0.113.9', dstLen: 32, gateway: '192.0.2.1', ifindex: 3, metric: 100 });
    expect(gatewayRoute(4, '192.0.2.1', 3, [r({ gateway: '192.0.2.1' }), r({ dst: '192.0.2.0', dstLen: 24, metric: 100, scope: 253 })])).not.toHaveProperty('gateway');
    expect(gatewayRoute(4, '192.0.2.1', 3, [])).toBeUndefined();
  });
  describe('the profile\'s own routes (ipvX.routes) on the tunnel', () => {
    const pushed = () => {
      const c = parseIpConfig(4, { address: u('10.8.0.2'), prefix: 24, 'internal-gateway': u('10.8.0.1'), routes: [[u('198.51.100.0'), 24, u('10.8.0.1'), 0]] });
      if (c instanceof Error) throw c;
      return c;
    };
    const routes = (ipv4: Record<string, unknown>) => {
      const r = profileRoutes({ ipv4 } as never, 4, 7);
      if (!r.ok) throw new Error(r.reason);
      return r.value;
    };
    const text = (rs: readonly { dst: string; dstLen: number; gateway?: string; metric?: number; table?: number }[]) => rs.map((r) => `${r.dst}/${r.dstLen} ${r.gateway ?? '-'} ${r.metric} ${r.table}`);

    it('get the VPN metric (50, or ipv4.route-metric) and the main table unless they carry their own', () => {
      expect(text(routes({ 'route-data': [{ dest: '203.0.113.0', prefix: 24 }, { dest: '192.0.2.128', prefix: 25, nextHop: '10.8.0.1', metric: 7, attributes: { table: 100 } }] }))).toEqual(['203.0.113.0/24 - 50 254', '192.0.2.128/25 10.8.0.1 7 100']);
      expect(text(routes({ 'route-metric': 300, 'route-table': 50, 'route-data': [{ dest: '203.0.113.0', prefix: 24 }] }))).toEqual(['203.0.113.0/24 - 300 50']);
    });
    it('stay with ignore-auto-routes and never-default, which drop only what the plugin pushed', () => {
      const own = routes({ 'route-data': [{ dest: '203.0.113.0', prefix: 24 }, { dest: '0.0.0.0', prefix: 0, nextHop: '10.8.0.1' }] });
      const plan = planTunnel(pushed(), { ifindex: 7, metric: 50, table: 254, neverDefault: true, ignoreRoutes: true, profileRoutes: own });
      expect(text(plan.routes)).toEqual(['10.8.0.0/24 - 50 254']);
      expect(text(plan.profileRoutes)).toEqual(['203.0.113.0/24 - 50 254', '0.0.0.0/0 10.8.0.1 50 254']);
    });
    it('are not added twice when the plugin pushes the same route', () => {
      const own = routes({ 'route-data': [{ dest: '198.51.100.0', prefix: 24, nextHop: '10.8.0.1' }, { dest: '198.51.100.0', prefix: 24, nextHop: '10.8.0.1', metric: 5 }] });
      const plan = planTunnel(pushed(), { ifindex: 7, metric: 50, table: 254, neverDefault: false, ignoreRoutes: false, profileRoutes: own });
      expect(text(plan.routes)).toContain('198.51.100.0/24 10.8.0.1 50 254');
      expect(text(plan.profileRoutes)).toEqual(['198.51.100.0/24 10.8.0.1 5 254']);
    });
    it('a bad entry is an error naming the key and the route', () => {
      const r = profileRoutes({ ipv4: { 'route-data': [{ dest: '203.0.113.0', prefix: 24, attributes: { type: 'sideways' } }] } } as never, 4, 7);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toMatch(/^ipv4\.route-data: route 203\.0\.113\.0\/24: type 'sideways'/);
    });
  });
});
