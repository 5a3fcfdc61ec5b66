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
 */
import type { Route } from '../../sdk/index.js';

export function routeIdentity(r: Route): string {
  return `${r.table}|${r.dst}/${r.dstLen}|${r.metric}|${r.type}|${r.ifindex}|${r.gateway ?? ''}`;
}

export class SilentRouteFlush {
  private routes = new Map<string, Route>();
  private byIfindex = new Map<number, number>();
  private byPrefsrc = new Map<string, number>();
  private seenDuringCheck: Set<string> | undefined;

  get size(): number {
    return this.routes.size;
  }

  reset(routes: Iterable<Route>): void {
    this.routes.clear();
    this.byIfindex.clear();
    this.byPrefsrc.clear();
    this.seenDuringCheck = undefined;
    for (const r of routes) this.apply('new', r);
  }

  /** Follow a route event. */
  apply(action: 'new' | 'del', r: Route): void {
    if (r.family !== 4) return;
    const key = routeIdentity(r);
    const had = this.routes.get(key);
    if (action === 'new') {
      this.seenDuringCheck?.add(key);
      if (had) return void this.routes.set(key, r);
      this.routes.set(key, r);
      bump(this.byIfindex, r.ifindex, 1);
      if (r.prefsrc) bump(this.byPrefsrc, r.prefsrc, 1);
    } else if (had) {
      this.remove(key, had);
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
    this.seenDuringCheck = new Set();
  }

  abort(): void {
    this.seenDuringCheck = undefined;
  }

  /** The dump came back: forget and return the routes it no longer has. */
  end(dumped: readonly Route[]): Route[] {
    const present = new Set<string>();
    for (const r of dumped) if (r.family === 4) present.add(routeIdentity(r));
    const seen = this.seenDuringCheck ?? new Set<string>();
    this.seenDuringCheck = undefined;
    const gone: Route[] = [];
    for (const [key, r] of this.routes) {
      if (present.has(key) || seen.has(key)) continue;
      gone.push(r);
    }
    for (const r of gone) this.remove(routeIdentity(r), r);
    return gone;
  }

  private remove(key: string, r: Route): void {
    this.routes.delete(key);
    bump(this.byIfindex, r.ifindex, -1);
    if (r.prefsrc) bump(this.byPrefsrc, r.prefsrc, -1);
  }
}

function bump<K>(m: Map<K, number>, k: K, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}
