/**
 * The one place a read profile meets the settings model (the SDK's
 * normalizeReadProfile, as NetworkManager normalises what a settings plugin
 * reads). The refusal is a CONFIG_VALUE error on the interface's first variable.
 */
import { type ConnectionSettings, NmkError, normalizeReadProfile } from '../../../sdk/index.js';
import { PLUGIN } from './read-conf.js';

/** Normalised settings, or why they cannot be, as an error at file:line:key. */
export function finishProfile(settings: ConnectionSettings, file: string, line: number, key: string): { settings: ConnectionSettings } | { error: NmkError } {
  const done = normalizeReadProfile(settings);
  if ('problem' in done) return { error: new NmkError('CONFIG_VALUE', `invalid profile: ${done.problem}`, { plugin: PLUGIN, file, line, key }) };
  return done;
}
