/**
 * Files NetworkManager loads with warnings: fixtures/lenient/CASE/network-scripts
 * holds them, CASE/expected.json the profiles they must give (as in
 * read-fixtures) and every warning, by file, line and key, with part of its
 * text. A warning never costs a profile: there are no errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings, Logger } from '../../../sdk/index.js';
import { IfcfgRhSource } from '../ifcfg-source.js';
import { finishProfile } from '../model-hooks.js';
import { FIXTURES, scratchDir } from './helpers.js';

interface ExpectedWarning {
  file: string;
  line: number;
  key: string;
  contains: string;
}

interface Expected {
  profiles: Record<string, ConnectionSettings>;
  warnings: ExpectedWarning[];
}

const cases = readdirSync(join(FIXTURES, 'lenient')).sort();

/** A logger that keeps what is logged at warn level. */
function recordingLogger(): { logger: Logger; warned: string[] } {
  const warned: string[] = [];
  const nothing = (): void => undefined;
  const logger: Logger = { trace: nothing, debug: nothing, info: nothing, error: nothing, warn: (msg: string) => void warned.push(msg), child: () => logger, isEnabled: () => true };
  return { logger, warned };
}

describe('files NetworkManager loads with warnings', () => {
  it('has the cases the issue asks for', () => {
    expect(cases).toEqual(expect.arrayContaining(['bridge-initscripts-opts', 'bond-nm-options', 'bond-lenient', 'bridge-lenient', 'unknown-keys', 'routes-and-values']));
  });

  it.each(cases)('%s: every profile loads, each warning names file, line and key', async (name) => {
    const folder = join(FIXTURES, 'lenient', name);
    const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Expected;
    const s = scratchDir(join(folder, 'network-scripts'));
    const { logger, warned } = recordingLogger();
    try {
      const source = new IfcfgRhSource({ dir: s.dir, logger });
      const result = await source.load();
      expect(result.errors.map((e) => e.message)).toEqual([]);
      const got = Object.fromEntries(result.profiles.map((p) => [p.file.slice(s.dir.length + 1), p.settings]));
      const want = Object.fromEntries(Object.entries(expected.profiles).map(([file, settings]) => [file, finishProfile(settings, file)]));
      expect(got).toEqual(want);

      const where = (w: { file: string; line: number; key: string }) => `${w.file}:${w.line}:${w.key}`;
      const gotWhere = result.warnings.map((w) => where({ file: (w.origin.file ?? '').slice(s.dir.length + 1), line: w.origin.line ?? 0, key: w.origin.key ?? '' }));
      expect(gotWhere.sort()).toEqual(expected.warnings.map(where).sort());
      for (const w of expected.warnings) {
        const message = result.warnings.find((x) => x.origin.file === join(s.dir, w.file) && x.origin.line === w.line && (x.origin.key ?? '') === w.key && x.message.includes(w.contains));
        expect(message, `a warning at ${where(w)} saying '${w.contains}'`).toBeDefined();
        // The text names its origin the way errors do, and it is what the log says.
        expect(message!.message.startsWith(`${join(s.dir, w.file)}:${w.line}: ${w.key ? `key '${w.key}': ` : ''}`)).toBe(true);
      }
      expect(warned.sort()).toEqual(result.warnings.map((w) => w.message).sort());
    } finally {
      s.cleanup();
    }
  });
});
