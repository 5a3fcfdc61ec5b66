/**
 * From a profile's IP settings to the platform's specs: routing rules
 * (ipv4/ipv6.routing-rules) to RuleSpec, and static routes (route-data with
 * their attributes) to RouteSpec, the way NetworkManager 1.42 turns them
 * into kernel objects (nm_ip_routing_rule_to_platform,
 * nm_utils_ip_route_attribute_to_platform and nm-l3-config-data.c).
 * Pure: core applies the results with Platform.addRule / addRoute.
 */
import { LOCKABLE_ROUTE_METRICS, ROUTE_METRIC_NAMES, RouteTable, type Family, type RouteMetrics, type RouteSpec, type RuleSpec } from '../../platform.js';
import { maxPrefix, networkAddress, normalizeIp } from '../ip-address.js';
import { ROUTE_ATTRIBUTES } from '../tables/ip.js';
import type { IpRoute, SettingValues } from '../types.js';
import { fail, ok, type Parsed } from './result.js';
import { parseRoutingRule, type RoutingRule } from './routing-rules.js';

/** NetworkManager gives the rules and routes it adds from a profile protocol "static". */
const RTPROT_STATIC = 4;

/** The "type" attribute's names and their RTN_* numbers. */
const ROUTE_TYPES: Readonly<Record<string, number>> = { unicast: 1, local: 2, blackhole: 6, unreachable: 7, prohibit: 8, throw: 9 };
/** Types whose routes have no link or next hop (nm_platform_route_type_is_nodev). */
const NODEV_TYPES = new Set([6, 7, 8, 9]);
const RTN_LOCAL = 2;

/** One parsed routing rule as the platform adds it. */
export function ruleSpecFromRoutingRule(rule: RoutingRule): RuleSpec {
  const spec: RuleSpec = { family: rule.family, priority: rule.priority ?? 0, action: rule.action, protocol: RTPROT_STATIC };
  if (rule.invert) spec.invert = true;
  if (rule.from) {
    spec.from = rule.from.address;
    spec.fromLen = rule.from.length;
  }
  if (rule.to) {
    spec.to = rule.to.address;
    spec.toLen = rule.to.length;
  }
  if (rule.tos) spec.tos = rule.tos;
  if (rule.ipproto) spec.ipproto = rule.ipproto;
  if (rule.fwmark || rule.fwmask) {
    spec.fwmark = rule.fwmark;
    spec.fwmask = rule.fwmask;
  }
  if (rule.sport) spec.sport = [rule.sport[0], rule.sport[1]];
  if (rule.dport) spec.dport = [rule.dport[0], rule.dport[1]];
  if (rule.iifname) spec.iifname = rule.iifname;
  if (rule.oifname) spec.oifname = rule.oifname;
  if (rule.uidRange) spec.uidRange = [rule.uidRange[0], rule.uidRange[1]];
  if (rule.suppressPrefixlength !== -1) spec.suppressPrefixlength = rule.suppressPrefixlength;
  if (rule.table) spec.table = rule.table;
  return spec;
}

/** A setting's routing-rules (text records) as RuleSpecs; the first rule that does not parse is the error, named. */
export function ruleSpecsFromSetting(texts: readonly string[] | undefined, family: Family): Parsed<RuleSpec[]> {
  const out: RuleSpec[] = [];
  for (const [i, text] of (texts ?? []).entries()) {
    const parsed = parseRoutingRule(text, family);
    if (!parsed.ok) return fail(`ipv${family}.routing-rules: rule ${i + 1} '${text}' is invalid: ${parsed.reason}`);
    out.push(ruleSpecFromRoutingRule(parsed.value));
  }
  return ok(out);
}

/** What a route without its own metric or table gets: the profile's (and device's) defaults. */
export interface RouteDefaults {
  /** The device's ifindex. */
  ifindex: number;
  /** ipv4/ipv6.route-metric, or the device type's default when that is -1. */
  metric: number;
  /** ipv4/ipv6.route-table; 0 means main. */
  table: number;
}

/** IPv6 has no metric 0 in the kernel: 0 means 1024 (nm_utils_ip_route_metric_normalize). */
function normalizeMetric(family: Family, metric: number): number {
  return family === 6 && metric === 0 ? 1024 : metric;
}

/**
 * One route-data entry as the platform adds it. Attributes NetworkManager
 * does not apply to a single route ("weight", which only merges multipath
 * routes) are left out; a wrongly typed or unknown value is an error naming
 * the attribute.
 */
