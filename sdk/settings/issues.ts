/**
 * What verification reports. Severities follow NetworkManager's verify
 * results: an 'error' makes the profile invalid and normalisation cannot
 * repair it; a 'normalizable-error' makes it invalid as it stands but
 * normalizeConnection repairs it; 'normalizable' means the profile is valid
 * and normalizeConnection would still change it.
 */

export type IssueSeverity = 'error' | 'normalizable-error' | 'normalizable';

export interface VerifyIssue {
  severity: IssueSeverity;
  /** Canonical setting name ("vlan"). */
  setting: string;
  /** Property name ("id"), when the issue is about one. */
  property?: string;
  /** The offending value, when there is one. */
  value?: unknown;
  /** "vlan.id: 5000 is out of range 0..4094": setting, property and the value. */
  message: string;
}

/** Whether a profile with these issues is valid as it stands (NetworkManager: verify succeeds). */
export function isValidConnection(issues: readonly VerifyIssue[]): boolean {
  return issues.every((i) => i.severity === 'normalizable');
}

/** Whether normalizeConnection turns a profile with these issues into a valid one. */
export function isNormalizable(issues: readonly VerifyIssue[]): boolean {
  return issues.every((i) => i.severity !== 'error');
}

/** The value as a message shows it: strings quoted, lists and objects as JSON, bytes in hex. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Build an issue; the message is "setting.property: reason" (or "setting: reason"). */
export function makeIssue(
  severity: IssueSeverity,
  setting: string,
  property: string | undefined,
  reason: string,
  value?: unknown,
): VerifyIssue {
  const where = property ? `${setting}.${property}` : setting;
  const issue: VerifyIssue = { severity, setting, message: `${where}: ${reason}` };
  if (property !== undefined) issue.property = property;
  if (value !== undefined) issue.value = value;
  return issue;
}
