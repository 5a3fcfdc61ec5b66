/**
 * What a VPN service reports, as NetworkManager 1.42 reads it
 * (nm-vpn-dbus-interface.h, nm-vpn-connection.c), turned into what nmk puts
 * in the kernel. Pure: no I/O.
 *
 * Config (generic): tundev (s; "" or "_none_" for IP-less plugins that use
 * the base device), gateway (the external gateway: u for IPv4, ay for IPv6),
 * mtu (u), banner (s), has-ip4 / has-ip6 (b), can-persist (b).
 * Ip4Config: address, prefix (default 24), ptp, internal-gateway (u, network
 * byte order), dns (au), domain (s), domains (as), routes (aau: dest, prefix,
 * next hop, metric[, pref-src]), never-default (b), mss (u), preserve-routes (b).
 * Ip6Config: the same with ay addresses (prefix default 128), dns aay and
 * routes a(ayuayu).
 *
 * In the kernel: the address on the tunnel (no prefix route of the kernel's,
 * nmk's own with the route metric, as for any connection), the pushed routes
 * (a host route to the external gateway is dropped: nmk adds its own through
 * the base connection), and the default route through the tunnel unless
 * never-default (the plugin's or the profile's). The metric is the profile's
 * ipvX.route-metric, else NetworkManager's VPN default, 50.
 *
 * The profile's own static routes (ipvX.route-data) go on the tunnel too, as
 * NetworkManager merges the connection's IP settings into the VPN's config
 * (nm_l3_config_data_new_from_connection): ignore-auto-routes and
 * never-default filter only what the plugin pushed, never these.
 */
import os from 'node:os';
import ipaddr from 'ipaddr.js';
import { routeSpecsFromSetting, type AddressSpec, type ConnectionSettings, type Family, type Parsed, type Route, type RouteSpec } from '../../sdk/index.js';
import type { VpnDict } from './vpn-service.js';

/** NM_VPN_ROUTE_METRIC_DEFAULT. */
export const VPN_ROUTE_METRIC_DEFAULT = 50;
/** NM_DNS_PRIORITY_DEFAULT_VPN. */
export const VPN_DNS_PRIORITY = 50;
const IFA_F_NOPREFIXROUTE = 0x200;
const RTPROT_KERNEL = 2;
const RTPROT_STATIC = 4;
const RT_SCOPE_LINK = 253;

export interface VpnGeneric {
  /** The tunnel's interface name; undefined for plugins that configure the base device. */
  tundev?: string;
  gateway4?: string;
  gateway6?: string;
  mtu?: number;
  banner?: string;
  hasIp4: boolean;
  hasIp6: boolean;
}

export interface VpnRoute {
  dst: string;
  dstLen: number;
  gateway?: string;
}

export interface VpnIpConfig {
  family: Family;
  address: string;
  prefix: number;
  peer?: string;
  internalGateway?: string;
  nameservers: string[];
  domains: string[];
  routes: VpnRoute[];
  /** The plugin keeps the routes it gave before (preserve-routes). */
  preserveRoutes: boolean;
  neverDefault: boolean;
  mss?: number;
}

/** An IPv4 address the way the VPN API carries it: a uint32 holding the bytes in network order, in host memory order. */
export function ip4FromU32(n: number): string {
  const b = Buffer.alloc(4);
  if (os.endianness() === 'LE') b.writeUInt32LE(n >>> 0);
  else b.writeUInt32BE(n >>> 0);
  return [...b].join('.');
}
export function u32FromIp4(a: string): number {
  const b = Buffer.from(ipaddr.IPv4.parse(a).toByteArray());
  return os.endianness() === 'LE' ? b.readUInt32LE() : b.readUInt32BE();
}

function bytesToIp6(v: unknown): string | undefined {
  const bytes = v instanceof Uint8Array ? [...v] : Array.isArray(v) ? v : undefined;
  if (!bytes || bytes.length !== 16) return undefined;
  const s = ipaddr.fromByteArray(bytes as number[]).toString();
  return s === '::' ? undefined : s;
}

