/**
 * Canonical text for values NetworkManager canonicalises when they are set:
 * MAC addresses upper case with colons, IP addresses as inet_ntop writes
 * them, "no gateway" and "no next hop" as absent, record properties in the
 * text NetworkManager writes. Values that do not parse are left as they are
 * (verification reports them).
 */
import { canonicalString } from '../canonical-strings.js';
import { isUnspecifiedIp, normalizeIp, type IpFamily } from '../ip-address.js';
import { normalizeMac } from '../mac.js';
import { recordCodec } from '../records/index.js';
import { settingDefinition } from '../registry.js';
import type { PropertyDefinition, SettingDefinition } from '../schema.js';
import type { ConnectionSettings, IpAddress, IpRoute, SettingValues } from '../types.js';
import { isPlainObject, isValueOfType } from '../values.js';
import { parseDnsServer } from '../verify/ip.js';

const MAC_LISTS = new Set(['mac-address-blacklist', 'seen-bssids']);

function familyOf(setting: string): IpFamily | undefined {
  return setting === 'ipv4' ? 4 : setting === 'ipv6' ? 6 : undefined;
}

function canonicalAddress(a: IpAddress, family: IpFamily): IpAddress {
  const address = normalizeIp(a.address, family);
  return address && address !== a.address ? { ...a, address } : a;
}

function canonicalRoute(r: IpRoute, family: IpFamily): IpRoute {
  const out: IpRoute = { ...r, dest: normalizeIp(r.dest, family) ?? r.dest };
  if (out.nextHop !== undefined) {
    const hop = normalizeIp(out.nextHop, family);
    if (hop && isUnspecifiedIp(hop)) delete out.nextHop;
    else if (hop) out.nextHop = hop;
  }
  if (out.metric === -1) delete out.metric;
  return out;
}

function canonicalValue(row: PropertyDefinition, values: SettingValues): void {
  const v = values[row.name];
  if (v === undefined || !isValueOfType(v, row.type)) return;
  const family = familyOf(row.setting);
  if (row.canonical && typeof v === 'string') {
    values[row.name] = canonicalString(row, v);
  } else if (row.type === 'mac') {
    values[row.name] = normalizeMac(v as string, row.macLength ?? 6) ?? v;
  } else if (row.name === 'cloned-mac-address') {
    // Not wake-on-lan-password: NetworkManager keeps that string as given ("00:11:22:aa:bb:cc" stays lower-case).
    values[row.name] = normalizeMac(v as string, 6) ?? v;
  } else if (row.type === 'strings' && MAC_LISTS.has(row.name)) {
    values[row.name] = (v as string[]).map((m) => normalizeMac(m, 6) ?? m);
  } else if (row.type === 'addresses' && family) {
    values[row.name] = (v as IpAddress[]).map((a) => canonicalAddress(a, family));
  } else if (row.type === 'routes' && family) {
    values[row.name] = (v as IpRoute[]).map((r) => canonicalRoute(r, family));
  } else if (row.type === 'dns' && family) {
    values[row.name] = (v as string[]).map((d) => {
      const p = parseDnsServer(d, family);
      return p ? (p.serverName ? `${p.address}#${p.serverName}` : p.address) : d;
    });
  } else if (row.name === 'gateway' && family) {
    const gw = normalizeIp(v as string, family);
    if (gw && isUnspecifiedIp(gw)) delete values[row.name];
    else if (gw) values[row.name] = gw;
  } else if (row.type === 'records') {
    const codec = recordCodec(row.setting, row.name);
    if (codec) values[row.name] = (v as string[]).map((t) => {
      const p = codec.normalize(t);
      return p.ok ? p.value : t;
    });
  }
}

/** Whether canonicalValue can change the row's value at all (one of its branches applies to the row). */
function hasCanonicalForm(row: PropertyDefinition): boolean {
  const family = familyOf(row.setting);
  return (
    !!row.canonical ||
    row.type === 'mac' ||
    row.name === 'cloned-mac-address' ||
    (row.type === 'strings' && MAC_LISTS.has(row.name)) ||
    (family !== undefined && (row.type === 'addresses' || row.type === 'routes' || row.type === 'dns' || row.name === 'gateway')) ||
    row.type === 'records'
  );
}

/** Each setting's rows with a canonical form, in table order, worked out once: most rows have none. */
const CANONICAL_ROWS = new WeakMap<SettingDefinition, readonly PropertyDefinition[]>();

function canonicalRows(def: SettingDefinition): readonly PropertyDefinition[] {
  let rows = CANONICAL_ROWS.get(def);
  if (!rows) CANONICAL_ROWS.set(def, (rows = def.properties.filter(hasCanonicalForm)));
  return rows;
}

/** Canonicalise every known property in place. */
export function canonicalizeValues(settings: ConnectionSettings): void {
  for (const name of Object.keys(settings)) {
    const values = settings[name];
    const def = settingDefinition(name);
    if (!def || def.name !== name || !isPlainObject(values)) continue;
    for (const row of canonicalRows(def)) canonicalValue(row, values);
  }
}
