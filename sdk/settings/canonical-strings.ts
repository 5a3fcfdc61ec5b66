/**
 * The text NetworkManager keeps for a string property whose row names a
 * `canonical` form: it rewrites such strings as they are set, so a value
 * in any other form is "normalizable" in the model (verification says so,
 * normalisation rewrites it).
 */
import { normalizeMac } from './mac.js';
import type { PropertyDefinition } from './schema.js';

/** GLib's g_ascii_isspace set, which g_strstrip removes (vertical tab is not in it). */
const EDGE_SPACE = /^[ \t\n\f\r]+|[ \t\n\f\r]+$/g;

/** `text` in the row's canonical form; unchanged when the row has none (or a MAC does not parse). */
export function canonicalString(row: PropertyDefinition, text: string): string {
  switch (row.canonical) {
    case 'strip':
      return text.replace(EDGE_SPACE, '');
    case 'lowercase':
      return text.replace(/[A-Z]+/g, (c) => c.toLowerCase());
    case 'mac':
      return normalizeMac(text, row.macLength ?? 6) ?? text;
    default:
      return text;
  }
}
