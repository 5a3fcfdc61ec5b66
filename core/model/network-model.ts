/**
 * The live model of links, addresses and routes, fed by platform events.
 *
 * Cost per kernel event is O(1): maps keyed by ifindex and by identity key.
 * Storms are coalesced: events only mark objects dirty, and once per tick the
 * model emits at most one bus event per object (a link that changed a hundred
 * times is one 'link.changed'; one that came and went in the same tick is
 * nothing). Routes nmk does not need (route-policy.ts: the local table,
 * routing daemons' and other tools' routes outside main) are counted, never
 * stored, so a foreign table with 100,000 routes costs a counter. Nothing is
 * kept for a link after it is gone.
 */
import type { Address, EventBus, Link, Logger, ModelStats, NetworkModel, PlatformEvent, PlatformSnapshot, Route } from '../../sdk/index.js';
import { ForeignRouteSet } from './foreign-routes.js';
import { addressKey, routeKey } from './keys.js';
import { keepsRoute } from './route-policy.js';

type Pending<T> = { kind: 'added'; obj: T } | { kind: 'changed'; obj: T; previous: T } | { kind: 'removed'; obj: T };

export interface NetworkModelOptions {
  /** Which routes are stored object by object; the rest are counted (default: route-policy.ts). */
  keepRoute?: (r: Route) => boolean;
  /** How to defer the flush; setImmediate by default (tests may flush by hand). */
  schedule?: (fn: () => void) => void;
}

export class LiveNetworkModel implements NetworkModel {
  private byIndex = new Map<number, Link>();
  private byName = new Map<string, number>();
  private addrs = new Map<number, Map<string, Address>>();
  private addrArrays = new Map<number, readonly Address[]>();
  private routeMap = new Map<string, Route>();
  /** Route keys per outgoing link, so dropping a link is O(its routes). */
  private routesByIf = new Map<number, Set<string>>();
  private routeArray: readonly Route[] | undefined;
  /** Keys of the kept default routes (dstLen 0): the best default is asked at every change, and must not walk every route. */
  private defaultKeys = new Set<string>();
  private defaultArray: readonly Route[] | undefined;
  /** Routes not kept, as fingerprints: what makes stats.foreignRoutes exact. */
  private foreign = new ForeignRouteSet();
  /** Kept routes per table: a foreign table's events skip every lookup. */
  private keptPerTable = new Map<number, number>();
  private keep: (r: Route) => boolean;

  private pendingLinks = new Map<number, Pending<Link>>();
  private pendingAddrs = new Map<string, Pending<Address>>();
  private pendingRoutes = new Map<string, Pending<Route>>();
  private flushScheduled = false;
  private schedule: (fn: () => void) => void;

  readonly stats: ModelStats = { links: 0, addresses: 0, trackedRoutes: 0, foreignRoutes: 0, events: 0, resyncs: 0 };

  constructor(private events: EventBus, private logger: Logger, opts: NetworkModelOptions = {}) {
    this.keep = opts.keepRoute ?? keepsRoute;
    this.schedule = opts.schedule ?? ((fn) => setImmediate(fn));
  }

  // ---- reading --------------------------------------------------------------

  links(): Iterable<Link> {
    return this.byIndex.values();
  }

  link(ifindex: number): Link | undefined {
    return this.byIndex.get(ifindex);
  }

  linkByName(name: string): Link | undefined {
    const i = this.byName.get(name);
    return i === undefined ? undefined : this.byIndex.get(i);
  }

  addresses(ifindex: number): readonly Address[] {
    let arr = this.addrArrays.get(ifindex);
    if (!arr) {
      const m = this.addrs.get(ifindex);
      if (!m) return EMPTY;
      arr = [...m.values()];
      this.addrArrays.set(ifindex, arr);
    }
    return arr;
  }

  routes(ifindex?: number): readonly Route[] {
    if (ifindex !== undefined) {
      // Most links have no kept route: asked per device on every event, that must not allocate.
      const keys = this.routesByIf.get(ifindex);
      return keys ? Array.from(keys, (k) => this.routeMap.get(k)!) : NO_ROUTES;
    }
    this.routeArray ??= [...this.routeMap.values()];
    return this.routeArray;
  }

