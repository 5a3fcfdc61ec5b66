/** Shared helpers for the ifcfg-rh tests: temporary state roots and bash. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IfcfgRhSource } from '../ifcfg-source.js';
import { IFCFG_DIR } from '../file-names.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** A temporary network-scripts directory (optionally filled from fixture folders); removed by cleanup(). */
export function scratchDir(...fill: string[]): { dir: string; source: IfcfgRhSource; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'nmk-ifcfg-'));
  const dir = join(root, IFCFG_DIR);
  mkdirSync(dir, { recursive: true });
  for (const from of fill) cpSync(from, dir, { recursive: true });
  return { dir, source: new IfcfgRhSource({ dir, logicalDir: IFCFG_DIR }), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The path of bash; a test that needs it fails (not skips) when it is missing. */
export function bashPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('these tests source ifcfg files with bash: install bash');
  }
}

/** Sources `file` with bash (set -a; . FILE) and returns the named variables as raw bytes. */
export function sourceWithBash(file: string, names: readonly string[]): Buffer[] {
  const script = `set -a; . "$1" || exit 99; shift; for n in "$@"; do printf '%s\\0' "\${!n}"; done`;
  const out = execFileSync(bashPath(), ['--norc', '--noprofile', '-c', script, 'bash', file, ...names], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
  });
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0) {
      parts.push(out.subarray(start, i));
      start = i + 1;
    }
  }
  return parts;
}
