/**
 * What the kernel's state alone says about a device's connectivity, before
 * any request is sent (NetworkManager's check_platform_config): no carrier,
 * no address or no route of the family on the link is NONE; IPv4 without a
 * route of global scope (only the subnet's) is LIMITED. Anything else needs
 * the HTTP check (undefined).
 */
import { NMConnectivity, RouteTable, type Family, type NetworkModel, type Route } from '../../sdk/index.js';
import type { CheckResult } from './states.js';

/** RT_SCOPE_UNIVERSE. */
const SCOPE_UNIVERSE = 0;
/** RTN_UNICAST: a blackhole or unreachable default route leads nowhere. */
const RTN_UNICAST = 1;

export function precheck(model: NetworkModel, ifindex: number, family: Family): CheckResult | undefined {
  const link = model.link(ifindex);
  if (!link?.carrier) return { state: NMConnectivity.NONE, reason: 'no carrier' };
  if (!model.addresses(ifindex).some((a) => a.family === family)) return { state: NMConnectivity.NONE, reason: 'no IP address configured' };
  const routes = model.routes(ifindex).filter((r) => r.family === family && r.table !== RouteTable.local);
  if (routes.length === 0) return { state: NMConnectivity.NONE, reason: 'no IP route configured' };
  // Route scopes mean nothing for IPv6: any route will do.
  if (family === 4 && !routes.some((r) => r.scope === SCOPE_UNIVERSE)) return { state: NMConnectivity.LIMITED, reason: 'no global route configured' };
  return undefined;
}

/** The device's main-table default route with the lowest metric, of one family or either. */
export function bestDefaultOf(model: NetworkModel, ifindex: number, family?: Family): Route | undefined {
  let best: Route | undefined;
  for (const r of model.routes(ifindex)) {
    if (!isMainDefault(r, family)) continue;
    if (!best || r.metric < best.metric) best = r;
  }
  return best;
}

/** A unicast default route of the main table (of `family`, or of either). */
export function isMainDefault(r: Route, family?: Family): boolean {
  return r.dstLen === 0 && r.table === RouteTable.main && r.type === RTN_UNICAST && (family === undefined || r.family === family);
}
