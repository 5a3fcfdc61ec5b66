/**
 * Addresses as text and as the bytes netlink carries. Formatting runs once
 * per decoded address or route, so it works on the receive buffer directly
 * and builds one string; parsing runs only for requests and is strict, so a
 * typo becomes EINVAL here rather than a surprising kernel answer.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class InvalidValue extends Error {
  override readonly name = 'InvalidValue';
}

export function formatIPv4(buf: Uint8Array, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** RFC 5952 text, as iproute2 prints it (inet_ntop): longest zero run of two or more groups becomes "::". */
export function formatIPv6(buf: Uint8Array, off: number): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (buf[off + 2 * i]! << 8) | buf[off + 2 * i + 1]!;
  // IPv4-mapped addresses keep their dotted tail, as inet_ntop writes them.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(buf, off + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    out += g[i]!.toString(16);
  }
  return out;
}

export function formatIp(buf: Uint8Array, off: number, len: number): string {
  if (len === 4) return formatIPv4(buf, off);
  if (len === 16) return formatIPv6(buf, off);
  return formatHex(buf, off, len);
}

/** Colon-separated lowercase hex (MAC addresses, and any other hardware address length). */
export function formatHex(buf: Uint8Array, off: number, len: number): string {
  if (len <= 0) return '';
  let out = HEX[buf[off]!]!;
  for (let i = 1; i < len; i++) out += `:${HEX[buf[off + i]!]!}`;
  return out;
}

function parseIPv4Into(text: string, out: Uint8Array, at: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return false;
    const v = Number(p);
    if (v > 255) return false;
    out[at + i] = v;
  }
  return true;
}

function parseIPv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const out = new Uint8Array(16);
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const words: number[] = [];
  const pushGroups = (groups: string[], into: number[]): boolean => {
    for (let i = 0; i < groups.length; i++) {
      const gr = groups[i]!;
      if (gr.includes('.')) {
        // An embedded IPv4 address may only end the text.
        if (i !== groups.length - 1) return false;
        const v4 = new Uint8Array(4);
        if (!parseIPv4Into(gr, v4, 0)) return false;
        into.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(gr)) return false;
        into.push(parseInt(gr, 16));
      }
    }
    return true;
  };
  const tailWords: number[] = [];
  if (!pushGroups(head, words) || !pushGroups(tail, tailWords)) return undefined;
  // A dotted quad before "::" would leave words after it.
  if (halves.length === 2 && head.some((gr) => gr.includes('.'))) return undefined;
  if (halves.length === 2) {
    if (words.length + tailWords.length > 7) return undefined;
    while (words.length + tailWords.length < 8) words.push(0);
  } else if (words.length !== 8) {
    return undefined;
  }
  const all = words.concat(tailWords);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = all[i]! >> 8;
    out[2 * i + 1] = all[i]! & 0xff;
  }
  return out;
}

export interface ParsedIp {
  family: 4 | 6;
  bytes: Uint8Array;
}

/** Parse an IPv4 or IPv6 address; throws InvalidValue naming what was expected. */
export function parseIp(text: string, what = 'address'): ParsedIp {
  if (typeof text !== 'string') throw new InvalidValue(`${what}: expected an IP address, got ${typeof text}`);
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    if (bytes) return { family: 6, bytes };
  } else {
    const bytes = new Uint8Array(4);
    if (parseIPv4Into(text, bytes, 0)) return { family: 4, bytes };
  }
  throw new InvalidValue(`${what}: '${text}' is not an IP address`);
}

/** Parse an address that must be of one family. */
export function parseIpOf(family: 4 | 6, text: string, what: string): Uint8Array {
  const ip = parseIp(text, what);
  if (ip.family !== family) throw new InvalidValue(`${what}: '${text}' is not an IPv${family} address`);
  return ip.bytes;
}

/** Canonical text of an address (lowercase, compressed), as the kernel's dumps will show it. */
export function canonicalIp(text: string, what = 'address'): string {
  const ip = parseIp(text, what);
  return formatIp(ip.bytes, 0, ip.bytes.length);
}

/** Parse "aa:bb:cc:dd:ee:ff" (or "-" separated); any length of whole bytes. */
export function parseMac(text: string, what = 'mac'): Uint8Array {
  if (typeof text !== 'string' || !/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2})*$/.test(text)) {
    throw new InvalidValue(`${what}: '${String(text)}' is not a hardware address`);
  }
  const parts = text.split(/[:-]/);
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

/** True when the address has bits set beyond the prefix (the kernel rejects such IPv4 routes). */
export function hasHostBits(bytes: Uint8Array, prefixlen: number): boolean {
  for (let bit = prefixlen; bit < bytes.length * 8; bit++) {
    if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) return true;
  }
  return false;
}
