/**
 * The plugin as the loader sees it: a valid manifest, and a setup that
 * contributes one SettingsSource reading below the state root.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { expectSettingsManifest, settingsSourceOf } from '../../test/harness/settings-plugins.js';
import plugin from './index.js';
import { tempRoot } from './test/helpers.js';

describe('ifnet plugin', () => {
  it('has a settings manifest providing contrib.settings-source', () => {
    expectSettingsManifest(import.meta.dirname, 'ifnet');
  });

  it('provides a read-only source that reads /etc/conf.d/net below the state root', async () => {
    const t = tempRoot('config_eth0="dhcp"\n');
    onTestFinished(t.cleanup);
    const source = await settingsSourceOf(plugin, { pluginDir: import.meta.dirname, root: t.root });
    expect(source.name).toBe('ifnet');
    const { profiles } = await source.load();
    expect(profiles.map((p) => [p.settings.connection!['interface-name'], p.file, p.readOnly])).toEqual([['eth0', t.file, true]]);
    expect(source.write).toBeUndefined();
  });
});
