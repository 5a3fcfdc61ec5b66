/**
 * Files NetworkManager would load while ignoring part of them: each folder of
 * test/fixtures/lenient holds a tree (root/) and case.json with every warning
 * (file, line, key, part of the text) and the profiles that must load, by
 * interface, compared by meaning. A warning never costs a profile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings, Logger } from '../../sdk/index.js';
import { IfupdownSource } from './source.js';
import { differences, FIXTURES, interfaceName } from './test/helpers.js';

interface Case {
  warnings: Array<{ file: string; line: number; key: string; contains: string }>;
  profiles: Record<string, ConnectionSettings>;
}

const DIR = path.join(FIXTURES, 'lenient');

describe('ifupdown input loaded with warnings', () => {
  for (const name of fs.readdirSync(DIR).sort()) {
    it(`${name}: every profile loads, each warning names file, line and key`, async () => {
      const root = path.join(DIR, name, 'root');
      const want = JSON.parse(fs.readFileSync(path.join(DIR, name, 'case.json'), 'utf8')) as Case;
      const logged: string[] = [];
      const nothing = (): void => undefined;
      const logger: Logger = { trace: nothing, debug: nothing, info: nothing, error: nothing, warn: (m: string) => void logged.push(m), child: () => logger, isEnabled: () => true };
      const source = new IfupdownSource({ under: (p) => path.join(root, p), managed: () => true, logger });
      const { profiles, errors, warnings } = await source.load();
      expect(errors.map(String)).toEqual([]);
      expect(profiles.map((p) => interfaceName(p.settings)).sort()).toEqual(Object.keys(want.profiles).sort());
      for (const p of profiles) expect(differences(p.settings, want.profiles[interfaceName(p.settings)]!), interfaceName(p.settings)).toEqual([]);

      const where = (w: { file: string; line: number; key: string }) => `${w.file}:${w.line}:${w.key}`;
      expect(warnings.map((w) => where({ file: path.relative(root, w.origin.file ?? ''), line: w.origin.line ?? 0, key: w.origin.key ?? '' })).sort()).toEqual(want.warnings.map(where).sort());
      for (const w of want.warnings) {
        const file = path.join(root, w.file);
        const got = warnings.find((x) => x.origin.file === file && x.origin.line === w.line && x.origin.key === w.key);
        expect(got?.message, where(w)).toContain(w.contains);
        expect(got!.message.startsWith(`${file}:${w.line}: `)).toBe(true);
      }
      expect(logged.sort()).toEqual(warnings.map((w) => w.message).sort());
    });
  }
});
