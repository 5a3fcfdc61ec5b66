/**
 * Profiles arriving from outside (D-Bus) are normalised and verified with the
 * model's rules before any plugin sees them; the first problem is the error,
 * naming the setting, the property and the value.
 */
import { NmkError, normalizeConnection, verifyConnection, type ConnectionSettings } from '../../sdk/index.js';

export function checkIncoming(input: ConnectionSettings): ConnectionSettings {
  const settings = normalizeConnection(input);
  const issues = verifyConnection(settings).filter((i) => i.severity !== 'normalizable');
  if (issues.length) {
    const first = issues[0]!;
    throw new NmkError('INVALID_ARGUMENT', issues.map((i) => i.message).join('; '), { key: first.setting && first.property ? `${first.setting}.${first.property}` : undefined });
  }
  return settings;
}
