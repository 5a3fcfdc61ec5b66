/**
 * Reading and checking model values against their rows: the type test each
 * PropertyType implies, defaults, deep copy and equality.
 */
import type { PropertyDefinition, PropertyType } from './schema.js';
import type { ConnectionSettings, IpAddress, IpRoute, SettingValue } from './types.js';

const isAttrValue = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function isAttributes(v: unknown): boolean {
  return v === undefined || (isPlainObject(v) && Object.values(v).every(isAttrValue));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function isIpAddress(v: unknown): v is IpAddress {
  return isPlainObject(v) && typeof v['address'] === 'string' && Number.isInteger(v['prefix']) && isAttributes(v['attributes']);
}

function isIpRoute(v: unknown): v is IpRoute {
  return (
    isPlainObject(v) &&
    typeof v['dest'] === 'string' &&
    Number.isInteger(v['prefix']) &&
    (v['nextHop'] === undefined || typeof v['nextHop'] === 'string') &&
    (v['metric'] === undefined || Number.isInteger(v['metric'])) &&
    isAttributes(v['attributes'])
  );
}

const CHECKS: Record<PropertyType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  int32: (v) => Number.isInteger(v),
  uint32: (v) => Number.isInteger(v),
  int64: (v) => Number.isSafeInteger(v),
  uint64: (v) => Number.isSafeInteger(v),
  bytes: (v) => v instanceof Uint8Array,
  mac: (v) => typeof v === 'string',
  strings: (v) => Array.isArray(v) && v.every((e) => typeof e === 'string'),
  uint32s: (v) => Array.isArray(v) && v.every((e) => Number.isInteger(e)),
  dict: (v) => isPlainObject(v) && Object.values(v).every((e) => typeof e === 'string'),
  addresses: (v) => Array.isArray(v) && v.every(isIpAddress),
  routes: (v) => Array.isArray(v) && v.every(isIpRoute),
  dns: (v) => Array.isArray(v) && v.every((e) => typeof e === 'string'),
  records: (v) => Array.isArray(v) && v.every((e) => typeof e === 'string'),
};

/** Whether `value` has the JavaScript shape of `type` (ranges are checked elsewhere). */
export function isValueOfType(value: unknown, type: PropertyType): value is SettingValue {
  return CHECKS[type](value);
}

/** What each type expects, for messages. */
export const TYPE_NAMES: Record<PropertyType, string> = {
  string: 'a string',
  boolean: 'a boolean',
  int32: 'an integer',
  uint32: 'an integer',
  int64: 'a safe integer',
  uint64: 'a safe integer',
  bytes: 'a Uint8Array',
  mac: 'a MAC address string',
  strings: 'a list of strings',
  uint32s: 'a list of integers',
  dict: 'a string dictionary',
  addresses: 'a list of addresses ({address, prefix})',
  routes: 'a list of routes ({dest, prefix})',
  dns: 'a list of address strings',
  records: 'a list of strings',
};

/** The value of a property: as set, else its row's default (undefined when neither). */
export function valueOrDefault(
  settings: ConnectionSettings,
  row: PropertyDefinition,
): SettingValue | undefined {
  const v = settings[row.setting]?.[row.name];
  return v !== undefined ? v : row.default;
}

/** A deep copy of a value (arrays, dicts, bytes, address and route objects). */
export function cloneValue<T>(value: T): T {
  // Strings, numbers and booleans first: most values of a profile are.
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array) return new Uint8Array(value) as T;
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (ArrayBuffer.isView(value)) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(source)) out[k] = cloneValue(source[k]);
  return out as T;
}

/**
 * Whether two values are the same in everything a reader of them can see:
 * the same types and prototypes, values, and keys in the same order (unlike
 * valuesEqual, which ignores key order and undefined entries). False when unsure.
 */
export function sameStructure(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Uint8Array) {
    const other = b as Uint8Array;
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== other[i]) return false;
    return true;
  }
  if (ArrayBuffer.isView(a)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) {
      if ((i in a) !== (i in other) || !sameStructure(a[i], other[i])) return false;
    }
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameStructure((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

export function cloneSettings(settings: ConnectionSettings): ConnectionSettings {
  return cloneValue(settings);
}

/** Deep equality for model values (key order of objects does not matter). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => valuesEqual(a[k], b[k]));
  }
  return false;
}
