/**
 * Scalar values in ifcfg files, parsed as NetworkManager's ifcfg-rh reader
 * parses them. Each parser returns undefined for text it does not accept.
 */
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

const BLANKS = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

/** svParseBoolean: yes/true/t/y/1 and no/false/f/n/0, any case. */
export function parseBool(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (t === 'yes' || t === 'true' || t === 't' || t === 'y' || t === '1') return true;
  if (t === 'no' || t === 'false' || t === 'f' || t === 'n' || t === '0') return false;
  return undefined;
}

/**
 * An integer as _nm_utils_ascii_str_to_int64 reads it: blanks around it,
 * an optional sign; base 10, or 0 for C's 0x.. hex and 0.. octal. Values
 * beyond 2^53 are refused (JavaScript numbers cannot hold them exactly).
 */
export function parseInteger(text: string, min: number, max: number, base: 10 | 0 = 10): number | undefined {
  const t = text.replace(BLANKS, '');
  const m = /^([+-]?)(.+)$/.exec(t);
  if (!m) return undefined;
  const digits = m[2]!;
  let v: bigint;
  if (base === 0 && /^0[xX][0-9a-fA-F]+$/.test(digits)) v = BigInt(`0x${digits.slice(2)}`);
  else if (base === 0 && /^0[0-7]*$/.test(digits)) v = digits.length > 1 ? BigInt(`0o${digits.slice(1)}`) : 0n;
  else if (/^[0-9]+$/.test(digits) && !(base === 0 && digits.startsWith('0'))) v = BigInt(digits);
  else return undefined;
  if (m[1] === '-') v = -v;
  if (v < BigInt(min) || v > BigInt(max) || v > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(v);
}

export const UINT32_MAX = 0xffffffff;
export const INT32_MAX = 0x7fffffff;
export const INT32_MIN = -0x80000000;

/** An IPv4 address as inet_pton reads it: four decimal parts, no leading zeros. */
export function parseIPv4(text: string): string | undefined {
  return isIPv4(text) && !/(^|\.)0\d/.test(text) ? text : undefined;
}

/** An IPv6 address as inet_pton reads it (no zone), in canonical (RFC 5952) form. */
export function parseIPv6(text: string): string | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  return formatIPv6(text);
}

/** The canonical text of an IPv6 address, as inet_ntop writes it. */
export function formatIPv6(text: string): string {
  const a = ipaddr.IPv6.parse(text);
  return a.isIPv4MappedAddress() ? `::ffff:${a.toIPv4Address().toString()}` : a.toRFC5952String();
}

export function parseIP(family: 4 | 6, text: string): string | undefined {
  return family === 4 ? parseIPv4(text) : parseIPv6(text);
}

/** "ADDR" or "ADDR/PLEN" (nm_inet_parse_with_prefix_bin); prefix is undefined when not given. */
export function parseIPWithPrefix(family: 4 | 6, text: string): { address: string; prefix: number | undefined } | undefined {
  const slash = text.indexOf('/');
  const address = parseIP(family, slash < 0 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  if (slash < 0) return { address, prefix: undefined };
  const prefix = parseInteger(text.slice(slash + 1), 0, family === 4 ? 32 : 128);
  return prefix === undefined ? undefined : { address, prefix };
}

/** The prefix length of a netmask: 32 minus its trailing zero bits (nm_ip4_addr_netmask_to_prefix). */
export function netmaskToPrefix(netmask: string): number {
  const n = ipv4ToNumber(netmask);
  if (n === 0) return 0;
  let zeros = 0;
  while (((n >>> zeros) & 1) === 0) zeros++;
  return 32 - zeros;
}

export function prefixToNetmask(prefix: number): string {
  const n = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
}

export function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** The classful prefix initscripts assume when neither PREFIX nor NETMASK is given. */
export function classfulPrefix(address: string): number {
  const first = ipv4ToNumber(address) >>> 24;
  if (first < 128) return 8;
  if (first < 192) return 16;
  return 24;
}

/**
 * A hardware address of `length` bytes: hex pairs (or single digits)
 * separated by ':' or '-', as nm_utils_hwaddr_aton reads it; returned upper
 * case with ':' (the model's form).
 */
export function parseMac(text: string, length: number): string | undefined {
  const t = text.replace(BLANKS, '');
  const parts = t.split(/[:-]/);
  if (parts.length !== length || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return parts.map((p) => p.padStart(2, '0').toUpperCase()).join(':');
}

export const ETH_ALEN = 6;
export const INFINIBAND_ALEN = 20;

/** An interface name the kernel accepts (nm_utils_ifname_valid_kernel, and no '%'). */
export function isInterfaceName(name: string): boolean {
  return (
    name.length > 0 &&
    Buffer.byteLength(name) <= 15 &&
    name !== '.' &&
    name !== '..' &&
    !/[/:% \t\n\v\f\r]/.test(name)
  );
}

export function isUuid(text: string): boolean {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(text);
}

/** Splits a list the way nm_strsplit_set does: on any of `separators`, empty items dropped. */
export function splitList(text: string, separators = ' '): string[] {
  const out: string[] = [];
  let item = '';
  for (const c of text) {
    if (separators.includes(c)) {
      if (item) out.push(item);
      item = '';
    } else {
      item += c;
    }
  }
  if (item) out.push(item);
  return out;
}
