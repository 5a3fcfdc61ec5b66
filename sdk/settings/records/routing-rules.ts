/**
 * Policy routing rules (ipv4/ipv6 routing-rules): text in "ip rule" syntax
 * as keyfiles and nmcli write it ("priority 5 from 10.0.0.0/8 table 100"),
 * and NetworkManager's D-Bus record (family, priority, from, from-len, ...).
 * Covers the keywords NetworkManager 1.42 writes: priority, not, from, to,
 * tos, ipproto, fwmark, sport, dport, iif, oif, uidrange,
 * suppress_prefixlength, table and type.
 */
import { dbusValue, type DBusValue } from '../dbus/value.js';
import { formatIp, maxPrefix, parseIp, type IpFamily } from '../ip-address.js';
import { isValidInterfaceName } from '../ifname.js';
import { fail, ok, type Parsed } from './result.js';

/** FRA actions (linux/fib_rules.h) that NetworkManager allows. */
const ACTIONS: Readonly<Record<string, number>> = { blackhole: 6, unreachable: 7, prohibit: 8 };
const TO_TABLE = 1;
/** Table names iproute2 knows. */
const TABLES: Readonly<Record<string, number>> = { default: 253, main: 254, local: 255 };
const PROTOCOLS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132 };

export interface RoutingRule {
  family: IpFamily;
  priority?: number;
  invert: boolean;
  from?: { address: string; length: number };
  to?: { address: string; length: number };
  tos: number;
  ipproto: number;
  fwmark: number;
  fwmask: number;
  sport?: [number, number];
  dport?: [number, number];
  iifname?: string;
  oifname?: string;
  uidRange?: [number, number];
  suppressPrefixlength: number;
  table: number;
  action: number;
}

function emptyRule(family: IpFamily): RoutingRule {
  return { family, invert: false, tos: 0, ipproto: 0, fwmark: 0, fwmask: 0, suppressPrefixlength: -1, table: 0, action: TO_TABLE };
}

