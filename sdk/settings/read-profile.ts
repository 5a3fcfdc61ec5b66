/**
 * Where a profile read from a file meets the settings model, as
 * NetworkManager does after a settings plugin reads one
 * (nm_connection_normalize): verified first; refused when normalisation
 * cannot make it valid; otherwise normalised and verified again. The ifupdown
 * and ifnet readers did this alike; it lives here once.
 */
import { isNormalizable, isValidConnection, type VerifyIssue } from './issues.js';
import { normalizeConnection } from './normalize/normalize.js';
import type { ConnectionSettings } from './types.js';
import { verifyConnection } from './verify/verify.js';

/** The normalised settings, or the message of the issue that makes them unusable. */
export function normalizeReadProfile(settings: ConnectionSettings): { settings: ConnectionSettings } | { problem: string } {
  const issues = verifyConnection(settings);
  if (!isNormalizable(issues)) return { problem: firstProblem(issues) };
  const normalized = normalizeConnection(settings);
  const left = verifyConnection(normalized);
  if (!isValidConnection(left)) return { problem: firstProblem(left) };
  return { settings: normalized };
}

/** An error first, else the first issue normalisation cannot fix. */
function firstProblem(issues: readonly VerifyIssue[]): string {
  return (issues.find((i) => i.severity === 'error') ?? issues.find((i) => i.severity !== 'normalizable') ?? issues[0])!.message;
}
