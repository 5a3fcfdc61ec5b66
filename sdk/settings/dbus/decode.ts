/**
 * fromDBus: NetworkManager's D-Bus form (a{sa{sv}}, each value a
 * { signature, value } object such as a dbus-next Variant, a
 * [signature, value] pair, or a bare value) to the model. It never throws:
 * what it cannot read becomes an issue and is left out. Issue severities:
 * 'error' for what NetworkManager's daemon refuses in AddConnection and
 * Update (unknown settings and properties, values of the wrong D-Bus type),
 * 'normalizable' for entries NetworkManager skips with a warning (an
 * address or route that does not read). With `strict` those entries are
 * 'error' too: nmk's daemon refuses a profile rather than drop part of it.
 *
 * Deprecated twins: when both forms of a property are present, the new form
 * wins (as libnm clients do); `preferLegacy` makes the legacy form win, which
 * is what NetworkManager's daemon does so that an old client that edits only
 * the legacy form and echoes the rest is understood.
 */
import { describeValue, makeIssue, type IssueSeverity, type VerifyIssue } from '../issues.js';
import { normalizeIp, type IpFamily } from '../ip-address.js';
import { formatMac } from '../mac.js';
import { recordCodec } from '../records/index.js';
import { settingDefinition } from '../registry.js';
import type { PropertyDefinition } from '../schema.js';
import type { ConnectionSettings, IpAddress, IpRoute, SettingValue, SettingValues } from '../types.js';
import { isPlainObject } from '../values.js';
import { addressesFromLegacy, dnsFromLegacy, routesFromLegacy, toBytes } from './legacy.js';
import { unwrapDBusValue } from './value.js';

export interface FromDBusOptions {
  /** Let the legacy form of a twin win over the new one (NetworkManager's daemon behaviour). Default false. */
  preferLegacy?: boolean;
  /**
   * Refuse entries NetworkManager would skip with a warning (an address,
   * route or bridge VLAN that does not read): their issues become 'error'.
   * Default false.
   */
  strict?: boolean;
}

export interface FromDBusResult {
  settings: ConnectionSettings;
  issues: VerifyIssue[];
}

/** Keys that are D-Bus only: twins and deprecated aliases, read together with their model property. */
const TWIN_KEYS: Readonly<Record<string, readonly string[]>> = {
  ipv4: ['addresses', 'address-labels', 'routes', 'dns-data'],
  ipv6: ['addresses', 'routes', 'dns-data'],
  '802-3-ethernet': ['assigned-mac-address'],
  '802-11-wireless': ['assigned-mac-address', 'security'],
  bond: ['interface-name'],
  bridge: ['interface-name'],
  team: ['interface-name'],
  vlan: ['interface-name'],
  connection: ['controller', 'port-type'],
  // Deprecated modem options NetworkManager 1.42 accepts and ignores.
  gsm: ['allowed-bands', 'network-type'],
};

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  y: [0, 0xff],
  n: [-0x8000, 0x7fff],
  q: [0, 0xffff],
  i: [-0x80000000, 0x7fffffff],
  u: [0, 0xffffffff],
};

class Reader {
  readonly issues: VerifyIssue[] = [];

  constructor(
    readonly setting: string,
    /** The severity of an entry that does not read: skipped ('normalizable') or refused ('error', strict). */
    readonly skipped: IssueSeverity = 'normalizable',
  ) {}

  issue(severity: IssueSeverity, property: string | undefined, reason: string, value?: unknown): void {
    this.issues.push(makeIssue(severity, this.setting, property, reason, value));
  }

  /** An address or route entry that does not read: skipped with a warning, or (strict) refused, saying why. */
  badEntry(property: string, what: string, index: number, problem: string, entry: unknown): void {
    const text = this.skipped === 'error' ? `${what} ${index + 1} is invalid: ${problem}` : `ignoring invalid ${what} ${index + 1}: ${describeValue(entry)} (${problem})`;
    this.issue(this.skipped, property, text, entry);
  }

  /** Unwrap and check the signature against `expected`; undefined (with an issue) when it does not match. */
  take(property: string, input: unknown, expected: string): { value: unknown } | undefined {
    const { signature, value } = unwrapDBusValue(input);
    if (signature !== undefined && signature !== expected) {
      this.issue('error', property, `can't set property of type '${expected}' from value of type '${signature}'`, value);
      return undefined;
    }
    return { value };
  }
}

function integer(value: unknown): number | undefined {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  }
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/** A record of an aa{sv}: its values unwrapped. */
function plainRecord(value: unknown): Record<string, unknown> | undefined {
  let entries: [string, unknown][] | undefined;
  if (value instanceof Map) entries = [...value.entries()].filter((e): e is [string, unknown] => typeof e[0] === 'string');
  else if (isPlainObject(value)) entries = Object.entries(value);
  if (!entries) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const u = unwrapDBusValue(v).value;
    out[k] = typeof u === 'bigint' ? integer(u) : u;
  }
  return out;
}

