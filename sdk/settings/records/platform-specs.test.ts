import { describe, expect, it } from 'vitest';
import type { IpRoute } from '../types.js';
import { routeSpecFromIpRoute, routeSpecsFromSetting, ruleSpecFromRoutingRule, ruleSpecsFromSetting } from './platform-specs.js';
import { parseRoutingRule } from './routing-rules.js';

function rule(text: string, family: 4 | 6 = 4) {
  const parsed = parseRoutingRule(text, family);
  if (!parsed.ok) throw new Error(parsed.reason);
  return ruleSpecFromRoutingRule(parsed.value);
}

describe('routing rules to RuleSpec', () => {
  it('a simple rule: priority, source prefix, table, protocol static', () => {
    expect(rule('priority 5 from 10.0.0.0/8 table 100')).toEqual({ family: 4, priority: 5, from: '10.0.0.0', fromLen: 8, table: 100, action: 1, protocol: 4 });
  });

  it('every selector NetworkManager writes', () => {
    const text = 'priority 6 not from 10.1.0.0/16 to 10.2.0.0/24 tos 0x10 ipproto 6 fwmark 0x10/0xff sport 1000-2000 dport 80 iif eth0 oif eth1 uidrange 100-200 suppress_prefixlength 8 table 300';
    expect(rule(text)).toEqual({
      family: 4, priority: 6, invert: true, from: '10.1.0.0', fromLen: 16, to: '10.2.0.0', toLen: 24, tos: 0x10, ipproto: 6, fwmark: 0x10, fwmask: 0xff,
      sport: [1000, 2000], dport: [80, 80], iifname: 'eth0', oifname: 'eth1', uidRange: [100, 200], suppressPrefixlength: 8, table: 300, action: 1, protocol: 4,
    });
  });

  it('a mark without a mask matches all its bits; "from all" and a bare address', () => {
    expect(rule('priority 7 from all fwmark 0x20 table 5')).toEqual({ family: 4, priority: 7, fwmark: 0x20, fwmask: 0xffffffff, table: 5, action: 1, protocol: 4 });
    expect(rule('priority 8 to 10.9.9.9 table 5')).toMatchObject({ to: '10.9.9.9', toLen: 32 });
  });

  it('actions without a table, and IPv6', () => {
    expect(rule('priority 9 from 10.0.0.0/8 type blackhole')).toEqual({ family: 4, priority: 9, from: '10.0.0.0', fromLen: 8, action: 6, protocol: 4 });
    expect(rule('priority 10 from 2001:db8::/32 type prohibit', 6)).toEqual({ family: 6, priority: 10, from: '2001:db8::', fromLen: 32, action: 8, protocol: 4 });
    expect(rule('priority 11 to 2001:db8:1::/48 table 200', 6)).toEqual({ family: 6, priority: 11, to: '2001:db8:1::', toLen: 48, table: 200, action: 1, protocol: 4 });
  });

  it('a whole setting, and the rule that does not parse named', () => {
    const ok = ruleSpecsFromSetting(['priority 5 from 10.0.0.0/8 table 100', 'priority 6 to 10.1.0.0/16 table 101'], 4);
    expect(ok.ok && ok.value.map((r) => r.priority)).toEqual([5, 6]);
    expect(ruleSpecsFromSetting(undefined, 6)).toEqual({ ok: true, value: [] });
    expect(ruleSpecsFromSetting(['priority 5 from 10.0.0.0/8 table 100', 'from 10.0.0.0/8 table 5'], 4)).toEqual({
      ok: false,
      reason: "ipv4.routing-rules: rule 2 'from 10.0.0.0/8 table 5' is invalid: missing priority",
    });
    expect(ruleSpecsFromSetting(['priority 5 from 10.0.0.0/8 table 100'], 6)).toMatchObject({ ok: false, reason: expect.stringContaining("invalid address '10.0.0.0/8'") });
  });
});

