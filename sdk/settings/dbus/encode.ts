/**
 * toDBus: the model to NetworkManager's D-Bus form, a{sa{sv}} as plain
 * { signature, value } pairs. Like NetworkManager's daemon it also sends the
 * deprecated twins old clients read (ipv4/ipv6 "addresses", "routes", the
 * legacy "dns" beside "dns-data", "cloned-mac-address" as bytes beside
 * "assigned-mac-address"); secrets are left out unless asked for.
 */
import { parseMac } from '../mac.js';
import { recordCodec } from '../records/index.js';
import { settingDefinition } from '../registry.js';
import type { PropertyDefinition } from '../schema.js';
import { ADDRESS_ATTRIBUTES, ROUTE_ATTRIBUTES, type IpAttributeDefinition } from '../tables/ip.js';
import type { ConnectionSettings, IpAddress, IpRoute, SettingValue, SettingValues } from '../types.js';
import { isPlainObject, isValueOfType } from '../values.js';
import { addressesToLegacy, dnsToLegacy, routesToLegacy } from './legacy.js';
import { dbusValue, type DBusSettings, type DBusValue } from './value.js';

export interface ToDBusOptions {
  /** Include secret properties (default false: GetSettings never sends secrets). */
  withSecrets?: boolean;
  /** Only secret properties, and only settings that have some (GetSecrets). Implies withSecrets. */
  onlySecrets?: boolean;
  /** Also send the deprecated twins (default true, as NetworkManager's daemon does). */
  legacy?: boolean;
}

function attributeValue(defs: Readonly<Record<string, IpAttributeDefinition>>, name: string, v: string | number | boolean): DBusValue {
  const sig = defs[name]?.signature ?? (typeof v === 'string' ? 's' : typeof v === 'boolean' ? 'b' : 'u');
  return dbusValue(sig, v);
}

function addressRecords(addresses: readonly IpAddress[]): Record<string, DBusValue>[] {
  return addresses.map((a) => {
    const r: Record<string, DBusValue> = { address: dbusValue('s', a.address), prefix: dbusValue('u', a.prefix) };
    for (const [k, v] of Object.entries(a.attributes ?? {})) r[k] = attributeValue(ADDRESS_ATTRIBUTES, k, v);
    return r;
  });
}

function routeRecords(routes: readonly IpRoute[]): Record<string, DBusValue>[] {
  return routes.map((rt) => {
    const r: Record<string, DBusValue> = { dest: dbusValue('s', rt.dest), prefix: dbusValue('u', rt.prefix) };
    if (rt.nextHop !== undefined) r['next-hop'] = dbusValue('s', rt.nextHop);
    if (rt.metric !== undefined && rt.metric >= 0) r['metric'] = dbusValue('u', rt.metric);
    for (const [k, v] of Object.entries(rt.attributes ?? {})) r[k] = attributeValue(ROUTE_ATTRIBUTES, k, v);
    return r;
  });
}

/** One property under its own name; undefined when the value cannot be sent (verification reports it). */
function encodeValue(row: PropertyDefinition, v: SettingValue): DBusValue | undefined {
  switch (row.type) {
    case 'int64':
    case 'uint64':
      return dbusValue(row.dbus, BigInt(v as number));
    case 'bytes':
      return dbusValue('ay', new Uint8Array(v as Uint8Array));
    case 'mac': {
      const bytes = parseMac(v as string);
      return bytes ? dbusValue('ay', bytes) : undefined;
    }
    case 'strings':
    case 'uint32s':
      return dbusValue(row.dbus, [...(v as unknown[])]);
    case 'dict':
      return dbusValue(row.dbus, { ...(v as Record<string, string>) });
    case 'addresses':
      return dbusValue('aa{sv}', addressRecords(v as IpAddress[]));
    case 'routes':
      return dbusValue('aa{sv}', routeRecords(v as IpRoute[]));
    case 'dns':
      return dbusValue(row.dbus, dnsToLegacy(row.setting === 'ipv4' ? 4 : 6, v as string[]));
    case 'records': {
      const codec = recordCodec(row.setting, row.name);
      const records = (v as string[]).flatMap((t) => {
        const r = codec?.toDBus(t);
        return r?.ok ? [r.value] : [];
      });
      return dbusValue('aa{sv}', records);
    }
    default:
      return dbusValue(row.dbus, v);
  }
}

/**
 * Records holding secrets of their own (wireguard.peers): without secrets
 * their secret fields are left out; with only secrets, each record keeps
 * just its key field and its secrets (NetworkManager's peers_to_dbus).
 */
function encodeSecretRecords(row: PropertyDefinition, texts: readonly string[], onlySecrets: boolean, withSecrets: boolean): DBusValue | undefined {
  const { key, fields } = row.recordSecrets!;
  const codec = recordCodec(row.setting, row.name);
  const records = texts.flatMap((t) => {
    const r = codec?.toDBus(t);
    if (!r?.ok) return [];
    const record = r.value;
    for (const name of Object.keys(record)) {
      const secret = fields.includes(name);
      if (onlySecrets ? !secret && name !== key : secret && !withSecrets) delete record[name];
    }
    return [record];
  });
  return records.length || !onlySecrets ? dbusValue('aa{sv}', records) : undefined;
}