/** An address value of the family (u or ay); undefined when absent or zero. */
function addr(family: Family, v: unknown): string | undefined {
  if (family === 4) return typeof v === 'number' && v !== 0 ? ip4FromU32(v) : undefined;
  return bytesToIp6(v);
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** The generic part (the Config signal, or the old style's Ip4Config that mixes both). */
export function parseGeneric(d: VpnDict): VpnGeneric {
  const tundev = str(d.tundev);
  const gateway4 = addr(4, d.gateway);
  const gateway6 = addr(6, d.gateway);
  return {
    ...(tundev && tundev !== '_none_' ? { tundev } : {}),
    ...(gateway4 ? { gateway4 } : {}),
    ...(gateway6 ? { gateway6 } : {}),
    ...(num(d.mtu) ? { mtu: num(d.mtu) } : {}),
    ...(str(d.banner) ? { banner: str(d.banner) } : {}),
    hasIp4: d['has-ip4'] === true,
    hasIp6: d['has-ip6'] === true,
  };
}

function networkOf(family: Family, a: string, len: number): string {
  return family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(`${a}/${len}`).toString() : ipaddr.IPv6.networkAddressFromCIDR(`${a}/${len}`).toString();
}

/** One family's config; an Error names what is wrong (NetworkManager: "no valid IP address/prefix"). */
export function parseIpConfig(family: Family, d: VpnDict, externalGateway?: string): VpnIpConfig | Error {
  const bits = family === 4 ? 32 : 128;
  const address = addr(family, d.address);
  const prefix = num(d.prefix) ?? (family === 4 ? 24 : 128);
  if (!address || prefix <= 0 || prefix > bits) return new Error(`invalid IPv${family} config received: no valid IP address/prefix`);
  const nameservers: string[] = [];
  for (const n of Array.isArray(d.dns) ? d.dns : []) {
    const a = addr(family, n);
    if (a) nameservers.push(a);
  }
  const domains = [...(str(d.domain) ? [str(d.domain)!] : []), ...(Array.isArray(d.domains) ? d.domains.filter((x): x is string => typeof x === 'string') : [])];
  const routes: VpnRoute[] = [];
  for (const r of Array.isArray(d.routes) ? d.routes : []) {
    if (!Array.isArray(r)) continue;
    // IPv4: [dest, prefix, next hop, metric(, pref-src)]; IPv6: [dest, prefix, next hop, metric].
    if (family === 4 && r.length !== 4 && r.length !== 5) continue;
    const dst = family === 4 ? (typeof r[0] === 'number' ? ip4FromU32(r[0]) : undefined) : bytesToIp6(r[0]) ?? (r[0] instanceof Uint8Array && r[0].length === 16 ? '::' : undefined);
    const len = num(r[1]);
    if (dst === undefined || len === undefined || len > bits) continue;
    const net = networkOf(family, dst, len);
    // A host route to the VPN gateway: nmk's own, through the base connection, takes its place.
    if (externalGateway && net === externalGateway && len === bits) continue;
    const gw = addr(family, r[2]);
    routes.push({ dst: net, dstLen: len, ...(gw ? { gateway: gw } : {}) });
  }
  const peer = addr(family, d.ptp);
  const internalGateway = addr(family, d['internal-gateway']);
  return {
    family,
    address,
    prefix,
    ...(peer && peer !== address ? { peer } : {}),
    ...(internalGateway ? { internalGateway } : {}),
    nameservers,
    domains,
    routes,
    preserveRoutes: d['preserve-routes'] === true,
    neverDefault: d['never-default'] === true,
    ...(num(d.mss) ? { mss: num(d.mss) } : {}),
  };
}

export interface TunnelPlanOptions {
  ifindex: number;
  metric: number;
  table: number;
  /** The profile's ipvX.never-default. */
  neverDefault: boolean;
  /** The profile's ipvX.ignore-auto-routes: the pushed routes are dropped. */
  ignoreRoutes: boolean;
  /** The profile's own routes (profileRoutes), kept whatever the two above say. */
  profileRoutes?: readonly RouteSpec[];
}

export interface TunnelPlan {
  addresses: AddressSpec[];
  routes: RouteSpec[];
  /** The profile's routes not already among `routes`: one the kernel refuses is a warning, not a failed VPN (as NetworkManager's l3cfg). */
  profileRoutes: RouteSpec[];
}

/**
 * A VPN profile's ipvX.route-data as routes on the tunnel (`ifindex`): a
 * route without its own metric gets ipvX.route-metric, else the VPN default
 * 50; without a table attribute, ipvX.route-table, else main (NetworkManager's
 * nm_vpn_connection_get_ip_route_metric and get_route_table). A bad entry is
 * an error naming the key and the route.
 */
export function profileRoutes(settings: ConnectionSettings, family: Family, ifindex: number): Parsed<RouteSpec[]> {
  return routeSpecsFromSetting(settings[family === 4 ? 'ipv4' : 'ipv6'], family, ifindex, VPN_ROUTE_METRIC_DEFAULT);
}

/** The kernel objects for one family's config on the tunnel (or base) interface. */
export function planTunnel(c: VpnIpConfig, o: TunnelPlanOptions): TunnelPlan {
  const { family } = c;
  const bits = family === 4 ? 32 : 128;
  const address: AddressSpec = { family, ifindex: o.ifindex, address: c.address, prefixlen: c.prefix, flags: IFA_F_NOPREFIXROUTE, ...(c.peer ? { peer: c.peer } : {}) };
  const routes: RouteSpec[] = [];
  const base = { family, ifindex: o.ifindex, metric: o.metric, table: o.table } as const;
  if (c.peer) routes.push({ ...base, dst: c.peer, dstLen: bits, protocol: RTPROT_KERNEL, scope: family === 4 ? RT_SCOPE_LINK : undefined });
  else if (c.prefix < bits) {
    routes.push({ ...base, dst: networkOf(family, c.address, c.prefix), dstLen: c.prefix, protocol: RTPROT_KERNEL, ...(family === 4 ? { scope: RT_SCOPE_LINK, prefsrc: c.address } : {}) });
  }
  if (!o.ignoreRoutes) {
    for (const r of c.routes) routes.push({ ...base, dst: r.dst, dstLen: r.dstLen, protocol: RTPROT_STATIC, ...(r.gateway ? { gateway: r.gateway } : {}) });
  }
  if (!c.neverDefault && !o.neverDefault) {
    routes.push({ ...base, dst: family === 4 ? '0.0.0.0' : '::', dstLen: 0, protocol: RTPROT_STATIC, ...(c.internalGateway ? { gateway: c.internalGateway } : {}) });
  }
  const planned = dedupe(routes.map(clean));
  const seen = new Set(planned.map(routeKey));
  return { addresses: [address], routes: planned, profileRoutes: dedupe((o.profileRoutes ?? []).filter((r) => !seen.has(routeKey(r)))) };
}

function clean(r: RouteSpec): RouteSpec {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as RouteSpec;
}

/** What tells two routes apart in the kernel, as far as a VPN's routes differ. */
const routeKey = (r: RouteSpec) => `${r.dst}/${r.dstLen}/${r.gateway ?? ''}/${r.metric ?? ''}/${r.table ?? 254}`;

function dedupe(routes: readonly RouteSpec[]): RouteSpec[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const k = routeKey(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function contains(family: Family, r: Route, gw: string): boolean {
  try {
    const a = ipaddr.parse(gw);
    const net = ipaddr.parse(r.dst);
    if (a.kind() !== net.kind()) return false;
    return r.dstLen === 0 || (a as ipaddr.IPv4).match(net as ipaddr.IPv4, r.dstLen);
  } catch {
    return family === 6 && r.dstLen === 0;
  }
}

/**
 * The host route to the VPN's external gateway through the base connection,
 * so that the tunnel's own packets do not enter the tunnel once its default
 * route is in: the base device's best route to the gateway (longest prefix,
 * then lowest metric, main table), copied as a /32 (/128) with its next hop
 * and metric. Undefined when the base device has no route to it.
 */
export function gatewayRoute(family: Family, gateway: string, baseIfindex: number, baseRoutes: readonly Route[]): RouteSpec | undefined {
  const candidates = baseRoutes.filter((r) => r.family === family && r.ifindex === baseIfindex && (r.table ?? 254) === 254 && (r.type ?? 1) === 1 && contains(family, r, gateway));
  if (candidates.length === 0) return undefined;
  candidates.sort((a, b) => b.dstLen - a.dstLen || (a.metric ?? 0) - (b.metric ?? 0));
  const best = candidates[0]!;
  return { family, dst: gateway, dstLen: family === 4 ? 32 : 128, ifindex: baseIfindex, metric: best.metric ?? 0, table: 254, protocol: RTPROT_STATIC, ...(best.gateway ? { gateway: best.gateway } : {}) };
}
