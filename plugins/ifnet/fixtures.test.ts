/**
 * Fixture folders: test/fixtures/<case>/root/etc/conf.d/net and
 * expected.json, the profiles it must yield (compared by meaning, after
 * normalising the expectation). Each conf.d/net is also sourced by the real
 * bash first, so every fixture is a file bash accepts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../sdk/index.js';
import { bashValues } from './test/bash.js';
import { differences, FIXTURES, interfaceName, nmLegacyUuid, sourceAt } from './test/helpers.js';

const CASES = ['static', 'dhcp', 'ipv6', 'bond', 'bridge', 'vlan'];

describe('ifnet fixtures', () => {
  it('has a folder for every case and no folder without a case', () => {
    expect(fs.readdirSync(FIXTURES).filter((f) => f !== 'broken' && f !== 'lenient').sort()).toEqual([...CASES].sort());
  });

  for (const name of CASES) {
    it(`reads ${name}`, async () => {
      const root = path.join(FIXTURES, name, 'root');
      const file = path.join(root, 'etc/conf.d/net');
      expect(bashValues(fs.readFileSync(file, 'utf8'), []), 'bash accepts the fixture').toBeDefined();
      const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8')) as ConnectionSettings[];
      const { profiles, errors } = await sourceAt(root).load();
      expect(errors.map(String)).toEqual([]);
      expect(profiles.map((p) => interfaceName(p.settings)).sort()).toEqual(expected.map(interfaceName).sort());
      for (const want of expected) {
        const p = profiles.find((x) => interfaceName(x.settings) === interfaceName(want))!;
        expect(differences(p.settings, want), interfaceName(want)).toEqual([]);
        expect(p.file).toBe(file);
        expect(p.readOnly).toBe(true);
        // NetworkManager's ifnet plugin: id = interface name, UUID derived from it.
        expect(p.settings.connection!.uuid).toBe(nmLegacyUuid(interfaceName(want)));
      }
    });
  }

  it('is read only, keeps a UUID given in uuid_IFACE, and reports managed_IFACE="false" interfaces (and their ports) unmanaged', async () => {
    const { tempRoot } = await import('./test/helpers.js');
    const t = tempRoot('config_eth0="dhcp"\nuuid_eth0="0B3B1A4E-1D3E-4A7E-9A7C-2F2D3C4B5A6F"\nslaves_bond0="eth1"\nmanaged_bond0="false"\nconfig_eth2="dhcp"\nmanaged_eth2="no"\n');
    try {
      const source = sourceAt(t.root);
      const { profiles, errors } = await source.load();
      expect(errors).toEqual([]);
      expect(profiles.map((p) => interfaceName(p.settings))).toEqual(['eth0']);
      expect(profiles[0]!.settings.connection!.uuid).toBe('0b3b1a4e-1d3e-4a7e-9a7c-2f2d3c4b5a6f');
      expect(source.unmanagedSpecs().sort()).toEqual(['interface-name:bond0', 'interface-name:eth1', 'interface-name:eth2']);
      expect(source.canWrite(profiles[0]!.settings)).toBe(false);
      expect(await source.loadFile(t.file)).toBeDefined();
      expect(await source.loadFile(path.join(t.root, 'etc/conf.d/other'))).toBeUndefined();
    } finally {
      t.cleanup();
    }
  });

  it('has no profiles and no errors without a conf.d/net', async () => {
    const { tempRoot } = await import('./test/helpers.js');
    const t = tempRoot();
    try {
      expect(await sourceAt(t.root).load()).toEqual({ profiles: [], errors: [], warnings: [] });
    } finally {
      t.cleanup();
    }
  });
});
