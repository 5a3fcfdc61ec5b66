/**
 * teamd JSON ↔ team properties, as NetworkManager 1.42 converts them
 * (nm-team-utils.c): the JSON text it synthesises from the properties, byte
 * for byte, and the properties it reads from a JSON config. Driven by the
 * rows of tables/team-json.ts.
 */
import { formatLinkWatcher, parseLinkWatcher, type LinkWatcher } from '../records/link-watchers.js';
import {
  LINK_WATCHER_HOST_FORBIDDEN,
  LINK_WATCHER_JSON_ROWS,
  LINK_WATCHER_REQUIRED,
  type TeamJsonRow,
} from '../tables/team-json.js';
import type { SettingValue, SettingValues } from '../types.js';
import { isPlainObject } from '../values.js';

/** A JSON string as NetworkManager writes it: only '"', '\' and control characters escaped. */
function jsonString(s: string): string {
  const named: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20) out += named[ch] ?? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** NetworkManager's spacing: "{ ", ", ", " }", "[ ... ]", and "[]" for an empty string list. */
function objectText(entries: readonly string[]): string {
  return `{ ${entries.join(', ')} }`;
}

function scalarText(v: unknown): string {
  return typeof v === 'string' ? jsonString(v) : String(v);
}

/** A watcher as NetworkManager holds it: its name and the keys that name carries, defaults filled in; undefined if NM builds none. */
function completeWatcher(w: LinkWatcher): LinkWatcher | undefined {
  const name = w['name'];
  if (typeof name !== 'string' || !(name in LINK_WATCHER_REQUIRED)) return undefined;
  const out: LinkWatcher = {};
  for (const r of LINK_WATCHER_JSON_ROWS) {
    if (!r.names.includes(name)) continue;
    const v = w[r.key] ?? r.default;
    if (v === undefined) continue;
    if (typeof v === 'number' && ((r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max))) return undefined;
    if (typeof v === 'string' && r.key !== 'name' && LINK_WATCHER_HOST_FORBIDDEN.test(v)) return undefined;
    out[r.key] = v;
  }
  if (LINK_WATCHER_REQUIRED[name]!.some((k) => out[k] === undefined)) return undefined;
  return out;
}

function watcherJson(w: LinkWatcher): string {
  const entries = LINK_WATCHER_JSON_ROWS.filter((r) => w[r.key] !== undefined && w[r.key] !== r.default).map(
    (r) => `${jsonString(r.json)}: ${scalarText(w[r.key])}`,
  );
  return objectText(entries);
}

/** The watchers of a text list that NetworkManager would hold (it drops those it cannot build). */
function watchersOf(list: readonly string[]): LinkWatcher[] {
  const out: LinkWatcher[] = [];
  for (const text of list) {
    const p = parseLinkWatcher(text);
    const w = p.ok ? completeWatcher(p.value) : undefined;
    if (w) out.push(w);
  }
  return out;
}

function valueText(row: TeamJsonRow, v: SettingValue): string {
  if (row.type === 'strings') {
    const list = v as string[];
    // An empty list is NetworkManager's unset (NULL) list, which it writes as null.
    return list.length === 0 ? 'null' : `[ ${list.map(jsonString).join(', ')} ]`;
  }
  if (row.type === 'link-watchers') {
    const ws = watchersOf(v as string[]);
    if (ws.length === 1) return watcherJson(ws[0]!);
    return ws.length === 0 ? '[ ]' : `[ ${ws.map(watcherJson).join(', ')} ]`;
  }
  return scalarText(v);
}

/** Whether a property holds its default (NetworkManager writes no config when every one does). */
function isDefault(row: TeamJsonRow, v: SettingValue): boolean {
  if (row.type === 'link-watchers') return watchersOf(v as string[]).length === 0;
  if (row.type === 'strings') return (v as string[]).length === 0;
  return v === row.default;
}

interface Node {
  entries: Map<string, Node | string>;
}

function nodeText(node: Node): string {
  return objectText([...node.entries].map(([k, v]) => `${jsonString(k)}: ${typeof v === 'string' ? v : nodeText(v)}`));
}

/**
 * The config NetworkManager synthesises from the properties present in
 * `values` (present means set, even at its default), or undefined when every
 * property is at its default (NetworkManager then has no config).
 */
export function teamJsonFromProperties(rows: readonly TeamJsonRow[], values: SettingValues): string | undefined {
  const present = rows.filter((r) => values[r.property] !== undefined);
  if (present.every((r) => isDefault(r, values[r.property]!))) return undefined;
  const root: Node = { entries: new Map() };
  for (const r of present) {
    let node = root;
    for (const key of r.path.slice(0, -1)) {
      let next = node.entries.get(key);
      if (typeof next !== 'object') node.entries.set(key, (next = { entries: new Map() }));
      node = next;
    }
    node.entries.set(r.path[r.path.length - 1]!, valueText(r, values[r.property]!));
  }
  return nodeText(root);
}

function jsonAt(root: Record<string, unknown>, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** A watcher object of the JSON as its text record, or undefined when NetworkManager builds none from it. */
function watcherFromJson(obj: unknown): string | undefined {
  if (!isPlainObject(obj)) return undefined;
  const w: LinkWatcher = {};
  for (const r of LINK_WATCHER_JSON_ROWS) {
    const v = (obj as Record<string, unknown>)[r.json];
    const ok = r.type === 'int' ? isInt(v, -2147483648, 2147483647) : typeof v === r.type;
    if (ok) w[r.key] = v as string | number | boolean;
  }
  const full = completeWatcher(w);
  if (!full) return undefined;
  // What NetworkManager sends on D-Bus: keys at their default are left out.
  const shown: LinkWatcher = {};
  for (const r of LINK_WATCHER_JSON_ROWS) if (full[r.key] !== undefined && full[r.key] !== r.default) shown[r.key] = full[r.key]!;
  return formatLinkWatcher(shown);
}

/** The value of one row read from the JSON, or undefined when NetworkManager would not take it. */
function rowFromJson(row: TeamJsonRow, v: unknown): SettingValue | undefined {
  switch (row.type) {
    case 'int32':
      return isInt(v, -2147483648, 2147483647) ? v : undefined;
    case 'boolean':
    case 'string':
      return typeof v === row.type ? (v as string | boolean) : undefined;
    case 'strings':
      // Items that are not non-empty strings are skipped; the rest of the list is kept.
      return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : undefined;
    case 'link-watchers': {
      // A list keeps the watchers that build; a single object is taken only when it builds.
      if (!Array.isArray(v)) {
        const one = watcherFromJson(v);
        return one === undefined ? undefined : [one];
      }
      return v.map(watcherFromJson).filter((t): t is string => t !== undefined);
    }
  }
}

/**
 * The properties NetworkManager derives from a JSON config (each one the
 * JSON sets, even to its default), or undefined when the text is not a JSON
 * object (NetworkManager then calls the config invalid).
 */
export function teamPropertiesFromJson(rows: readonly TeamJsonRow[], config: string): SettingValues | undefined {
  let root: unknown;
  try {
    root = JSON.parse(config);
  } catch {
    return undefined;
  }
  if (!isPlainObject(root)) return undefined;
  const out: SettingValues = {};
  for (const r of rows) {
    const raw = jsonAt(root as Record<string, unknown>, r.path);
    if (raw === undefined) continue;
    const v = rowFromJson(r, raw);
    if (v !== undefined) out[r.property] = v;
  }
  return out;
}