  defaultRoutes(): readonly Route[] {
    this.defaultArray ??= Array.from(this.defaultKeys, (k) => this.routeMap.get(k)!);
    return this.defaultArray;
  }

  private forgetDefault(key: string): void {
    if (this.defaultKeys.delete(key)) this.defaultArray = undefined;
  }

  // ---- feeding --------------------------------------------------------------

  /** Load the initial dump without emitting per-object events (the daemon announces readiness instead). */
  load(snapshot: PlatformSnapshot): void {
    this.clear();
    for (const l of snapshot.links) this.putLink(l);
    for (const a of snapshot.addresses) this.putAddress(a);
    for (const r of snapshot.routes) this.putRoute(r);
  }

  /** Apply one platform event. O(1); the bus hears about it at the end of the tick. */
  apply(ev: PlatformEvent): void {
    this.stats.events++;
    switch (ev.type) {
      case 'link':
        if (ev.action === 'new') this.onLinkNew(ev.link);
        else this.onLinkDel(ev.link);
        break;
      case 'address':
        if (ev.action === 'new') this.onAddressNew(ev.address);
        else this.onAddressDel(ev.address);
        break;
      case 'route':
        if (ev.action === 'new') this.onRouteNew(ev.route);
        else this.onRouteDel(ev.route);
        break;
      case 'resync':
        this.resync(ev.snapshot);
        return;
    }
    this.requestFlush();
  }

  private onLinkNew(link: Link): void {
    const prev = this.byIndex.get(link.ifindex);
    this.putLink(link);
    if (!prev) this.markLink({ kind: 'added', obj: link });
    else if (!sameLink(prev, link)) this.markLink({ kind: 'changed', obj: link, previous: prev });
  }

  private onLinkDel(link: Link): void {
    const prev = this.byIndex.get(link.ifindex);
    if (!prev) return;
    this.dropLink(prev);
    this.markLink({ kind: 'removed', obj: prev });
  }

  private onAddressNew(a: Address): void {
    const key = addressKey(a);
    const had = this.addrs.get(a.ifindex)?.has(key);
    this.putAddress(a);
    if (!had) this.mark(this.pendingAddrs, key, { kind: 'added', obj: a });
  }

  private onAddressDel(a: Address): void {
    const key = addressKey(a);
    const m = this.addrs.get(a.ifindex);
    const prev = m?.get(key);
    if (!prev) return;
    m!.delete(key);
    if (m!.size === 0) this.addrs.delete(a.ifindex);
    this.addrArrays.delete(a.ifindex);
    this.stats.addresses--;
    this.mark(this.pendingAddrs, key, { kind: 'removed', obj: prev });
  }

  private onRouteNew(r: Route): void {
    if (!this.keep(r)) {
      this.countForeign(r, true);
      // A kept route replaced in place by one not kept (another protocol) is gone for us.
      if (this.keptPerTable.has(r.table)) this.removeRoute(routeKey(r));
      return;
    }
    const key = routeKey(r);
    const had = this.routeMap.has(key);
    this.putRoute(r);
    if (!had) this.mark(this.pendingRoutes, key, { kind: 'added', obj: r });
  }

  private onRouteDel(r: Route): void {
    if (!this.keep(r)) {
      this.countForeign(r, false);
      return;
    }
    this.removeRoute(routeKey(r));
  }

  private countForeign(r: Route, present: boolean): void {
    if (present) this.foreign.add(r);
    else this.foreign.delete(r);
    this.stats.foreignRoutes = this.foreign.size;
  }

  private removeRoute(key: string): void {
    const prev = this.routeMap.get(key);
    if (!prev) return;
    this.routeMap.delete(key);
    this.forgetDefault(key);
    bump(this.keptPerTable, prev.table, -1);
    this.unindexRoute(prev.ifindex, key);
    this.routeArray = undefined;
    this.stats.trackedRoutes--;
    this.mark(this.pendingRoutes, key, { kind: 'removed', obj: prev });
  }

