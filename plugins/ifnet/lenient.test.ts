/**
 * conf.d/net files NetworkManager would load while ignoring part of them:
 * each folder of test/fixtures/lenient holds a tree (root/) and case.json
 * with every warning (line, variable, part of the text; the file is
 * conf.d/net) and the profiles that must load, by interface, compared by
 * meaning. A warning never costs a profile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings, Logger } from '../../sdk/index.js';
import { IfnetSource } from './source.js';
import { differences, FIXTURES, interfaceName } from './test/helpers.js';

interface Case {
  warnings: Array<{ line: number; key: string; contains: string }>;
  profiles: Record<string, ConnectionSettings>;
}

const DIR = path.join(FIXTURES, 'lenient');

describe('conf.d/net loaded with warnings', () => {
  for (const name of fs.readdirSync(DIR).sort()) {
    it(`${name}: every profile loads, each warning names file, line and variable`, async () => {
      const root = path.join(DIR, name, 'root');
      const file = path.join(root, 'etc/conf.d/net');
      const want = JSON.parse(fs.readFileSync(path.join(DIR, name, 'case.json'), 'utf8')) as Case;
      const logged: string[] = [];
      const nothing = (): void => undefined;
      const logger: Logger = { trace: nothing, debug: nothing, info: nothing, error: nothing, warn: (m: string) => void logged.push(m), child: () => logger, isEnabled: () => true };
      const { profiles, errors, warnings } = await new IfnetSource({ under: (p) => path.join(root, p), logger }).load();
      expect(errors.map(String)).toEqual([]);
      expect(profiles.map((p) => interfaceName(p.settings)).sort()).toEqual(Object.keys(want.profiles).sort());
      for (const p of profiles) expect(differences(p.settings, want.profiles[interfaceName(p.settings)]!), interfaceName(p.settings)).toEqual([]);
      expect(warnings.map((w) => `${w.origin.line}:${w.origin.key}`).sort()).toEqual(want.warnings.map((w) => `${w.line}:${w.key}`).sort());
      for (const w of want.warnings) {
        const got = warnings.find((x) => x.origin.line === w.line && x.origin.key === w.key)!;
        expect(got.origin.file).toBe(file);
        expect(got.message).toContain(w.contains);
        expect(got.message.startsWith(`${file}:${w.line}: `)).toBe(true);
      }
      expect(logged.sort()).toEqual(warnings.map((w) => w.message).sort());
    });
  }
});
