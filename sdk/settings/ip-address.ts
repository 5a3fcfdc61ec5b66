/**
 * IP address helpers with NetworkManager's (glibc's) rules: IPv4 only in
 * dotted-quad form (inet_pton, not inet_aton's "10" or "0x0a.1"), IPv6
 * without zone suffix, and canonical text as inet_ntop writes it (lower case,
 * longest zero run compressed, "::ffff:1.2.3.4" for mapped addresses).
 * IPv6 parsing uses ipaddr.js; dotted quads are scanned here (the same rule, faster).
 */
import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

export interface ParsedIp {
  family: IpFamily;
  bytes: Uint8Array;
}

/**
 * The four bytes of a dotted quad in the only form inet_pton takes (four
 * decimal numbers 0-255, no leading zeros: what ipaddr.js's
 * isValidFourPartDecimal accepts), or undefined. A scan by hand: profiles
 * hold many IPv4 addresses and each is read several times on load, where
 * ipaddr.js's regular expressions and octal/hex guessing cost ten times more.
 */
function parseDottedQuad(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c >= 0x30 && c <= 0x39) {
      // "0" alone is a part; "01" is not (leading zero).
      if (digits === 1 && value === 0) return undefined;
      value = value * 10 + (c - 0x30);
      if (value > 255) return undefined;
      digits++;
    } else if (c === 0x2e && digits > 0 && part < 4) {
      bytes[part++] = value;
      value = 0;
      digits = 0;
    } else return undefined;
  }
  return part === 4 ? bytes : undefined;
}

/** The address family and bytes of `text`, or undefined when it is not an address (of `family`). */
export function parseIp(text: string, family?: IpFamily): ParsedIp | undefined {
  if (typeof text !== 'string') return undefined;
  if (family !== 6) {
    const v4 = parseDottedQuad(text);
    if (v4) return { family: 4, bytes: v4 };
  }
  // ipaddr.js accepts zone ids ("fe80::1%eth0"); inet_pton does not.
  if (family === 4 || text.includes('%')) return undefined;
  const hex = embeddedV4ToHex(text);
  if (hex !== undefined && ipaddr.IPv6.isValid(hex)) {
    return { family: 6, bytes: Uint8Array.from(ipaddr.IPv6.parse(hex).toByteArray()) };
  }
  return undefined;
}

/**
 * An IPv6 text with a trailing dotted quad ("::1.2.3.4") rewritten with two
 * hex words, because ipaddr.js reads "::1.2.3.4" as "::ffff:1.2.3.4";
 * undefined when the dotted quad is not valid.
 */
function embeddedV4ToHex(text: string): string | undefined {
  const m = /^(.*:)([^:]*\.[^:]*)$/.exec(text);
  if (!m) return text;
  const quad = parseDottedQuad(m[2]!);
  if (!quad) return undefined;
  const [a, b, c, d] = quad as unknown as [number, number, number, number];
  return `${m[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

export function ipFamily(text: string): IpFamily | undefined {
  return parseIp(text)?.family;
}

export function isValidIp(text: string, family?: IpFamily): boolean {
  return parseIp(text, family) !== undefined;
}

/** inet_ntop's text for 4 or 16 bytes. */
export function formatIp(bytes: Uint8Array | readonly number[]): string {
  // IPv4 without the copy below: the common case, once per address read.
  if (bytes.length === 4) return bytes.join('.');
  const b = Array.from(bytes);
  if (b.length !== 16) throw new RangeError(`an IP address has 4 or 16 bytes, not ${b.length}`);
  const words = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  // Longest run of two or more zero words (the first of equal runs) becomes "::".
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) => words.slice(from, to).map((w) => w.toString(16));
  // glibc writes the last 32 bits as IPv4 for IPv4-compatible (::a.b.c.d) and mapped (::ffff:a.b.c.d) addresses.
  const embedsV4 = bestStart === 0 && (bestLength === 6 || (bestLength === 5 && words[5] === 0xffff));
  if (embedsV4) {
    const v4 = b.slice(12).join('.');
    return bestLength === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  if (bestStart < 0) return hex(0, 8).join(':');
  return `${hex(0, bestStart).join(':')}::${hex(bestStart + bestLength, 8).join(':')}`;
}

/** The canonical text of an address, or undefined when invalid. */
export function normalizeIp(text: string, family?: IpFamily): string | undefined {
  // A dotted quad parseDottedQuad accepts has no leading zeros: it is already inet_ntop's text.
  if (family !== 6 && typeof text === 'string' && parseDottedQuad(text)) return text;
  const parsed = parseIp(text, family);
  return parsed ? formatIp(parsed.bytes) : undefined;
}

export function maxPrefix(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

/** "ADDR/PREFIX" (prefix optional: the full length) → parts, or undefined when invalid. */
export function parseIpPrefix(
  text: string,
  family?: IpFamily,
): { family: IpFamily; address: string; prefix: number } | undefined {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const parsed = parseIp(addressText, family);
  if (!parsed) return undefined;
  let prefix = maxPrefix(parsed.family);
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > prefix) return undefined;
    prefix = Number(p);
  }
  return { family: parsed.family, address: formatIp(parsed.bytes), prefix };
}

/** The address with host bits cleared ("10.1.2.3", 8 → "10.0.0.0"). */
export function networkAddress(text: string, prefix: number): string | undefined {
  const parsed = parseIp(text);
  if (!parsed || prefix < 0 || prefix > maxPrefix(parsed.family)) return undefined;
  const bytes = parsed.bytes.slice();
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return formatIp(bytes);
}

/** Whether an address is all zeroes (0.0.0.0 or ::). */
export function isUnspecifiedIp(text: string): boolean {
  const parsed = parseIp(text);
  return parsed !== undefined && parsed.bytes.every((b) => b === 0);
}

/**
 * An IPv4 address as the uint32 NetworkManager's legacy D-Bus properties
 * carry: the four bytes in network order read as a host-order integer (on
 * the usual little-endian host, 192.168.1.1 → 0x0101a8c0).
 */
export function ipv4ToLegacyUint32(text: string): number | undefined {
  const parsed = parseIp(text, 4);
  return parsed ? new Uint32Array(parsed.bytes.slice().buffer)[0] : undefined;
}

/** The inverse of ipv4ToLegacyUint32. */
export function ipv4FromLegacyUint32(value: number): string {
  return formatIp(new Uint8Array(Uint32Array.of(value >>> 0).buffer));
}
