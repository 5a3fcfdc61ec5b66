/**
 * Router advertisements off the wire (RFC 4861 4.2), read strictly: a packet
 * that breaks the message rules (too short, wrong code, an option of length
 * zero or running past the end) is refused whole, as RFC 4861 6.1.2 says; an
 * option that is malformed on its own is dropped and named in `dropped`, and
 * the rest of the advertisement is kept. Nothing here throws on any input.
 * Semantic choices (which prefixes make addresses, lifetimes) belong to the
 * state (ndisc-state.ts), not here.
 */
import type { RouterPreference } from '../../sdk/index.js';

export const ICMP6_ROUTER_SOLICIT = 133;
export const ICMP6_ROUTER_ADVERT = 134;
const RA_HEADER_LEN = 16;

/** RFC 4191's two preference bits; "10" is reserved. */
const PREFERENCE_BITS: Record<number, RouterPreference | undefined> = { 0: 'medium', 1: 'high', 2: undefined, 3: 'low' };

export interface PrefixInfo {
  /** 16 bytes, host bits cleared. */
  prefix: Uint8Array;
  prefixlen: number;
  onLink: boolean;
  autonomous: boolean;
  validLifetime: number;
  preferredLifetime: number;
}

export interface RouteInfo {
  /** 16 bytes, host bits cleared. */
  prefix: Uint8Array;
  prefixlen: number;
  lifetime: number;
  preference: RouterPreference;
}

export interface RouterAdvert {
  curHopLimit: number;
  managed: boolean;
  otherConfig: boolean;
  /** The router's default preference (a reserved value reads as medium, RFC 4191 2.2). */
  preference: RouterPreference;
  /** Seconds; 0: not a default router. */
  routerLifetime: number;
  /** Milliseconds; 0: unspecified. */
  reachableTime: number;
  /** Milliseconds; 0: unspecified. */
  retransTimer: number;
  prefixes: PrefixInfo[];
  routes: RouteInfo[];
  nameservers: { address: Uint8Array; lifetime: number }[];
  domains: { domain: string; lifetime: number }[];
  /** Every MTU option, in order (the state decides which are usable). */
  mtus: number[];
}

export type ParseResult = { advert: RouterAdvert; dropped: string[] } | { error: string };

/** `bytes` with every bit past `prefixlen` cleared (16 bytes out). */
export function clearHostBits(bytes: Uint8Array, prefixlen: number): Uint8Array {
  const out = new Uint8Array(16);
  out.set(bytes.subarray(0, 16));
  for (let bit = prefixlen; bit < 128; bit++) out[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return out;
}

/** A reader over one option's bytes (type and length included). */
interface OptionView {
  type: number;
  /** Length in bytes (the wire's unit is 8 bytes). */
  len: number;
  data: Uint8Array;
  view: DataView;
}

type OptionHandler = (opt: OptionView, ra: RouterAdvert) => string | undefined;

function readPrefixInfo(opt: OptionView, ra: RouterAdvert): string | undefined {
  if (opt.len !== 32) return `prefix information of length ${opt.len} (must be 32)`;
  const prefixlen = opt.data[2]!;
  if (prefixlen > 128) return `prefix information with prefix length ${prefixlen}`;
  const flags = opt.data[3]!;
  ra.prefixes.push({
    prefix: clearHostBits(opt.data.subarray(16, 32), prefixlen),
    prefixlen,
    onLink: (flags & 0x80) !== 0,
    autonomous: (flags & 0x40) !== 0,
    validLifetime: opt.view.getUint32(4),
    preferredLifetime: opt.view.getUint32(8),
  });
  return undefined;
}

function readMtu(opt: OptionView, ra: RouterAdvert): string | undefined {
  if (opt.len !== 8) return `MTU option of length ${opt.len} (must be 8)`;
  ra.mtus.push(opt.view.getUint32(4));
  return undefined;
}

function readRouteInfo(opt: OptionView, ra: RouterAdvert): string | undefined {
  const prefixlen = opt.data[2]!;
  if (prefixlen > 128) return `route information with prefix length ${prefixlen}`;
  // RFC 4191 2.3: the option carries as many prefix bytes as the length needs.
  const needed = prefixlen > 64 ? 24 : prefixlen > 0 ? 16 : 8;
  if (opt.len < needed || opt.len > 24) return `route information /${prefixlen} of length ${opt.len} (must be ${needed}..24)`;
  const preference = PREFERENCE_BITS[(opt.data[3]! >> 3) & 3];
  if (!preference) return `route information with the reserved preference`;
  ra.routes.push({
    prefix: clearHostBits(opt.data.subarray(8, opt.len), prefixlen),
    prefixlen,
    lifetime: opt.view.getUint32(4),
    preference,
  });
  return undefined;
}

function readRdnss(opt: OptionView, ra: RouterAdvert): string | undefined {
  if (opt.len < 24 || (opt.len - 8) % 16 !== 0) return `RDNSS option of length ${opt.len} (must be 8 + 16n, n >= 1)`;
  const lifetime = opt.view.getUint32(4);
  for (let off = 8; off < opt.len; off += 16) {
    ra.nameservers.push({ address: Uint8Array.from(opt.data.subarray(off, off + 16)), lifetime });
  }
  return undefined;
}

/** Characters a search domain label may hold; anything else would be unsafe in resolv.conf. */
const LABEL_OK = /^[A-Za-z0-9_-]+$/;

/**
 * The names of a DNSSL option: uncompressed DNS names, each ended by a
 * zero label, then zero padding. Undefined when the encoding is broken
 * (then the whole option is dropped); names with characters outside
 * LABEL_OK are left out one by one.
 */
function readDomainNames(bytes: Uint8Array, skipped: string[]): string[] | undefined {
  const names: string[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes[pos] === 0) {
      // Padding: the rest must be zeros too.
      return bytes.subarray(pos).every((b) => b === 0) ? names : undefined;
    }
    const labels: string[] = [];
    let ok = true;
    let wireLen = 0;
    for (;;) {
      if (pos >= bytes.length) return undefined;
      const n = bytes[pos]!;
      pos++;
      wireLen += 1 + n;
      if (n === 0) break;
      // 0x40..0xff: compression pointers and extended labels, not allowed here.
      if (n > 63 || pos + n > bytes.length) return undefined;
      const label = Buffer.from(bytes.subarray(pos, pos + n)).toString('latin1');
      if (!LABEL_OK.test(label)) ok = false;
      labels.push(label);
      pos += n;
    }
    if (wireLen > 255) return undefined;
    const name = labels.join('.');
    if (ok) names.push(name);
    else skipped.push(JSON.stringify(name));
  }
  return names;
}

