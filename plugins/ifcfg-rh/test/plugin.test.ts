import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectSettingsManifest, settingsSourceOf, tempTree } from '../../../test/harness/settings-plugins.js';
import plugin from '../index.js';

const PLUGIN_DIR = join(import.meta.dirname, '..');

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function stateRoot(): string {
  const t = tempTree('nmk-ifcfg-plugin-');
  cleanups.push(t.cleanup);
  return t.root;
}

describe('the ifcfg-rh plugin', () => {
  it('has the manifest the loader expects', () => {
    expectSettingsManifest(PLUGIN_DIR, 'ifcfg-rh');
  });

  it('provides a SettingsSource reading network-scripts below the state root', async () => {
    const root = stateRoot();
    const dir = join(root, 'etc/sysconfig/network-scripts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ifcfg-eth0'), 'DEVICE=eth0\nBOOTPROTO=dhcp\n');
    writeFileSync(join(dir, 'ifcfg-eth1'), 'DEVICE=eth1\nNM_CONTROLLED=no\n');
    const source = await settingsSourceOf(plugin, { pluginDir: PLUGIN_DIR, root });
    expect(source.name).toBe('ifcfg-rh');
    const result = await source.load();
    expect(result.profiles.map((p) => p.file)).toEqual([join(dir, 'ifcfg-eth0')]);
    // The UUID of a file without UUID derives from the path NetworkManager sees, not the state root.
    expect(result.profiles[0]!.settings.connection!.uuid).toBe('5fb06bd0-0bb0-7ffb-45f1-d6edd65f3e03');
    expect(source.unmanagedSpecs!()).toEqual(['interface-name:eth1']);
  });

  it('loads nothing, without error, when network-scripts does not exist', async () => {
    const source = await settingsSourceOf(plugin, { pluginDir: PLUGIN_DIR, root: stateRoot() });
    expect(await source.load()).toEqual({ profiles: [], errors: [], warnings: [] });
  });
});
