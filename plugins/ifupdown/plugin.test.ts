/**
 * The plugin as the loader sees it: a valid manifest, and a setup that
 * contributes one SettingsSource reading below the state root and honouring
 * [ifupdown] managed.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { expectSettingsManifest, settingsSourceOf } from '../../test/harness/settings-plugins.js';
import plugin from './index.js';
import { tempRoot } from './test/helpers.js';

describe('ifupdown plugin', () => {
  it('has a settings manifest providing contrib.settings-source', () => {
    expectSettingsManifest(import.meta.dirname, 'ifupdown');
  });

  it('provides a source that reads below the state root and follows [ifupdown] managed', async () => {
    const t = tempRoot({ 'etc/network/interfaces': 'auto eth0\niface eth0 inet dhcp\n' });
    onTestFinished(t.cleanup);
    for (const [config, profiles, unmanaged] of [
      [{}, 0, ['interface-name:eth0']],
      [{ 'ifupdown.managed': 'false' }, 0, ['interface-name:eth0']],
      [{ 'ifupdown.managed': 'true' }, 1, []],
    ] as const) {
      const source = await settingsSourceOf(plugin, { pluginDir: import.meta.dirname, root: t.root, config });
      expect(source.name).toBe('ifupdown');
      expect((await source.load()).profiles).toHaveLength(profiles);
      expect(source.unmanagedSpecs!()).toEqual(unmanaged);
    }
  });
});
