/**
 * IP addresses and routes as keyfile keys, NetworkManager's format
 * (read_one_ip_address_or_route, write_ip_values in nm-keyfile.c):
 *
 *   address1=ADDR/PREFIX[,GATEWAY]        the gateway only on the first address
 *   route1=DEST/PREFIX[,NEXTHOP[,METRIC]]  NEXTHOP 0.0.0.0 / :: when only a metric is set
 *   route1_options=table=200,onlink=true   route attributes, sorted by name
 *
 * Keys are "address", "address0", "address1"... and the old "addresses..."
 * (likewise "route"/"routes"), read in order of their number. '/', ',' and
 * ';' are interchangeable separators. A missing prefix takes NetworkManager's
 * default with a warning; an invalid address, prefix, gateway or metric is an
 * error (NetworkManager only warns and drops the entry).
 */
import type { IpAddress, IpRoute } from '../../sdk/index.js';
import { canonicalAddress, type Family } from './ip-text.js';
import type { ReadContext } from './read-context.js';
import { readString } from './scalars.js';
import { formatRouteAttributes, parseRouteAttributes } from './route-attributes.js';

const ADDRESS_CHARS = /^[0-9a-fA-F:.%]*$/;
const DIGITS = /^[0-9]*$/;
const SEPARATORS = /[/;,]/;

interface IndexedKey {
  key: string;
  index: number;
  /** 0 for the short base ("address"), 1 for the long one ("addresses"). */
  kind: number;
}

/** Matches "base", "base0" or "base<N>" (N a positive int32 without leading zeros); the index, or undefined. */
function keyIndex(key: string, base: string): number | undefined {
  if (!key.startsWith(base)) return undefined;
  const rest = key.slice(base.length);
  if (rest === '') return -1;
  if (rest === '0') return 0;
  if (!/^[1-9][0-9]*$/.test(rest)) return undefined;
  const n = Number(rest);
  return n <= 0x7fffffff ? n : undefined;
}

const ADDRESS_BASES = ['address', 'addresses'] as const;
const ROUTE_BASES = ['route', 'routes'] as const;