const defaults = { ifindex: 3, metric: 100, table: 0 };
const spec = (route: IpRoute, family: 4 | 6 = 4, d = defaults) => {
  const r = routeSpecFromIpRoute(route, family, d);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('route-data to RouteSpec', () => {
  it('a plain route: the profile defaults, protocol static, host bits cleared', () => {
    expect(spec({ dest: '10.1.2.3', prefix: 8, nextHop: '192.168.1.1' })).toEqual({ family: 4, dst: '10.0.0.0', dstLen: 8, gateway: '192.168.1.1', ifindex: 3, metric: 100, table: 254, protocol: 4, type: 1 });
    expect(spec({ dest: '10.0.0.0', prefix: 8, metric: 7 })).toMatchObject({ metric: 7 });
    expect(spec({ dest: '10.0.0.0', prefix: 8, metric: -1 }, 4, { ...defaults, table: 300 })).toMatchObject({ metric: 100, table: 300 });
    expect(spec({ dest: '2001:db8::', prefix: 32, metric: 0 }, 6)).toMatchObject({ metric: 1024 });
  });

  it('table and type: the attribute first, local routes in the local table, no link for blackhole-like types', () => {
    expect(spec({ dest: '10.0.0.0', prefix: 8, attributes: { table: 200 } })).toMatchObject({ table: 200 });
    expect(spec({ dest: '10.0.0.1', prefix: 32, attributes: { type: 'local' } })).toMatchObject({ table: 255, type: 2, ifindex: 3 });
    for (const [name, type] of [['blackhole', 6], ['unreachable', 7], ['prohibit', 8], ['throw', 9]] as const) {
      const s = spec({ dest: '10.0.0.0', prefix: 8, attributes: { type: name } });
      expect(s.type).toBe(type);
      expect(s.ifindex).toBeUndefined();
    }
  });

  it('onlink: kept with a gateway, dropped on an IPv4 route without one, kept on IPv6', () => {
    expect(spec({ dest: '10.0.0.0', prefix: 8, nextHop: '192.0.2.1', attributes: { onlink: true } }).onlink).toBe(true);
    expect(spec({ dest: '10.0.0.0', prefix: 8, attributes: { onlink: true } }).onlink).toBeUndefined();
    expect(spec({ dest: '2001:db8::', prefix: 32, attributes: { onlink: true } }, 6).onlink).toBe(true);
    expect(spec({ dest: '10.0.0.0', prefix: 8, nextHop: '192.0.2.1', attributes: { onlink: false } }).onlink).toBeUndefined();
  });

  it('metrics and locks', () => {
    const attributes = { mtu: 1400, window: 1000, cwnd: 10, initcwnd: 5, initrwnd: 6, advmss: 1300, rto_min: 300, quickack: true, 'lock-advmss': true, 'lock-mtu': true, 'lock-cwnd': false };
    expect(spec({ dest: '10.0.0.0', prefix: 8, attributes }).metrics).toEqual({ mtu: 1400, window: 1000, cwnd: 10, initcwnd: 5, initrwnd: 6, advmss: 1300, rto_min: 300, quickack: true, lock: ['mtu', 'advmss'] });
    expect(spec({ dest: '10.0.0.0', prefix: 8, attributes: { 'lock-window': true } }).metrics).toEqual({ lock: ['window'] });
    expect(spec({ dest: '10.0.0.0', prefix: 8, attributes: { mtu: 0, quickack: false } }).metrics).toBeUndefined();
  });

  it('tos and scope (IPv4), src, from (IPv6); weight and unknown attributes left out', () => {
    expect(spec({ dest: '10.0.0.0', prefix: 8, attributes: { tos: 0x10, scope: 253, src: '10.0.0.1', weight: 5, future: 'x' } })).toEqual({
      family: 4, dst: '10.0.0.0', dstLen: 8, ifindex: 3, metric: 100, table: 254, protocol: 4, type: 1, tos: 0x10, scope: 253, prefsrc: '10.0.0.1',
    });
    expect(spec({ dest: '2001:db8::', prefix: 32, attributes: { from: '2001:db8:1::/48', src: '2001:db8::1' } }, 6)).toMatchObject({ from: '2001:db8:1::', fromLen: 48, prefsrc: '2001:db8::1' });
    expect(spec({ dest: '2001:db8::', prefix: 32, attributes: { from: '2001:DB8:1::1' } }, 6)).toMatchObject({ from: '2001:db8:1::1', fromLen: 128 });
  });

  it('bad values are errors naming the route and the attribute', () => {
    const bad = (route: IpRoute, family: 4 | 6 = 4) => routeSpecFromIpRoute(route, family, defaults);
    expect(bad({ dest: '10.0.0.0', prefix: 8, attributes: { type: 'nat' } })).toEqual({ ok: false, reason: "route 10.0.0.0/8: type 'nat' is not one of unicast, local, blackhole, unreachable, prohibit, throw" });
    expect(bad({ dest: '10.0.0.0', prefix: 8, attributes: { mtu: 'big' } })).toEqual({ ok: false, reason: 'route 10.0.0.0/8: attribute mtu has a bad value ("big")' });
    expect(bad({ dest: '10.0.0.0', prefix: 8, attributes: { tos: 300 } })).toMatchObject({ ok: false, reason: expect.stringContaining('attribute tos') });
    expect(bad({ dest: '2001:db8::', prefix: 32, attributes: { from: '2001:db8::/200' } }, 6)).toMatchObject({ ok: false, reason: expect.stringContaining("from '2001:db8::/200'") });
    expect(bad({ dest: '10.0.0.0', prefix: 8 }, 6)).toMatchObject({ ok: false, reason: 'route 10.0.0.0/8: not an IPv6 destination' });
  });

  it('a whole setting with its route-metric and route-table', () => {
    const routeData: IpRoute[] = [{ dest: '10.0.0.0', prefix: 8 }, { dest: '10.1.0.0', prefix: 16, metric: 9, attributes: { table: 7 } }];
    const ip = { 'route-metric': 55, 'route-table': 300, 'route-data': routeData };
    const out = routeSpecsFromSetting(ip, 4, 5, 100);
    expect(out.ok && out.value.map((r) => [r.dst, r.metric, r.table, r.ifindex])).toEqual([['10.0.0.0', 55, 300, 5], ['10.1.0.0', 9, 7, 5]]);
    const byDevice = routeSpecsFromSetting({ 'route-metric': -1, 'route-data': [{ dest: '10.0.0.0', prefix: 8 }] }, 4, 5, 100);
    expect(byDevice.ok && byDevice.value[0]).toMatchObject({ metric: 100, table: 254 });
    expect(routeSpecsFromSetting(undefined, 6, 5, 100)).toEqual({ ok: true, value: [] });
    expect(routeSpecsFromSetting({ 'route-data': [{ dest: '10.0.0.0', prefix: 8, attributes: { type: 'x' } }] }, 4, 5, 100)).toMatchObject({ ok: false, reason: expect.stringMatching(/^ipv4\.route-data: route 10\.0\.0\.0\/8: type 'x'/) });
  });
});
