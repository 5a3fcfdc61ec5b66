/**
 * Profiles arriving from outside (D-Bus) are normalised and verified with the
 * model's rules before any plugin sees them; the first problem is the error,
 * naming the setting, the property and the value. The error's code gives
 * NetworkManager's D-Bus name for that kind of problem (libnm's
 * NM_CONNECTION_ERROR, ...Settings.Connection.InvalidProperty and the like),
 * so a client sees the same error names as from NetworkManager.
 */
import { NmkError, normalizeConnection, verifyConnection, type ConnectionSettings, type ErrorCode, type VerifyIssue } from '../../sdk/index.js';

/** NetworkManager's error for one issue: about a property or a whole setting, missing or invalid. */
export function issueCode(issue: VerifyIssue): ErrorCode {
  // The verifiers word absence as "property is missing" and "setting required ..." (NM's own wording).
  if (issue.property !== undefined) return /: property is missing\b/.test(issue.message) ? 'MISSING_PROPERTY' : 'INVALID_PROPERTY';
  return /: setting (is )?required\b/.test(issue.message) ? 'MISSING_SETTING' : 'INVALID_SETTING';
}

/** One error for a list of refused issues: the first one's code and key, every message. */
export function issuesError(issues: readonly VerifyIssue[]): NmkError {
  const first = issues[0]!;
  return new NmkError(issueCode(first), issues.map((i) => i.message).join('; '), {
    key: first.property !== undefined ? `${first.setting}.${first.property}` : first.setting || undefined,
  });
}

export function checkIncoming(input: ConnectionSettings): ConnectionSettings {
  const settings = normalizeConnection(input);
  const issues = verifyConnection(settings).filter((i) => i.severity !== 'normalizable');
  if (issues.length) throw issuesError(issues);
  return settings;
}