/** The numbered keys of a list in the order NetworkManager reads them. */
function indexedKeys(keys: readonly string[], bases: readonly [string, string]): IndexedKey[] {
  const found: IndexedKey[] = [];
  for (const key of keys) {
    // Both bases share their first letters: most keys of a group are ruled out here at once.
    if (!key.startsWith(bases[0])) continue;
    for (let kind = 0; kind < bases.length; kind++) {
      const index = keyIndex(key, bases[kind]!);
      if (index !== undefined) {
        found.push({ key, index, kind });
        break;
      }
    }
  }
  if (found.length < 2) return found;
  return found.sort((a, b) => a.index - b.index || a.kind - b.kind || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The fields of one value, split at the separators. */
interface Fields {
  address: string;
  prefix?: string;
  gateway?: string;
  metric?: string;
}

/**
 * Splits "ADDR/PLEN,GW,METRIC" the way NetworkManager's read_field does:
 * the prefix field may be skipped ("ADDR/GW", deprecated), one trailing
 * separator is tolerated, anything more is an error.
 */
function splitFields(value: string, route: boolean): Fields | string {
  const parts = value.split(SEPARATORS);
  // A single trailing separator leaves one empty part behind: NetworkManager accepts it ("deprecated semicolon").
  if (parts.length > 1 && parts[parts.length - 1] === '' && SEPARATORS.test(value[value.length - 1] ?? '')) parts.pop();
  const address = parts.shift() ?? '';
  if (address === '' || !ADDRESS_CHARS.test(address)) return `invalid address '${address}'`;
  const fields: Fields = { address };
  if (parts.length > 0 && DIGITS.test(parts[0]!) && parts[0] !== '') fields.prefix = parts.shift();
  else if (parts.length > 0 && parts[0] === '') return 'empty prefix length';
  if (parts.length > 0) {
    const gateway = parts.shift()!;
    if (!ADDRESS_CHARS.test(gateway)) return `invalid ${route ? 'next hop' : 'gateway'} '${gateway}'`;
    if (gateway !== '') fields.gateway = gateway;
  }
  if (route && parts.length > 0) {
    const metric = parts.shift()!;
    if (!DIGITS.test(metric) || metric === '') return `invalid metric '${metric}'`;
    fields.metric = metric;
  }
  if (parts.length > 0) return `unexpected text after the ${route ? 'metric' : 'gateway'}: '${parts.join(',')}'`;
  return fields;
}

/** NetworkManager's prefix when none is written (DEFAULT_PREFIX in nm-keyfile.c). */
function defaultPrefix(route: boolean, family: Family): number {
  if (family === 4) return 24;
  return route ? 128 : 64;
}

function parsePrefix(ctx: ReadContext, group: string, key: string, fields: Fields, family: Family, route: boolean): number {
  if (fields.prefix === undefined) {
    const prefix = defaultPrefix(route, family);
    ctx.warn(group, key, `missing prefix length, defaulting to ${prefix}`);
    return prefix;
  }
  const prefix = Number(fields.prefix);
  const max = family === 4 ? 32 : 128;
  if (!Number.isInteger(prefix) || prefix > max) throw ctx.error(group, key, `invalid prefix length '${fields.prefix}' (0-${max})`);
  return prefix;
}

function parseAddress(ctx: ReadContext, group: string, key: string, text: string, family: Family, what: string): string {
  const canonical = canonicalAddress(text, family);
  if (canonical === undefined) throw ctx.error(group, key, `invalid IPv${family} ${what} '${text}'`);
  return canonical;
}

/** address*, addresses* → addresses, plus the first gateway written after one of them. */
export function readAddresses(ctx: ReadContext, group: string, family: Family): { addresses: IpAddress[]; gateway?: string } {
  const addresses: IpAddress[] = [];
  let gateway: string | undefined;
  for (const { key } of indexedKeys(ctx.keys(group), ADDRESS_BASES)) {
    const value = readString(ctx, group, key);
    const fields = splitFields(value, false);
    if (typeof fields === 'string') throw ctx.error(group, key, fields);
    const address = parseAddress(ctx, group, key, fields.address, family, 'address');
    const prefix = parsePrefix(ctx, group, key, fields, family, false);
    if (fields.gateway !== undefined) {
      const gw = parseAddress(ctx, group, key, fields.gateway, family, 'gateway');
      gateway ??= gw;
    }
    addresses.push({ address, prefix });
  }
  return gateway === undefined ? { addresses } : { addresses, gateway };
}

/** route*, routes* (with their *_options) → routes. */
export function readRoutes(ctx: ReadContext, group: string, family: Family): IpRoute[] {
  const routes: IpRoute[] = [];
  for (const { key } of indexedKeys(ctx.keys(group), ROUTE_BASES)) {
    const value = readString(ctx, group, key);
    const fields = splitFields(value, true);
    if (typeof fields === 'string') throw ctx.error(group, key, fields);
    const dest = parseAddress(ctx, group, key, fields.address, family, 'route destination');
    const prefix = parsePrefix(ctx, group, key, fields, family, true);
    const route: IpRoute = { dest, prefix };
    if (fields.gateway !== undefined) {
      const nextHop = parseAddress(ctx, group, key, fields.gateway, family, 'next hop');
      // The writer puts 0.0.0.0 / :: in the next-hop field when only a metric follows.
      if (nextHop !== '0.0.0.0' && nextHop !== '::') route.nextHop = nextHop;
    }
    if (fields.metric !== undefined) {
      const metric = Number(fields.metric);
      if (!Number.isSafeInteger(metric) || metric > 0xffffffff) throw ctx.error(group, key, `invalid metric '${fields.metric}' (0-4294967295)`);
      route.metric = metric;
    }
    const optionsKey = `${key}_options`;
    if (ctx.doc.hasKey(group, optionsKey)) {
      const attributes = parseRouteAttributes(ctx, group, optionsKey, readString(ctx, group, optionsKey), family);
      if (Object.keys(attributes).length > 0) route.attributes = attributes;
    }
    routes.push(route);
  }
  return routes;
}

/** Keys the address and route lists own (address1, routes2, route3_options...), so the reader does not report them as unknown. */
export function isIpListKey(key: string): boolean {
  if (key.endsWith('_options')) {
    const base = key.slice(0, -'_options'.length);
    return keyIndex(base, 'route') !== undefined || keyIndex(base, 'routes') !== undefined;
  }
  return ['address', 'addresses', 'route', 'routes'].some((b) => keyIndex(key, b) !== undefined);
}

/** The lines of address1=..., with the gateway on the first one. */
export function formatAddresses(addresses: readonly IpAddress[], gateway: string | undefined): Array<[string, string]> {
  return addresses.map((a, i) => {
    const gw = i === 0 ? gateway : undefined;
    return [`address${i + 1}`, gw ? `${a.address}/${a.prefix},${gw}` : `${a.address}/${a.prefix}`];
  });
}

/** The lines of route1=... and route1_options=.... */
export function formatRoutes(routes: readonly IpRoute[], family: Family): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  routes.forEach((r, i) => {
    const key = `route${i + 1}`;
    const metric = r.metric !== undefined && r.metric >= 0 ? r.metric : undefined;
    let value = `${r.dest}/${r.prefix}`;
    if (r.nextHop !== undefined || metric !== undefined) {
      value += `,${r.nextHop ?? (family === 4 ? '0.0.0.0' : '::')}`;
      if (metric !== undefined) value += `,${metric}`;
    }
    lines.push([key, value]);
    const options = r.attributes ? formatRouteAttributes(r.attributes) : '';
    if (options !== '') lines.push([`${key}_options`, options]);
  });
  return lines;
}
