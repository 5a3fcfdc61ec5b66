/**
 * The team and team-port settings hold one teamd configuration twice: as the
 * JSON "config" and as properties (runner, link-watchers...). NetworkManager
 * 1.42 keeps the two in step inside the setting (nm-team-utils.c), and so
 * does this step:
 * - a config given wins: the properties become what NetworkManager reads
 *   from it (others sent beside it are ignored, as NetworkManager does);
 * - no config: NetworkManager synthesises one from the properties set, and
 *   the properties become what it would read back from that config (what a
 *   keyfile, which keeps only the config, gives after a restart).
 */
import { TEAM_JSON_SETTINGS, type TeamJsonRow } from '../tables/team-json.js';
import type { ConnectionSettings, SettingValues } from '../types.js';
import { isPlainObject } from '../values.js';
import { teamJsonFromProperties, teamPropertiesFromJson } from './team-json.js';

function replaceProperties(rows: readonly TeamJsonRow[], values: SettingValues, derived: SettingValues): void {
  for (const r of rows) delete values[r.property];
  Object.assign(values, derived);
}

function syncSetting(rows: readonly TeamJsonRow[], values: SettingValues): void {
  const config = values['config'];
  if (config === '') {
    // An empty config is NetworkManager's "no config": every property back to its default.
    delete values['config'];
    replaceProperties(rows, values, {});
    return;
  }
  if (typeof config === 'string') {
    const derived = teamPropertiesFromJson(rows, config);
    // Not a JSON object: verification reports it, so the profile never gets here normalised.
    if (derived) replaceProperties(rows, values, derived);
    return;
  }
  if (config !== undefined) return;
  const built = teamJsonFromProperties(rows, values);
  if (built === undefined) return;
  values['config'] = built;
  replaceProperties(rows, values, teamPropertiesFromJson(rows, built)!);
}

/** Brings config and properties of the team and team-port settings into step, in place. */
export function syncTeamSettings(s: ConnectionSettings): void {
  for (const [name, rows] of Object.entries(TEAM_JSON_SETTINGS)) {
    const values = s[name];
    if (isPlainObject(values)) syncSetting(rows, values as SettingValues);
  }
}