function uint(text: string | undefined, max: number): number | undefined {
  if (text === undefined || !/^(0x[0-9a-fA-F]+|\d+)$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

function range(text: string | undefined, max: number): [number, number] | undefined {
  if (text === undefined) return undefined;
  const [a, b] = text.split('-');
  const start = uint(a, max);
  const end = b === undefined ? start : uint(b, max);
  return start === undefined || end === undefined || start > end ? undefined : [start, end];
}

function prefixed(text: string | undefined, family: IpFamily): Parsed<{ address: string; length: number } | undefined> {
  if (text === undefined) return fail('missing address');
  if (text === 'all') return ok(undefined);
  const [addr, len] = text.split('/');
  const parsed = parseIp(addr ?? '', family);
  if (!parsed) return fail(`invalid address '${text}'`);
  const length = len === undefined ? maxPrefix(family) : uint(len, maxPrefix(family));
  if (length === undefined) return fail(`invalid prefix length in '${text}'`);
  return ok(length === 0 ? undefined : { address: formatIp(parsed.bytes), length });
}

/** Read a rule in text form for `family` (the setting's). */
export function parseRoutingRule(text: string, family: IpFamily): Parsed<RoutingRule> {
  const rule = emptyRule(family);
  const words = text.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const key = words[i]!;
    const arg = words[i + 1];
    const take = () => {
      i++;
      return arg;
    };
    switch (key) {
      case 'priority':
      case 'pref':
      case 'preference':
      case 'order': {
        const n = uint(take(), 0xffffffff);
        if (n === undefined) return fail(`invalid priority '${arg}'`);
        rule.priority = n;
        break;
      }
      case 'not':
        rule.invert = true;
        break;
      case 'from':
      case 'to': {
        const p = prefixed(take(), family);
        if (!p.ok) return p;
        if (key === 'from') rule.from = p.value;
        else rule.to = p.value;
        break;
      }
      case 'tos':
      case 'dsfield': {
        const n = uint(take(), 255);
        if (n === undefined) return fail(`invalid tos '${arg}'`);
        rule.tos = n;
        break;
      }
      case 'ipproto': {
        const n = arg !== undefined && arg in PROTOCOLS ? PROTOCOLS[arg] : uint(arg, 255);
        take();
        if (n === undefined) return fail(`invalid ipproto '${arg}'`);
        rule.ipproto = n;
        break;
      }
      case 'fwmark': {
        const [mark, mask] = (take() ?? '').split('/');
        const m = uint(mark, 0xffffffff);
        const k = mask === undefined ? 0xffffffff : uint(mask, 0xffffffff);
        if (m === undefined || k === undefined) return fail(`invalid fwmark '${arg}'`);
        rule.fwmark = m;
        rule.fwmask = k;
        break;
      }
      case 'sport':
      case 'dport': {
        const r = range(take(), 0xffff);
        if (!r) return fail(`invalid ${key} '${arg}'`);
        rule[key] = r;
        break;
      }
      case 'iif':
      case 'oif': {
        const name = take();
        if (name === undefined || !isValidInterfaceName(name)) return fail(`invalid ${key} '${name}'`);
        if (key === 'iif') rule.iifname = name;
        else rule.oifname = name;
        break;
      }
      case 'uidrange': {
        const r = range(take(), 0xffffffff);
        if (!r) return fail(`invalid uidrange '${arg}'`);
        rule.uidRange = r;
        break;
      }
      case 'suppress_prefixlength':
      case 'sup_pl': {
        const n = uint(take(), maxPrefix(family));
        if (n === undefined) return fail(`invalid suppress_prefixlength '${arg}'`);
        rule.suppressPrefixlength = n;
        break;
      }
      case 'table':
      case 'lookup': {
        const n = arg !== undefined && arg in TABLES ? TABLES[arg] : uint(arg, 0xffffffff);
        take();
        if (n === undefined) return fail(`invalid table '${arg}'`);
        rule.table = n;
        break;
      }
      case 'type': {
        const action = arg !== undefined ? ACTIONS[arg] : undefined;
        take();
        if (action === undefined) return fail(`invalid type '${arg}'`);
        rule.action = action;
        break;
      }
      default:
        return fail(`unknown keyword '${key}'`);
    }
  }
  return validateRoutingRule(rule);
}

/** NetworkManager's rule checks (nm_ip_routing_rule_validate), for the keys this model covers. */
export function validateRoutingRule(rule: RoutingRule): Parsed<RoutingRule> {
  if (rule.priority === undefined) return fail('missing priority');
  if (rule.action === TO_TABLE && rule.table === 0) return fail('missing table');
  if (rule.action !== TO_TABLE && !Object.values(ACTIONS).includes(rule.action)) return fail('invalid action type');
  if (rule.suppressPrefixlength !== -1 && rule.action !== TO_TABLE) {
    return fail('suppress_prefixlength is only allowed with the to-table action');
  }
  return ok(rule);
}

/** The text NetworkManager writes for a rule (nm_ip_routing_rule_to_string). */
export function formatRoutingRule(rule: RoutingRule): string {
  const out: string[] = [];
  const zero = rule.family === 4 ? '0.0.0.0' : '::';
  const addr = (p: { address: string; length: number }) => (p.length === maxPrefix(rule.family) ? p.address : `${p.address}/${p.length}`);
  if (rule.priority !== undefined) out.push(`priority ${rule.priority}`);
  if (rule.invert) out.push('not');
  // Without a "to", NetworkManager always writes a "from" so the family shows.
  if (rule.from) out.push(`from ${addr(rule.from)}`);
  else if (!rule.to) out.push(`from ${zero}/0`);
  if (rule.to) out.push(`to ${addr(rule.to)}`);
  if (rule.tos) out.push(`tos 0x${rule.tos.toString(16).padStart(2, '0')}`);
  if (rule.ipproto) out.push(`ipproto ${rule.ipproto}`);
  if (rule.fwmark || rule.fwmask) {
    let s = rule.fwmark ? `fwmark 0x${rule.fwmark.toString(16)}` : 'fwmark 0';
    if (rule.fwmask !== 0xffffffff) s += rule.fwmask ? `/0x${rule.fwmask.toString(16)}` : '/0';
    out.push(s);
  }
  for (const key of ['sport', 'dport'] as const) {
    const r = rule[key];
    if (r) out.push(`${key} ${r[0]}${r[0] !== r[1] ? `-${r[1]}` : ''}`);
  }
  if (rule.iifname) out.push(`iif ${rule.iifname}`);
  if (rule.oifname) out.push(`oif ${rule.oifname}`);
  if (rule.uidRange) out.push(`uidrange ${rule.uidRange[0]}-${rule.uidRange[1]}`);
  if (rule.suppressPrefixlength !== -1) out.push(`suppress_prefixlength ${rule.suppressPrefixlength}`);
  if (rule.table !== 0 || rule.action === TO_TABLE) out.push(`table ${rule.table}`);
  if (rule.action !== TO_TABLE) out.push(`type ${Object.keys(ACTIONS).find((k) => ACTIONS[k] === rule.action)}`);
  return out.join(' ');
}

export function routingRuleToDBus(rule: RoutingRule): Record<string, DBusValue> {
  const d: Record<string, DBusValue> = { family: dbusValue('i', rule.family === 4 ? 2 : 10) };
  if (rule.invert) d['invert'] = dbusValue('b', true);
  if (rule.priority !== undefined) d['priority'] = dbusValue('u', rule.priority);
  if (rule.tos) d['tos'] = dbusValue('y', rule.tos);
  if (rule.ipproto) d['ipproto'] = dbusValue('y', rule.ipproto);
  if (rule.fwmark) d['fwmark'] = dbusValue('u', rule.fwmark);
  if (rule.fwmask) d['fwmask'] = dbusValue('u', rule.fwmask);
  for (const key of ['sport', 'dport'] as const) {
    const r = rule[key];
    if (!r) continue;
    d[`${key}-start`] = dbusValue('q', r[0]);
    if (r[0] !== r[1]) d[`${key}-end`] = dbusValue('q', r[1]);
  }
  if (rule.from) {
    d['from'] = dbusValue('s', rule.from.address);
    d['from-len'] = dbusValue('y', rule.from.length);
  }
  if (rule.to) {
    d['to'] = dbusValue('s', rule.to.address);
    d['to-len'] = dbusValue('y', rule.to.length);
  }
  if (rule.iifname) d['iifname'] = dbusValue('s', rule.iifname);
  if (rule.oifname) d['oifname'] = dbusValue('s', rule.oifname);
  if (rule.action !== TO_TABLE) d['action'] = dbusValue('y', rule.action);
  if (rule.table) d['table'] = dbusValue('u', rule.table);
  if (rule.suppressPrefixlength !== -1) d['suppress-prefixlength'] = dbusValue('i', rule.suppressPrefixlength);
  if (rule.uidRange) {
    d['uid-range-start'] = dbusValue('u', rule.uidRange[0]);
    d['uid-range-end'] = dbusValue('u', rule.uidRange[1]);
  }
  return d;
}

/** From a D-Bus record of plain values. */
export function routingRuleFromDBus(record: Record<string, unknown>, family: IpFamily): Parsed<RoutingRule> {
  const num = (key: string): number | undefined => {
    const v = record[key];
    return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
  };
  const str = (key: string): string | undefined => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
  const fam = num('family');
  if (fam !== undefined && fam !== (family === 4 ? 2 : 10)) return fail(`family ${fam} does not match ipv${family}`);
  const rule = emptyRule(family);
  rule.priority = num('priority');
  rule.invert = record['invert'] === true;
  rule.tos = num('tos') ?? 0;
  rule.ipproto = num('ipproto') ?? 0;
  rule.fwmark = num('fwmark') ?? 0;
  rule.fwmask = num('fwmask') ?? 0;
  for (const key of ['sport', 'dport'] as const) {
    const start = num(`${key}-start`);
    if (start !== undefined) rule[key] = [start, num(`${key}-end`) ?? start];
  }
  for (const key of ['from', 'to'] as const) {
    const address = str(key);
    const length = num(`${key}-len`) ?? (address !== undefined ? maxPrefix(family) : 0);
    if (address === undefined && length === 0) continue;
    const parsed = address !== undefined ? parseIp(address, family) : undefined;
    if (!parsed) return fail(`invalid ${key} '${address ?? ''}'`);
    if (length > maxPrefix(family)) return fail(`invalid prefix length for ${key}`);
    if (length > 0) rule[key] = { address: formatIp(parsed.bytes), length };
  }
  rule.iifname = str('iifname');
  rule.oifname = str('oifname');
  rule.action = num('action') ?? TO_TABLE;
  rule.table = num('table') ?? 0;
  rule.suppressPrefixlength = num('suppress-prefixlength') ?? -1;
  const us = num('uid-range-start');
  if (us !== undefined) rule.uidRange = [us, num('uid-range-end') ?? us];
  if (rule.iifname === undefined) delete rule.iifname;
  if (rule.oifname === undefined) delete rule.oifname;
  if (rule.priority === undefined) delete rule.priority;
  return validateRoutingRule(rule);
}
