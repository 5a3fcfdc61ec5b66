/**
 * IP address text as NetworkManager stores it: parsed as inet_pton does and
 * printed back as inet_ntop does ("2001:0DB8::0001" reads as "2001:db8::1"),
 * with the settings model's helpers so that the keyfile reader and
 * verification agree on what an address is.
 */
import { normalizeIp } from '../../sdk/index.js';

export type Family = 4 | 6;

/** Dotted-quad IPv4 without leading zeros: already what inet_ntop prints. */
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The canonical text of an address of `family`, or undefined when it is not one (zone ids included). */
export function canonicalAddress(text: string, family: Family): string | undefined {
  // Fast path for the common case; it gives what normalizeIp gives (a test checks it).
  if (family === 4 && CANONICAL_IPV4.test(text)) return text;
  return normalizeIp(text, family);
}

export function familyOfSetting(setting: string): Family {
  return setting === 'ipv6' ? 6 : 4;
}
