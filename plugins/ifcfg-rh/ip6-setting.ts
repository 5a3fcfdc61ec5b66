/**
 * "ipv6": IPV6INIT, IPV6_AUTOCONF, DHCPV6C, IPV6ADDR, IPV6ADDR_SECONDARIES,
 * IPV6_DEFAULTGW, DNSn (the IPv6 ones), IPV6_DOMAIN... and route6-NAME.
 */
import type { IpAddress, IpRoute, SettingValues } from '../../sdk/index.js';
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { list, readSearchDomains } from './ip-common.js';
import { readRows, rowKeys, writeRows, type KeyRow } from './key-table.js';
import { Setting } from './nm-names.js';
import { readRouteFile, type RouteFileInput } from './route-files.js';
import { parseIPv6, parseIPWithPrefix, splitList, UINT32_MAX } from './scalars.js';
import type { Vars } from './vars.js';

const S = Setting.ipv6;

export const IP6_ROWS: readonly KeyRow[] = [
  { key: 'IPV6_DEFROUTE', setting: S, property: 'never-default', codec: { kind: 'bool', invert: true }, default: false, alwaysWrite: true },
  { key: 'IPV6_PEERDNS', setting: S, property: 'ignore-auto-dns', codec: { kind: 'bool', invert: true }, default: false },
  { key: 'IPV6_PEERROUTES', setting: S, property: 'ignore-auto-routes', codec: { kind: 'bool', invert: true }, default: false },
  { key: 'IPV6_FAILURE_FATAL', setting: S, property: 'may-fail', codec: { kind: 'bool', invert: true }, default: true, alwaysWrite: true },
  { key: 'IPV6_ROUTE_METRIC', setting: S, property: 'route-metric', codec: { kind: 'int', min: -1, max: UINT32_MAX }, default: -1 },
  { key: 'IPV6_TOKEN', setting: S, property: 'token', codec: { kind: 'string' } },
];

/** IPV6_ADDR_GEN_MODE words and ipv6.addr-gen-mode values (NMSettingIP6ConfigAddrGenMode). */
const ADDR_GEN_MODES: Record<string, number> = { eui64: 0, 'stable-privacy': 1, 'default-or-eui64': 2, default: 3 };
/** The property's default in NetworkManager's model... */
const ADDR_GEN_MODE_DEFAULT = 3;
/** ...and what a file without IPV6_ADDR_GEN_MODE means. */
const ADDR_GEN_MODE_ABSENT = 2;

export const IP6_KEYS: readonly KeyMatcher[] = [
  'IPV6INIT', 'IPV6_DISABLED', 'IPV6_AUTOCONF', 'IPV6FORWARDING', 'DHCPV6C',
  'IPV6ADDR', 'IPV6ADDR_SECONDARIES', 'IPV6_DEFAULTGW', 'IPV6_DOMAIN', 'IPV6_ADDR_GEN_MODE',
  ...rowKeys(IP6_ROWS),
];

export function readIPv6(vars: Vars, dns6: string[], routeFile: RouteFileInput | undefined): SettingValues {
  const settings: Record<string, SettingValues> = {};
  readRows(vars, IP6_ROWS, settings);
  const values: SettingValues = settings[S] ?? {};
  const method = readMethod(vars);
  values.method = method;
  const mode = readAddrGenMode(vars);
  if (mode !== ADDR_GEN_MODE_DEFAULT) values['addr-gen-mode'] = mode;

  // NetworkManager ignores addresses, DNS and domains when IPv6 is off.
  if (method !== 'ignore' && method !== 'disabled') {
    const addresses = readAddresses(vars);
    if (addresses.length) {
      values['address-data'] = addresses;
      const gateway = vars.parsed('IPV6_DEFAULTGW', (v) => parseIPv6(v.replace(/%.*$/, '')), 'is not an IPv6 address');
      if (gateway !== undefined) values.gateway = gateway;
    }
    if (dns6.length) values.dns = dns6;
    const search = readSearchDomains(vars, 'IPV6_DOMAIN');
    if (search) values['dns-search'] = search;
  }
  const routes = readRouteFile(routeFile, 6, vars.warnings);
  if (routes.length) values['route-data'] = routes;
  return values;
}