function stringDict(value: unknown): Record<string, string> | undefined {
  const entries = value instanceof Map ? [...value.entries()] : isPlainObject(value) ? Object.entries(value) : undefined;
  if (!entries || !entries.every(([k, v]) => typeof k === 'string' && typeof v === 'string')) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}

function attributes(record: Record<string, unknown>, skip: readonly string[]): Record<string, string | number | boolean> | undefined {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(record)) {
    if (skip.includes(k)) continue;
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function badPrefix(prefix: unknown, family: IpFamily): string | undefined {
  const max = family === 4 ? 32 : 128;
  return typeof prefix === 'number' && Number.isInteger(prefix) && prefix >= 0 && prefix <= max ? undefined : `'prefix' ${describeValue(prefix)} is not in 0..${max}`;
}

function decodeAddresses(r: Reader, family: IpFamily, property: string, value: unknown): IpAddress[] | undefined {
  if (!Array.isArray(value)) return r.issue('error', property, `expected an array of dicts, got ${describeValue(value)}`), undefined;
  const out: IpAddress[] = [];
  value.forEach((entry, i) => {
    const rec = plainRecord(entry);
    const address = typeof rec?.['address'] === 'string' ? normalizeIp(rec['address'], family) : undefined;
    const prefix = rec?.['prefix'];
    const problem = !rec
      ? 'not a dict'
      : !address
        ? `'address' ${describeValue(rec['address'])} is not an IPv${family} address`
        : badPrefix(prefix, family);
    if (problem) return r.badEntry(property, 'address', i, problem, rec ?? entry);
    const a: IpAddress = { address: address!, prefix: prefix as number };
    const attrs = attributes(rec!, ['address', 'prefix']);
    if (attrs) a.attributes = attrs;
    out.push(a);
  });
  return out;
}

function decodeRoutes(r: Reader, family: IpFamily, property: string, value: unknown): IpRoute[] | undefined {
  if (!Array.isArray(value)) return r.issue('error', property, `expected an array of dicts, got ${describeValue(value)}`), undefined;
  const out: IpRoute[] = [];
  value.forEach((entry, i) => {
    const rec = plainRecord(entry);
    const dest = typeof rec?.['dest'] === 'string' ? normalizeIp(rec['dest'], family) : undefined;
    const prefix = rec?.['prefix'];
    const hop = rec?.['next-hop'];
    const nextHop = typeof hop === 'string' ? normalizeIp(hop, family) : undefined;
    const metric = rec?.['metric'];
    const problem = !rec
      ? 'not a dict'
      : !dest
        ? `'dest' ${describeValue(rec['dest'])} is not an IPv${family} address`
        : (badPrefix(prefix, family) ??
          (hop !== undefined && !nextHop
            ? `'next-hop' ${describeValue(hop)} is not an IPv${family} address`
            : metric !== undefined && (typeof metric !== 'number' || !Number.isInteger(metric) || metric < 0 || metric > 0xffffffff)
              ? `'metric' ${describeValue(metric)} is not a 32-bit unsigned integer`
              : undefined));
    if (problem) return r.badEntry(property, 'route', i, problem, rec ?? entry);
    const route: IpRoute = { dest: dest!, prefix: prefix as number };
    if (nextHop && nextHop !== '0.0.0.0' && nextHop !== '::') route.nextHop = nextHop;
    if (typeof metric === 'number') route.metric = metric;
    const attrs = attributes(rec!, ['dest', 'prefix', 'next-hop', 'metric']);
    if (attrs) route.attributes = attrs;
    out.push(route);
  });
  return out;
}

/** One property by its row; undefined (with an issue) when it does not read. */
function decodeValue(r: Reader, row: PropertyDefinition, input: unknown): SettingValue | undefined {
  const taken = r.take(row.name, input, row.dbus);
  if (!taken) return undefined;
  const v = taken.value;
  const wrong = (): undefined => {
    r.issue('error', row.name, `can't set property of type '${row.dbus}' from value ${describeValue(v)}`, v);
    return undefined;
  };
  switch (row.type) {
    case 'string':
      return typeof v === 'string' ? v : wrong();
    case 'boolean':
      return typeof v === 'boolean' ? v : wrong();
    case 'int32':
    case 'uint32': {
      const n = integer(v);
      const [min, max] = INT_RANGES[row.dbus]!;
      return n !== undefined && n >= min && n <= max ? n : wrong();
    }
    case 'int64':
    case 'uint64': {
      const n = integer(v);
      if (n === undefined && typeof v === 'bigint') {
        r.issue('error', row.name, `${v} is beyond the model's range (2^53)`, v);
        return undefined;
      }
      return n !== undefined && (row.type === 'int64' || n >= 0) ? n : wrong();
    }
    case 'bytes':
      return toBytes(v) ?? wrong();
    case 'mac': {
      const bytes = toBytes(v);
      if (!bytes) return wrong();
      // An empty array means no address, as in NetworkManager.
      return bytes.length ? formatMac(bytes) : undefined;
    }
    case 'strings':
    case 'records':
      if (!Array.isArray(v) || !v.every((e) => (row.type === 'strings' ? typeof e === 'string' : true))) return wrong();
      if (row.type === 'strings') return [...(v as string[])];
      return decodeRecords(r, row, v);
    case 'uint32s': {
      if (!Array.isArray(v)) return wrong();
      const nums = v.map(integer);
      return nums.every((n) => n !== undefined && n >= 0 && n <= 0xffffffff) ? (nums as number[]) : wrong();
    }
    case 'dict':
      return stringDict(v) ?? wrong();
    case 'addresses':
      return decodeAddresses(r, row.setting === 'ipv4' ? 4 : 6, row.name, v);
    case 'routes':
      return decodeRoutes(r, row.setting === 'ipv4' ? 4 : 6, row.name, v);
    case 'dns': {
      const family = row.setting === 'ipv4' ? 4 : 6;
      if (!Array.isArray(v)) return wrong();
      const { servers, skipped } = dnsFromLegacy(family, v);
      if (skipped) r.issue('error', row.name, `${skipped} entries are not IPv${family} addresses`, v);
      return servers;
    }
  }
}

function decodeRecords(r: Reader, row: PropertyDefinition, list: unknown[]): string[] {
  const codec = recordCodec(row.setting, row.name)!;
  const out: string[] = [];
  list.forEach((entry, i) => {
    const rec = plainRecord(entry);
    const p = rec ? codec.fromDBus(rec) : { ok: false as const, reason: 'not a dict' };
    if (p.ok) out.push(p.value);
    // NetworkManager skips bridge VLANs that do not read; it refuses bad rules and link watchers.
    else r.issue(row.name === 'vlans' ? r.skipped : 'error', row.name, `${i + 1}. ${p.reason}`, entry);
  });
  return out;
}

/** The legacy cloned-mac-address: bytes of an address (empty: none). */
function decodeClonedMac(r: Reader, input: unknown): string | undefined {
  const t = r.take('cloned-mac-address', input, 'ay');
  if (!t) return undefined;
  const bytes = toBytes(t.value);
  if (!bytes) return r.issue('error', 'cloned-mac-address', `can't set property of type 'ay' from value ${describeValue(t.value)}`, t.value), undefined;
  return bytes.length ? formatMac(bytes) : undefined;
}

/** The twins of ipv4/ipv6: address-data/addresses(+gateway), route-data/routes, dns/dns-data. */
function decodeIpTwins(r: Reader, family: IpFamily, dict: Record<string, unknown>, out: SettingValues, preferLegacy: boolean): void {
  const has = (k: string) => dict[k] !== undefined;
  const useLegacy = (legacy: string, modern: string) => has(legacy) && (preferLegacy || !has(modern));
  const legacyAddrSig = family === 4 ? 'aau' : 'a(ayuay)';
  if (useLegacy('addresses', 'address-data')) {
    const t = r.take('addresses', dict['addresses'], legacyAddrSig);
    if (t) {
      const { addresses, gateway, skipped } = addressesFromLegacy(family, t.value);
      if (skipped) r.issue(r.skipped, 'addresses', `${r.skipped === 'error' ? '' : 'ignoring '}${skipped} invalid legacy address(es)`, t.value);
      const labels = family === 4 && has('address-labels') ? r.take('address-labels', dict['address-labels'], 'as') : undefined;
      if (labels && Array.isArray(labels.value)) {
        (labels.value as unknown[]).forEach((label, i) => {
          if (typeof label === 'string' && label && addresses[i]) addresses[i]!.attributes = { ...addresses[i]!.attributes, label };
        });
      }
      out['address-data'] = addresses;
      // The gateway in "addresses" counts unless a "gateway" is given too and the new forms win.
      if (gateway !== undefined && (preferLegacy || !has('gateway'))) out['gateway'] = gateway;
      if (gateway === undefined && preferLegacy) delete out['gateway'];
    }
  }
  if (useLegacy('routes', 'route-data')) {
    const t = r.take('routes', dict['routes'], family === 4 ? 'aau' : 'a(ayuayu)');
    if (t) {
      const { routes, skipped } = routesFromLegacy(family, t.value);
      if (skipped) r.issue(r.skipped, 'routes', `${r.skipped === 'error' ? '' : 'ignoring '}${skipped} invalid legacy route(s)`, t.value);
      out['route-data'] = routes;
    }
  }
  if (has('dns-data') && !(preferLegacy && has('dns'))) {
    const t = r.take('dns-data', dict['dns-data'], 'as');
    if (t && Array.isArray(t.value) && t.value.every((e) => typeof e === 'string')) out['dns'] = [...(t.value as string[])];
    else if (t) r.issue('error', 'dns-data', `expected a list of strings, got ${describeValue(t.value)}`, t.value);
  }
}

function decodeSetting(name: string, input: unknown, all: ConnectionSettings, options: FromDBusOptions, issues: VerifyIssue[]): void {
  const r = new Reader(name, options.strict ? 'error' : 'normalizable');
  const def = settingDefinition(name);
  const dict = input instanceof Map ? Object.fromEntries(input) : input;
  if (!def || def.name !== name) return void issues.push(makeIssue('error', name, undefined, 'unknown setting name'));
  if (!isPlainObject(dict)) return void issues.push(makeIssue('error', name, undefined, `expected a dict of properties, got ${describeValue(dict)}`));
  const preferLegacy = options.preferLegacy ?? false;
  const out: SettingValues = {};
  const rows = new Map(def.properties.map((p) => [p.name, p]));
  const twins = TWIN_KEYS[name] ?? [];
  const family = name === 'ipv4' ? 4 : name === 'ipv6' ? 6 : undefined;
  for (const [key, raw] of Object.entries(dict)) {
    if (raw === undefined) continue;
    const row = rows.get(key);
    if (!row) {
      if (!twins.includes(key)) r.issue('error', key, 'unknown property', unwrapDBusValue(raw).value);
      continue;
    }
    // Legacy-form entries of twins are decoded below when the other form does not win.
    if (family && key === 'dns' && dict['dns-data'] !== undefined && !preferLegacy) continue;
    if (key === 'cloned-mac-address' && dict['assigned-mac-address'] !== undefined && !preferLegacy) continue;
    const v = key === 'cloned-mac-address' ? decodeClonedMac(r, raw) : decodeValue(r, row, raw);
    if (v !== undefined) out[key] = v;
  }
  if (family) decodeIpTwins(r, family, dict, out, preferLegacy);
  if (dict['assigned-mac-address'] !== undefined && (!preferLegacy || dict['cloned-mac-address'] === undefined)) {
    const t = r.take('assigned-mac-address', dict['assigned-mac-address'], 's');
    if (t && typeof t.value === 'string') {
      if (t.value !== '') out['cloned-mac-address'] = t.value;
    } else if (t) r.issue('error', 'assigned-mac-address', `expected a string, got ${describeValue(t.value)}`, t.value);
  }
  // A vlan dict without flags is the old default, 0.
  if (name === 'vlan' && dict['flags'] === undefined) out['flags'] = 0;
  // Deprecated interface-name of bond/bridge/team/vlan and newer names of connection properties.
  if (twins.includes('interface-name') && dict['interface-name'] !== undefined) {
    const t = r.take('interface-name', dict['interface-name'], 's');
    if (t && typeof t.value === 'string') {
      const con = (all['connection'] ??= {});
      if (con['interface-name'] === undefined) con['interface-name'] = t.value;
    }
  }
  if (name === 'connection') {
    for (const [newer, older] of [['controller', 'master'], ['port-type', 'slave-type']] as const) {
      const t = dict[newer] !== undefined ? r.take(newer, dict[newer], 's') : undefined;
      if (t && typeof t.value === 'string' && out[older] === undefined) out[older] = t.value;
    }
  }
  issues.push(...r.issues);
  all[name] = { ...(all[name] ?? {}), ...out };
}

/** The model form of a D-Bus profile, and what could not be read. Never throws. */
export function fromDBus(dict: unknown, options: FromDBusOptions = {}): FromDBusResult {
  const settings: ConnectionSettings = {};
  const issues: VerifyIssue[] = [];
  const top = dict instanceof Map ? Object.fromEntries(dict) : dict;
  if (!isPlainObject(top)) {
    issues.push(makeIssue('error', 'connection', undefined, `expected a dict of settings, got ${describeValue(top)}`));
    return { settings, issues };
  }
  // "connection" first, so deprecated aliases in other settings only fill what it leaves empty.
  const names = Object.keys(top).sort((a, b) => Number(b === 'connection') - Number(a === 'connection'));
  for (const name of names) {
    try {
      decodeSetting(name, top[name], settings, options, issues);
    } catch (e) {
      issues.push(makeIssue('error', name, undefined, `cannot read setting: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
  return { settings, issues };
}
