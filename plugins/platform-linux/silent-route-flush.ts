/**
 * IPv4 routes the kernel removes without a notification.
 *
 * When a link goes administratively down, when it is deleted, and when the
 * last IPv4 address of a link (or a route's preferred source) goes away, the
 * kernel flushes the IPv4 routes that depended on it and sends no
 * RTM_DELROUTE for them (IPv6 does notify). NetworkManager answers this by
 * dumping the IPv4 routes again; so do we, and we turn each route we knew
 * of that is no longer there into a 'del' event, so that a listener's view
 * never keeps a route the kernel no longer has.
 *
 * This class keeps the IPv4 routes seen in events (O(1) per event) and the
 * counts that tell whether a trigger can have removed anything. A route that
 * appears while the check's dump runs may be missing from the dump only
 * because it came too late, so such routes are never reported gone.
 * The routes are kept in typed arrays (ipv4-route-set.ts), about 45 bytes
 * each: a foreign table of 100,000 routes costs a few MB, not 50.
 */
import type { Route } from '../../sdk/index.js';
import { Ipv4RouteSet, MARK_PRESENT, MARK_SEEN } from './ipv4-route-set.js';

export function routeIdentity(r: Route): string {
  return `${r.table}|${r.dst}/${r.dstLen}|${r.tos ?? 0}|${r.metric}|${r.type}|${r.ifindex}|${r.gateway ?? ''}`;
}

export class SilentRouteFlush {
  private routes = new Ipv4RouteSet();
  /** The few routes the set cannot hold (an IPv6 gateway through RTA_VIA), by identity. */
  private odd = new Map<string, Route>();
  private byIfindex = new Map<number, number>();
  private byPrefsrc = new Map<string, number>();
  private checking = false;
  private oddSeen: Set<string> | undefined;

  get size(): number {
    return this.routes.size + this.odd.size;
  }

  reset(routes: Iterable<Route>): void {
    this.routes.clear();
    this.odd.clear();
    this.byIfindex.clear();
    this.byPrefsrc.clear();
    this.checking = false;
    this.oddSeen = undefined;
    for (const r of routes) this.apply('new', r);
  }

  /** Follow a route event. */
  apply(action: 'new' | 'del', r: Route): void {
    if (r.family !== 4) return;
    if (action === 'new') {
      const added = this.routes.add(r);
      let replaced: Route | undefined;
      if (added) {
        if (this.checking) this.routes.mark(added.record, MARK_SEEN);
        replaced = added.replaced;
      } else {
        const key = routeIdentity(r);
        this.oddSeen?.add(key);
        replaced = this.odd.get(key);
        this.odd.set(key, r);
      }
      if (replaced) this.count(replaced, -1);
      this.count(r, 1);
    } else {
      let had = this.routes.delete(r);
      if (!had) {
        const key = routeIdentity(r);
        had = this.odd.get(key);
        this.odd.delete(key);
      }
      if (had) this.count(had, -1);
    }
  }

  /** Could routes through this link have been flushed (link down or gone, last address removed)? */
  dependsOnLink(ifindex: number): boolean {
    return (this.byIfindex.get(ifindex) ?? 0) > 0;
  }

  dependsOnAddress(address: string): boolean {
    return (this.byPrefsrc.get(address) ?? 0) > 0;
  }

  /** A check starts: its dump is about to be sent. */
  begin(): void {
    this.routes.clearMarks();
    this.checking = true;
    this.oddSeen = new Set();
  }

  abort(): void {
    this.routes.clearMarks();
    this.checking = false;
    this.oddSeen = undefined;
  }

  /** The dump came back: forget and return the routes it no longer has. */
  end(dumped: readonly Route[]): Route[] {
    const oddPresent = new Set<string>();
    for (const r of dumped) {
      if (r.family !== 4) continue;
      const rec = this.routes.recordOf(r);
      if (rec >= 0) this.routes.mark(rec, MARK_PRESENT);
      else if (this.odd.size > 0) oddPresent.add(routeIdentity(r));
    }
    const gone = this.routes.sweep(MARK_PRESENT | MARK_SEEN);
    for (const [key, r] of this.odd) {
      if (oddPresent.has(key) || this.oddSeen?.has(key)) continue;
      this.odd.delete(key);
      gone.push(r);
    }
    this.checking = false;
    this.oddSeen = undefined;
    for (const r of gone) this.count(r, -1);
    return gone;
  }

  private count(r: Route, by: number): void {
    bump(this.byIfindex, r.ifindex, by);
    if (r.prefsrc) bump(this.byPrefsrc, r.prefsrc, by);
  }
}

function bump<K>(m: Map<K, number>, k: K, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}
