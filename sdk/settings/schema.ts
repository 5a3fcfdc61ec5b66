/**
 * The shape of the settings tables: one row per property (PropertyDefinition)
 * and one object per setting (SettingDefinition). Verification, normalisation
 * and the D-Bus form are all driven by these rows; the rows themselves live
 * in tables/*.ts, one file per family of settings.
 */
import type { SettingValue } from './types.js';

/**
 * How a property's value is held in the model (see types.ts for the
 * JavaScript representation of each):
 *   string      string (free text or one of `values`)
 *   boolean     boolean
 *   int32 uint32 int64 uint64   number (ternaries and enums are int32/uint32 with `values`)
 *   bytes       Uint8Array (ay)
 *   mac         "AA:BB:CC:DD:EE:FF" (ay on D-Bus)
 *   strings     string[] (as)
 *   uint32s     number[] (au)
 *   dict        Record<string, string> (a{ss})
 *   addresses   IpAddress[] (address-data)
 *   routes      IpRoute[] (route-data)
 *   dns         string[] of addresses (dns)
 *   records     string[], one element per a{sv} record in NetworkManager's
 *               text form (bridge VLANs "10-20 untagged", routing rules
 *               "priority 5 from 10.0.0.0/8 table 100", team link watchers
 *               "name=ethtool delay-up=5"); aa{sv} on D-Bus.
 */
export type PropertyType =
  | 'string'
  | 'boolean'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bytes'
  | 'mac'
  | 'strings'
  | 'uint32s'
  | 'dict'
  | 'addresses'
  | 'routes'
  | 'dns'
  | 'records';

export interface PropertyDefinition {
  /** The setting this row belongs to ("bond"). */
  readonly setting: string;
  /** The property's D-Bus name ("options"). */
  readonly name: string;
  readonly type: PropertyType;
  /** D-Bus signature of this property under its own name. */
  readonly dbus: string;
  /** The value an absent property has; undefined when absent means "no value". */
  readonly default?: SettingValue;
  /** Numeric range (inclusive) for integer types, or element range for uint32s. */
  readonly min?: number;
  readonly max?: number;
  /** Allowed values: the value itself, or each element of a list. */
  readonly values?: readonly (string | number)[];
  /** For flag words: the mask of known bits; other bits are refused. */
  readonly flags?: number;
  /** MAC length in bytes for `mac` properties (6, or 20 for InfiniBand). */
  readonly macLength?: number;
  /** A secret: left out of toDBus unless secrets are asked for. */
  readonly secret?: boolean;
  /** For a secret: the property holding its NMSettingSecretFlags. */
  readonly secretFlags?: string;
  /** This property holds the secret flags of other properties. */
  readonly isSecretFlags?: boolean;
  /**
   * For `records` whose records hold secrets (wireguard.peers): the record
   * field that names a record (sent with the secrets by GetSecrets) and the
   * secret fields (left out of toDBus unless secrets are asked for).
   */
  readonly recordSecrets?: { readonly key: string; readonly fields: readonly string[] };
  /**
   * How NetworkManager canonicalises a string when it is set (so also when a
   * keyfile or D-Bus sets it): 'strip' trims ASCII space, 'lowercase' folds
   * ASCII case, 'mac' writes a MAC address of `macLength` bytes upper case
   * with ':' (an invalid one is kept for verification to report).
   */
  readonly canonical?: 'strip' | 'lowercase' | 'mac';
  /** NetworkManager marks the property deprecated (still accepted). */
  readonly deprecated?: boolean;
  /** One short sentence: what the property does. */
  readonly description: string;
}

export interface SettingDefinition {
  /** The D-Bus (canonical) name, e.g. "802-3-ethernet". */
  readonly name: string;
  /** The short name keyfiles and nmcli use for the group, e.g. "ethernet". */
  readonly keyfileAlias?: string;
  /** May be a connection's connection.type. */
  readonly baseType: boolean;
  readonly description: string;
  readonly properties: readonly PropertyDefinition[];
}

/** A row as written in a table: the setting name is stamped on by defineSetting. */
export type PropertyRow = Omit<PropertyDefinition, 'setting' | 'dbus'> & { dbus?: string };

const DEFAULT_SIGNATURES: Record<PropertyType, string> = {
  string: 's',
  boolean: 'b',
  int32: 'i',
  uint32: 'u',
  int64: 'x',
  uint64: 't',
  bytes: 'ay',
  mac: 'ay',
  strings: 'as',
  uint32s: 'au',
  dict: 'a{ss}',
  addresses: 'aa{sv}',
  routes: 'aa{sv}',
  dns: 'au',
  records: 'aa{sv}',
};

/** Build a frozen SettingDefinition, filling each row's setting and default D-Bus signature. */
export function defineSetting(def: {
  name: string;
  keyfileAlias?: string;
  baseType?: boolean;
  description: string;
  properties: readonly PropertyRow[];
}): SettingDefinition {
  const properties = def.properties.map((row) =>
    Object.freeze({ ...row, setting: def.name, dbus: row.dbus ?? DEFAULT_SIGNATURES[row.type] }),
  );
  return Object.freeze({
    name: def.name,
    ...(def.keyfileAlias ? { keyfileAlias: def.keyfileAlias } : {}),
    baseType: def.baseType ?? false,
    description: def.description,
    properties: Object.freeze(properties),
  });
}

/** Ranges used by many rows. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
export const UINT32_MAX = 4294967295;
/** 64-bit values are numbers in the model: their range stops at 2^53 - 1. */
export const INT64_SAFE_MIN = Number.MIN_SAFE_INTEGER;
export const UINT64_SAFE_MAX = Number.MAX_SAFE_INTEGER;

/** NMTernary: -1 default, 0 false, 1 true. */
export const TERNARY = [-1, 0, 1] as const;
/** NMSettingSecretFlags: none, agent-owned, not-saved, not-required. */
export const SECRET_FLAGS_MASK = 0x7;
