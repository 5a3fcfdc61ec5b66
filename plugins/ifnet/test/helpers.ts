/** Shared by the ifnet tests: a source over a directory tree standing in for /. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ConnectionSettings, connectionDifferences, normalizeConnection } from '../../../sdk/index.js';
import { IfnetSource } from '../source.js';

export const FIXTURES = path.join(import.meta.dirname, 'fixtures');

export function sourceAt(root: string): IfnetSource {
  return new IfnetSource({ under: (p) => path.join(root, p) });
}

export function tempRoot(net?: string | Buffer): { root: string; file: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-ifnet-'));
  const file = path.join(root, 'etc/conf.d/net');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (net !== undefined) fs.writeFileSync(file, net);
  return { root, file, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
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

/** Differences in meaning between a read profile and an expectation (absent = default; empty list = none). */
export function differences(actual: ConnectionSettings, expected: ConnectionSettings): string[] {
  const want = structuredClone(expected);
  want.connection!.uuid ??= nmLegacyUuid(String(want.connection!.id));
  const norm = normalizeConnection(want);
  return connectionDifferences(actual, norm).filter((d) => {
    const [setting, prop] = d.split('.') as [string, string | undefined];
    return prop === undefined || !(isEmpty(actual[setting]?.[prop]) && isEmpty(norm[setting]?.[prop]));
  });
}
