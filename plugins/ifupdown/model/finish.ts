/**
 * The one place a read profile meets the settings model, as NetworkManager
 * does after a settings plugin reads a file (nm_connection_normalize):
 * verified, normalised, and refused when normalisation cannot make it valid.
 * The refusal is a CONFIG_VALUE error on the profile's stanza.
 */
import { type ConnectionSettings, isNormalizable, isValidConnection, normalizeConnection, type NmkError, verifyConnection, type VerifyIssue } from '../../../sdk/index.js';
import { valueError } from '../eni/document.js';

export function normalize(settings: ConnectionSettings): ConnectionSettings {
  return normalizeConnection(settings);
}

function firstError(issues: VerifyIssue[]): string {
  return (issues.find((i) => i.severity === 'error') ?? issues.find((i) => i.severity !== 'normalizable') ?? issues[0])!.message;
}

/** Normalised settings, or why they cannot be, as an error at file:line. */
export function finishProfile(settings: ConnectionSettings, file: string, line: number): { settings: ConnectionSettings } | { error: NmkError } {
  const issues = verifyConnection(settings);
  if (!isNormalizable(issues)) return { error: valueError(file, line, 'iface', `invalid profile: ${firstError(issues)}`) };
  const normalized = normalizeConnection(settings);
  const left = verifyConnection(normalized);
  if (!isValidConnection(left)) return { error: valueError(file, line, 'iface', `invalid profile: ${firstError(left)}`) };
  return { settings: normalized };
}