  private putLink(link: Link): void {
    const prev = this.byIndex.get(link.ifindex);
    if (prev && prev.name !== link.name && this.byName.get(prev.name) === link.ifindex) this.byName.delete(prev.name);
    if (!prev) this.stats.links++;
    this.byIndex.set(link.ifindex, link);
    this.byName.set(link.name, link.ifindex);
  }

  /** Forget a link and everything on it; the kernel sends no DELADDR for those. */
  private dropLink(link: Link): void {
    this.byIndex.delete(link.ifindex);
    if (this.byName.get(link.name) === link.ifindex) this.byName.delete(link.name);
    this.stats.links--;
    const m = this.addrs.get(link.ifindex);
    if (m) {
      this.stats.addresses -= m.size;
      for (const [k, a] of m) this.mark(this.pendingAddrs, k, { kind: 'removed', obj: a });
      this.addrs.delete(link.ifindex);
      this.addrArrays.delete(link.ifindex);
    }
    const keys = this.routesByIf.get(link.ifindex);
    if (keys) {
      for (const k of keys) {
        const r = this.routeMap.get(k);
        if (!r) continue;
        this.routeMap.delete(k);
        this.forgetDefault(k);
        bump(this.keptPerTable, r.table, -1);
        this.stats.trackedRoutes--;
        this.mark(this.pendingRoutes, k, { kind: 'removed', obj: r });
      }
      this.routesByIf.delete(link.ifindex);
      this.routeArray = undefined;
    }
  }

  private putAddress(a: Address): void {
    let m = this.addrs.get(a.ifindex);
    if (!m) this.addrs.set(a.ifindex, (m = new Map()));
    const key = addressKey(a);
    if (!m.has(key)) this.stats.addresses++;
    m.set(key, a);
    this.addrArrays.delete(a.ifindex);
  }

  private putRoute(r: Route): void {
    if (!this.keep(r)) {
      this.countForeign(r, true);
      return;
    }
    const key = routeKey(r);
    if (!this.routeMap.has(key)) {
      this.stats.trackedRoutes++;
      bump(this.keptPerTable, r.table, 1);
    }
    this.routeMap.set(key, r);
    let keys = this.routesByIf.get(r.ifindex);
    if (!keys) this.routesByIf.set(r.ifindex, (keys = new Set()));
    keys.add(key);
    this.routeArray = undefined;
    if (r.dstLen === 0) {
      this.defaultKeys.add(key);
      this.defaultArray = undefined;
    }
  }

  private unindexRoute(ifindex: number, key: string): void {
    const keys = this.routesByIf.get(ifindex);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.routesByIf.delete(ifindex);
  }

  private clear(): void {
    this.byIndex.clear();
    this.byName.clear();
    this.addrs.clear();
    this.addrArrays.clear();
    this.routeMap.clear();
    this.routesByIf.clear();
    this.keptPerTable.clear();
    this.foreign.clear();
    this.routeArray = undefined;
    this.defaultKeys.clear();
    this.defaultArray = undefined;
    Object.assign(this.stats, { links: 0, addresses: 0, trackedRoutes: 0, foreignRoutes: 0 });
  }

  /** Events were lost: rebuild from the snapshot and emit the difference. */
  private resync(snapshot: PlatformSnapshot): void {
    this.stats.resyncs++;
    const oldLinks = new Map(this.byIndex);
    const oldAddrs = new Map<string, Address>();
    for (const m of this.addrs.values()) for (const [k, a] of m) oldAddrs.set(k, a);
    const oldRoutes = new Map(this.routeMap);
    this.load(snapshot);
    for (const [i, l] of oldLinks) {
      const now = this.byIndex.get(i);
      if (!now) this.markLink({ kind: 'removed', obj: l });
      else if (!sameLink(l, now)) this.markLink({ kind: 'changed', obj: now, previous: l });
    }
    for (const [i, l] of this.byIndex) if (!oldLinks.has(i)) this.markLink({ kind: 'added', obj: l });
    for (const m of this.addrs.values()) for (const [k, a] of m) if (!oldAddrs.delete(k)) this.mark(this.pendingAddrs, k, { kind: 'added', obj: a });
    for (const [k, a] of oldAddrs) this.mark(this.pendingAddrs, k, { kind: 'removed', obj: a });
    for (const [k, r] of this.routeMap) if (!oldRoutes.delete(k)) this.mark(this.pendingRoutes, k, { kind: 'added', obj: r });
    for (const [k, r] of oldRoutes) this.mark(this.pendingRoutes, k, { kind: 'removed', obj: r });
    this.logger.warn('kernel events were lost; model resynchronised from a full dump', {
      links: this.stats.links,
      addresses: this.stats.addresses,
    });
    this.requestFlush();
    this.resyncPending = true;
  }
  private resyncPending = false;

