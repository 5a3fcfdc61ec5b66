/**
 * Value checks for the fake platform: the same rules the kernel (and the
 * Linux platform's encoders) apply to names, addresses and MACs, so that a
 * unit test sees EINVAL where the real thing would refuse too.
 */
import os from 'node:os';
import ipaddr from 'ipaddr.js';
import { Errno, PlatformError } from '../../sdk/index.js';

/** errno values nmk's Errno table does not name (ELOOP, ENETDOWN, EACCES...). */
export const osErrno = os.constants.errno;

const errnoNames = new Map<number, string>();
for (const [name, value] of Object.entries(os.constants.errno)) if (!errnoNames.has(value)) errnoNames.set(value, name);
for (const [name, value] of Object.entries(Errno)) errnoNames.set(value, name);

export function fail(errno: number, operation: string, detail?: string): PlatformError {
  return new PlatformError(errno, errnoNames.get(errno) ?? `E${errno}`, operation, detail);
}

export function checkName(name: unknown, operation: string, what = 'name'): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || Buffer.byteLength(name) > 15 || /[/:\s]/.test(name)) {
    throw fail(Errno.EINVAL, operation, `${what} '${String(name)}' is not a valid interface name`);
  }
  return name;
}

export function checkInt(v: unknown, min: number, max: number, operation: string, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw fail(Errno.EINVAL, operation, `${what} ${String(v)} is not an integer in ${min}..${max}`);
  }
  return v;
}

export interface Ip {
  family: 4 | 6;
  bytes: number[];
  text: string;
}

/** Parse and canonicalise an address (lowercase, RFC 5952), EINVAL when it is not one of `family`. */
export function parseIp(text: unknown, family: 4 | 6 | undefined, operation: string, what: string): Ip {
  const s = typeof text === 'string' ? text : '';
  let ip: Ip | undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) {
    const a = ipaddr.IPv4.parse(s);
    ip = { family: 4, bytes: a.toByteArray(), text: a.toString() };
  } else if (s.includes(':') && ipaddr.IPv6.isValid(s) && !s.includes('%')) {
    const a = ipaddr.IPv6.parse(s);
    const text6 = a.isIPv4MappedAddress() ? `::ffff:${a.toIPv4Address().toString()}` : a.toRFC5952String();
    ip = { family: 6, bytes: a.toByteArray(), text: text6 };
  }
  if (!ip || (family !== undefined && ip.family !== family)) {
    throw fail(Errno.EINVAL, operation, `${what} '${String(text)}' is not an IPv${family ?? '4/6'} address`);
  }
  return ip;
}

export function textOf(bytes: number[]): string {
  const a = ipaddr.fromByteArray(bytes);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) return `::ffff:${(a as ipaddr.IPv6).toIPv4Address().toString()}`;
  return a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}

/** The network part of an address. */
export function maskBytes(bytes: number[], prefixlen: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefixlen - i * 8));
    return bits === 0 ? 0 : b & (0xff << (8 - bits)) & 0xff;
  });
}

export function sameNetwork(a: number[], b: number[], prefixlen: number): boolean {
  const ma = maskBytes(a, prefixlen);
  const mb = maskBytes(b, prefixlen);
  return a.length === b.length && ma.every((x, i) => x === mb[i]);
}

export function parseMac(text: unknown, operation: string): string {
  if (typeof text !== 'string' || !/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/.test(text)) {
    throw fail(Errno.EINVAL, operation, `'${String(text)}' is not a MAC address`);
  }
  const mac = text.toLowerCase().replaceAll('-', ':');
  // The kernel refuses multicast and all-zero addresses for ethernet links.
  if ((parseInt(mac.slice(0, 2), 16) & 1) === 1 || mac === '00:00:00:00:00:00') {
    throw fail(Errno.EADDRNOTAVAIL, operation, `${mac} is not a unicast address`);
  }
  return mac;
}
