/**
 * The plugin as the loader sees it: a valid manifest, and a setup that
 * contributes one SettingsSource reading below the state root and honouring
 * [ifupdown] managed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConfigView, type PluginContext, type PluginManifest, type SettingsSource, Tokens } from '../../sdk/index.js';
import plugin from './index.js';
import { tempRoot } from './test/helpers.js';

const manifest = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'nmk-plugin.json'), 'utf8')) as PluginManifest;

function context(root: string, config: Record<string, string>): { ctx: PluginContext; provided: Array<[string, unknown]> } {
  const provided: Array<[string, unknown]> = [];
  const view: ConfigView = {
    get: (s, k) => config[`${s}.${k}`],
    getString: (s, k, f) => config[`${s}.${k}`] ?? f,
    getBoolean: (s, k, f) => (config[`${s}.${k}`] === undefined ? f : config[`${s}.${k}`] === 'true'),
    getInteger: (s, k, f) => Number(config[`${s}.${k}`] ?? f),
    getList: () => [],
    sections: () => [],
    origin: () => undefined,
  };
  const under = (p: string) => path.join(root, p);
  const logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger, isEnabled: () => false };
  const ctx = {
    name: manifest.name,
    manifest,
    logger,
    config: view,
    paths: { root, configFile: under('/etc/nmk/nmk.conf'), configDir: under('/etc/nmk/conf.d'), etcDir: under('/etc/nmk'), runDir: under('/run/nmk'), stateDir: under('/var/lib/nmk'), under },
    events: {} as PluginContext['events'],
    resolve: () => {
      throw new Error('not used');
    },
    resolveAll: () => [],
    provide: (token: string, value: unknown) => void provided.push([token, value]),
    providePrivate: () => {},
    onStop: () => {},
  } as unknown as PluginContext;
  return { ctx, provided };
}

let cleanup = () => {};
afterEach(() => cleanup());

describe('ifupdown plugin', () => {
  it('has a settings manifest providing contrib.settings-source', () => {
    expect(manifest).toMatchObject({ name: 'ifupdown', kind: 'settings', sdk: '^0.1.0', provides: ['contrib.settings-source'], entry: 'index.ts' });
    expect(fs.existsSync(path.join(import.meta.dirname, manifest.entry!))).toBe(true);
  });

  it('provides a source that reads below the state root and follows [ifupdown] managed', async () => {
    const t = tempRoot({ 'etc/network/interfaces': 'auto eth0\niface eth0 inet dhcp\n' });
    cleanup = t.cleanup;
    for (const [config, profiles, unmanaged] of [
      [{}, 0, ['interface-name:eth0']],
      [{ 'ifupdown.managed': 'false' }, 0, ['interface-name:eth0']],
      [{ 'ifupdown.managed': 'true' }, 1, []],
    ] as const) {
      const { ctx, provided } = context(t.root, config);
      await plugin.setup(ctx);
      expect(provided.map(([id]) => id)).toEqual([Tokens.SettingsSource]);
      const source = provided[0]![1] as SettingsSource;
      expect(source.name).toBe('ifupdown');
      expect((await source.load()).profiles).toHaveLength(profiles);
      expect(source.unmanagedSpecs!()).toEqual(unmanaged);
    }
  });
});
