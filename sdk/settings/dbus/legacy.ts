/**
 * NetworkManager's deprecated D-Bus forms of IP properties, still sent by
 * the daemon and accepted from old clients: ipv4 "addresses" (aau: address,
 * prefix, gateway as network-order uint32), ipv4 "routes" (aau: dest,
 * prefix, next hop, metric), ipv6 "addresses" (a(ayuay)), ipv6 "routes"
 * (a(ayuayu)) and "dns" (au / aay). The legacy forms use 0 for "default
 * metric" and an all-zero next hop or gateway for "none"; only the first
 * address carries the gateway.
 */
import { formatIp, ipv4FromLegacyUint32, ipv4ToLegacyUint32, parseIp, type IpFamily } from '../ip-address.js';
import type { IpAddress, IpRoute } from '../types.js';

const ZERO6 = () => new Uint8Array(16);

function bytes6(text: string | undefined): Uint8Array {
  return (text !== undefined ? parseIp(text, 6)?.bytes : undefined) ?? ZERO6();
}

export function addressesToLegacy(family: IpFamily, addresses: readonly IpAddress[], gateway: string | undefined): unknown[] {
  const valid = addresses.filter((a) => parseIp(a.address, family));
  if (family === 4) {
    return valid.map((a, i) => [ipv4ToLegacyUint32(a.address)!, a.prefix, i === 0 && gateway ? (ipv4ToLegacyUint32(gateway) ?? 0) : 0]);
  }
  return valid.map((a, i) => [bytes6(a.address), a.prefix, i === 0 ? bytes6(gateway) : ZERO6()]);
}

export function routesToLegacy(family: IpFamily, routes: readonly IpRoute[]): unknown[] {
  const valid = routes.filter((r) => parseIp(r.dest, family));
  const metric = (r: IpRoute) => Math.max(0, r.metric ?? -1);
  if (family === 4) {
    return valid.map((r) => [ipv4ToLegacyUint32(r.dest)!, r.prefix, (r.nextHop && ipv4ToLegacyUint32(r.nextHop)) || 0, metric(r)]);
  }
  return valid.map((r) => [bytes6(r.dest), r.prefix, bytes6(r.nextHop), metric(r)]);
}

/** DNS servers as the legacy "dns" carries them (entries with "#server-name" cannot be; they are left out). */
export function dnsToLegacy(family: IpFamily, servers: readonly string[]): unknown[] {
  const plain = servers.filter((s) => !s.includes('#') && parseIp(s, family));
  return family === 4 ? plain.map((s) => ipv4ToLegacyUint32(s)!) : plain.map((s) => parseIp(s, 6)!.bytes);
}

/** Read an "ay" value of any accepted shape into bytes, or undefined. */
export function toBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return Uint8Array.from(value as number[]);
  return undefined;
}

function toUint(value: unknown): number | undefined {
  if (typeof value === 'bigint') value = Number(value);
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : undefined;
}

function ip6(value: unknown): string | undefined {
  const b = toBytes(value);
  return b && b.length === 16 ? formatIp(b) : undefined;
}

const isZero = (text: string | undefined) => text === undefined || text === '0.0.0.0' || text === '::';

/** Legacy addresses → addresses and the first non-zero gateway; entries that do not read are skipped (as NetworkManager does). */
export function addressesFromLegacy(family: IpFamily, value: unknown): { addresses: IpAddress[]; gateway?: string; skipped: number } {
  const out: IpAddress[] = [];
  let gateway: string | undefined;
  let skipped = 0;
  for (const entry of Array.isArray(value) ? value : []) {
    const e = Array.isArray(entry) ? entry : [];
    const address = family === 4 ? (toUint(e[0]) !== undefined ? ipv4FromLegacyUint32(toUint(e[0])!) : undefined) : ip6(e[0]);
    const prefix = toUint(e[1]);
    const gw = family === 4 ? (toUint(e[2]) !== undefined ? ipv4FromLegacyUint32(toUint(e[2])!) : undefined) : ip6(e[2]);
    if (address === undefined || prefix === undefined || prefix > (family === 4 ? 32 : 128) || e.length < 3) {
      skipped++;
      continue;
    }
    out.push({ address, prefix });
    if (gateway === undefined && !isZero(gw)) gateway = gw;
  }
  return gateway !== undefined ? { addresses: out, gateway, skipped } : { addresses: out, skipped };
}

export function routesFromLegacy(family: IpFamily, value: unknown): { routes: IpRoute[]; skipped: number } {
  const out: IpRoute[] = [];
  let skipped = 0;
  for (const entry of Array.isArray(value) ? value : []) {
    const e = Array.isArray(entry) ? entry : [];
    const dest = family === 4 ? (toUint(e[0]) !== undefined ? ipv4FromLegacyUint32(toUint(e[0])!) : undefined) : ip6(e[0]);
    const prefix = toUint(e[1]);
    const hop = family === 4 ? (toUint(e[2]) !== undefined ? ipv4FromLegacyUint32(toUint(e[2])!) : undefined) : ip6(e[2]);
    const metric = toUint(e[3]);
    if (dest === undefined || prefix === undefined || prefix > (family === 4 ? 32 : 128) || metric === undefined) {
      skipped++;
      continue;
    }
    const route: IpRoute = { dest, prefix };
    if (!isZero(hop)) route.nextHop = hop!;
    if (metric !== 0) route.metric = metric;
    out.push(route);
  }
  return { routes: out, skipped };
}

export function dnsFromLegacy(family: IpFamily, value: unknown): { servers: string[]; skipped: number } {
  const out: string[] = [];
  let skipped = 0;
  for (const e of Array.isArray(value) ? value : []) {
    const text = family === 4 ? (toUint(e) !== undefined ? ipv4FromLegacyUint32(toUint(e)!) : undefined) : ip6(e);
    if (text === undefined) skipped++;
    else out.push(text);
  }
  return { servers: out, skipped };
}
