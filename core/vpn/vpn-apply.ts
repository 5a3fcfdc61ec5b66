/**
 * Putting a VPN's reported config into the kernel and the DNS manager, and
 * taking it out again. The tunnel (or, for IP-less plugins, the base device)
 * gets the MTU, is set up, then gets its addresses and routes (the plugin's,
 * then the profile's own ipvX.routes); the external
 * gateway gets a host route through the base connection. Everything added is
 * recorded on the active connection so teardown removes exactly that; what
 * is already gone (the service deleted its tun) is fine.
 */
import { Errno, PlatformError, type DnsConfig, type Family, type Logger, type NetworkModel, type Platform } from '../../sdk/index.js';
import type { VpnActiveConnection } from './vpn-active-connection.js';
import { gatewayRoute, planTunnel, profileRoutes, VPN_DNS_PRIORITY, VPN_ROUTE_METRIC_DEFAULT, type TunnelPlan } from './vpn-config.js';

export interface ApplyDeps {
  platform: Platform;
  model: NetworkModel;
  logger: Logger;
}

const GONE = new Set<number>([Errno.ENOENT, Errno.ESRCH, Errno.EADDRNOTAVAIL, Errno.ENODEV]);
const SETTING: Record<Family, 'ipv4' | 'ipv6'> = { 4: 'ipv4', 6: 'ipv6' };

function allowExists(err: unknown): void {
  if (!(err instanceof PlatformError && err.errno === Errno.EEXIST)) throw err;
}

/** ipvX.route-metric when set (>= 0), else NetworkManager's VPN default. */
function metricOf(vac: VpnActiveConnection, family: Family): number {
  const m = vac.applied[SETTING[family]]?.['route-metric'];
  return typeof m === 'number' && m >= 0 ? m : VPN_ROUTE_METRIC_DEFAULT;
}
function tableOf(vac: VpnActiveConnection, family: Family): number {
  const t = vac.applied[SETTING[family]]?.['route-table'];
  return typeof t === 'number' && t > 0 ? t : 254;
}