function readDnssl(opt: OptionView, ra: RouterAdvert): string | undefined {
  if (opt.len < 16) return `DNSSL option of length ${opt.len} (must be at least 16)`;
  const lifetime = opt.view.getUint32(4);
  const skipped: string[] = [];
  const names = readDomainNames(opt.data.subarray(8, opt.len), skipped);
  if (!names) return 'DNSSL option with a malformed domain name encoding';
  for (const domain of names) ra.domains.push({ domain, lifetime });
  return skipped.length ? `DNSSL names with unusable characters: ${skipped.join(', ')}` : undefined;
}

/** Option types read from an advertisement; others (source link-layer address, ...) are skipped. */
const OPTION_HANDLERS: Record<number, OptionHandler> = {
  3: readPrefixInfo,
  5: readMtu,
  24: readRouteInfo,
  25: readRdnss,
  31: readDnssl,
};

/** Parse an ICMPv6 message expected to be a router advertisement. */
export function parseRouterAdvert(data: Uint8Array): ParseResult {
  if (data.length < RA_HEADER_LEN) return { error: `${data.length} bytes, shorter than a router advertisement (16)` };
  if (data[0] !== ICMP6_ROUTER_ADVERT) return { error: `ICMPv6 type ${data[0]}, not a router advertisement` };
  if (data[1] !== 0) return { error: `router advertisement with code ${data[1]} (must be 0)` };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const flags = data[5]!;
  const ra: RouterAdvert = {
    curHopLimit: data[4]!,
    managed: (flags & 0x80) !== 0,
    otherConfig: (flags & 0x40) !== 0,
    preference: PREFERENCE_BITS[(flags >> 3) & 3] ?? 'medium',
    routerLifetime: view.getUint16(6),
    reachableTime: view.getUint32(8),
    retransTimer: view.getUint32(12),
    prefixes: [],
    routes: [],
    nameservers: [],
    domains: [],
    mtus: [],
  };
  // Walk the options once to check the framing before trusting any of them.
  const options: OptionView[] = [];
  for (let off = RA_HEADER_LEN; off < data.length; ) {
    if (off + 2 > data.length) return { error: `a truncated option header at byte ${off}` };
    const len = data[off + 1]! * 8;
    if (len === 0) return { error: `an option of length zero (type ${data[off]}) at byte ${off}` };
    if (off + len > data.length) return { error: `option type ${data[off]} at byte ${off} runs past the end (${len} bytes, ${data.length - off} left)` };
    const optData = data.subarray(off, off + len);
    options.push({ type: data[off]!, len, data: optData, view: new DataView(optData.buffer, optData.byteOffset, optData.byteLength) });
    off += len;
  }
  const dropped: string[] = [];
  for (const opt of options) {
    const why = OPTION_HANDLERS[opt.type]?.(opt, ra);
    if (why) dropped.push(why);
  }
  return { advert: ra, dropped };
}

/** A router solicitation (RFC 4861 4.1), with the source link-layer address option when `mac` is given (6 bytes). */
export function buildRouterSolicit(mac?: Uint8Array): Uint8Array {
  // type, code, checksum (the kernel fills it in for ICMPv6 raw sockets), 4 reserved bytes.
  const header = [ICMP6_ROUTER_SOLICIT, 0, 0, 0, 0, 0, 0, 0];
  const slla = mac && mac.length === 6 ? [1, 1, ...mac] : [];
  return Uint8Array.from([...header, ...slla]);
}
