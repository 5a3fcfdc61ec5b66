/**
 * AddConnection2's and Update2's `plugin` argument: the profile goes to that
 * settings plugin (and moves there on an update); a plugin that is not loaded,
 * or that keeps no runtime profiles, "is not available" (NetworkManager's
 * Settings.InvalidArguments), and nothing is written anywhere.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings, SettingsSource, SourceProfile, WriteOptions } from '../../sdk/index.js';
import { MergedConfig } from '../config/merged-config.js';
import { LocalEventBus } from '../events/event-bus.js';
import { recordingLogger } from '../../test/harness/dbus.js';
import { SettingsStore } from './settings-store.js';

/** A settings plugin in memory: `files` is what it has written. */
function memorySource(name: string, opts: { runtime: boolean }): SettingsSource & { files: Map<string, ConnectionSettings> } {
  const files = new Map<string, ConnectionSettings>();
  return {
    name,
    files,
    load: async () => ({ profiles: [...files].map(([file, settings]) => ({ settings, file })), errors: [] }),
    canWrite: (_s: ConnectionSettings, o: WriteOptions) => o.persist === 'disk' || opts.runtime,
    write: async (settings: ConnectionSettings, o: WriteOptions, previous?: SourceProfile) => {
      const file = previous?.file ?? `/${name}/${String(settings.connection?.id)}`;
      files.set(file, settings);
      return { settings, file, ...(o.persist === 'memory' ? { runtime: true } : {}) };
    },
    delete: async (p: SourceProfile) => void files.delete(p.file),
  };
}

function setup() {
  const logger = recordingLogger();
  const ifcfg = memorySource('ifcfg-rh', { runtime: false });
  const keyfile = memorySource('keyfile', { runtime: true });
  const store = new SettingsStore(() => [ifcfg, keyfile], new LocalEventBus(logger), logger, new MergedConfig());
  return { store, ifcfg, keyfile };
}
const eth = (id: string): ConnectionSettings => ({ connection: { id, uuid: '3c5e2a4e-8b51-4f0e-9a59-6f6e1d2c4b70', type: '802-3-ethernet' } });

describe('the settings store and a named plugin', () => {
  it('adds to the named plugin instead of the first one', async () => {
    const { store, ifcfg, keyfile } = setup();
    const p = await store.add(eth('a'), { persist: 'disk' }, 'keyfile');
    expect(p.source.name).toBe('keyfile');
    expect([...keyfile.files.keys()]).toEqual(['/keyfile/a']);
    expect(ifcfg.files.size).toBe(0);
  });

  it('refuses a plugin that is not loaded, or one without runtime profiles for IN_MEMORY, writing nothing', async () => {
    const { store, ifcfg, keyfile } = setup();
    for (const [plugin, persist] of [['ifupdown', 'disk'], ['ifcfg-rh', 'memory']] as const) {
      const err = await store.add(eth('a'), { persist }, plugin).catch((e) => e);
      expect(err.dbusName).toBe('org.freedesktop.NetworkManager.Settings.InvalidArguments');
      expect(err.message).toBe(`a plugin by the name of '${plugin}' is not available`);
    }
    expect(ifcfg.files.size + keyfile.files.size).toBe(0);
    expect(store.size).toBe(0);
  });

  it('moves a profile to the named plugin on update, removing it from the old one', async () => {
    const { store, ifcfg, keyfile } = setup();
    const p = await store.add(eth('a'), { persist: 'disk' });
    expect(p.source.name).toBe('ifcfg-rh');
    await store.update(p, eth('a'), 'keep', 'keyfile');
    expect(p.source.name).toBe('keyfile');
    expect([...keyfile.files.keys()]).toEqual(['/keyfile/a']);
    expect(ifcfg.files.size).toBe(0);
    // Naming the plugin it is already in just updates it there.
    await store.update(p, eth('b'), 'keep', 'keyfile');
    expect([...keyfile.files.values()].map((s) => s.connection?.id)).toEqual(['b']);
  });
});