export async function applyVpnConfig(vac: VpnActiveConnection, d: ApplyDeps): Promise<void> {
  const g = vac.generic!;
  const ifindex = vac.ipIfindex;
  const tunnel = ifindex !== vac.device.ifindex;
  if (tunnel) await d.platform.setLink(ifindex, { ...(g.mtu ? { mtu: g.mtu } : {}), up: true });
  // The gateway's host route first: once the default route points into the tunnel, the tunnel's own packets need it.
  for (const family of [4, 6] as const) {
    const gw = family === 4 ? g.gateway4 : g.gateway6;
    if (!gw || vac.applied[SETTING[family]]?.['auto-route-ext-gw'] === false) continue;
    const r = gatewayRoute(family, gw, vac.device.ifindex, d.model.routes(vac.device.ifindex));
    if (!r) {
      d.logger.debug(`no route to the VPN gateway ${gw} through ${vac.device.name}; no host route added`);
      continue;
    }
    await d.platform.addRoute(r).catch(allowExists);
    vac.ownedRoutes.push(r);
  }
  for (const family of [4, 6] as const) {
    const c = family === 4 ? vac.ip4 : vac.ip6;
    const s = vac.applied[SETTING[family]] ?? {};
    // The profile's own routes go on the tunnel whether or not the plugin reported this family (NetworkManager's static l3cd).
    const statics = profileRoutes(vac.applied, family, ifindex);
    if (!statics.ok) d.logger.warn(`VPN '${vac.profile.id}': ${statics.reason}; the profile's routes are not added`);
    const own = statics.ok ? statics.value : [];
    const plan: TunnelPlan = c
      ? planTunnel(c, {
          ifindex,
          metric: metricOf(vac, family),
          table: tableOf(vac, family),
          neverDefault: s['never-default'] === true,
          ignoreRoutes: s['ignore-auto-routes'] === true,
          profileRoutes: own,
        })
      : { addresses: [], routes: [], profileRoutes: own };
    for (const a of plan.addresses) {
      await d.platform.addAddress(a).catch(allowExists);
      vac.ownedAddresses.push(a);
    }
    for (const r of plan.routes) {
      await d.platform.addRoute(r).catch(allowExists);
      vac.ownedRoutes.push(r);
      if (r.dstLen === 0 && (r.table ?? 254) === 254) {
        if (family === 4) vac.defaultMetric4 = r.metric;
        else vac.defaultMetric6 = r.metric;
      }
    }
    for (const r of plan.profileRoutes) {
      try {
        await d.platform.addRoute(r).catch(allowExists);
        vac.ownedRoutes.push(r);
      } catch (err) {
        d.logger.warn(`VPN '${vac.profile.id}': route ${r.dst}/${r.dstLen} of ${SETTING[family]}.routes not added: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

export async function removeVpnConfig(vac: VpnActiveConnection, d: ApplyDeps): Promise<void> {
  const quiet = (err: unknown) => {
    if (err instanceof PlatformError && GONE.has(err.errno)) return;
    d.logger.warn(`cleaning up after VPN '${vac.profile.id}': ${err instanceof Error ? err.message : String(err)}`);
  };
  // A tunnel the service already deleted took its addresses and routes with it.
  const alive = (ifindex?: number) => ifindex === undefined || d.model.link(ifindex) !== undefined;
  for (const r of vac.ownedRoutes.splice(0).reverse()) if (alive(r.ifindex)) await d.platform.removeRoute(r).catch(quiet);
  for (const a of vac.ownedAddresses.splice(0)) if (alive(a.ifindex)) await d.platform.removeAddress(a).catch(quiet);
  vac.defaultMetric4 = vac.defaultMetric6 = undefined;
}

/** The VPN's DNS for the DNS manager: its servers and domains, priority 50 unless the profile says otherwise, marked VPN (split DNS). */
export function vpnDnsConfigs(vac: VpnActiveConnection): DnsConfig[] {
  const out: DnsConfig[] = [];
  const ifindex = vac.ipIfindex || vac.device.ifindex;
  const ifname = vac.generic?.tundev ?? vac.device.name;
  for (const c of [vac.ip4, vac.ip6]) {
    if (!c) continue;
    const s = vac.applied[SETTING[c.family]] ?? {};
    const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);
    const ignore = s['ignore-auto-dns'] === true;
    const nameservers = [...new Set([...list(s.dns), ...(ignore ? [] : c.nameservers)])];
    const search = [...list(s['dns-search']), ...(ignore ? [] : c.domains)];
    if (nameservers.length === 0 && search.length === 0) continue;
    const prio = s['dns-priority'];
    const hasDefault = !c.neverDefault && s['never-default'] !== true;
    out.push({
      ifindex,
      ifname,
      connectionUuid: vac.uuid,
      connectionId: vac.profile.id,
      family: c.family,
      nameservers,
      searches: [...new Set(search.filter((x) => !x.startsWith('~')))],
      domains: [...new Set(search.map((x) => x.replace(/^~/, '')).filter((x) => x !== ''))],
      options: list(s['dns-options']),
      priority: typeof prio === 'number' && prio !== 0 ? prio : VPN_DNS_PRIORITY,
      isDefault: hasDefault,
      hasDefaultRoute: hasDefault,
      isVpn: true,
    });
  }
  return out;
}

/** What the VPN's IP4Config/IP6Config show about DNS. */
export function vpnDnsView(vac: VpnActiveConnection, family: Family): { nameservers: string[]; domains: string[]; searches: string[]; options: string[]; priority: number } {
  const c = family === 4 ? vac.ip4 : vac.ip6;
  const s = vac.applied[SETTING[family]] ?? {};
  const prio = s['dns-priority'];
  return { nameservers: c?.nameservers ?? [], domains: c?.domains ?? [], searches: [], options: [], priority: typeof prio === 'number' && prio !== 0 ? prio : c ? VPN_DNS_PRIORITY : 0 };
}
