/**
 * The plugin as the loader sees it: a valid manifest, and a setup that
 * contributes one SettingsSource reading below the state root.
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

describe('ifnet plugin', () => {
  it('has a settings manifest providing contrib.settings-source', () => {
    expect(manifest).toMatchObject({ name: 'ifnet', kind: 'settings', sdk: '^0.1.0', provides: ['contrib.settings-source'], entry: 'index.ts' });
    expect(fs.existsSync(path.join(import.meta.dirname, manifest.entry!))).toBe(true);
  });

  it('provides a read-only source that reads /etc/conf.d/net below the state root', async () => {
    const t = tempRoot('config_eth0="dhcp"\n');
    cleanup = t.cleanup;
    const { ctx, provided } = context(t.root, {});
    await plugin.setup(ctx);
    expect(provided.map(([id]) => id)).toEqual([Tokens.SettingsSource]);
    const source = provided[0]![1] as SettingsSource;
    expect(source.name).toBe('ifnet');
    const { profiles } = await source.load();
    expect(profiles.map((p) => [p.settings.connection!['interface-name'], p.file, p.readOnly])).toEqual([['eth0', t.file, true]]);
    expect(source.write).toBeUndefined();
  });
});
