/**
 * Which routes the live model keeps object by object and which it only
 * counts. A routing daemon's table (100,000 routes or more, PERFORMANCE.md
 * W5) must cost a counter, not an object each; what nmk acts on must be kept.
 *
 * What nmk needs routes for:
 * - activation and deactivation: the routes nmk itself adds, removes and
 *   re-checks. nmk writes them as NetworkManager does: protocol static for
 *   profile routes, dhcp and ra for learnt ones, in main or in the profile's
 *   route-table (ipv4.route-table / ipv6.route-table);
 * - the kernel's own routes of a link (prefix routes, IPv6 link-local),
 *   which land in main or, for a link in a VRF, in the VRF's table;
 * - IP4Config/IP6Config and take-over of what an administrator configured:
 *   routes in main made by `ip route` (protocol boot) and other tools;
 * - the default-route policy: every default route in main, whoever made it.
 * Not needed: the local table (the kernel derives it from addresses, which
 * the model holds, and NetworkManager does not show it), and routes of
 * routing daemons (bird, zebra/FRR, bgp, ospf...) or of `ip route` in other
 * tables: nmk neither made them nor reports them. Those are only counted,
 * in ModelStats.foreignRoutes (foreign-routes.ts: a fingerprint each).
 */
import { RouteTable, type Route } from '../../sdk/index.js';

/** RTPROT_* numbers (linux/rtnetlink.h). */
const RTPROT = { unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, ra: 9, dhcp: 16 } as const;

/** Protocols kept, by the route's table: main, local, or any other table. */
const KEPT: Record<'main' | 'local' | 'other', readonly number[]> = {
  main: [RTPROT.unspec, RTPROT.redirect, RTPROT.kernel, RTPROT.boot, RTPROT.static, RTPROT.ra, RTPROT.dhcp],
  local: [],
  other: [RTPROT.kernel, RTPROT.static, RTPROT.ra, RTPROT.dhcp],
};

/** The rows as 256-entry lookups: one array read per event. */
const lookup = (protocols: readonly number[]) => {
  const t = new Uint8Array(256);
  for (const p of protocols) t[p] = 1;
  return t;
};
const KEEP_MAIN = lookup(KEPT.main);
const KEEP_OTHER = lookup(KEPT.other);

/** True when the model keeps this route; false when it only counts it. */
export function keepsRoute(r: Route): boolean {
  if (r.table === RouteTable.main) return r.dstLen === 0 || KEEP_MAIN[r.protocol & 255] === 1;
  if (r.table === RouteTable.local) return false;
  return KEEP_OTHER[r.protocol & 255] === 1;
}
