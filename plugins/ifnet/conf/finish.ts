/**
 * The one place a read profile meets the settings model, as NetworkManager
 * does after a settings plugin reads a file (nm_connection_normalize):
 * verified, normalised, and refused when normalisation cannot make it valid.
 * The refusal is a CONFIG_VALUE error on the interface's first variable.
 */
import { type ConnectionSettings, isNormalizable, isValidConnection, normalizeConnection, NmkError, verifyConnection, type VerifyIssue } from '../../../sdk/index.js';
import { PLUGIN } from './read-conf.js';

function firstError(issues: VerifyIssue[]): string {
  return (issues.find((i) => i.severity === 'error') ?? issues.find((i) => i.severity !== 'normalizable') ?? issues[0])!.message;
}

/** Normalised settings, or why they cannot be, as an error at file:line:key. */
export function finishProfile(settings: ConnectionSettings, file: string, line: number, key: string): { settings: ConnectionSettings } | { error: NmkError } {
  const fail = (issues: VerifyIssue[]) => ({ error: new NmkError('CONFIG_VALUE', `invalid profile: ${firstError(issues)}`, { plugin: PLUGIN, file, line, key }) });
  const issues = verifyConnection(settings);
  if (!isNormalizable(issues)) return fail(issues);
  const normalized = normalizeConnection(settings);
  const left = verifyConnection(normalized);
  if (!isValidConnection(left)) return fail(left);
  return { settings: normalized };
}
