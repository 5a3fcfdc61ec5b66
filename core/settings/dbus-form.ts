/**
 * Profiles on the wire: the model's D-Bus form (sdk/settings toDBus/fromDBus,
 * which know every property's signature) turned into the D-Bus layer's
 * variants, and decoded call arguments turned back into settings. A profile
 * that cannot be decoded is NetworkManager's error for it (an unknown setting
 * is ...Settings.Connection.InvalidSetting, an unknown property or a value of
 * the wrong type ...InvalidProperty), naming the setting and property.
 */
import { fromDBus, NmkError, toDBus, type ConnectionSettings } from '../../sdk/index.js';
import { Variant, variant } from '../dbus/values.js';
import { issuesError } from './validate.js';

export type WireSettings = Record<string, Record<string, Variant>>;

export function settingsToWire(settings: ConnectionSettings, opts: { withSecrets: boolean; onlySecrets?: boolean }): WireSettings {
  const d = toDBus(settings, { withSecrets: opts.withSecrets, onlySecrets: opts.onlySecrets });
  const out: WireSettings = {};
  for (const [setting, props] of Object.entries(d)) {
    const o: Record<string, Variant> = {};
    for (const [name, v] of Object.entries(props)) o[name] = variant(v.signature, v.value);
    out[setting] = o;
  }
  return out;
}

/** Decoded a{sa{sv}} (dbus-next Variants) to settings; problems name the setting and property. */
export function settingsFromWire(arg: unknown): ConnectionSettings {
  if (!arg || typeof arg !== 'object') throw new NmkError('INVALID_ARGS', 'expected a{sa{sv}} connection settings');
  const dict: Record<string, Record<string, { signature: string; value: unknown }>> = {};
  for (const [setting, props] of Object.entries(arg as Record<string, Record<string, Variant>>)) {
    dict[setting] = {};
    for (const [name, v] of Object.entries(props ?? {})) {
      dict[setting][name] = { signature: (v as Variant).signature, value: (v as Variant).value };
    }
  }
  // As NetworkManager's daemon: when a client sends both forms, the legacy one wins
  // (an old client that edits only 'addresses' must be understood). Strict: an
  // address or route that does not read is refused, not dropped in silence.
  const { settings, issues: all } = fromDBus(dict, { preferLegacy: true, strict: true });
  const issues = all.filter((i) => i.severity === 'error');
  if (issues.length) throw issuesError(issues);
  return settings;
}