export function routeSpecFromIpRoute(route: IpRoute, family: Family, defaults: RouteDefaults): Parsed<RouteSpec> {
  const attrs = route.attributes ?? {};
  const what = `route ${route.dest}/${route.prefix}`;
  const num = (name: string): number | undefined => {
    const v = attrs[name];
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
  };
  // Attributes nmk does not know are kept in the profile and ignored here, as NetworkManager does.
  for (const [name, value] of Object.entries(attrs)) {
    const def = ROUTE_ATTRIBUTES[name];
    if (!def) continue;
    const wrong = def.signature === 'b' ? typeof value !== 'boolean' : def.signature === 's' ? typeof value !== 'string' : num(name) === undefined || (def.signature === 'y' && (value as number) > 255);
    if (wrong) return fail(`${what}: attribute ${name} has a bad value (${JSON.stringify(value)})`);
  }

  const dst = networkAddress(route.dest, route.prefix);
  if (dst === undefined || normalizeIp(route.dest, family) === undefined) return fail(`${what}: not an IPv${family} destination`);
  const typeName = typeof attrs.type === 'string' ? attrs.type : 'unicast';
  const type = ROUTE_TYPES[typeName];
  if (type === undefined) return fail(`${what}: type '${typeName}' is not one of ${Object.keys(ROUTE_TYPES).join(', ')}`);

  const spec: RouteSpec = {
    family,
    dst,
    dstLen: route.prefix,
    metric: normalizeMetric(family, route.metric !== undefined && route.metric >= 0 ? route.metric : defaults.metric),
    protocol: RTPROT_STATIC,
    type,
  };
  const table = num('table') ?? 0;
  spec.table = table !== 0 ? table : type === RTN_LOCAL ? RouteTable.local : defaults.table || RouteTable.main;
  if (!NODEV_TYPES.has(type)) spec.ifindex = defaults.ifindex;
  if (route.nextHop) spec.gateway = route.nextHop;
  if (family === 4) {
    if (num('tos')) spec.tos = num('tos');
    if (num('scope') !== undefined) spec.scope = num('scope');
  }
  // The kernel refuses onlink on an IPv4 route without a gateway; NetworkManager drops it there.
  if (attrs.onlink === true && (family === 6 || spec.gateway)) spec.onlink = true;
  if (typeof attrs.src === 'string') spec.prefsrc = attrs.src;
  if (family === 6 && typeof attrs.from === 'string') {
    const [address = '', len] = attrs.from.split('/');
    const fromLen = len === undefined ? maxPrefix(6) : /^\d+$/.test(len) ? Number(len) : -1;
    const from = normalizeIp(address, 6);
    if (from === undefined || fromLen < 0 || fromLen > 128) return fail(`${what}: from '${attrs.from}' is not an IPv6 prefix`);
    spec.from = from;
    spec.fromLen = fromLen;
  }
  const metrics = routeMetrics(attrs);
  if (metrics) spec.metrics = metrics;
  return ok(spec);
}

/** The metric attributes (mtu, window, ... quickack) and their lock-* twins, by the SDK's own lists of names. */
function routeMetrics(attrs: Readonly<Record<string, string | number | boolean>>): RouteMetrics | undefined {
  const m: RouteMetrics = {};
  for (const name of ROUTE_METRIC_NAMES) {
    const v = attrs[name];
    if (name === 'quickack') {
      if (v === true) m.quickack = true;
    } else if (typeof v === 'number' && v > 0) {
      m[name] = v;
    }
  }
  const lock = LOCKABLE_ROUTE_METRICS.filter((name) => attrs[`lock-${name}`] === true);
  if (lock.length > 0) m.lock = lock;
  return Object.keys(m).length > 0 ? m : undefined;
}

/**
 * All of a setting's static routes (route-data) as RouteSpecs, with the
 * setting's route-metric and route-table as defaults. `deviceMetric` is
 * what route-metric -1 means for this device.
 */
export function routeSpecsFromSetting(ip: SettingValues | undefined, family: Family, ifindex: number, deviceMetric: number): Parsed<RouteSpec[]> {
  const metricSetting = typeof ip?.['route-metric'] === 'number' ? ip['route-metric'] : -1;
  const tableSetting = typeof ip?.['route-table'] === 'number' ? ip['route-table'] : 0;
  const defaults: RouteDefaults = { ifindex, metric: metricSetting >= 0 ? metricSetting : deviceMetric, table: tableSetting };
  const out: RouteSpec[] = [];
  for (const route of (ip?.['route-data'] as IpRoute[] | undefined) ?? []) {
    const spec = routeSpecFromIpRoute(route, family, defaults);
    if (!spec.ok) return fail(`ipv${family}.route-data: ${spec.reason}`);
    out.push(spec.value);
  }
  return ok(out);
}
