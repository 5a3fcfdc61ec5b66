/**
 * What a profile asks of one IP family on one device, worked out before any
 * kernel call: the addresses, the routes (with NetworkManager's metric and
 * table rules), the sysctls, and whether the method is one this version of
 * nmk can carry out. Pure, so the rules are unit-tested without a kernel.
 */
import { formatIp, NMDeviceType, parseIp, routeSpecsFromSetting, RouteTable, ruleSpecsFromSetting, type ConnectionSettings, type Family, type IpAddress, type RouteSpec, type RuleSpec } from '../../sdk/index.js';

export interface PlannedAddress {
  address: string;
  prefixlen: number;
  /** IPv4 broadcast, as NetworkManager sets it (none for /31 and /32). */
  broadcast?: string;
  /**
   * The subnet's route, which NetworkManager adds itself at the profile's
   * metric (the address carries IFA_F_NOPREFIXROUTE), so that of two links
   * in one subnet the preferred one wins. Undefined for a host address.
   */
  prefixRoute?: RouteSpec;
}

/** IFA_F_NOPREFIXROUTE: the kernel adds no route for the address's subnet. */
export const IFA_F_NOPREFIXROUTE = 0x200;
/** RTPROT_KERNEL: what NetworkManager marks an address's subnet route with, as the kernel would. */
const RTPROT_KERNEL = 2;
const RT_SCOPE_LINK = 253;

/** RTPROT_STATIC: what NetworkManager marks the routes of a profile with. */
const RTPROT_STATIC = 4;

export interface IpPlan {
  family: Family;
  method: string;
  /** The method is configured here (static or nothing to do); false means it needs what nmk lacks (DHCP, SLAAC...). */
  supported: boolean;
  /** May the connection activate without this family (ipv4.may-fail / ipv6.may-fail)? */
  mayFail: boolean;
  /** Nothing to configure for this family and it counts as neither success nor failure (disabled, ignore). */
  inert: boolean;
  addresses: PlannedAddress[];
  /** The profile's routes (route-data) and the gateway's default route, as the platform adds them. */
  routes: RouteSpec[];
  /** The profile's routing rules (routing-rules). */
  rules: RuleSpec[];
  /** A route or rule the profile holds that cannot be applied: the family fails naming it. */
  problem?: string;
  /** [sysctl name, value] in the order they are written; names use '/', as an interface name may hold dots (bond0.10). */
  sysctls: Array<[string, string]>;
  /** The automatic part that follows the static one: a DHCP client, router discovery, or the router side of sharing. */
  dynamic?: 'dhcp' | 'ndisc' | 'shared';
}

/**
 * NetworkManager's default route metric by device type (nm-device.c,
 * nm_device_get_route_metric_default); a type not listed gets 11000 there.
 */
const DEFAULT_METRIC: Partial<Record<number, number>> = {
  [NMDeviceType.WIREGUARD]: 50,
  [NMDeviceType.ETHERNET]: 100,
  [NMDeviceType.VETH]: 100,
  [NMDeviceType.MACSEC]: 125,
  [NMDeviceType.INFINIBAND]: 150,
  [NMDeviceType.ADSL]: 200,
  [NMDeviceType.WIMAX]: 250,
  [NMDeviceType.BOND]: 300,
  [NMDeviceType.TEAM]: 350,
  [NMDeviceType.VLAN]: 400,
  [NMDeviceType.MACVLAN]: 410,
  [NMDeviceType.BRIDGE]: 425,
  [NMDeviceType.TUN]: 450,
  [NMDeviceType.PPP]: 460,
  [NMDeviceType.VXLAN]: 500,
  [NMDeviceType.DUMMY]: 550,
  [NMDeviceType.WIFI]: 600,
  [NMDeviceType.OLPC_MESH]: 650,
  [NMDeviceType.IP_TUNNEL]: 675,
  [NMDeviceType.MODEM]: 700,
  [NMDeviceType.BT]: 750,
  [NMDeviceType.SIXLOWPAN]: 775,
  [NMDeviceType.OVS_BRIDGE]: 800,
  [NMDeviceType.OVS_INTERFACE]: 800,
  [NMDeviceType.OVS_PORT]: 800,
  [NMDeviceType.WPAN]: 850,
  [NMDeviceType.WIFI_P2P]: 950,
  [NMDeviceType.GENERIC]: 950,
  [NMDeviceType.UNKNOWN]: 10000,
};

