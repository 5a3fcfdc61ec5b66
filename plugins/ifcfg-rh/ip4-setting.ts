/**
 * "ipv4": BOOTPROTO, IPADDR/PREFIX/NETMASK/GATEWAY (plain and numbered),
 * DNSn (the IPv4 ones), DOMAIN, DEFROUTE, PEERDNS... and route-NAME.
 */
import type { IpAddress, IpRoute, SettingValues } from '../../sdk/index.js';
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { list, readSearchDomains } from './ip-common.js';
import { readRows, rowKeys, writeRows, type KeyRow } from './key-table.js';
import { Setting } from './nm-names.js';
import { readRouteFile, type RouteFileInput } from './route-files.js';
import { classfulPrefix, INT32_MAX, netmaskToPrefix, prefixToNetmask, UINT32_MAX } from './scalars.js';
import type { Vars } from './vars.js';

const S = Setting.ipv4;

/** Read whatever the method (NetworkManager sets them before it looks at the method). */
export const IP4_ROWS: readonly KeyRow[] = [
  { key: 'DEFROUTE', setting: S, property: 'never-default', codec: { kind: 'bool', invert: true }, default: false, alwaysWrite: true },
  { key: 'PEERDNS', setting: S, property: 'ignore-auto-dns', codec: { kind: 'bool', invert: true }, default: false },
  { key: 'PEERROUTES', setting: S, property: 'ignore-auto-routes', codec: { kind: 'bool', invert: true }, default: false },
  { key: 'IPV4_FAILURE_FATAL', setting: S, property: 'may-fail', codec: { kind: 'bool', invert: true }, default: true, alwaysWrite: true },
  { key: 'IPV4_ROUTE_METRIC', setting: S, property: 'route-metric', codec: { kind: 'int', min: -1, max: UINT32_MAX }, default: -1 },
];

/** Read unless IPv4 is disabled. */
export const IP4_DHCP_ROWS: readonly KeyRow[] = [
  { key: 'DHCP_HOSTNAME', setting: S, property: 'dhcp-hostname', codec: { kind: 'string' } },
  { key: 'DHCP_SEND_HOSTNAME', setting: S, property: 'dhcp-send-hostname', codec: { kind: 'bool' }, default: true },
  { key: 'DHCP_CLIENT_ID', setting: S, property: 'dhcp-client-id', codec: { kind: 'string' } },
  { key: 'IPV4_DHCP_TIMEOUT', setting: S, property: 'dhcp-timeout', codec: { kind: 'int', min: 0, max: INT32_MAX }, default: 0 },
];

/** BOOTPROTO (any case) → ipv4.method; "none" and "static" mean manual when an address is given. */
const BOOTPROTO_METHODS: Record<string, string> = {
  none: 'manual',
  static: 'manual',
  dhcp: 'auto',
  bootp: 'auto',
  autoip: 'link-local',
  shared: 'shared',
};
/** ipv4.method → BOOTPROTO, as NetworkManager writes it (nothing for disabled). */
const METHOD_BOOTPROTO: Record<string, string> = { auto: 'dhcp', manual: 'none', 'link-local': 'autoip', shared: 'shared' };

export const IP4_KEYS: readonly KeyMatcher[] = [
  'BOOTPROTO',
  'DOMAIN',
  /^(IPADDR|PREFIX|NETMASK|GATEWAY)[0-9]*$/,
  ...rowKeys(IP4_ROWS),
  ...rowKeys(IP4_DHCP_ROWS),
];

export function readIPv4(vars: Vars, dns4: string[], routeFile: RouteFileInput | undefined): SettingValues {
  const settings: Record<string, SettingValues> = {};
  readRows(vars, IP4_ROWS, settings);
  const values: SettingValues = settings[S] ?? {};
  values.method = readMethod(vars);
  if (values.method === 'disabled') return values;
  readRows(vars, IP4_DHCP_ROWS, settings);
  Object.assign(values, settings[S]);

  const { addresses, gateway } = readAddresses(vars);
  if (addresses.length) values['address-data'] = addresses;
  if (gateway !== undefined) values.gateway = gateway;
  // NetworkManager reads no DNS for "shared" (verification would refuse it).
  if (values.method !== 'shared') {
    if (dns4.length) values.dns = dns4;
    const search = readSearchDomains(vars, 'DOMAIN');
    if (search) values['dns-search'] = search;
  }
  const routes = readRouteFile(routeFile, 4, vars.warnings);
  if (routes.length) values['route-data'] = routes;
  return values;
}

