import { describe, expect, it } from 'vitest';
import { NdiscState, lifetimeFromExpiry, INFINITE_LIFETIME } from '../ndisc-state.js';
import { parseRouterAdvert, type RouterAdvert } from '../ra-parse.js';
import { prefixOpt, ra, routeOpt, type RaHeader } from './ra-bytes.js';

const H = 3600_000;

function advert(header: RaHeader, ...options: number[][]): RouterAdvert {
  const r = parseRouterAdvert(ra(header, ...options));
  if ('error' in r) throw new Error(r.error);
  return r.advert;
}

/** Addresses get the prefix with ::1 as host part: the identifier is not what these tests look at. */
function state(): NdiscState {
  return new NdiscState((prefix) => {
    const b = new Uint8Array(16);
    b.set(prefix.subarray(0, 8));
    b[15] = 1;
    return b;
  });
}

describe('RFC 4862 5.5.3 e) for SLAAC addresses', () => {
  const withValid = (valid: number) => advert({}, prefixOpt('fd42:1::', 64, { valid, preferred: Math.min(valid, 600) }));
  const validLeft = (s: NdiscState, now: number) => s.snapshot(now).addresses[0]!.validLifetime;

  it('takes a longer lifetime, or any lifetime of two hours or more', () => {
    const s = state();
    s.apply('fe80::1', withValid(3 * 3600), 0);
    s.apply('fe80::1', withValid(5 * 3600), 1000);
    expect(validLeft(s, 1000)).toBe(5 * 3600);
    s.apply('fe80::1', withValid(2 * 3600), 2000);
    expect(validLeft(s, 2000)).toBe(2 * 3600);
  });

  it('cuts a longer remaining lifetime to two hours, not below', () => {
    const s = state();
    s.apply('fe80::1', withValid(10 * 3600), 0);
    s.apply('fe80::1', withValid(60), 0);
    expect(validLeft(s, 0)).toBe(2 * 3600);
  });

  it('keeps a remaining lifetime under two hours when a shorter one comes', () => {
    const s = state();
    s.apply('fe80::1', withValid(3600), 0);
    s.apply('fe80::1', withValid(60), 1000);
    expect(validLeft(s, 1000)).toBe(3599);
  });

  it('keeps an infinite lifetime infinite and reports it as 0xffffffff', () => {
    const s = state();
    s.apply('fe80::1', advert({ routerLifetime: 0 }, prefixOpt('fd42:1::', 64, { valid: INFINITE_LIFETIME, preferred: INFINITE_LIFETIME })), 0);
    expect(s.snapshot(10 * H).addresses[0]).toMatchObject({ validLifetime: INFINITE_LIFETIME, preferredLifetime: INFINITE_LIFETIME });
    expect(s.nextExpiry()).toBe(Infinity);
  });

  it('caps the preferred lifetime by the valid one', () => {
    const s = state();
    s.apply('fe80::1', advert({}, prefixOpt('fd42:1::', 64, { valid: 100, preferred: 500 })), 0);
    expect(s.snapshot(0).addresses[0]).toMatchObject({ validLifetime: 100, preferredLifetime: 100 });
  });

  it('makes one address per /64 whichever router announces it', () => {
    const s = state();
    s.apply('fe80::1', withValid(3600), 0);
    s.apply('fe80::2', withValid(3600), 0);
    expect(s.snapshot(0).addresses.map((a) => a.address)).toEqual(['fd42:1::1']);
  });
});

describe('routes and routers', () => {
  it('keeps an on-link prefix and a route information option for the same destination apart', () => {
    const s = state();
    s.apply('fe80::1', advert({}, prefixOpt('fd42:1::', 64, { auto: false, valid: 300 }), routeOpt('fd42:1::', 64, 200, 'high')), 0);
    const snap = s.snapshot(0);
    expect(snap.onLinkPrefixes).toEqual([{ prefix: 'fd42:1::', prefixlen: 64, validLifetime: 300 }]);
    expect(snap.routes).toEqual([{ dest: 'fd42:1::', prefixlen: 64, gateway: 'fe80::1', lifetime: 200, preference: 'high' }]);
  });

  it('moves a router to its new rank when its preference changes, and a route to its new gateway', () => {
    const s = state();
    s.apply('fe80::1', advert({ preference: 'high' }, routeOpt('fd00::', 16, 100)), 0);
    s.apply('fe80::2', advert({ preference: 'medium' }), 0);
    expect(s.snapshot(0).routers.map((r) => r.address)).toEqual(['fe80::1', 'fe80::2']);
    expect(s.apply('fe80::1', advert({ preference: 'low' }), 0).changed).toBe(true);
    expect(s.snapshot(0).routers.map((r) => `${r.address} ${r.preference}`)).toEqual(['fe80::2 medium', 'fe80::1 low']);
    s.apply('fe80::2', advert({}, routeOpt('fd00::', 16, 100)), 0);
    expect(s.snapshot(0).routes.map((r) => r.gateway)).toEqual(['fe80::2']);
  });

  it('reports nothing new for the same advertisement at the same time', () => {
    const s = state();
    const a = advert({ routerLifetime: 600 }, prefixOpt('fd42:1::', 64), routeOpt('fd00::', 16, 100));
    expect(s.apply('fe80::1', a, 0).changed).toBe(true);
    expect(s.apply('fe80::1', a, 0).changed).toBe(false);
    expect(s.apply('fe80::1', a, 1).changed).toBe(true);
  });

  it('ignores link-local and ::/0 prefixes and route information for ::/0, saying so', () => {
    const s = state();
    const { notes } = s.apply('fe80::1', advert({}, prefixOpt('fe80::', 64), prefixOpt('::', 0), routeOpt('::', 0, 100)), 0);
    expect(notes).toEqual(['prefix fe80::/64 ignored', 'prefix ::/0 ignored', 'route information for ::/0 ignored']);
    const snap = s.snapshot(0);
    expect([snap.addresses, snap.onLinkPrefixes, snap.routes]).toEqual([[], [], []]);
  });

  it('ignores an MTU below 1280 and keeps the last good one', () => {
    const s = state();
    s.apply('fe80::1', advert({}, [5, 1, 0, 0, 0, 0, 0x05, 0xdc]), 0);
    const { notes } = s.apply('fe80::1', advert({}, [5, 1, 0, 0, 0, 0, 0x04, 0xff]), 0);
    expect(notes).toEqual(['MTU 1279 too small for IPv6, ignored']);
    expect(s.snapshot(0).mtu).toBe(1500);
  });
});

describe('lifetimeFromExpiry', () => {
  it('rounds up to whole seconds, as NetworkManager hands lifetimes to the kernel', () => {
    expect(lifetimeFromExpiry(0, 1)).toBe(1);
    expect(lifetimeFromExpiry(0, 1000)).toBe(1);
    expect(lifetimeFromExpiry(0, 1001)).toBe(2);
    expect(lifetimeFromExpiry(5, 5)).toBe(0);
    expect(lifetimeFromExpiry(0, Infinity)).toBe(INFINITE_LIFETIME);
  });
});
