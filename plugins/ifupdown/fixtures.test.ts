/**
 * Fixture folders: test/fixtures/<case>/root is a tree standing in for /,
 * expected.json the profiles it must yield, in order, with the file each
 * comes from. Comparison is by meaning (absent = NetworkManager's default)
 * after normalising the expectation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../sdk/index.js';
import { differences, FIXTURES, interfaceName, nmLegacyUuid, sourceAt } from './test/helpers.js';

interface Expected {
  file: string;
  settings: ConnectionSettings;
}

const CASES = ['static', 'dhcp', 'ipv6', 'bond', 'bridge', 'vlan', 'source-directory'];

describe('ifupdown fixtures', () => {
  it('has a folder for every case and no folder without a case', () => {
    const folders = fs.readdirSync(FIXTURES).filter((f) => f !== 'broken' && f !== 'lenient');
    expect(folders.sort()).toEqual([...CASES].sort());
  });

  for (const name of CASES) {
    it(`reads ${name}`, async () => {
      const root = path.join(FIXTURES, name, 'root');
      const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected[];
      const { profiles, errors } = await sourceAt(root).load();
      expect(errors.map(String)).toEqual([]);
      expect(profiles.map((p) => interfaceName(p.settings))).toEqual(expected.map((e) => interfaceName(e.settings)));
      profiles.forEach((p, i) => {
        const want = expected[i]!;
        expect(path.relative(root, p.file), interfaceName(want.settings)).toBe(want.file);
        expect(differences(p.settings, want.settings), interfaceName(want.settings)).toEqual([]);
        expect(p.readOnly).toBeFalsy();
      });
    });
  }

  it("names profiles and derives their UUIDs as NetworkManager's ifupdown plugin does, the same on every read", async () => {
    const root = path.join(FIXTURES, 'bond', 'root');
    const first = await sourceAt(root).load();
    const second = await sourceAt(root).load();
    expect(first.profiles.map((p) => p.settings.connection!.uuid)).toEqual(second.profiles.map((p) => p.settings.connection!.uuid));
    for (const p of first.profiles) {
      const name = interfaceName(p.settings);
      expect(p.settings.connection!.id).toBe(`Ifupdown (${name})`);
      expect(p.settings.connection!.uuid).toBe(nmLegacyUuid(`Ifupdown (${name})`));
    }
    // A vector computed outside this code (python3 hashlib.md5(b'Ifupdown (eth0)')).
    expect(nmLegacyUuid('Ifupdown (eth0)')).toBe('681b428f-beaf-8932-dce4-687ed5bae28e');
  });

  it('with [ifupdown] managed=false yields no profile and reports every configured interface unmanaged', async () => {
    const source = sourceAt(path.join(FIXTURES, 'bond', 'root'), false);
    const { profiles, errors } = await source.load();
    expect(errors).toEqual([]);
    expect(profiles).toEqual([]);
    expect(source.unmanagedSpecs().sort()).toEqual(['bond0', 'bond1', 'eth0', 'eth1', 'eth2', 'eth3', 'eth4'].map((n) => `interface-name:${n}`));
    expect(sourceAt(path.join(FIXTURES, 'bond', 'root'), true).unmanagedSpecs()).toEqual([]);
  });

  it('loads one file on request and declines files that are not its own', async () => {
    const root = path.join(FIXTURES, 'source-directory', 'root');
    const source = sourceAt(root);
    const one = await source.loadFile(path.join(root, 'etc/network/extra/a.cfg'));
    expect(one?.profiles.map((p) => interfaceName(p.settings))).toEqual(['eth4']);
    expect(await source.loadFile(path.join(root, 'etc/network/extra/c.txt'))).toBeUndefined();
  });
});
