/**
 * Properties without a special keyfile form: one key named like the
 * property, its text decided by the property's type in the model table
 * (NetworkManager's read_one_setting_value / write_setting_value).
 *
 *   string                 the text (GLib escapes)
 *   boolean                true / false
 *   int32 ... uint64       decimal (read: C strtol rules, range from the table)
 *   bytes                  "1;2;3;" (empty: not written)
 *   mac                    "AA:BB:CC:DD:EE:FF"
 *   strings                "a;b;" (empty: not written)
 *   uint32s                "1;2;" (empty: not written)
 * dict, addresses, routes, dns and records have no generic form: each such
 * property has a row in special-properties.ts or is not stored.
 */
import type { SettingValue } from '../../sdk/index.js';
import type { PropertyDefinition } from './model.js';
import type { ReadContext } from './read-context.js';
import {
  formatByteList,
  INT32,
  INT64,
  readBoolean,
  readByteList,
  readInteger,
  readMac,
  readString,
  readStringList,
  UINT32,
  UINT64,
  type IntegerRange,
} from './scalars.js';
import type { WriteContext } from './write-context.js';

const TYPE_RANGES: Partial<Record<PropertyDefinition['type'], IntegerRange>> = { int32: INT32, uint32: UINT32, int64: INT64, uint64: UINT64 };

/** The integer range of a property: its table's min/max within its type's range. */
export function integerRange(def: PropertyDefinition): IntegerRange {
  const base = TYPE_RANGES[def.type] ?? INT64;
  return {
    min: def.min !== undefined && BigInt(def.min) > base.min ? BigInt(def.min) : base.min,
    max: def.max !== undefined && BigInt(def.max) < base.max ? BigInt(def.max) : base.max,
  };
}

const GENERIC_TYPES: ReadonlySet<string> = new Set(['string', 'boolean', 'int32', 'uint32', 'int64', 'uint64', 'bytes', 'mac', 'strings', 'uint32s']);

/** Whether a type has a generic keyfile form. */
export function hasGenericForm(def: PropertyDefinition): boolean {
  return GENERIC_TYPES.has(def.type);
}

/** Reads `[group] key` as `def`'s type; the key must exist. */
export function readGeneric(ctx: ReadContext, group: string, key: string, def: PropertyDefinition): SettingValue {
  switch (def.type) {
    case 'string':
      return readString(ctx, group, key);
    case 'boolean':
      return readBoolean(ctx, group, key);
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64':
      return readInteger(ctx, group, key, integerRange(def));
    case 'bytes':
      return readByteList(ctx, group, key);
    case 'mac':
      return readMac(ctx, group, key, def.macLength ?? 6);
    case 'strings':
      return readStringList(ctx, group, key);
    case 'uint32s':
      return readStringList(ctx, group, key).map((item) => {
        const n = Number(item.trim());
        if (!/^\s*[0-9]+\s*$/.test(item) || n > 0xffffffff) throw ctx.error(group, key, `'${item}' is not an unsigned 32-bit integer`);
        return n;
      });
    default:
      throw ctx.error(group, key, `properties of type ${def.type} have no keyfile form`);
  }
}

/** Writes `value` as `def`'s type; empty lists and byte strings are left out, as NetworkManager does. */
export function writeGeneric(w: WriteContext, group: string, key: string, value: SettingValue, def: PropertyDefinition): void {
  const set = (fn: () => void) => w.set(def.setting, def.name, fn);
  switch (def.type) {
    case 'string':
      return set(() => w.doc.setString(group, key, String(value)));
    case 'boolean':
      return set(() => w.doc.setBoolean(group, key, value === true));
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw w.error(def.setting, def.name, `expected an integer, got ${typeof value}`);
      return set(() => w.doc.setRaw(group, key, String(value)));
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw w.error(def.setting, def.name, 'expected bytes');
      if (value.length > 0) set(() => w.doc.setRaw(group, key, formatByteList(value)));
      return;
    case 'mac':
      return set(() => w.doc.setString(group, key, String(value)));
    case 'strings':
      if (!Array.isArray(value)) throw w.error(def.setting, def.name, 'expected a list of strings');
      if (value.length > 0) set(() => w.doc.setStringList(group, key, value as string[]));
      return;
    case 'uint32s':
      if (!Array.isArray(value)) throw w.error(def.setting, def.name, 'expected a list of integers');
      if (value.length > 0) set(() => w.doc.setRaw(group, key, (value as number[]).map((n) => `${n};`).join('')));
      return;
    default:
      throw w.error(def.setting, def.name, `properties of type ${def.type} have no keyfile form`);
  }
}
