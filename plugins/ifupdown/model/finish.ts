/**
 * The one place a read profile meets the settings model (the SDK's
 * normalizeReadProfile, as NetworkManager normalises what a settings plugin
 * reads). The refusal is a CONFIG_VALUE error on the profile's stanza.
 */
import { type ConnectionSettings, normalizeConnection, normalizeReadProfile, type NmkError } from '../../../sdk/index.js';
import { valueError } from '../eni/document.js';

export function normalize(settings: ConnectionSettings): ConnectionSettings {
  return normalizeConnection(settings);
}

/** Normalised settings, or why they cannot be, as an error at file:line. */
export function finishProfile(settings: ConnectionSettings, file: string, line: number): { settings: ConnectionSettings } | { error: NmkError } {
  const done = normalizeReadProfile(settings);
  if ('problem' in done) return { error: valueError(file, line, 'iface', `invalid profile: ${done.problem}`) };
  return done;
}
