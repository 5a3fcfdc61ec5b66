/**
 * Checks every property against its row: known setting and property, value
 * type, numeric range, allowed values, flag bits and MAC syntax. These are
 * the checks NetworkManager makes when a value is set (GParamSpec ranges)
 * and the plain ones of its verify functions.
 */
import { canonicalString } from '../canonical-strings.js';
import { describeValue } from '../issues.js';
import { isValidMac } from '../mac.js';
import { propertyDefinition, settingDefinition } from '../registry.js';
import type { PropertyDefinition } from '../schema.js';
import { isPlainObject, isValueOfType, TYPE_NAMES } from '../values.js';
import type { VerifyContext } from './context.js';

function checkNumber(ctx: VerifyContext, row: PropertyDefinition, n: number): void {
  if (row.values && !row.values.includes(n)) {
    ctx.error(row.setting, row.name, `${n} is not one of ${row.values.join(', ')}`, n);
  } else if ((row.min !== undefined && n < row.min) || (row.max !== undefined && n > row.max)) {
    ctx.error(row.setting, row.name, `${n} is out of range ${row.min}..${row.max}`, n);
  } else if (row.flags !== undefined && (n < 0 || (n & ~row.flags) !== 0)) {
    ctx.error(row.setting, row.name, `${n} has unknown flags (known: 0x${row.flags.toString(16)})`, n);
  }
}

function checkRow(ctx: VerifyContext, row: PropertyDefinition, value: unknown): void {
  if (!isValueOfType(value, row.type)) {
    ctx.error(row.setting, row.name, `expected ${TYPE_NAMES[row.type]}, got ${describeValue(value)}`, value);
    return;
  }
  if (typeof value === 'number') return checkNumber(ctx, row, value);
  if (row.canonical && typeof value === 'string' && canonicalString(row, value) !== value) {
    ctx.report('normalizable', row.setting, row.name, `${describeValue(value)} is kept as ${describeValue(canonicalString(row, value))}`, value);
  }
  if (row.type === 'string' && row.values && !row.values.includes(value as string)) {
    ctx.error(row.setting, row.name, `${describeValue(value)} is not one of ${row.values.join(', ')}`, value);
  }
  if (row.type === 'strings' && row.values) {
    const bad = (value as string[]).filter((e) => !row.values!.includes(e));
    if (bad.length) ctx.error(row.setting, row.name, `${describeValue(bad[0])} is not one of ${row.values.join(', ')}`, bad[0]);
  }
  if (row.type === 'uint32s') {
    const bad = (value as number[]).find((e) => (row.min !== undefined && e < row.min) || (row.max !== undefined && e > row.max));
    if (bad !== undefined) ctx.error(row.setting, row.name, `${bad} is out of range ${row.min}..${row.max}`, bad);
  }
  if (row.type === 'mac' && !isValidMac(value as string, row.macLength ?? 6)) {
    ctx.error(row.setting, row.name, `${describeValue(value)} is not a valid MAC address`, value);
  }
}

/** Unknown settings and properties, and per-row checks, for the whole profile. */
export function verifyProperties(ctx: VerifyContext): void {
  for (const [name, values] of Object.entries(ctx.settings)) {
    const def = settingDefinition(name);
    if (!def || def.name !== name) {
      ctx.error(name, undefined, def ? `setting must be named '${def.name}'` : 'unknown setting');
      continue;
    }
    if (!isPlainObject(values)) {
      ctx.error(name, undefined, `expected an object of properties, got ${describeValue(values)}`);
      continue;
    }
    for (const [prop, value] of Object.entries(values)) {
      if (value === undefined) continue;
      // The registry's index, not a Map built per call: this runs for every profile loaded.
      const row = propertyDefinition(name, prop);
      if (!row) ctx.error(name, prop, 'unknown property', value);
      else checkRow(ctx, row, value);
    }
  }
}
