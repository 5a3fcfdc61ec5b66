/**
 * Everything the keyfile plugin asks of the settings model (sdk/settings), in
 * one place: which settings and properties exist and their types, the
 * keyfile group alias of a setting, and normalisation plus verification.
 */
import {
  bondModeFromString,
  bondOption,
  bondOptionSupported,
  keyfileAlias,
  normalizeAndVerifyConnection,
  resolveSettingAlias,
  settingDefinition,
  type ConnectionSettings,
  type PropertyDefinition,
  type SettingDefinition,
  type VerifyIssue,
} from '../../sdk/index.js';

export type { PropertyDefinition, SettingDefinition };
export { bondModeFromString, bondOption, bondOptionSupported };

/** The setting a keyfile group holds: "[ethernet]" and "[802-3-ethernet]" are both 802-3-ethernet. */
export function settingForGroup(group: string): SettingDefinition | undefined {
  return settingDefinition(group);
}

/** The group name NetworkManager writes for a setting: its keyfile alias when it has one. */
export function groupForSetting(def: SettingDefinition): string {
  return keyfileAlias(def.name);
}

/** A setting name or keyfile alias → the canonical setting name (connection.type and slave-type values). */
export function canonicalSettingName(name: string): string {
  return resolveSettingAlias(name);
}

/** The keyfile alias of a setting name, or the name itself (connection.type on write). */
export function aliasOfSettingName(name: string): string {
  return keyfileAlias(name);
}

/** The mode of a bond whose options name none (the default of bond.options). */
export const BOND_DEFAULT_MODE = (settingDefinition('bond')?.properties.find((p) => p.name === 'options')?.default as Record<string, string> | undefined)?.mode ?? 'balance-rr';

export type VerifyProblem = VerifyIssue;

/** Normalises, then verifies; the problems that make the profile invalid are returned, not thrown. */
export function normalizeAndVerify(settings: ConnectionSettings): { settings: ConnectionSettings; problems: VerifyIssue[] } {
  // One call: a profile NetworkManager wrote is already normal, and is then verified once, not twice.
  const { settings: normalized, issues } = normalizeAndVerifyConnection(settings);
  // 'normalizable' issues leave the profile valid (NetworkManager's verify succeeds); the rest make it invalid.
  return { settings: normalized, problems: issues.filter((i) => i.severity !== 'normalizable') };
}