function readMethod(vars: Vars): string {
  const word = vars.str('BOOTPROTO');
  const method = word === undefined ? 'manual' : BOOTPROTO_METHODS[word.toLowerCase()];
  if (method === undefined) throw vars.error('BOOTPROTO', `'${word}' is not a known BOOTPROTO`);
  if (method === 'manual' && !anyAddressVariable(vars)) return 'disabled';
  return method;
}

const tag = (name: string, i: number): string => (i < 0 ? name : `${name}${i}`);

/** Whether IPADDR, PREFIX or NETMASK is set, plain or numbered 0 to 2 (NetworkManager's test). */
function anyAddressVariable(vars: Vars): boolean {
  for (let i = -1; i <= 2; i++) {
    if (['IPADDR', 'PREFIX', 'NETMASK'].some((n) => vars.has(tag(n, i)))) return true;
  }
  return false;
}

/**
 * IPADDR, IPADDR0 and IPADDR1 are optional; from IPADDR2 on, the first one
 * missing ends the list. GATEWAYn counts only beside its IPADDRn; the first wins.
 */
function readAddresses(vars: Vars): { addresses: IpAddress[]; gateway: string | undefined } {
  const addresses: IpAddress[] = [];
  let gateway: string | undefined;
  for (let i = -1; ; i++) {
    const address = vars.ipv4(tag('IPADDR', i));
    if (address === undefined) {
      if (i > 1) break;
      continue;
    }
    gateway ??= vars.ipv4(tag('GATEWAY', i));
    const prefix = readPrefix(vars, i, address);
    if (!addresses.some((a) => a.address === address && a.prefix === prefix)) addresses.push({ address, prefix });
  }
  return { addresses, gateway };
}

function readPrefix(vars: Vars, i: number, address: string): number {
  const prefix = vars.int(tag('PREFIX', i), 0, 32);
  if (prefix !== undefined) return prefix;
  const netmask = vars.ipv4(tag('NETMASK', i));
  if (netmask !== undefined) return netmaskToPrefix(netmask);
  return classfulPrefix(address);
}

/* ------------------------------------------------------------------------ */

/** Writes the variables (nothing at all when disabled, as NetworkManager does); returns the routes for route-NAME. */
export function writeIPv4(values: SettingValues | undefined, out: FileWriter): IpRoute[] {
  const method = typeof values?.method === 'string' ? values.method : 'auto';
  if (values === undefined || method === 'disabled') return [];
  const addresses = (values['address-data'] as IpAddress[] | undefined) ?? [];
  let bootproto = METHOD_BOOTPROTO[method];
  if (bootproto === undefined) throw new TypeError(`ipv4.method '${method}' cannot be written to an ifcfg file`);
  // Keep the archaic "static" where the file has it and there are addresses.
  if (method === 'manual' && addresses.length && out.get('BOOTPROTO')?.toLowerCase() === 'static') bootproto = out.get('BOOTPROTO')!;
  out.set('BOOTPROTO', bootproto);

  const keepNetmask = out.file.keys().some((k) => /^NETMASK[0-9]*$/.test(k));
  addresses.forEach((a, n) => {
    const i = n === 0 ? -1 : n; // the first address is unnumbered: ifup reads only plain GATEWAY
    out.set(tag('IPADDR', i), a.address);
    out.set(tag('PREFIX', i), String(a.prefix));
    if (keepNetmask) out.set(tag('NETMASK', i), prefixToNetmask(a.prefix));
  });
  out.set('GATEWAY', typeof values.gateway === 'string' ? values.gateway : undefined);
  const search = list(values['dns-search']);
  if (search.length) out.set('DOMAIN', search.join(' '));
  writeRows(values, IP4_ROWS, out);
  writeRows(values, IP4_DHCP_ROWS, out);
  return (values['route-data'] as IpRoute[] | undefined) ?? [];
}