function readMethod(vars: Vars): string {
  if (vars.bool('IPV6_DISABLED')) return 'disabled';
  if (!vars.bool('IPV6INIT')) return 'ignore';
  const autoconf = vars.str('IPV6_AUTOCONF');
  if (autoconf === 'shared') return 'shared';
  // Without IPV6_AUTOCONF, autoconfiguration is on unless the host forwards.
  if (vars.bool('IPV6_AUTOCONF') ?? !(vars.bool('IPV6FORWARDING') ?? false)) return 'auto';
  if (vars.bool('DHCPV6C')) return 'dhcp';
  return vars.has('IPV6ADDR') || vars.has('IPV6ADDR_SECONDARIES') ? 'manual' : 'link-local';
}

function readAddrGenMode(vars: Vars): number {
  const mode = vars.parsed('IPV6_ADDR_GEN_MODE', (v) => (Object.hasOwn(ADDR_GEN_MODES, v) ? ADDR_GEN_MODES[v] : undefined), `is not one of ${Object.keys(ADDR_GEN_MODES).join(', ')}`);
  if (mode !== undefined) return mode;
  // A token needs EUI-64 (NetworkManager picks it so the profile verifies).
  return vars.has('IPV6_TOKEN') ? ADDR_GEN_MODES.eui64! : ADDR_GEN_MODE_ABSENT;
}

/** IPV6ADDR, then IPV6ADDR_SECONDARIES, space-separated "ADDR[/PLEN]" (PLEN 64 when left out). */
function readAddresses(vars: Vars): IpAddress[] {
  const out: IpAddress[] = [];
  for (const key of ['IPV6ADDR', 'IPV6ADDR_SECONDARIES']) {
    for (const item of splitList(vars.str(key) ?? '', ' ')) {
      const a = parseIPWithPrefix(6, item);
      if (!a) throw vars.error(key, `'${item}' is not an IPv6 address with an optional /prefix`);
      const address = { address: a.address, prefix: a.prefix ?? 64 };
      if (!out.some((x) => x.address === address.address && x.prefix === address.prefix)) out.push(address);
    }
  }
  return out;
}

/* ------------------------------------------------------------------------ */

/** The method's variables, as NetworkManager's writer sets them. */
const METHOD_VARIABLES: Record<string, [string, string][]> = {
  ignore: [['IPV6INIT', 'no']],
  disabled: [['IPV6_DISABLED', 'yes'], ['IPV6INIT', 'no']],
  auto: [['IPV6INIT', 'yes'], ['IPV6_AUTOCONF', 'yes']],
  dhcp: [['IPV6INIT', 'yes'], ['IPV6_AUTOCONF', 'no'], ['DHCPV6C', 'yes']],
  manual: [['IPV6INIT', 'yes'], ['IPV6_AUTOCONF', 'no']],
  'link-local': [['IPV6INIT', 'yes'], ['IPV6_AUTOCONF', 'no']],
  shared: [['IPV6INIT', 'yes'], ['IPV6_AUTOCONF', 'shared']],
};

/** Writes the variables; returns the routes for route6-NAME. */
export function writeIPv6(values: SettingValues | undefined, out: FileWriter): IpRoute[] {
  if (values === undefined) return [];
  const method = typeof values.method === 'string' ? values.method : 'auto';
  const vars = METHOD_VARIABLES[method];
  if (!vars) throw new TypeError(`ipv6.method '${method}' cannot be written to an ifcfg file`);
  for (const [k, v] of vars) out.set(k, v);

  const addresses = ((values['address-data'] as IpAddress[] | undefined) ?? []).map((a) => `${a.address}/${a.prefix}`);
  out.set('IPV6ADDR', addresses[0]);
  out.set('IPV6ADDR_SECONDARIES', addresses.slice(1).join(' '));
  out.set('IPV6_DEFAULTGW', typeof values.gateway === 'string' ? values.gateway : undefined);
  const search = list(values['dns-search']);
  if (search.length) out.set('IPV6_DOMAIN', search.join(' '));
  writeRows(values, IP6_ROWS, out);

  const mode = typeof values['addr-gen-mode'] === 'number' ? values['addr-gen-mode'] : ADDR_GEN_MODE_DEFAULT;
  if (mode !== ADDR_GEN_MODE_ABSENT) {
    const word = Object.keys(ADDR_GEN_MODES).find((w) => ADDR_GEN_MODES[w] === mode);
    if (word === undefined) throw new TypeError(`ipv6.addr-gen-mode ${mode} has no IPV6_ADDR_GEN_MODE word`);
    out.set('IPV6_ADDR_GEN_MODE', word);
  }
  return (values['route-data'] as IpRoute[] | undefined) ?? [];
}
