import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Route } from '../../sdk/index.js';
import { ForeignRouteSet } from './foreign-routes.js';
import { routeKey } from './keys.js';

const route: fc.Arbitrary<Route> = fc.record({
  family: fc.constantFrom(4 as const, 6 as const),
  table: fc.constantFrom(100, 255, 4_000_000_000),
  dst: fc.constantFrom('10.0.0.0', '10.0.0.1', 'ff00::', 'fe80::1'),
  dstLen: fc.constantFrom(0, 8, 32, 128),
  ifindex: fc.constantFrom(0, 2, 3),
  metric: fc.constantFrom(0, 256, 0xffffffff),
  protocol: fc.nat(255),
  scope: fc.constant(0),
  type: fc.constantFrom(1, 2, 5),
});

describe('ForeignRouteSet', () => {
  test.prop([fc.array(fc.tuple(fc.boolean(), route), { maxLength: 400 })])('counts what a Set of route keys counts', (ops) => {
    const set = new ForeignRouteSet();
    const ref = new Set<string>();
    for (const [add, r] of ops) {
      expect(add ? set.add(r) : set.delete(r)).toBe(add ? !ref.has(routeKey(r)) : ref.has(routeKey(r)));
      if (add) ref.add(routeKey(r));
      else ref.delete(routeKey(r));
      expect(set.size).toBe(ref.size);
    }
  });

  it('holds 100,000 routes in 2 MB and shrinks when they go', () => {
    const set = new ForeignRouteSet();
    const r = (i: number): Route => ({ family: 4, table: 100, dst: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, dstLen: 32, ifindex: 2, metric: 0, protocol: 3, scope: 253, type: 1 });
    let added = 0;
    for (let i = 0; i < 100_000; i++) if (set.add(r(i))) added++;
    expect(added).toBe(100_000);
    expect(set.size).toBe(100_000);
    const bytes = () => (set as unknown as { slots: Uint32Array }).slots.byteLength;
    expect(bytes()).toBeLessThanOrEqual(2 * 1024 * 1024);
    let deleted = 0;
    for (let i = 0; i < 100_000; i++) if (set.delete(r(i))) deleted++;
    expect(deleted).toBe(100_000);
    expect(set.size).toBe(0);
    expect(bytes()).toBeLessThan(4096);
  }, 60_000);
});
