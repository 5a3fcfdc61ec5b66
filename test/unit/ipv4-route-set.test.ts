/**
 * The compact IPv4 route set behind the silent-flush check: under any
 * sequence of adds, replacements, deletes and sweeps it holds exactly what a
 * Map keyed by route identity holds, and gives back routes field for field.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatIpv4, Ipv4RouteSet, MARK_PRESENT, parseIpv4 } from '../../plugins/platform-linux/ipv4-route-set.js';
import { routeIdentity, SilentRouteFlush } from '../../plugins/platform-linux/silent-route-flush.js';
import type { Route } from '../../sdk/index.js';

const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
// Few distinct values, so that identities collide and replacements happen.
const route: fc.Arbitrary<Route> = fc.record({
  family: fc.constant(4 as const),
  table: fc.constantFrom(100, 254, 4_000_000_000),
  dst: fc.constantFrom('10.0.0.0', '10.0.0.1', '192.168.255.255', '0.0.0.0'),
  dstLen: fc.constantFrom(0, 24, 32),
  gateway: fc.option(fc.constantFrom('10.0.0.254', '255.255.255.255'), { nil: undefined }),
  prefsrc: fc.option(ip, { nil: undefined }),
  ifindex: fc.constantFrom(0, 2, 0x7fffffff),
  metric: fc.constantFrom(0, 100, 0xffffffff),
  protocol: fc.nat(255),
  scope: fc.constantFrom(0, 253, 254),
  type: fc.constantFrom(1, 6),
}).chain((r) =>
  // The rare extras, present only when set (as rtnl-decode.ts builds routes).
  fc.record({ tos: fc.constantFrom(0, 0, 16), onlink: fc.boolean() }).map(({ tos, onlink }) => {
    const out: Route = { ...r };
    if (tos) out.tos = tos;
    if (onlink) out.onlink = true;
    return out;
  }),
);
const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), route }),
  fc.record({ kind: fc.constant('del' as const), route }),
  fc.record({ kind: fc.constant('sweep' as const), keep: fc.array(route, { maxLength: 5 }) }),
);

describe('IPv4 text', () => {
  it('parses dotted quads and refuses anything else', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(formatIpv4(parseIpv4('10.1.200.3'))).toBe('10.1.200.3');
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.0', '1..2.3', '::1', '1.2.3.4 ', '1234.1.1.1']) expect(parseIpv4(bad), bad).toBe(-1);
  });
});

describe('Ipv4RouteSet', () => {
  test.prop([fc.array(op, { maxLength: 300 })])('agrees with a Map keyed by identity', (ops) => {
    const set = new Ipv4RouteSet();
    const ref = new Map<string, Route>();
    const plain = (r: Route) => JSON.parse(JSON.stringify(r));
    for (const o of ops) {
      if (o.kind === 'add') {
        const res = set.add(o.route);
        expect(res?.replaced && plain(res.replaced)).toEqual(ref.has(routeIdentity(o.route)) ? plain(ref.get(routeIdentity(o.route))!) : undefined);
        ref.set(routeIdentity(o.route), o.route);
      } else if (o.kind === 'del') {
        const had = set.delete(o.route);
        expect(had && plain(had)).toEqual(ref.has(routeIdentity(o.route)) ? plain(ref.get(routeIdentity(o.route))!) : undefined);
        ref.delete(routeIdentity(o.route));
      } else {
        for (const k of o.keep) {
          const rec = set.recordOf(k);
          if (rec >= 0) set.mark(rec, MARK_PRESENT);
        }
        const keep = new Set(o.keep.map(routeIdentity));
        const gone = set.sweep(MARK_PRESENT).map(plain);
        const expected = [...ref.entries()].filter(([k]) => !keep.has(k)).map(([, r]) => plain(r));
        const byKey = (a: Route, b: Route) => routeIdentity(a).localeCompare(routeIdentity(b));
        expect(gone.sort(byKey)).toEqual(expected.sort(byKey));
        for (const [k] of [...ref]) if (!keep.has(k)) ref.delete(k);
      }
      expect(set.size).toBe(ref.size);
    }
    for (const r of ref.values()) expect(set.recordOf(r)).toBeGreaterThanOrEqual(0);
  });

  it('holds 100,000 routes in a few MB and gives the memory back when they go', () => {
    const set = new Ipv4RouteSet();
    const r = (i: number): Route => ({ family: 4, table: 100, dst: formatIpv4(0x0a000000 + i), dstLen: 32, ifindex: 2, metric: 0, protocol: 3, scope: 253, type: 1 });
    for (let i = 0; i < 100_000; i++) set.add(r(i));
    expect(set.size).toBe(100_000);
    expect(set.recordOf(r(99_999))).toBeGreaterThanOrEqual(0);
    const bytes = (s: Ipv4RouteSet) => {
      const o = s as unknown as { data: Uint32Array; marks: Uint8Array; slots: Int32Array };
      return o.data.byteLength + o.marks.byteLength + o.slots.byteLength;
    };
    expect(bytes(set)).toBeLessThan(6 * 1024 * 1024);
    let deleted = 0;
    for (let i = 0; i < 100_000; i++) if (set.delete(r(i))) deleted++;
    expect(deleted).toBe(100_000);
    expect(set.size).toBe(0);
    expect(bytes(set)).toBeLessThan(4096);
  }, 60_000);
});

describe('silent flush with a route the compact set cannot hold', () => {
  it('keeps an IPv4 route through an IPv6 gateway, or with metrics, and reports it gone like the others', () => {
    const base = { family: 4 as const, table: 254, dstLen: 24, ifindex: 2, metric: 0, protocol: 3, scope: 0, type: 1 };
    const f = new SilentRouteFlush();
    f.reset([{ ...base, dst: '10.0.1.0', gateway: 'fe80::1' }, { ...base, dst: '10.0.2.0' }, { ...base, dst: '10.0.3.0', metrics: { mtu: 1400 } }]);
    expect(f.size).toBe(3);
    f.begin();
    const gone = f.end([]);
    expect(gone.map((r) => `${r.dst} ${r.gateway ?? ''}${r.metrics ? ' mtu' : ''}`).sort()).toEqual(['10.0.1.0 fe80::1', '10.0.2.0 ', '10.0.3.0  mtu']);
    expect(f.size).toBe(0);
    expect(f.dependsOnLink(2)).toBe(false);
  });
});
