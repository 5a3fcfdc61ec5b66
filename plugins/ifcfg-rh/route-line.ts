/**
 * One route in `ip route` syntax, as initscripts pass the lines of
 * route-NAME / route6-NAME to `ip route add` and as NetworkManager's
 * parse_route_line reads them ("10.0.0.0/8 via 1.2.3.4 metric 10 table 5").
 * The same words, without to/via/metric/dev, form OPTIONSn in ADDRESSn files.
 */
import type { IpRoute } from '../../sdk/index.js';
import { parseInteger, parseIP, parseIPWithPrefix, UINT32_MAX } from './scalars.js';

type WordType = 'u32' | 'u32lock' | 'u8hex' | 'scope' | 'addr' | 'addrPrefix' | 'flag' | 'bool01' | 'ifname';

interface RouteWord {
  word: string;
  /** NetworkManager's route attribute; absent for the words that make the route itself. */
  attr?: string;
  type: WordType;
  /** Only this family knows the word. */
  onlyFamily?: 4 | 6;
  /** Accepted but not kept for these families (NetworkManager ignores them). */
  ignoredFor?: readonly (4 | 6)[];
  /** Not allowed in OPTIONSn (the ADDRESSn variables give it). */
  notInOptions?: boolean;
}

export const ROUTE_WORDS: readonly RouteWord[] = [
  { word: 'table', attr: 'table', type: 'u32' },
  { word: 'src', attr: 'src', type: 'addr' },
  { word: 'from', attr: 'from', type: 'addrPrefix', onlyFamily: 6 },
  { word: 'tos', attr: 'tos', type: 'u8hex', ignoredFor: [6] },
  { word: 'weight', attr: 'weight', type: 'u32', onlyFamily: 4 },
  { word: 'scope', attr: 'scope', type: 'scope', ignoredFor: [6] },
  { word: 'onlink', attr: 'onlink', type: 'flag' },
  { word: 'window', attr: 'window', type: 'u32lock' },
  { word: 'cwnd', attr: 'cwnd', type: 'u32lock' },
  { word: 'advmss', attr: 'advmss', type: 'u32lock' },
  { word: 'initcwnd', attr: 'initcwnd', type: 'u32lock' },
  { word: 'initrwnd', attr: 'initrwnd', type: 'u32lock' },
  { word: 'mtu', attr: 'mtu', type: 'u32lock' },
  { word: 'quickack', attr: 'quickack', type: 'bool01' },
  { word: 'rto_min', attr: 'rto_min', type: 'u32' },
  { word: 'to', type: 'addrPrefix', notInOptions: true },
  { word: 'via', type: 'addr', notInOptions: true },
  { word: 'metric', type: 'u32', notInOptions: true },
  { word: 'dev', type: 'ifname', ignoredFor: [4, 6], notInOptions: true },
];

/** Route types NetworkManager accepts for the "type" attribute. */
export const ROUTE_TYPES = ['unicast', 'local', 'blackhole', 'unreachable', 'prohibit', 'throw'];

const SCOPES: Record<string, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

type WordValue = string | number | boolean | { value: number; lock: boolean } | { address: string; prefix: number | undefined };

export type RouteLineResult = { ok: true; route: IpRoute } | { ok: false; reason: string };

/**
 * Reads a whole line (`base` undefined) or OPTIONSn words added to `base`.
 * Zero next hops ("via 0.0.0.0", and "via (null)" that old NetworkManager
 * wrote) mean no next hop.
 */
export function parseRouteLine(line: string, family: 4 | 6, base?: IpRoute): RouteLineResult {
  const words = line.split(/[ \t\n]+/).filter((w) => w !== '');
  const seen = new Map<RouteWord | 'type', WordValue>();
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    const spec = ROUTE_WORDS.find((s) => s.word === w && (!s.onlyFamily || s.onlyFamily === family) && !(base && s.notInOptions));
    if (spec) {
      if (seen.has(spec)) return { ok: false, reason: `"${w}" is given twice` };
      if (spec.type === 'flag') {
        seen.set(spec, true);
        i++;
        continue;
      }
      const r = readArgument(spec, words, i + 1, family);
      if (typeof r === 'string') return { ok: false, reason: r };
      seen.set(spec, r.value);
      i = r.next;
    } else if (!seen.has('type') && ROUTE_TYPES.includes(w)) {
      seen.set('type', w);
      i++;
    } else {
      const to = ROUTE_WORDS.find((s) => s.word === 'to')!;
      if (seen.has(to) || base) return { ok: false, reason: `unknown word "${w}"` };
      const dest = parseIPWithPrefix(family, w === 'default' ? (family === 4 ? '0.0.0.0/0' : '::/0') : w);
      if (!dest) return { ok: false, reason: `"${w}" is not an IPv${family} destination` };
      seen.set(to, dest);
      i++;
    }
  }
  return buildRoute(seen, family, base);
}

