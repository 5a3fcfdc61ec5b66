/**
 * Variables that map one-to-one onto a property, as rows: the variable, the
 * setting and property, how the text is read and written, NetworkManager's
 * default for the property, and whether NetworkManager's writer writes it
 * even at the default. Variables that need more than a row (addresses,
 * BONDING_OPTS, VLAN ids...) have small functions of their own.
 *
 * Reading leaves out a value equal to the property's default (an absent
 * property has its default), so profiles come out in one canonical form.
 */
import type { ConnectionSettings, SettingValue, SettingValues } from '../../sdk/index.js';
import { isInterfaceName, parseBool, parseInteger, parseMac } from './scalars.js';
import type { Vars } from './vars.js';
import type { FileWriter } from './file-writer.js';

export type Codec =
  | { kind: 'string' }
  | { kind: 'ifname' }
  | { kind: 'bool'; invert?: boolean }
  | { kind: 'int'; min: number; max: number; base?: 0 | 10 }
  | { kind: 'mac'; length: number }
  /** A word from a fixed list; `values` maps the ifcfg word to the property value. */
  | { kind: 'enum'; values: Record<string, string | number> };

export interface KeyRow {
  key: string;
  setting: string;
  property: string;
  codec: Codec;
  /** NetworkManager's default for the property. */
  default?: SettingValue;
  /** NetworkManager's writer writes this variable even when the value is the default. */
  alwaysWrite?: boolean;
  /**
   * NetworkManager only warns about a value it cannot read and uses the
   * default: so does nmk. Booleans always are (svGetValueBoolean).
   */
  lenient?: boolean;
}

/** Reads every row whose variable is set into `settings`. */
export function readRows(vars: Vars, rows: readonly KeyRow[], settings: ConnectionSettings): void {
  for (const row of rows) {
    const value = readRow(vars, row);
    if (value === undefined || sameValue(value, row.default)) continue;
    (settings[row.setting] ??= {})[row.property] = value;
  }
}

export function readRow(vars: Vars, row: KeyRow): SettingValue | undefined {
  const read = row.lenient || row.codec.kind === 'bool' ? vars.lenient.bind(vars) : vars.parsed.bind(vars);
  return read(row.key, (text) => parseRowText(row, text), describeCodec(row.codec));
}

/** The property value a variable's text means, or undefined when the text is not valid. */
export function parseRowText(row: KeyRow, text: string): SettingValue | undefined {
  const c = row.codec;
  switch (c.kind) {
    case 'string':
      return text;
    case 'ifname':
      return isInterfaceName(text) ? text : undefined;
    case 'bool': {
      const b = parseBool(text);
      return b === undefined ? undefined : b !== (c.invert ?? false);
    }
    case 'int':
      return parseInteger(text, c.min, c.max, c.base ?? 10);
    case 'mac':
      return parseMac(text, c.length);
    case 'enum':
      return Object.hasOwn(c.values, text) ? c.values[text] : undefined;
  }
}

function describeCodec(c: Codec): string {
  switch (c.kind) {
    case 'string':
      return 'is not valid';
    case 'ifname':
      return 'is not a valid interface name';
    case 'bool':
      return 'is not a boolean (yes/no)';
    case 'int':
      return `is not an integer from ${c.min} to ${c.max}`;
    case 'mac':
      return `is not a ${c.length}-byte hardware address`;
    case 'enum':
      return `is not one of ${Object.keys(c.values).join(', ')}`;
  }
}

/** Writes every row from `values` (a setting's properties); unset rows are removed from the file. */
export function writeRows(values: SettingValues | undefined, rows: readonly KeyRow[], out: FileWriter): void {
  for (const row of rows) {
    const value = values?.[row.property] ?? row.default;
    if (value === undefined || (!row.alwaysWrite && sameValue(value, row.default))) continue;
    // A variable that already says this keeps its spelling ("yes" vs "true", mac case...).
    const current = out.get(row.key);
    if (current !== undefined && sameValue(parseRowText(row, current), value)) out.keep(row.key);
    else out.set(row.key, formatRow(row, value));
  }
}

function formatRow(row: KeyRow, value: SettingValue): string {
  const c = row.codec;
  switch (c.kind) {
    case 'bool':
      return value !== (c.invert ?? false) ? 'yes' : 'no';
    case 'enum': {
      const word = Object.keys(c.values).find((w) => c.values[w] === value);
      if (word === undefined) throw new TypeError(`${row.setting}.${row.property}: '${String(value)}' has no ${row.key} value`);
      return word;
    }
    default:
      return String(value);
  }
}

function sameValue(a: SettingValue | undefined, b: SettingValue | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b));
}

/** The variables a table reads, for the writer's list of variables it manages. */
export function rowKeys(rows: readonly KeyRow[]): string[] {
  return rows.map((r) => r.key);
}
