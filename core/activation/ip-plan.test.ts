import { describe, expect, it } from 'vitest';
import { NMDeviceType } from '../../sdk/index.js';
import { defaultRouteMetric, ipOutcome, planIp } from './ip-plan.js';

const base = (ipv4: Record<string, unknown>, ipv6: Record<string, unknown> = { method: 'ignore' }) =>
  ({ connection: { id: 'x', uuid: 'u', type: '802-3-ethernet' }, ipv4, ipv6 }) as any;

describe('planIp', () => {
  it('static IPv4: addresses, routes with the device type metric, the gateway default route', () => {
    const p = planIp(
      base({ method: 'manual', 'address-data': [{ address: '192.0.2.1', prefix: 24 }], gateway: '192.0.2.254', 'route-data': [{ dest: '10.0.0.0', prefix: 8, nextHop: '192.0.2.9', metric: 7 }] }),
      4,
      NMDeviceType.BOND,
      'bond0',
      7,
    );
    expect(p.supported).toBe(true);
    expect(p.addresses).toEqual([
      { address: '192.0.2.1', prefixlen: 24, broadcast: '192.0.2.255', prefixRoute: { family: 4, dst: '192.0.2.0', dstLen: 24, ifindex: 7, metric: 300, table: 254, protocol: 2, scope: 253, prefsrc: '192.0.2.1' } },
    ]);
    expect(p.routes).toEqual([
      { family: 4, dst: '10.0.0.0', dstLen: 8, gateway: '192.0.2.9', ifindex: 7, metric: 7, table: 254, protocol: 4, type: 1 },
      { family: 4, dst: '0.0.0.0', dstLen: 0, gateway: '192.0.2.254', ifindex: 7, metric: 300, table: 254, protocol: 4 },
    ]);
    expect(p.sysctls).toEqual([['net/ipv4/conf/bond0/promote_secondaries', '1']]);
  });

  it('never-default, route-metric, route-table and the table attribute', () => {
    const p = planIp(
      base({ method: 'manual', 'address-data': [{ address: '192.0.2.1', prefix: 24 }], gateway: '192.0.2.254', 'never-default': true, 'route-metric': 20, 'route-table': 100, 'route-data': [{ dest: '10.0.0.0', prefix: 8, attributes: { table: 7 } }] }),
      4,
      NMDeviceType.ETHERNET,
      'eth0',
      7,
    );
    expect(p.routes).toEqual([{ family: 4, dst: '10.0.0.0', dstLen: 8, ifindex: 7, metric: 20, table: 7, protocol: 4, type: 1 }]);
  });

  it('IPv6 metric 0 is the kernel default 1024; disabled writes disable_ipv6', () => {
    const p = planIp(base({ method: 'disabled' }, { method: 'manual', 'route-metric': 0, 'address-data': [{ address: '2001:db8::1', prefix: 64 }], gateway: '2001:db8::ff' }), 6, NMDeviceType.ETHERNET, 'eth0', 7);
    expect(p.routes[0]!.metric).toBe(1024);
    expect(p.sysctls).toEqual([['net/ipv6/conf/eth0/disable_ipv6', '0'], ['net/ipv6/conf/eth0/accept_ra', '0']]);
    expect(planIp(base({ method: 'disabled' }, { method: 'disabled' }), 6, 1, 'eth0', 7).sysctls).toEqual([['net/ipv6/conf/eth0/disable_ipv6', '1']]);
  });

  it('routing rules become rule specs; a bad route names itself and fails the family', () => {
    const p = planIp(base({ method: 'manual', 'address-data': [{ address: '192.0.2.1', prefix: 24 }], 'routing-rules': ['priority 5 from 10.0.0.0/8 table 100'] }), 4, 1, 'eth0', 7);
    expect(p.rules).toMatchObject([{ family: 4, priority: 5, from: '10.0.0.0', fromLen: 8, table: 100 }]);
    const bad = planIp(base({ method: 'manual', 'route-data': [{ dest: '10.0.0.0', prefix: 8, attributes: { type: 'bogus' } }] }), 4, 1, 'eth0', 7);
    expect(bad.problem).toMatch(/route 10.0.0.0\/8: type 'bogus'/);
  });

  it('automatic methods name their automatic part; IPv4 link-local is not carried out', () => {
    expect(planIp(base({ method: 'auto' }), 4, 1, 'eth0', 7)).toMatchObject({ supported: true, dynamic: 'dhcp' });
    expect(planIp(base({ method: 'manual' }, { method: 'dhcp' }), 6, 1, 'eth0', 7)).toMatchObject({ supported: true, dynamic: 'dhcp' });
    const ra = planIp(base({ method: 'manual' }, { method: 'auto' }), 6, 1, 'eth0', 7);
    expect(ra).toMatchObject({ supported: true, dynamic: 'ndisc' });
    // NetworkManager handles advertisements itself: the kernel's accept_ra goes off.
    expect(ra.sysctls).toContainEqual(['net/ipv6/conf/eth0/accept_ra', '0']);
    expect(planIp(base({ method: 'shared' }), 4, 1, 'eth0', 7)).toMatchObject({ supported: true, dynamic: 'shared' });
    expect(planIp(base({ method: 'link-local' }), 4, 1, 'eth0', 7).supported).toBe(false);
  });

  it("an automatic method keeps the profile's own addresses and gateway", () => {
    const p = planIp(base({ method: 'auto', 'address-data': [{ address: '192.0.2.9', prefix: 24 }], gateway: '192.0.2.254' }), 4, 1, 'eth0', 7);
    expect(p.addresses.map((a) => a.address)).toEqual(['192.0.2.9']);
    expect(p.routes.find((r) => r.dstLen === 0)?.gateway).toBe('192.0.2.254');
  });

  it('default metrics follow NetworkManager per device type', () => {
    expect(defaultRouteMetric(NMDeviceType.ETHERNET)).toBe(100);
    expect(defaultRouteMetric(NMDeviceType.VLAN)).toBe(400);
    expect(defaultRouteMetric(NMDeviceType.BRIDGE)).toBe(425);
    expect(defaultRouteMetric(NMDeviceType.WIFI)).toBe(600);
    expect(defaultRouteMetric(NMDeviceType.LOOPBACK)).toBe(11000);
  });
});

describe('ipOutcome', () => {
  const v4 = planIp(base({ method: 'manual' }), 4, 1, 'e', 7);
  const v6auto = planIp(base({ method: 'manual' }, { method: 'auto' }), 6, 1, 'e', 7);
  const v6strict = planIp(base({ method: 'manual' }, { method: 'auto', 'may-fail': false }), 6, 1, 'e', 7);
  const v6ignore = planIp(base({ method: 'manual' }, { method: 'ignore' }), 6, 1, 'e', 7);
  const v4off = planIp(base({ method: 'disabled' }), 4, 1, 'e', 7);

  it('one family succeeding is enough while the other may fail', () => {
    expect(ipOutcome([v4, v6auto], new Map([[4, true], [6, false]]))).toEqual({ activated: true });
  });
  it('a family that may not fail fails the connection', () => {
    expect(ipOutcome([v4, v6strict], new Map([[4, true], [6, false]]))).toEqual({ activated: false, failedFamily: 6 });
  });
  it('both failing fails; both inert activates (layer 2 only)', () => {
    expect(ipOutcome([v4, v6auto], new Map([[4, false], [6, false]]))).toEqual({ activated: false, failedFamily: 4 });
    expect(ipOutcome([v4off, v6ignore], new Map())).toEqual({ activated: true });
  });
});
