/** Handmade router advertisements for the tests: header fields and options, byte by byte. */
import { parseIp } from '../../../sdk/index.js';

function ip6(text: string): number[] {
  const p = parseIp(text, 6);
  if (!p) throw new Error(`not an IPv6 address: ${text}`);
  return Array.from(p.bytes);
}

function u16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

const PRF = { high: 0x08, medium: 0x00, low: 0x18, reserved: 0x10 } as const;
export type Prf = keyof typeof PRF;

export interface RaHeader {
  hopLimit?: number;
  managed?: boolean;
  other?: boolean;
  preference?: Prf;
  routerLifetime?: number;
  reachable?: number;
  retrans?: number;
  code?: number;
}

export function ra(header: RaHeader, ...options: number[][]): Uint8Array {
  const flags = (header.managed ? 0x80 : 0) | (header.other ? 0x40 : 0) | PRF[header.preference ?? 'medium'];
  return Uint8Array.from([
    134, header.code ?? 0, 0, 0,
    header.hopLimit ?? 64, flags, ...u16(header.routerLifetime ?? 1800),
    ...u32(header.reachable ?? 0), ...u32(header.retrans ?? 0),
    ...options.flat(),
  ]);
}

export function prefixOpt(prefix: string, prefixlen: number, o: { onLink?: boolean; auto?: boolean; valid?: number; preferred?: number } = {}): number[] {
  const flags = (o.onLink ?? true ? 0x80 : 0) | (o.auto ?? true ? 0x40 : 0);
  return [3, 4, prefixlen, flags, ...u32(o.valid ?? 86400), ...u32(o.preferred ?? 14400), 0, 0, 0, 0, ...ip6(prefix)];
}

export function mtuOpt(mtu: number): number[] {
  return [5, 1, 0, 0, ...u32(mtu)];
}

export function routeOpt(prefix: string, prefixlen: number, lifetime: number, preference: Prf = 'medium'): number[] {
  const bytes = ip6(prefix);
  const prefixBytes = prefixlen > 64 ? bytes : prefixlen > 0 ? bytes.slice(0, 8) : [];
  return [24, 1 + prefixBytes.length / 8, prefixlen, PRF[preference], ...u32(lifetime), ...prefixBytes];
}

export function rdnssOpt(lifetime: number, ...servers: string[]): number[] {
  return [25, 1 + 2 * servers.length, 0, 0, ...u32(lifetime), ...servers.flatMap(ip6)];
}

/** A DNS name in wire format (labels, then a zero label). */
export function dnsName(name: string): number[] {
  return [...name.split('.').flatMap((l) => [l.length, ...Buffer.from(l, 'latin1')]), 0];
}

export function dnsslOpt(lifetime: number, ...names: string[]): number[] {
  return rawDnssl(lifetime, names.flatMap(dnsName));
}

/** A DNSSL option around any name bytes, zero-padded to a multiple of 8. */
export function rawDnssl(lifetime: number, nameBytes: number[]): number[] {
  const body = [0, 0, ...u32(lifetime), ...nameBytes];
  while ((body.length + 2) % 8 !== 0) body.push(0);
  return [31, (body.length + 2) / 8, ...body];
}

export function sllaOpt(mac: number[]): number[] {
  return [1, 1, ...mac];
}
