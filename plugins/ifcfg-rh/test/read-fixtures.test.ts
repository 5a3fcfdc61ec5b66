/**
 * Fixture folders: fixtures/read/CASE/network-scripts holds ifcfg files as a
 * distribution has them; CASE/expected.json holds the profiles they must give
 * (NetworkManager's settings, default values left out) and the unmanaged specs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../../sdk/index.js';
import { finishProfile } from '../model-hooks.js';
import { FIXTURES, scratchDir } from './helpers.js';

interface Expected {
  profiles: Record<string, ConnectionSettings>;
  unmanaged?: string[];
}

const cases = readdirSync(join(FIXTURES, 'read')).sort();

describe('reading fixture folders', () => {
  it('has the cases the issue asks for', () => {
    expect(cases).toEqual(expect.arrayContaining(['ethernet-static', 'ethernet-dhcp', 'bond', 'bridge', 'vlan', 'infiniband', 'ipv6', 'routes', 'unmanaged']));
  });

  it.each(cases)('%s', async (name) => {
    const folder = join(FIXTURES, 'read', name);
    const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Expected;
    const s = scratchDir(join(folder, 'network-scripts'));
    try {
      const result = await s.source.load();
      expect(result.errors.map((e) => e.message)).toEqual([]);
      const got = Object.fromEntries(result.profiles.map((p) => [p.file.slice(s.dir.length + 1), p.settings]));
      const want = Object.fromEntries(Object.entries(expected.profiles).map(([file, settings]) => [file, finishProfile(settings, file)]));
      expect(got).toEqual(want);
      expect(s.source.unmanagedSpecs()).toEqual(expected.unmanaged ?? []);
    } finally {
      s.cleanup();
    }
  });
});
