import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Tokens, type ConfigView, type Logger, type PluginContext, type SettingsSource } from '../../../sdk/index.js';
import plugin from '../index.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

const silent: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
  isEnabled: () => false,
};

function context(root: string, provided: Array<[string, unknown]>): PluginContext {
  const config: ConfigView = {
    get: () => undefined,
    getString: (_s, _k, f) => f,
    getBoolean: (_s, _k, f) => f,
    getInteger: (_s, _k, f) => f,
    getList: () => [],
    sections: () => [],
    origin: () => undefined,
  };
  const under = (p: string): string => join(root, p);
  return {
    name: 'ifcfg-rh',
    manifest: JSON.parse(readFileSync(join(import.meta.dirname, '../nmk-plugin.json'), 'utf8')),
    logger: silent,
    config,
    paths: { root, configFile: under('/etc/nmk/nmk.conf'), configDir: under('/etc/nmk/conf.d'), etcDir: under('/etc/nmk'), runDir: under('/run/nmk'), stateDir: under('/var/lib/nmk'), under },
    events: undefined as never,
    resolve: () => undefined as never,
    resolveAll: () => [],
    provide: (token, value) => void provided.push([token, value]),
    providePrivate: () => undefined,
    onStop: () => undefined,
  };
}

describe('the ifcfg-rh plugin', () => {
  it('has the manifest the loader expects', () => {
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../nmk-plugin.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'ifcfg-rh', kind: 'settings', sdk: '^0.1.0', provides: ['contrib.settings-source'], entry: 'index.ts' });
  });

  it('provides a SettingsSource reading network-scripts below the state root', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nmk-ifcfg-plugin-'));
    roots.push(root);
    const dir = join(root, 'etc/sysconfig/network-scripts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ifcfg-eth0'), 'DEVICE=eth0\nBOOTPROTO=dhcp\n');
    writeFileSync(join(dir, 'ifcfg-eth1'), 'DEVICE=eth1\nNM_CONTROLLED=no\n');
    const provided: Array<[string, unknown]> = [];
    await plugin.setup(context(root, provided));
    expect(provided.map(([t]) => t)).toEqual([Tokens.SettingsSource]);
    const source = provided[0]![1] as SettingsSource;
    expect(source.name).toBe('ifcfg-rh');
    const result = await source.load();
    expect(result.profiles.map((p) => p.file)).toEqual([join(dir, 'ifcfg-eth0')]);
    // The UUID of a file without UUID derives from the path NetworkManager sees, not the state root.
    expect(result.profiles[0]!.settings.connection!.uuid).toBe('5fb06bd0-0bb0-7ffb-45f1-d6edd65f3e03');
    expect(source.unmanagedSpecs!()).toEqual(['interface-name:eth1']);
  });

  it('loads nothing, without error, when network-scripts does not exist', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nmk-ifcfg-plugin-'));
    roots.push(root);
    const provided: Array<[string, unknown]> = [];
    await plugin.setup(context(root, provided));
    expect(await (provided[0]![1] as SettingsSource).load()).toEqual({ profiles: [], errors: [] });
  });
});
