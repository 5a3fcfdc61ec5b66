/**
 * The merged configuration: for every section and key, the winning value and
 * where it came from. Later files override earlier ones; "key+=v" appends to a
 * list and "key-=v" removes from it, on the keys where NetworkManager's
 * read_config (nm-config.c) does so (schema.ts appendKind), and is ignored on
 * any other. Device-spec keys hold their raw text, split with
 * NetworkManager's escapes (spec-list.ts).
 */
import type { ConfigView, ConnectionDefaults } from '../../sdk/index.js';
import { ConfigConnectionDefaults } from './connection-defaults.js';
import { appendKind, isSpecKey } from './schema.js';
import { joinSpecs, splitSpecs } from './spec-list.js';

interface Entry {
  value: string;
  origin: string;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export function parseBoolean(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined;
}

export function splitList(v: string): string[] {
  return v
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export class MergedConfig implements ConfigView {
  private data = new Map<string, Map<string, Entry>>();
  /** Each section with the file it first appeared in, in order of first appearance: [connection*] lookups depend on it. */
  private firstFile = new Map<string, string>();
  private changes = 0;
  private defaults?: ConnectionDefaults;

  /** A section header met in a file (also one whose keys were all rejected): where it stands in NetworkManager's order. */
  addGroup(section: string, file: string): void {
    if (this.firstFile.has(section)) return;
    this.firstFile.set(section, file);
    this.changes++;
  }

  /** Bumped by every change, so views computed from the config know when to recompute. */
  get revision(): number {
    return this.changes;
  }

  /** Sections with the file each first appeared in, in order of first appearance. */
  groupFiles(): Array<{ section: string; file: string }> {
    return [...this.firstFile].map(([section, file]) => ({ section, file }));
  }

  /** The [connection*] defaults of this config (NetworkManager's lookup). */
  get connectionDefaults(): ConnectionDefaults {
    return (this.defaults ??= new ConfigConnectionDefaults(() => this));
  }

  /**
   * Apply one assignment from a file, in file order. A spec key's value is its
   * raw text. "key+" / "key-" on a key that takes no += / -= is ignored
   * (loadConfig warns about it).
   */
  set(section: string, key: string, value: string, origin: string): void {
    // Callers that skip addGroup (tests) still place the section: origin is "file:line".
    this.addGroup(section, origin.replace(/:\d+$/, ''));
    const op = key.length > 1 && (key.endsWith('+') || key.endsWith('-')) ? key[key.length - 1] : '';
    const name = op ? key.slice(0, -1) : key;
    const kind = op ? appendKind(section, name) : undefined;
    if (op && !kind) return;
    this.changes++;
    let sec = this.data.get(section);
    if (!sec) this.data.set(section, (sec = new Map()));
    if (!op) {
      sec.set(name, { value, origin });
      return;
    }
    const split = kind === 'specs' ? splitSpecs : splitList;
    const cur = split(sec.get(name)?.value ?? '');
    const items = split(value);
    // Duplicates already there are not added again; "-=" removes every copy (nm-config.c read_config).
    const next = op === '+' ? [...cur, ...items.filter((i) => !cur.includes(i))] : cur.filter((i) => !items.includes(i));
    // An emptied plain list is unset, as g_key_file_remove_key leaves it, except [main] plugins, which stays set and empty.
    if (next.length === 0 && kind === 'list' && !(section === 'main' && name === 'plugins')) sec.delete(name);
    else sec.set(name, { value: kind === 'specs' ? joinSpecs(next) : next.join(','), origin });
  }

  get(section: string, key: string): string | undefined {
    return this.data.get(section)?.get(key)?.value;
  }

  getString(section: string, key: string, fallback: string): string {
    return this.get(section, key) ?? fallback;
  }

  getBoolean(section: string, key: string, fallback: boolean): boolean {
    const v = this.get(section, key);
    return v === undefined ? fallback : (parseBoolean(v) ?? fallback);
  }

  getInteger(section: string, key: string, fallback: number): number {
    const v = this.get(section, key);
    if (v === undefined || !/^\s*-?\d+\s*$/.test(v)) return fallback;
    return Number.parseInt(v, 10);
  }

  /** The items of a list; a spec key's entries as NetworkManager splits them (nm_match_spec_split). */
  getList(section: string, key: string): string[] {
    const v = this.get(section, key);
    if (v === undefined) return [];
    return isSpecKey(section, key) ? splitSpecs(v) : splitList(v);
  }

  sections(): string[] {
    return [...this.data.keys()];
  }

  keys(section: string): string[] {
    return [...(this.data.get(section)?.keys() ?? [])];
  }

  origin(section: string, key: string): string | undefined {
    return this.data.get(section)?.get(key)?.origin;
  }

  /** The merged config as keyfile text, each value annotated with its origin. */
  describe(): string {
    const out: string[] = [];
    for (const [section, entries] of this.data) {
      out.push(`[${section}]`);
      for (const [k, e] of entries) out.push(`# from ${e.origin}`, `${k}=${e.value}`);
      out.push('');
    }
    return out.join('\n');
  }
}
