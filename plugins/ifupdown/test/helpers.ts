/** Shared by the ifupdown tests: a source over a directory tree standing in for /. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ConnectionSettings, connectionDifferences, normalizeConnection } from '../../../sdk/index.js';
import { IfupdownSource } from '../source.js';

export const FIXTURES = path.join(import.meta.dirname, 'fixtures');

export function sourceAt(root: string, managed = true): IfupdownSource {
  return new IfupdownSource({ under: (p) => path.join(root, p), managed: () => managed });
}

/** A temporary root holding `files` (paths relative to /), removed by the returned cleanup. */
export function tempRoot(files: Record<string, string> = {}): { root: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-ifupdown-'));
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(root, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  }
  return { root, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** NetworkManager's NM_UUID_TYPE_LEGACY: MD5 of the text laid out as a UUID. */
export function nmLegacyUuid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function interfaceName(s: ConnectionSettings): string {
  return String(s.connection?.['interface-name']);
}

function isEmpty(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && Object.keys(v).length === 0;
}

/** connectionDifferences, with an empty list or dict the same as none (NetworkManager cannot tell them apart). */
export function meaningDiff(a: ConnectionSettings, b: ConnectionSettings): string[] {
  return connectionDifferences(a, b).filter((d) => {
    const [setting, prop] = d.split('.') as [string, string | undefined];
    return prop === undefined || !(isEmpty(a[setting]?.[prop]) && isEmpty(b[setting]?.[prop]));
  });
}

/** Differences in meaning between a read profile and an expectation written as plain settings. */
export function differences(actual: ConnectionSettings, expected: ConnectionSettings): string[] {
  const want = structuredClone(expected);
  want.connection!.uuid ??= nmLegacyUuid(String(want.connection!.id));
  return meaningDiff(actual, normalizeConnection(want));
}
