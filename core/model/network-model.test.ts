import { describe, expect, it } from 'vitest';
import type { Address, EventCatalogue, EventName, Link, Route } from '../../sdk/index.js';
import { LocalEventBus } from '../events/event-bus.js';
import { createLogger, LogSink } from '../log/logger.js';
import { LiveNetworkModel } from './network-model.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));

function link(ifindex: number, name: string, extra: Partial<Link> = {}): Link {
  return { ifindex, name, kind: 'veth', arptype: 1, flags: 0, up: false, carrier: false, operstate: 'down', mtu: 1500, mac: '02:00:00:00:00:01', master: 0, parent: 0, ...extra };
}
function addr(ifindex: number, address: string): Address {
  return { family: 4, ifindex, address, prefixlen: 24, scope: 0, flags: 0x80, validLifetime: 0xffffffff, preferredLifetime: 0xffffffff };
}
function route(ifindex: number, dst: string, table = 254, protocol = 2): Route {
  return { family: 4, table, dst, dstLen: 24, ifindex, metric: 0, protocol, scope: 253, type: 1 };
}

function setup() {
  const bus = new LocalEventBus(logger);
  const seen: Array<[EventName, any]> = [];
  for (const n of ['link.added', 'link.changed', 'link.removed', 'address.added', 'address.removed', 'route.added', 'route.removed', 'model.resynced'] as const) {
    bus.on(n, (p: EventCatalogue[typeof n]) => seen.push([n, p]));
  }
  let pending: (() => void) | undefined;
  const model = new LiveNetworkModel(bus, logger, { schedule: (fn) => (pending = fn) });
  const tick = () => { const f = pending; pending = undefined; f?.(); };
  return { model, seen, tick };
}

