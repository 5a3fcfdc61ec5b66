/**
 * Comparing profiles by meaning: an absent property equals its default, and
 * settings must be present on both sides.
 */
import { propertyDefinition } from './registry.js';
import type { ConnectionSettings } from './types.js';
import { isPlainObject, valuesEqual } from './values.js';

/** The names of the properties where two profiles differ, as "setting.property" (or "setting" when one side lacks it). */
export function connectionDifferences(a: ConnectionSettings, b: ConnectionSettings): string[] {
  const out: string[] = [];
  for (const setting of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const sa = a[setting];
    const sb = b[setting];
    if (!isPlainObject(sa) || !isPlainObject(sb)) {
      if (!valuesEqual(sa, sb)) out.push(setting);
      continue;
    }
    for (const prop of new Set([...Object.keys(sa), ...Object.keys(sb)])) {
      const def = propertyDefinition(setting, prop)?.default;
      const va = sa[prop] ?? def;
      const vb = sb[prop] ?? def;
      if (!valuesEqual(va, vb)) out.push(`${setting}.${prop}`);
    }
  }
  return out;
}

/** Whether two profiles mean the same (absent properties read as their defaults). */
export function connectionsEqual(a: ConnectionSettings, b: ConnectionSettings): boolean {
  return connectionDifferences(a, b).length === 0;
}
