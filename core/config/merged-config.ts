/**
 * The merged configuration: for every section and key, the winning value and
 * where it came from. Later files override earlier ones; "key+=v" appends to a
 * list and "key-=v" removes from it, as NetworkManager's conf.d does.
 */
import type { ConfigView } from '../../sdk/index.js';

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

  /** Apply one assignment from a file, in file order. */
  set(section: string, key: string, value: string, origin: string): void {
    let sec = this.data.get(section);
    if (!sec) this.data.set(section, (sec = new Map()));
    const op = key.endsWith('+') ? '+' : key.endsWith('-') ? '-' : '';
    const name = op ? key.slice(0, -1) : key;
    if (!op) {
      sec.set(name, { value, origin });
      return;
    }
    const cur = splitList(sec.get(name)?.value ?? '');
    const items = splitList(value);
    const next = op === '+' ? [...cur, ...items.filter((i) => !cur.includes(i))] : cur.filter((i) => !items.includes(i));
    sec.set(name, { value: next.join(','), origin });
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

  getList(section: string, key: string): string[] {
    const v = this.get(section, key);
    return v === undefined ? [] : splitList(v);
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