describe('LiveNetworkModel', () => {
  it('coalesces many changes of one link in a tick into one event', () => {
    const { model, seen, tick } = setup();
    model.load({ links: [link(2, 'a')], addresses: [], routes: [] });
    for (let i = 0; i < 1000; i++) model.apply({ type: 'link', action: 'new', link: link(2, 'a', { mtu: 1000 + i }) });
    tick();
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe('link.changed');
    expect(seen[0]![1].previous.mtu).toBe(1500);
    expect(seen[0]![1].link.mtu).toBe(1999);
    expect(model.link(2)!.mtu).toBe(1999);
  });

  it('says nothing about a link that came and went within a tick, and keeps nothing of it', () => {
    const { model, seen, tick } = setup();
    model.apply({ type: 'link', action: 'new', link: link(5, 'tmp') });
    model.apply({ type: 'address', action: 'new', address: addr(5, '10.0.0.1') });
    model.apply({ type: 'route', action: 'new', route: route(5, '10.0.0.0') });
    model.apply({ type: 'link', action: 'del', link: link(5, 'tmp') });
    tick();
    expect(seen).toEqual([]);
    expect(model.link(5)).toBeUndefined();
    expect(model.linkByName('tmp')).toBeUndefined();
    expect(model.addresses(5)).toEqual([]);
    expect(model.routes()).toEqual([]);
    expect(model.stats).toMatchObject({ links: 0, addresses: 0, trackedRoutes: 0 });
  });

  it('tells NEW from DEL for addresses and drops addresses and routes of a removed link', () => {
    const { model, seen, tick } = setup();
    model.load({ links: [link(2, 'a')], addresses: [addr(2, '10.0.0.1')], routes: [route(2, '10.0.0.0')] });
    model.apply({ type: 'address', action: 'new', address: addr(2, '10.0.0.2') });
    tick();
    expect(seen.map((s) => s[0])).toEqual(['address.added']);
    expect(model.addresses(2).map((a) => a.address).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    seen.length = 0;
    model.apply({ type: 'link', action: 'del', link: link(2, 'a') });
    tick();
    expect(seen.map((s) => s[0]).sort()).toEqual(['address.removed', 'address.removed', 'link.removed', 'route.removed']);
    expect(model.stats).toMatchObject({ links: 0, addresses: 0, trackedRoutes: 0 });
  });

  it('counts routes of foreign tables without storing them', () => {
    const { model, seen, tick } = setup();
    for (let i = 0; i < 5000; i++) model.apply({ type: 'route', action: 'new', route: route(0, `10.${i >> 8}.${i & 255}.0`, 100, 3) });
    tick();
    expect(model.stats.foreignRoutes).toBe(5000);
    expect(model.routes()).toHaveLength(0);
    expect(seen).toEqual([]);
    // The kernel re-announces routes it has (a replace, a replay after a resync): still counted once.
    for (let i = 0; i < 100; i++) model.apply({ type: 'route', action: 'new', route: route(0, `10.${i >> 8}.${i & 255}.0`, 100, 3) });
    model.apply({ type: 'route', action: 'del', route: route(0, '10.250.0.0', 100, 3) });
    expect(model.stats.foreignRoutes).toBe(5000);
    for (let i = 0; i < 5000; i++) model.apply({ type: 'route', action: 'del', route: route(0, `10.${i >> 8}.${i & 255}.0`, 100, 3) });
    expect(model.stats.foreignRoutes).toBe(0);
  });

  it('keeps the routes nmk acts on in any table and counts the rest (route-policy.ts)', () => {
    const { model, tick } = setup();
    const r = (dst: string, table: number, protocol: number, dstLen = 24): Route => ({ ...route(2, dst, table, protocol), dstLen });
    const kept = [
      r('10.1.0.0', 254, 3), // ip route in main
      r('10.2.0.0', 254, 2), // a prefix route
      r('0.0.0.0', 254, 186, 0), // a default route, even a BGP daemon's
      r('10.3.0.0', 100, 4), // a profile route in its route-table
      r('10.4.0.0', 100, 16), // a DHCP route there
      r('10.5.0.0', 1000, 2), // the kernel's route in a VRF's table
    ];
    const counted = [
      r('10.6.0.0', 254, 186), // BGP in main
      r('10.7.0.0', 254, 12), // bird in main
      r('10.8.0.0', 100, 3), // ip route in another table
      r('10.9.0.0', 255, 2), // the local table
    ];
    for (const x of [...kept, ...counted]) model.apply({ type: 'route', action: 'new', route: x });
    tick();
    expect(model.routes().map((x) => x.dst).sort()).toEqual(kept.map((x) => x.dst).sort());
    expect(model.stats).toMatchObject({ trackedRoutes: kept.length, foreignRoutes: counted.length });
    // Replaced in place by a routing daemon: no longer one of ours.
    model.apply({ type: 'route', action: 'new', route: r('10.3.0.0', 100, 186) });
    tick();
    expect(model.routes().some((x) => x.dst === '10.3.0.0')).toBe(false);
    expect(model.stats).toMatchObject({ trackedRoutes: kept.length - 1, foreignRoutes: counted.length + 1 });
  });

  it('rebuilds from a resync snapshot and reports only the difference', () => {
    const { model, seen, tick } = setup();
    model.load({ links: [link(1, 'lo'), link(2, 'a'), link(3, 'b')], addresses: [addr(2, '10.0.0.1')], routes: [] });
    model.apply({
      type: 'resync',
      snapshot: { links: [link(1, 'lo'), link(2, 'a', { mtu: 9000 }), link(4, 'c')], addresses: [addr(4, '10.0.1.1')], routes: [] },
    });
    tick();
    const names = seen.map(([n, p]) => `${n}:${p.link?.name ?? p.address?.address ?? ''}`).sort();
    expect(names).toEqual(['address.added:10.0.1.1', 'address.removed:10.0.0.1', 'link.added:c', 'link.changed:a', 'link.removed:b', 'model.resynced:']);
    expect(model.stats.resyncs).toBe(1);
    expect([...model.links()].map((l) => l.name).sort()).toEqual(['a', 'c', 'lo']);
  });

  it('keeps the default routes apart, through adds, deletes, a link going and a resync', () => {
    const { model, tick } = setup();
    const def = (ifindex: number, metric: number): Route => ({ ...route(ifindex, '0.0.0.0'), dstLen: 0, metric, gateway: `10.0.${ifindex}.254`, scope: 0 });
    model.load({ links: [link(2, 'a'), link(3, 'b')], addresses: [], routes: [route(2, '10.0.2.0'), def(2, 100)] });
    expect(model.defaultRoutes().map((r) => r.ifindex)).toEqual([2]);
    model.apply({ type: 'route', action: 'new', route: def(3, 50) });
    model.apply({ type: 'route', action: 'new', route: route(3, '10.0.3.0') });
    tick();
    expect(model.defaultRoutes().map((r) => r.metric).sort()).toEqual([100, 50]);
    model.apply({ type: 'route', action: 'del', route: def(2, 100) });
    tick();
    expect(model.defaultRoutes().map((r) => r.ifindex)).toEqual([3]);
    model.apply({ type: 'link', action: 'del', link: link(3, 'b') });
    tick();
    expect(model.defaultRoutes()).toEqual([]);
    expect(model.routes().map((r) => r.dst)).toEqual(['10.0.2.0']);
    model.apply({ type: 'resync', snapshot: { links: [link(2, 'a')], addresses: [], routes: [def(2, 10)] } });
    tick();
    expect(model.defaultRoutes().map((r) => r.metric)).toEqual([10]);
  });

  it('follows a rename in the name index', () => {
    const { model, tick } = setup();
    model.load({ links: [link(2, 'old')], addresses: [], routes: [] });
    model.apply({ type: 'link', action: 'new', link: link(2, 'new') });
    tick();
    expect(model.linkByName('old')).toBeUndefined();
    expect(model.linkByName('new')!.ifindex).toBe(2);
  });
});