/** Twins sent beside a property, for clients of either age. */
function encodeTwins(setting: string, values: SettingValues, out: Record<string, DBusValue>): void {
  const family = setting === 'ipv4' ? 4 : setting === 'ipv6' ? 6 : undefined;
  if (family) {
    const addresses = values['address-data'] as IpAddress[] | undefined;
    const gateway = typeof values['gateway'] === 'string' ? values['gateway'] : undefined;
    if (addresses && isValueOfType(addresses, 'addresses')) {
      out['addresses'] = dbusValue(family === 4 ? 'aau' : 'a(ayuay)', addressesToLegacy(family, addresses, gateway));
      const labels = addresses.map((a) => (typeof a.attributes?.['label'] === 'string' ? (a.attributes['label'] as string) : ''));
      if (family === 4 && labels.some(Boolean)) out['address-labels'] = dbusValue('as', labels);
    }
    const routes = values['route-data'] as IpRoute[] | undefined;
    if (routes && isValueOfType(routes, 'routes')) out['routes'] = dbusValue(family === 4 ? 'aau' : 'a(ayuayu)', routesToLegacy(family, routes));
  }
  if (setting === '802-3-ethernet' || setting === '802-11-wireless') {
    const cloned = values['cloned-mac-address'];
    if (typeof cloned === 'string' && cloned !== '') out['assigned-mac-address'] = dbusValue('s', cloned);
  }
}

/** Properties whose own D-Bus entry is the legacy form and that are sent in their new form too. */
function encodeNewForms(setting: string, values: SettingValues, out: Record<string, DBusValue>): void {
  if ((setting === 'ipv4' || setting === 'ipv6') && Array.isArray(values['dns'])) {
    out['dns-data'] = dbusValue('as', [...(values['dns'] as string[])]);
  }
}

function encodeSetting(setting: string, values: SettingValues, options: ToDBusOptions): Record<string, DBusValue> | undefined {
  const def = settingDefinition(setting);
  if (!def || def.name !== setting || !isPlainObject(values)) return undefined;
  const onlySecrets = options.onlySecrets ?? false;
  const withSecrets = onlySecrets || (options.withSecrets ?? false);
  const legacy = options.legacy ?? true;
  const out: Record<string, DBusValue> = {};
  for (const row of def.properties) {
    const v = values[row.name];
    if (row.recordSecrets && v !== undefined && isValueOfType(v, row.type)) {
      const encoded = encodeSecretRecords(row, v as string[], onlySecrets, withSecrets);
      if (encoded) out[row.name] = encoded;
      continue;
    }
    if (row.secret ? !withSecrets : onlySecrets) continue;
    if (v === undefined || !isValueOfType(v, row.type)) continue;
    if (row.name === 'cloned-mac-address') {
      // The own entry is bytes (legacy); special values travel only as assigned-mac-address.
      const bytes = parseMac(v as string, 6);
      if (bytes && legacy) out[row.name] = dbusValue('ay', bytes);
      continue;
    }
    if (row.type === 'dns' && !legacy) continue;
    const encoded = encodeValue(row, v);
    if (encoded) out[row.name] = encoded;
  }
  if (!onlySecrets) {
    encodeNewForms(setting, values, out);
    if (legacy) encodeTwins(setting, values, out);
    else if (typeof values['cloned-mac-address'] === 'string' && values['cloned-mac-address'] !== '') out['assigned-mac-address'] = dbusValue('s', values['cloned-mac-address']);
    // A vlan dict without "flags" means 0 to NetworkManager (the old default), so always send it.
    if (setting === 'vlan' && out['flags'] === undefined) out['flags'] = dbusValue('u', def.properties.find((p) => p.name === 'flags')!.default as number);
  }
  return out;
}

/** The D-Bus form of a profile. Unknown settings and values of the wrong type are left out (verifyConnection reports them). */
export function toDBus(settings: ConnectionSettings, options: ToDBusOptions = {}): DBusSettings {
  const out: DBusSettings = {};
  if (!isPlainObject(settings)) return out;
  for (const [name, values] of Object.entries(settings)) {
    const encoded = encodeSetting(name, values, options);
    if (!encoded) continue;
    if (options.onlySecrets && Object.keys(encoded).length === 0) continue;
    out[name] = encoded;
  }
  // Like NetworkManager (security_to_dbus), a Wi-Fi setting names its security setting for very old clients.
  const wifi = out['802-11-wireless'];
  if (wifi && !options.onlySecrets && isPlainObject(settings['802-11-wireless-security'])) wifi['security'] = dbusValue('s', '802-11-wireless-security');
  return out;
}