  // ---- coalescing -----------------------------------------------------------

  private markLink(p: Pending<Link>): void {
    this.mark(this.pendingLinks, p.obj.ifindex, p);
  }

  /** Merge a new pending change with the one already queued for the same object this tick. */
  private mark<K, T>(queue: Map<K, Pending<T>>, key: K, next: Pending<T>): void {
    const cur = queue.get(key);
    if (!cur) {
      queue.set(key, next);
      return;
    }
    if (cur.kind === 'added') {
      if (next.kind === 'removed') queue.delete(key); // came and went: nothing to say
      else queue.set(key, { kind: 'added', obj: next.obj });
    } else if (cur.kind === 'changed') {
      if (next.kind === 'removed') queue.set(key, { kind: 'removed', obj: cur.previous });
      else queue.set(key, { kind: 'changed', obj: next.obj, previous: cur.previous });
    } else {
      // removed, then back again within the tick: report it as changed.
      if (next.kind !== 'removed') queue.set(key, { kind: 'changed', obj: next.obj, previous: cur.obj });
    }
  }

  private requestFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.schedule(() => this.flush());
  }

  /** Emit what changed since the last flush: one event per object. */
  flush(): void {
    this.flushScheduled = false;
    const links = this.pendingLinks;
    const addrs = this.pendingAddrs;
    const routes = this.pendingRoutes;
    this.pendingLinks = new Map();
    this.pendingAddrs = new Map();
    this.pendingRoutes = new Map();
    // Removals of addresses/routes first, then links, then additions, so a
    // listener never sees an address on a link it does not know.
    for (const p of addrs.values()) if (p.kind === 'removed') this.events.emit('address.removed', { address: p.obj });
    for (const p of routes.values()) if (p.kind === 'removed') this.events.emit('route.removed', { route: p.obj });
    for (const p of links.values()) {
      if (p.kind === 'added') this.events.emit('link.added', { link: p.obj });
      else if (p.kind === 'changed') this.events.emit('link.changed', { link: p.obj, previous: p.previous });
      else this.events.emit('link.removed', { link: p.obj });
    }
    for (const p of addrs.values()) if (p.kind !== 'removed') this.events.emit('address.added', { address: p.obj });
    for (const p of routes.values()) if (p.kind !== 'removed') this.events.emit('route.added', { route: p.obj });
    if (this.resyncPending) {
      this.resyncPending = false;
      this.events.emit('model.resynced', { links: this.stats.links, addresses: this.stats.addresses, routes: this.stats.trackedRoutes });
    }
  }
}

const EMPTY: readonly Address[] = Object.freeze([]);
const NO_ROUTES: readonly Route[] = Object.freeze([]);

function bump(m: Map<number, number>, k: number, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}

/** Field-by-field comparison of what the model reports; `info` and `portInfo` compared shallowly. */
export function sameLink(a: Link, b: Link): boolean {
  if (
    a.name !== b.name || a.kind !== b.kind || a.flags !== b.flags || a.up !== b.up || a.carrier !== b.carrier ||
    a.operstate !== b.operstate || a.mtu !== b.mtu || a.mac !== b.mac || a.master !== b.master ||
    a.parent !== b.parent || a.portKind !== b.portKind || a.arptype !== b.arptype
  ) return false;
  return sameInfo(a.info, b.info) && sameInfo(a.portInfo, b.portInfo);
}

function sameInfo(ai: Link['info'], bi: Link['info']): boolean {
  if (ai === bi) return true;
  if (!ai || !bi) return false;
  const ak = Object.keys(ai);
  if (ak.length !== Object.keys(bi).length) return false;
  for (const k of ak) if (ai[k] !== bi[k]) return false;
  return true;
}