function readArgument(spec: RouteWord, words: string[], at: number, family: 4 | 6): string | { value: WordValue; next: number } {
  let arg = words[at];
  if (arg === undefined) return `"${spec.word}" needs a value`;
  const bad = `"${arg}" is not a valid value for "${spec.word}"`;
  switch (spec.type) {
    case 'u32': {
      const n = parseInteger(arg, 0, UINT32_MAX);
      return n === undefined ? bad : { value: n, next: at + 1 };
    }
    case 'u32lock': {
      const lock = arg === 'lock';
      if (lock) {
        arg = words[at + 1];
        if (arg === undefined) return `"${spec.word} lock" needs a value`;
      }
      const n = parseInteger(arg, 0, UINT32_MAX);
      return n === undefined ? bad : { value: { value: n, lock }, next: at + (lock ? 2 : 1) };
    }
    case 'u8hex': {
      const n = /^(0[xX])?[0-9a-fA-F]{1,2}$/.test(arg) ? parseInt(arg, 16) : undefined;
      return n === undefined ? bad : { value: n, next: at + 1 };
    }
    case 'scope': {
      const n = SCOPES[arg] ?? parseInteger(arg, 0, 255, 0);
      return n === undefined ? bad : { value: n, next: at + 1 };
    }
    case 'bool01': {
      const n = parseInteger(arg, 0, 1);
      return n === undefined ? bad : { value: n === 1, next: at + 1 };
    }
    case 'addr': {
      const a = spec.word === 'via' && arg === '(null)' ? zeroAddress(family) : parseIP(family, arg);
      return a === undefined ? bad : { value: a, next: at + 1 };
    }
    case 'addrPrefix': {
      const a = spec.word === 'to' && arg === 'default' ? { address: zeroAddress(family), prefix: 0 } : parseIPWithPrefix(family, arg);
      return a === undefined ? bad : { value: a, next: at + 1 };
    }
    case 'ifname':
      return { value: arg, next: at + 1 };
    case 'flag':
      return { value: true, next: at };
  }
}

function zeroAddress(family: 4 | 6): string {
  return family === 4 ? '0.0.0.0' : '::';
}

function buildRoute(seen: Map<RouteWord | 'type', WordValue>, family: 4 | 6, base: IpRoute | undefined): RouteLineResult {
  const byWord = (word: string): WordValue | undefined => {
    for (const [k, v] of seen) if (k !== 'type' && k.word === word) return v;
    return undefined;
  };
  let route: IpRoute;
  if (base) {
    route = { ...base, ...(base.attributes ? { attributes: { ...base.attributes } } : {}) };
  } else {
    const to = byWord('to') as { address: string; prefix: number | undefined } | undefined;
    if (!to) return { ok: false, reason: 'no destination' };
    route = { dest: to.address, prefix: to.prefix ?? (family === 4 ? 32 : 128) };
    const via = byWord('via') as string | undefined;
    if (via !== undefined && via !== zeroAddress(family)) route.nextHop = via;
    const metric = byWord('metric') as number | undefined;
    if (metric !== undefined) route.metric = metric;
  }
  const attributes: Record<string, string | number | boolean> = {};
  const type = seen.get('type');
  if (typeof type === 'string') attributes.type = type;
  for (const [spec, value] of seen) {
    if (spec === 'type' || !spec.attr || spec.ignoredFor?.includes(family)) continue;
    if (typeof value === 'object' && 'lock' in value) {
      if (value.lock) attributes[`lock-${spec.attr}`] = true;
      attributes[spec.attr] = value.value;
    } else if (typeof value === 'object') {
      attributes[spec.attr] = value.prefix === undefined ? value.address : `${value.address}/${value.prefix}`;
    } else {
      attributes[spec.attr] = value;
    }
  }
  if (Object.keys(attributes).length > 0) route.attributes = { ...route.attributes, ...attributes };
  return { ok: true, route };
}

/* ------------------------------------------------------------------------ */

/**
 * The attributes as `ip route` words, as NetworkManager's writer orders
 * them: the type first, then by attribute name. Attributes that have no
 * words (unknown ones) are left out; undefined when there is nothing.
 */
export function formatRouteOptions(attributes: IpRoute['attributes'], family: 4 | 6): string | undefined {
  if (!attributes) return undefined;
  const words: string[] = [];
  if (typeof attributes.type === 'string' && ROUTE_TYPES.includes(attributes.type)) words.push(attributes.type);
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name];
    if (name === 'type' || value === undefined) continue;
    if (name.startsWith('lock-')) {
      const attr = name.slice('lock-'.length);
      if (value === true && attributes[attr] === undefined && lockable(attr)) words.push(`${attr} lock 0`);
      continue;
    }
    const spec = ROUTE_WORDS.find((s) => s.attr === name && (!s.onlyFamily || s.onlyFamily === family));
    if (!spec || spec.ignoredFor?.includes(family)) continue;
    const text = formatWord(spec, value, attributes[`lock-${name}`] === true);
    if (text) words.push(text);
  }
  return words.length ? words.join(' ') : undefined;
}

function lockable(attr: string): boolean {
  return ROUTE_WORDS.some((s) => s.attr === attr && s.type === 'u32lock');
}

function formatWord(spec: RouteWord, value: string | number | boolean, locked: boolean): string | undefined {
  switch (spec.type) {
    case 'u32lock':
      return `${spec.word} ${locked ? 'lock ' : ''}${Number(value)}`;
    case 'u8hex':
      return `${spec.word} 0x${Number(value).toString(16).padStart(2, '0')}`;
    case 'flag':
      return value === true ? spec.word : undefined;
    case 'bool01':
      return `${spec.word} ${value === true ? 1 : 0}`;
    default:
      return `${spec.word} ${String(value)}`;
  }
}

/** A whole route-NAME / route6-NAME line. */
export function formatRouteLine(route: IpRoute, family: 4 | 6): string {
  let line = `${route.dest}/${route.prefix}`;
  if (route.nextHop) line += ` via ${route.nextHop}`;
  if (route.metric !== undefined && route.metric >= 0) line += ` metric ${route.metric}`;
  const options = formatRouteOptions(route.attributes, family);
  return options ? `${line} ${options}` : line;
}