export function defaultRouteMetric(deviceType: number): number {
  return DEFAULT_METRIC[deviceType] ?? 11000;
}

/**
 * One row per method: whether nmk carries it out, whether it counts for the
 * connection at all, its automatic part (DHCP, router discovery, sharing:
 * core/activation/dynamic), and the IPv6 sysctls NetworkManager writes for
 * it. IPv4 link-local is not carried out yet: it fails its family (the
 * connection may still activate when may-fail allows).
 */
interface MethodRow {
  supported: boolean;
  inert: boolean;
  /** The profile's own addresses, routes and gateway are applied (NetworkManager adds them to automatic methods too). */
  static: boolean;
  dynamic?: IpPlan['dynamic'];
  /** IPv6 only: values for disable_ipv6 and accept_ra; undefined leaves the sysctl alone. */
  disableIpv6?: '0' | '1';
  acceptRa?: '0';
}

const METHODS: Record<Family, Record<string, MethodRow>> = {
  4: {
    manual: { supported: true, inert: false, static: true },
    disabled: { supported: true, inert: true, static: false },
    auto: { supported: true, inert: false, static: true, dynamic: 'dhcp' },
    'link-local': { supported: false, inert: false, static: false },
    shared: { supported: true, inert: false, static: false, dynamic: 'shared' },
  },
  6: {
    manual: { supported: true, inert: false, static: true, disableIpv6: '0', acceptRa: '0' },
    'link-local': { supported: true, inert: false, static: false, disableIpv6: '0', acceptRa: '0' },
    disabled: { supported: true, inert: true, static: false, disableIpv6: '1' },
    ignore: { supported: true, inert: true, static: false },
    // NetworkManager handles router advertisements itself: the kernel's accept_ra is off.
    auto: { supported: true, inert: false, static: true, dynamic: 'ndisc', disableIpv6: '0', acceptRa: '0' },
    dhcp: { supported: true, inert: false, static: true, dynamic: 'dhcp', disableIpv6: '0', acceptRa: '0' },
    shared: { supported: true, inert: false, static: false, dynamic: 'shared', disableIpv6: '0', acceptRa: '0' },
  },
};

const SETTING: Record<Family, 'ipv4' | 'ipv6'> = { 4: 'ipv4', 6: 'ipv6' };

/** The method a profile without an IP setting gets (NetworkManager's normalisation for non-port profiles). */
const DEFAULT_METHOD: Record<Family, string> = { 4: 'auto', 6: 'auto' };

