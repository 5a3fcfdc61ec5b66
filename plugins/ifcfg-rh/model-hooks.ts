/**
 * The one place this plugin calls the settings model (sdk/settings): every
 * profile read is normalised and verified here, as NetworkManager's reader
 * ends with nm_connection_normalize; a profile the model refuses is an error
 * naming its file. UUIDs for new profiles, and the defaults that tell which
 * settings need no variables, come from the model too.
 */
import {
  isValidConnection,
  newUuid as modelNewUuid,
  normalizeConnection,
  propertyDefinition,
  valuesEqual,
  verifyConnection,
  type ConnectionSettings,
  type SettingValues,
} from '../../sdk/index.js';
import { ifcfgError } from './errors.js';

/** The normalised profile and what verification finds wrong with it (nothing when valid). */
export function normalizeAndVerify(settings: ConnectionSettings): { settings: ConnectionSettings; problems: string[] } {
  const normalized = normalizeConnection(settings);
  const issues = verifyConnection(normalized);
  const problems = isValidConnection(issues) ? [] : issues.filter((i) => i.severity !== 'normalizable').map((i) => i.message);
  return { settings: normalized, problems };
}

/** Normalises and verifies a profile read from `file`; throws NmkError (CONFIG_VALUE) naming the file. */
export function finishProfile(settings: ConnectionSettings, file: string): ConnectionSettings {
  const checked = normalizeAndVerify(settings);
  if (checked.problems.length) throw ifcfgError('CONFIG_VALUE', checked.problems.join('; '), { file });
  return checked.settings;
}

export function newUuid(): string {
  return modelNewUuid();
}

/**
 * Whether every property of a setting holds the model's default (an empty
 * "proxy" that normalisation adds, say): such a setting needs no variables.
 */
export function holdsOnlyDefaults(setting: string, values: SettingValues): boolean {
  return Object.entries(values).every(([property, value]) => {
    const row = propertyDefinition(setting, property);
    return row !== undefined && (value === undefined || valuesEqual(value, row.default));
  });
}
