/**
 * Which discovered plugins run, and in what order.
 *  - settings plugins: those named in [main] plugins, in that order (NetworkManager's
 *    meaning of the key); keyfile always;
 *  - every other plugin with autoload unset or true, plus those in [plugins] enable,
 *    minus those in [plugins] disable;
 *  - a plugin's needs are pulled in; a missing need, or a cycle, fails that plugin;
 *  - order: dependencies first, otherwise discovery order (built-in first).
 * Problems are returned as errors naming the config file and line, not thrown.
 */
import { NmkError, type ConfigView } from '../../sdk/index.js';
import type { PluginCandidate } from './manifest.js';

export const ALWAYS_LOADED = ['keyfile'];

export interface Selection {
  ordered: PluginCandidate[];
  /** Names whose failure stops start-up. */
  required: Set<string>;
  errors: NmkError[];
}

function originOf(config: ConfigView, section: string, key: string) {
  const o = config.origin(section, key);
  if (!o) return {};
  const i = o.lastIndexOf(':');
  return { file: o.slice(0, i), line: Number(o.slice(i + 1)), key: `${section}.${key}` };
}

export function selectPlugins(found: PluginCandidate[], config: ConfigView): Selection {
  const errors: NmkError[] = [];
  const byName = new Map(found.map((c) => [c.manifest.name, c]));
  const wanted = new Set<string>();

  const settingsNamed = config.getList('main', 'plugins');
  for (const name of [...settingsNamed, ...ALWAYS_LOADED]) {
    const c = byName.get(name);
    if (!c) {
      if (!ALWAYS_LOADED.includes(name)) {
        errors.push(new NmkError('PLUGIN_NOT_FOUND', `unknown plugin '${name}' in [main] plugins; known settings plugins: ${found.filter((f) => f.manifest.kind === 'settings').map((f) => f.manifest.name).join(', ') || 'none'}`, originOf(config, 'main', 'plugins')));
      }
      continue;
    }
    if (c.manifest.kind !== 'settings') {
      errors.push(new NmkError('PLUGIN_NOT_FOUND', `plugin '${name}' in [main] plugins is a ${c.manifest.kind} plugin, not a settings plugin; use [plugins] enable`, originOf(config, 'main', 'plugins')));
      continue;
    }
    wanted.add(name);
  }

  const disabled = new Set(config.getList('plugins', 'disable'));
  for (const c of found) {
    if (c.manifest.kind === 'settings' || c.manifest.autoload === false) continue;
    if (!disabled.has(c.manifest.name)) wanted.add(c.manifest.name);
  }
  for (const name of config.getList('plugins', 'enable')) {
    const c = byName.get(name);
    if (!c) errors.push(new NmkError('PLUGIN_NOT_FOUND', `unknown plugin '${name}' in [plugins] enable`, originOf(config, 'plugins', 'enable')));
    else wanted.add(name);
  }
  // Disabling a plugin that is not installed is what a profile does for plugins a
  // package may leave out (device-wifi on a server): nothing to report.

  const required = new Set(config.getList('plugins', 'required'));
  for (const name of required) {
    if (!byName.has(name)) errors.push(new NmkError('PLUGIN_NOT_FOUND', `required plugin '${name}' is not installed`, originOf(config, 'plugins', 'required')));
    else wanted.add(name);
  }

  // Depth-first topological order; needs are pulled in even if not named.
  const ordered: PluginCandidate[] = [];
  const state = new Map<string, 'visiting' | 'done' | 'failed'>();
  const visit = (name: string, chain: string[]): boolean => {
    const s = state.get(name);
    if (s === 'done') return true;
    if (s === 'failed') return false;
    const c = byName.get(name)!;
    if (s === 'visiting') {
      const cycle = [...chain.slice(chain.indexOf(name)), name].join(' -> ');
      errors.push(new NmkError('PLUGIN_DEPENDENCY', `dependency cycle: ${cycle}`, { plugin: name, file: c.manifestFile }));
      return false;
    }
    state.set(name, 'visiting');
    for (const need of c.manifest.needs ?? []) {
      if (!byName.has(need)) {
        errors.push(new NmkError('PLUGIN_DEPENDENCY', `needs plugin '${need}', which is not installed`, { plugin: name, file: c.manifestFile }));
        state.set(name, 'failed');
        return false;
      }
      if (!visit(need, [...chain, name])) {
        errors.push(new NmkError('PLUGIN_DEPENDENCY', `not loaded because plugin '${need}' it needs cannot be loaded`, { plugin: name, file: c.manifestFile }));
        state.set(name, 'failed');
        return false;
      }
    }
    state.set(name, 'done');
    ordered.push(c);
    return true;
  };
  for (const c of found) if (wanted.has(c.manifest.name)) visit(c.manifest.name, []);
  // Settings plugins keep the [main] plugins order relative to each other.
  const settingsOrder = [...settingsNamed, ...ALWAYS_LOADED];
  const settings = ordered.filter((c) => c.manifest.kind === 'settings');
  settings.sort((a, b) => settingsOrder.indexOf(a.manifest.name) - settingsOrder.indexOf(b.manifest.name));
  let si = 0;
  const final = ordered.map((c) => (c.manifest.kind === 'settings' ? settings[si++]! : c));
  return { ordered: final, required, errors };
}
