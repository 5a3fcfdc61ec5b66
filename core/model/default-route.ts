/**
 * The best default route of a set (NetworkManager's choice for a device's
 * gateway): a main-table default route with a next hop and the lowest metric.
 */
import { RouteTable, type Family, type Route } from '../../sdk/index.js';

export function bestDefaultRoute(routes: readonly Route[], family?: Family): Route | undefined {
  let best: Route | undefined;
  for (const r of routes) {
    if (r.dstLen !== 0 || r.table !== RouteTable.main || !r.gateway || (family !== undefined && r.family !== family)) continue;
    if (!best || r.metric < best.metric) best = r;
  }
  return best;
}
