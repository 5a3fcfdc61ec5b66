/**
 * netifrc's list values (config_, routes_) and what each entry means.
 *
 * Facts from netifrc (init.d/net.lo.in, net/iproute2.sh):
 * - _get_array: a bash array gives its elements; a string gives its lines,
 *   trimmed, blank lines dropped, runs of blanks squeezed;
 * - config_: a single line whose second word is an address
 *   ("192.0.2.1/24 192.0.2.2/24") is several entries; otherwise each line
 *   is one entry whose first word is "null", "noop", an address (a digit
 *   first, or a ':'), or a module such as dhcp; an address may be followed
 *   by netmask and broadcast; without a prefix it is /32 or /128;
 *   with no config_ at all netifrc uses dhcp;
 * - routes_: one route per entry, "[-4|-6] DEST [netmask M] [via|gw] GW
 *   [metric N]", DEST being default or an address with prefix; "DEST GW"
 *   means via GW.
 */
import { BadValue, type IpFamily, ipFamily, type IpRoute, parseCidrValue, parseIpValue, parseNetmaskValue, parseUintValue } from '../../../sdk/index.js';
import { itemsOf, type Variable } from '../bash/evaluate.js';

export interface Item {
  text: string;
  line: number;
}

/** What netifrc's _get_array yields: one entry per line. */
export function arrayItems(v: Variable): Item[] {
  const out: Item[] = [];
  if (v.value.kind === 'array') {
    for (const el of itemsOf(v)) for (const l of el.text.split('\n')) if (l.trim() !== '') out.push({ text: l, line: el.line });
    return out;
  }
  v.value.text.split('\n').forEach((l, i) => {
    const t = l.trim().replace(/[ \t]+/g, ' ');
    if (t !== '') out.push({ text: t, line: v.line + i });
  });
  return out;
}

/** Words of a variable as netifrc splits it with `for x in ${var}`. */
export function wordsOf(text: string): string[] {
  return text.split(/[ \t\n]+/).filter((w) => w !== '');
}

export type ConfigEntry =
  | { kind: 'dhcp' | 'apipa' | 'null' | 'noop'; line: number }
  | { kind: 'address'; family: IpFamily; address: string; prefix: number; line: number };

/** Modules that provide "dhcp" in netifrc. */
const DHCP_MODULES = new Set(['dhcp', 'dhcpcd', 'dhclient', 'udhcpc', 'pump']);

export function configEntries(items: Item[]): Item[] {
  if (items.length !== 1) return items;
  const words = wordsOf(items[0]!.text);
  // "We should support a space separated array for cidr configs" (net.lo.in).
  if (words.length > 1 && (words[1]!.includes('.') || words[1]!.includes(':'))) return words.map((text) => ({ text, line: items[0]!.line }));
  return items;
}

export function parseConfigEntry(item: Item): ConfigEntry {
  const [first, ...rest] = wordsOf(item.text);
  if (first === 'null' || first === 'noop') return { kind: first, line: item.line };
  if (first === 'apipa') return { kind: 'apipa', line: item.line };
  if (DHCP_MODULES.has(first!)) return { kind: 'dhcp', line: item.line };
  if (!/^[0-9]/.test(first!) && !first!.includes(':')) throw new BadValue(`'${first}' is not something nmk can configure (expected an address, dhcp, null or noop)`);
  const slash = first!.indexOf('/');
  const family = ipFamily(slash < 0 ? first! : first!.slice(0, slash));
  if (!family) throw new BadValue(`invalid address '${first}'`);
  const cidr = parseCidrValue(first!, family);
  let prefix = cidr.prefix;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    const value = rest[i + 1];
    if (value === undefined) throw new BadValue(`'${word}' needs a value`);
    if (word === 'netmask') {
      if (prefix !== undefined) throw new BadValue(`too many netmasks: ${item.text}`);
      prefix = parseNetmaskValue(value, family);
    } else if (word === 'broadcast' || word === 'brd') {
      if (family === 6) throw new BadValue('broadcast is not valid with an IPv6 address');
      if (value !== '+' && value !== '-') parseIpValue(value, 4); // the kernel derives it; NetworkManager has no property for it
    } else throw new BadValue(`address option '${word}' is not supported`);
    i++;
  }
  return { kind: 'address', family, address: cidr.address, prefix: prefix ?? (family === 4 ? 32 : 128), line: item.line };
}

export interface RouteEntry {
  family: IpFamily;
  route: IpRoute;
  /** A default route ("default" or a zero prefix). */
  isDefault: boolean;
}

const ROUTE_TYPES = new Set(['blackhole', 'prohibit', 'throw', 'unreachable']);

export function parseRoute(item: Item): RouteEntry {
  let words = wordsOf(item.text);
  let forced: IpFamily | undefined;
  if (words[0] === '-4' || words[0] === '-6') {
    forced = words[0] === '-4' ? 4 : 6;
    words = words.slice(1);
  }
  if (ROUTE_TYPES.has(words[0]!)) throw new BadValue(`${words[0]} routes are not supported`);
  words = words.filter((w) => w !== '-net' && w !== '-host');
  const [dest, ...rest] = words;
  if (!dest) throw new BadValue('empty route');
  let gateway: string | undefined;
  let metric: number | undefined;
  let netmask: string | undefined;
  if (rest.length === 1) gateway = rest[0];
  else {
    for (let i = 0; i < rest.length; i += 2) {
      const [word, value] = [rest[i]!, rest[i + 1]];
      if (value === undefined) throw new BadValue(`'${word}' needs a value`);
      if (word === 'via' || word === 'gw') gateway = value;
      else if (word === 'metric') metric = parseUintValue(value, 0, 2 ** 32 - 1, 'metric');
      else if (word === 'netmask') netmask = value;
      else throw new BadValue(`route option '${word}' is not supported`);
    }
  }
  const gwFamily = gateway !== undefined ? ipFamily(gateway) : undefined;
  if (gateway !== undefined && !gwFamily) throw new BadValue(`invalid gateway '${gateway}'`);
  let family: IpFamily;
  let address: string;
  let prefix: number;
  if (dest === 'default') {
    family = forced ?? gwFamily ?? 4;
    address = family === 4 ? '0.0.0.0' : '::';
    prefix = 0;
  } else {
    const slash = dest.indexOf('/');
    const f = ipFamily(slash < 0 ? dest : dest.slice(0, slash));
    if (!f) throw new BadValue(`invalid route destination '${dest}'`);
    family = f;
    const cidr = parseCidrValue(dest, f);
    address = cidr.address;
    prefix = netmask !== undefined ? parseNetmaskValue(netmask, f) : (cidr.prefix ?? (f === 4 ? 32 : 128));
  }
  if (forced && forced !== family) throw new BadValue(`-${forced} contradicts ${dest}`);
  if (gwFamily && gwFamily !== family) throw new BadValue(`gateway ${gateway} is not of the same family as ${dest}`);
  const route: IpRoute = { dest: address, prefix };
  if (gateway !== undefined) route.nextHop = parseIpValue(gateway, family);
  if (metric !== undefined) route.metric = metric;
  return { family, route, isDefault: prefix === 0 };
}