export function planIp(settings: ConnectionSettings, family: Family, deviceType: number, ifname: string, ifindex: number): IpPlan {
  const ip = settings[SETTING[family]] ?? {};
  const method = typeof ip.method === 'string' ? ip.method : DEFAULT_METHOD[family];
  const row = METHODS[family][method] ?? { supported: false, inert: false, static: false };
  const plan: IpPlan = {
    family,
    method,
    supported: row.supported,
    mayFail: ip['may-fail'] !== false,
    inert: row.inert,
    addresses: [],
    routes: [],
    rules: [],
    sysctls: [],
    ...(row.dynamic ? { dynamic: row.dynamic } : {}),
  };
  // NetworkManager sets promote_secondaries on the devices it manages, so removing one
  // address does not make the kernel drop the other addresses of its subnet.
  if (family === 4 && row.static) plan.sysctls.push([`net/ipv4/conf/${ifname}/promote_secondaries`, '1']);
  if (family === 6) {
    if (row.disableIpv6 !== undefined) plan.sysctls.push([`net/ipv6/conf/${ifname}/disable_ipv6`, row.disableIpv6]);
    if (row.acceptRa !== undefined) plan.sysctls.push([`net/ipv6/conf/${ifname}/accept_ra`, row.acceptRa]);
  }
  if (!row.static) return plan;

  const metricSetting = typeof ip['route-metric'] === 'number' ? ip['route-metric'] : -1;
  const baseMetric = normaliseMetric(family, metricSetting >= 0 ? metricSetting : defaultRouteMetric(deviceType));
  const tableSetting = typeof ip['route-table'] === 'number' && ip['route-table'] > 0 ? ip['route-table'] : RouteTable.main;
  for (const a of (ip['address-data'] as IpAddress[] | undefined) ?? []) plan.addresses.push(plannedAddress(family, a, ifindex, baseMetric, tableSetting));

  // Routes and rules as the platform takes them, by the SDK's converters (metric, table, attributes).
  const routes = routeSpecsFromSetting(ip, family, ifindex, defaultRouteMetric(deviceType));
  if (!routes.ok) {
    plan.problem = routes.reason;
    return plan;
  }
  plan.routes = routes.value;
  const gateway = typeof ip.gateway === 'string' && ip.gateway ? ip.gateway : undefined;
  if (gateway && ip['never-default'] !== true && plan.addresses.length > 0) {
    plan.routes.push({ family, dst: family === 4 ? '0.0.0.0' : '::', dstLen: 0, gateway, ifindex, metric: baseMetric, table: tableSetting, protocol: RTPROT_STATIC });
  }
  const rules = ruleSpecsFromSetting(ip['routing-rules'] as string[] | undefined, family);
  if (!rules.ok) plan.problem = `ipv${family}.routing-rules: ${rules.reason}`;
  else plan.rules = rules.value;
  return plan;
}

/** An address with its broadcast and the subnet route NetworkManager adds for it. */
function plannedAddress(family: Family, a: IpAddress, ifindex: number, metric: number, table: number): PlannedAddress {
  const out: PlannedAddress = { address: a.address, prefixlen: a.prefix };
  const bits = family === 4 ? 32 : 128;
  if (a.prefix >= bits) return out;
  const parsed = parseIp(a.address, family);
  if (!parsed) throw new Error(`'${a.address}' is not an IPv${family} address`);
  const network = parsed.bytes.slice();
  const broadcast = parsed.bytes.slice();
  for (let bit = a.prefix; bit < bits; bit++) {
    network[bit >> 3]! &= ~(0x80 >> (bit & 7));
    broadcast[bit >> 3]! |= 0x80 >> (bit & 7);
  }
  if (family === 4 && a.prefix < 31) out.broadcast = formatIp(broadcast);
  out.prefixRoute = { family, dst: formatIp(network), dstLen: a.prefix, ifindex, metric, table, protocol: RTPROT_KERNEL, ...(family === 4 ? { scope: RT_SCOPE_LINK, prefsrc: a.address } : {}) };
  return out;
}

/** IPv6 has no metric 0 in the kernel: 0 means 1024 (nm_utils_ip_route_metric_normalize). */
function normaliseMetric(family: Family, metric: number): number {
  return family === 6 && metric === 0 ? 1024 : metric;
}

/**
 * Whether the connection may reach ACTIVATED given each family's outcome
 * (NetworkManager's rule): a family that failed and may not fail fails the
 * connection; otherwise at least one family must have succeeded, unless
 * every family is inert (both disabled/ignored: layer 2 only).
 */
export function ipOutcome(plans: readonly IpPlan[], ok: ReadonlyMap<Family, boolean>): { activated: boolean; failedFamily?: Family } {
  let anySucceeded = false;
  let allInert = true;
  for (const p of plans) {
    if (p.inert) continue;
    allInert = false;
    if (ok.get(p.family)) anySucceeded = true;
    else if (!p.mayFail) return { activated: false, failedFamily: p.family };
  }
  if (allInert || anySucceeded) return { activated: true };
  const firstFailed = plans.find((p) => !p.inert && !ok.get(p.family));
  return { activated: false, failedFamily: firstFailed?.family };
}
