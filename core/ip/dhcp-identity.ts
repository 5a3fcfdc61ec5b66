/**
 * DHCP identifiers exactly as NetworkManager 1.42 computes them
 * (src/core/devices/nm-device.c: _prop_get_connection_stable_id,
 * _prop_get_ipv6_dhcp_duid, _prop_get_ipvx_dhcp_iaid,
 * _prop_get_ipv4_dhcp_client_id; src/core/nm-core-utils.c for the DUID and
 * client-id builders), so that a host switching from NetworkManager keeps
 * its DHCP leases. Every input is explicit (host identity, names, addresses,
 * the profile's values and the `[connection]` defaults), so the functions
 * are pure apart from the randomness NetworkManager itself uses for
 * ${RANDOM} and for fallbacks.
 */
import { createHash, randomBytes } from '../../sdk/crypto.js';
import { siphash24 } from './siphash24.js';

/** connection.stable-id's kind; it salts every hash made from the stable id. */
export enum StableType {
  Uuid = 0,
  StableId = 1,
  Generated = 2,
  Random = 3,
}

export interface StableId {
  id: string;
  type: StableType;
}

export interface StableIdInput {
  /** connection.stable-id, or the `[connection]` default for it; undefined uses the UUID. */
  stableId?: string;
  uuid: string;
  /** The device's IP interface name (${DEVICE}). */
  ifname: string;
  /** The permanent MAC address (${MAC}); undefined when the device has no real one. */
  permHwaddr?: string;
  bootId: string;
  random?: (n: number) => Uint8Array;
}

/** "${NAME}" patterns and what each is replaced with. */
const STABLE_ID_SUBSTITUTIONS: ReadonlyArray<[string, (i: StableIdInput) => string | undefined]> = [
  ['${CONNECTION}', (i) => i.uuid],
  ['${BOOT}', (i) => i.bootId],
  ['${DEVICE}', (i) => i.ifname],
  // NetworkManager prints hardware addresses in upper case.
  ['${MAC}', (i) => i.permHwaddr?.toUpperCase()],
];

/**
 * The effective stable id (nm_utils_stable_id_parse and
 * _prop_get_connection_stable_id): unset means the UUID; text without a
 * known ${...} is used as is; each substitution is appended as
 * "=<length>{<value>}" and the result shortened to the unpadded base64 of
 * its SHA-1; ${RANDOM} anywhere makes a random id (one per activation: the
 * caller keeps it while the device is active).
 */
export function resolveStableId(input: StableIdInput): StableId {
  const s = input.stableId;
  if (s === undefined) return { id: input.uuid, type: StableType.Uuid };
  let out: string | undefined;
  let start = 0;
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '$') {
      i++;
      continue;
    }
    const hit = STABLE_ID_SUBSTITUTIONS.find(([p]) => s.startsWith(p, i));
    if (hit) {
      i += hit[0].length;
      out = (out ?? '') + s.slice(start, i);
      start = i;
      const value = hit[1](input) ?? '';
      out += `=${Buffer.byteLength(value)}{${value}}`;
    } else if (s.startsWith('${RANDOM}', i)) {
      const rnd = (input.random ?? randomBytes)(15);
      return { id: Buffer.from(rnd).toString('base64'), type: StableType.Random };
    } else {
      i++;
      // "$$" stays verbatim, as NetworkManager promises for the future.
      if (s[i] === '$') i++;
    }
  }
  if (out === undefined) return { id: s, type: StableType.StableId };
  out += s.slice(start);
  const digest = createHash('sha1').update(out).digest('base64');
  return { id: digest.slice(0, 27), type: StableType.Generated };
}

/** "aa:bb:cc" (lower case, as NetworkManager prints DUIDs and client ids). */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * NetworkManager's hex parser (nm_utils_hexstr2bin_full): pairs of hex
 * digits, with one delimiter from `delimiters` used throughout or none; with
 * a delimiter a single digit counts as a byte ("a:b" is 0a:0b).
 */
export function parseHexBytes(text: string, opts: { delimiters?: string; allow0x?: boolean; requiredLen?: number } = {}): Buffer | undefined {
  let s = text;
  if (opts.allow0x && s.startsWith('0x')) s = s.slice(2);
  const hex = (c: string | undefined) => (c !== undefined && /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1);
  const out: number[] = [];
  let delimiter: string | undefined;
  let hasDelimiter = true;
  let i = 0;
  for (;;) {
    const d1 = hex(s[i]);
    if (d1 < 0) return undefined;
    const d2 = hex(s[i + 1]);
    let next: string | undefined;
    if (d2 >= 0) {
      out.push((d1 << 4) | d2);
      next = s[i + 2];
      if (next === undefined) break;
      i += 2;
    } else {
      out.push(d1);
      next = s[i + 1];
      if (next === undefined) {
        if (!hasDelimiter) return undefined;
        break;
      }
      i += 1;
    }
    if (out.length > 4096) return undefined;
    if (hasDelimiter) {
      if (next !== delimiter) {
        if (delimiter !== undefined) return undefined;
        if (opts.delimiters?.includes(next)) delimiter = next;
        else {
          hasDelimiter = false;
          continue;
        }
      }
      i++;
    }
  }
  if (opts.requiredLen !== undefined && out.length !== opts.requiredLen) return undefined;
  return Buffer.from(out);
}

/** "aa:bb:cc:dd:ee:ff" to bytes (colon or dash separated, as NetworkManager's hwaddr parser); undefined when it does not parse. */
export function parseHwaddr(text: string | undefined): Buffer | undefined {
  if (!text) return undefined;
  return parseHexBytes(text, { delimiters: ':-' });
}

const ARPHRD_ETHER = 1;
const ARPHRD_INFINIBAND = 32;

/** The ARP type from the address length: Ethernet (6) and InfiniBand (20) only, as NetworkManager. */
function arpTypeOf(hwaddr: Uint8Array): number | undefined {
  return hwaddr.length === 6 ? ARPHRD_ETHER : hwaddr.length === 20 ? ARPHRD_INFINIBAND : undefined;
}

/** The part of an address that goes into a DUID or client id: InfiniBand's last 8 bytes. */
function relevantPart(arpType: number, hwaddr: Uint8Array): Uint8Array {
  return arpType === ARPHRD_INFINIBAND ? hwaddr.subarray(hwaddr.length - 8) : hwaddr;
}

/** 2000-01-01T00:00:00Z, the epoch of DUID-LLT's time field. */
const EPOCH_2000 = 946684800;

export function duidLlt(arpType: number, hwaddr: Uint8Array, time: number): Buffer {
  const hw = relevantPart(arpType, hwaddr);
  const b = Buffer.alloc(8 + hw.length);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(arpType, 2);
  b.writeUInt32BE(Math.max(0, time - EPOCH_2000) >>> 0, 4);
  Buffer.from(hw).copy(b, 8);
  return b;
}

export function duidLl(arpType: number, hwaddr: Uint8Array): Buffer {
  const hw = relevantPart(arpType, hwaddr);
  const b = Buffer.alloc(4 + hw.length);
  b.writeUInt16BE(3, 0);
  b.writeUInt16BE(arpType, 2);
  Buffer.from(hw).copy(b, 4);
  return b;
}

/** DUID-UUID (RFC 6355): type 4 and the 16 bytes. */
export function duidUuid(uuid: Uint8Array): Buffer {
  const b = Buffer.alloc(18);
  b.writeUInt16BE(4, 0);
  Buffer.from(uuid.subarray(0, 16)).copy(b, 2);
  return b;
}

/**
 * The DUID NetworkManager uses for "lease" when no lease holds one
 * (nm_utils_generate_duid_from_machine_id): DUID-UUID of the first 16 bytes
 * of SHA-256 over the machine id's 16 bytes.
 */
export function duidFromMachineId(machineId: Uint8Array): Buffer {
  return duidUuid(createHash('sha256').update(machineId).digest().subarray(0, 16));
}

/** What the DUID and stable identifiers hash: the host's identity. */
export interface HostKeys {
  machineId: Uint8Array;
  hostId: Uint8Array;
  /** Seconds since the epoch: the secret key file's mtime. */
  hostIdTimestamp: number;
}

function saltedHeader(salt: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(salt >>> 0, 0);
  return b;
}

export interface Ipv6DuidInput {
  /** ipv6.dhcp-duid, else the `[connection]` default for it; undefined means "lease". */
  duid?: string;
  /** The link's current hardware address ("aa:bb:..."), for ll/llt and the stable-ll/llt ARP type. */
  hwaddr?: string;
  host: HostKeys;
  stable: StableId;
}

export interface DuidResult {
  duid: Buffer;
  /** False for "lease": a DUID found in an existing lease wins (the dhclient plugin looks; the internal client has none). */
  enforce: boolean;
  /** Set when NetworkManager would log a warning and fall back to a random DUID-UUID. */
  warning?: string;
}

/** The three years "stable-llt" spreads its time over (356 days a year, as NetworkManager writes it). */
const THREE_YEARS = 356 * 24 * 3600 * 3;
const DUID_DEFAULT_SALT = 670531087;

/** ipv6.dhcp-duid as NetworkManager resolves it (_prop_get_ipv6_dhcp_duid). */
export function ipv6Duid(input: Ipv6DuidInput, random: (n: number) => Uint8Array = randomBytes): DuidResult {
  const mode = input.duid ?? 'lease';
  const fail = (why: string): DuidResult => ({
    duid: duidUuid(random(16)),
    enforce: true,
    warning: `ipv6.dhcp-duid: failure to generate ${mode} DUID: ${why}. Fallback to random DUID-UUID.`,
  });
  if (mode === 'lease') return { duid: duidFromMachineId(input.host.machineId), enforce: false };

  const special = ['llt', 'll', 'stable-llt', 'stable-ll', 'stable-uuid'];
  if (!special.includes(mode)) {
    const bin = parseHexBytes(mode, { delimiters: ':' });
    if (!bin || bin.length <= 2 || bin.length > 130) return fail('invalid duid');
    return { duid: bin, enforce: true };
  }

  const hw = parseHwaddr(input.hwaddr);
  const arp = hw ? arpTypeOf(hw) : undefined;
  if (mode === 'll' || mode === 'llt') {
    if (!hw) return fail('missing link-layer address');
    if (arp === undefined) return fail('unsupported link-layer address');
    return { duid: mode === 'll' ? duidLl(arp, hw) : duidLlt(arp, hw, input.host.hostIdTimestamp), enforce: true };
  }

  let salt = DUID_DEFAULT_SALT;
  if (mode !== 'stable-uuid') {
    if (!hw) return fail('missing link-layer address');
    if (arp === undefined) return fail('unsupported link-layer address');
    // Only InfiniBand got its own salt; Ethernet keeps the one NetworkManager started with.
    if (arp === ARPHRD_INFINIBAND) salt = 0x42492cef + arp;
  }
  const digest = createHash('sha256')
    .update(saltedHeader(salt + input.stable.type))
    .update(input.stable.id)
    .update(input.host.hostId)
    .digest();
  if (mode === 'stable-uuid') return { duid: duidUuid(digest.subarray(0, 16)), enforce: true };
  const hwLen = arp === ARPHRD_INFINIBAND ? 20 : 6;
  const genHw = digest.subarray(0, hwLen);
  if (mode === 'stable-ll') return { duid: duidLl(arp!, genHw), enforce: true };
  let time = Math.max(input.host.hostIdTimestamp, EPOCH_2000 + THREE_YEARS);
  time -= digest.readUInt32BE(hwLen) % THREE_YEARS;
  return { duid: duidLlt(arp!, genHw, time), enforce: true };
}

/** siphash key of systemd's IAID and node-specific client id (HASH_KEY in nm-core-utils.c). */
const DHCP_HASH_KEY = Buffer.from([0x80, 0x11, 0x8c, 0xc2, 0xfe, 0x4a, 0x03, 0xee, 0x3e, 0xd6, 0x0c, 0x6f, 0x36, 0x39, 0x14, 0x09]);

/**
 * IAID from an interface name (nm_utils_create_dhcp_iaid, systemd's
 * dhcp_identifier_set_iaid): the two halves of the name's SipHash XORed.
 * The "legacy" byte order is the little-endian host's value, which is what
 * NetworkManager sends on the x86 and arm machines it runs on.
 */
export function iaidFromIfname(ifname: string): number {
  const h = siphash24(DHCP_HASH_KEY, Buffer.from(ifname));
  return Number((h & 0xffffffffn) ^ (h >> 32n)) >>> 0;
}

export interface IaidInput {
  /** ipv4.dhcp-iaid / ipv6.dhcp-iaid. */
  iaid?: string;
  /** The `[connection]` default for it. */
  globalDefault?: string;
  ifname: string;
  hwaddr?: string;
  permHwaddr?: string;
  host: Pick<HostKeys, 'hostId'>;
  stable: StableId;
  family: 4 | 6;
}

export interface IaidResult {
  iaid: number;
  /** Set by the profile or a valid global default (ipv4.dhcp-client-id "ipv6-duid" looks at this). */
  explicit: boolean;
  warning?: string;
}

const IAID_SPECIAL = ['mac', 'perm-mac', 'ifname', 'stable'];

/**
 * A dhcp-iaid number as NetworkManager accepts it (_nm_utils_iaid_verify):
 * a decimal, 0x-hex or 0-octal 32-bit number, or four hex bytes
 * "aa:bb:cc:dd" (or "0xaabbccdd"), big-endian. Undefined when invalid.
 */
export function parseIaidNumber(text: string): number | undefined {
  if (!text || !/^[0-9a-fA-Fx:]+$/.test(text)) return undefined;
  // strtoll() with base 0, as NetworkManager: 0x hex, a leading 0 octal, else decimal.
  const n = /^0x[0-9a-fA-F]+$/.test(text) ? parseInt(text.slice(2), 16)
    : /^0[0-7]*$/.test(text) ? parseInt(text, 8)
    : /^[1-9][0-9]*$/.test(text) ? parseInt(text, 10)
    : undefined;
  if (n !== undefined && n <= 0xffffffff) return n;
  const bin = parseHexBytes(text, { allow0x: true, delimiters: ':', requiredLen: 4 });
  return bin ? bin.readUInt32BE(0) : undefined;
}

export function isValidIaid(text: string): boolean {
  return IAID_SPECIAL.includes(text) || parseIaidNumber(text) !== undefined;
}

/** ipv4/ipv6.dhcp-iaid as NetworkManager resolves it (_prop_get_ipvx_dhcp_iaid); the default is "ifname". */
export function dhcpIaid(input: IaidInput): IaidResult {
  let mode = input.iaid;
  let explicit = true;
  let warning: string | undefined;
  if (mode === undefined) {
    mode = input.globalDefault;
    if (mode === undefined) {
      mode = 'ifname';
      explicit = false;
    } else if (!isValidIaid(mode)) {
      warning = `invalid global default '${mode}' for ipv${input.family}.dhcp-iaid`;
      mode = 'ifname';
      explicit = false;
    }
  }
  const fallback = (why: string): IaidResult => ({
    iaid: iaidFromIfname(input.ifname),
    explicit: false,
    warning: `ipv${input.family}.dhcp-iaid: failure to generate IAID: ${why}. Using interface-name based IAID`,
  });
  switch (mode) {
    case 'mac':
    case 'perm-mac': {
      const hw = parseHwaddr(mode === 'mac' ? input.hwaddr : input.permHwaddr);
      if (!hw) return fallback(mode === 'mac' ? 'invalid link-layer address' : 'no permanent link-layer address');
      if (hw.length < 4) return fallback('invalid link-layer address');
      return { iaid: hw.readUInt32BE(hw.length - 4), explicit, warning };
    }
    case 'stable': {
      const digest = createHash('sha1')
        .update(saltedHeader(53390459 + input.stable.type))
        .update(Buffer.concat([Buffer.from(input.stable.id), Buffer.from([0])]))
        .update(Buffer.concat([Buffer.from(input.ifname), Buffer.from([0])]))
        .update(input.host.hostId)
        .digest();
      return { iaid: digest.readUInt32BE(0), explicit, warning };
    }
    case 'ifname':
      return { iaid: iaidFromIfname(input.ifname), explicit, warning };
    default: {
      const n = parseIaidNumber(mode);
      // A profile's value was validated when it was loaded; this guards a bad one all the same.
      if (n === undefined) return fallback(`invalid value '${mode}'`);
      return { iaid: n, explicit, warning };
    }
  }
}

/** Client id type 255 (RFC 4361): the IAID and a DUID. */
export function clientIdFromDuid(iaid: number, duid: Uint8Array): Buffer {
  const b = Buffer.alloc(5 + duid.length);
  b[0] = 255;
  b.writeUInt32BE(iaid >>> 0, 1);
  Buffer.from(duid).copy(b, 5);
  return b;
}

/**
 * systemd's node-specific client id (nm_utils_dhcp_client_id_systemd_node_specific_full):
 * type 255, the IAID, and a DUID-EN with systemd's enterprise number 43793
 * and the first 8 bytes of the machine id's SipHash (little-endian).
 */
export function clientIdSystemdNodeSpecific(iaid: number, machineId: Uint8Array): Buffer {
  const duid = Buffer.alloc(2 + 4 + 8);
  duid.writeUInt16BE(2, 0);
  duid.writeUInt32BE(43793, 2);
  duid.writeBigUInt64LE(siphash24(DHCP_HASH_KEY, machineId), 6);
  return clientIdFromDuid(iaid, duid);
}

/** Client id from a hardware address: the ARP type, then the address (InfiniBand: its last 8 bytes). */
export function clientIdFromMac(hwaddr: Uint8Array): Buffer | undefined {
  const arp = arpTypeOf(hwaddr);
  if (arp === undefined) return undefined;
  return Buffer.concat([Buffer.from([arp]), Buffer.from(relevantPart(arp, hwaddr))]);
}

/**
 * A client id string that is no keyword (nm_dhcp_utils_client_id_string_to_bytes):
 * hex bytes when it holds a ':' and parses, else type 0 and the text.
 */
export function clientIdFromString(text: string): Buffer {
  if (text.includes(':')) {
    const bin = parseHexBytes(text, { allow0x: true, delimiters: ':' });
    if (bin) return bin;
  }
  return Buffer.concat([Buffer.from([0]), Buffer.from(text)]);
}

export interface Ipv4ClientIdInput {
  /** ipv4.dhcp-client-id. */
  clientId?: string;
  /** The `[connection]` default for ipv4.dhcp-client-id (an empty value counts as unset). */
  globalDefault?: string;
  hwaddr?: string;
  permHwaddr?: string;
  host: HostKeys;
  stable: StableId;
  /** The resolved IAIDs and IPv6 DUID, for "duid" and "ipv6-duid". */
  iaid4: IaidResult;
  iaid6: IaidResult;
  duid6: DuidResult;
}

export interface ClientIdResult {
  /** The bytes to send; undefined when the profile sets none (the client plugin picks its default). */
  clientId?: Buffer;
  warning?: string;
}

/** ipv4.dhcp-client-id as NetworkManager resolves it (_prop_get_ipv4_dhcp_client_id). */
export function ipv4ClientId(input: Ipv4ClientIdInput, random: (n: number) => Uint8Array = randomBytes): ClientIdResult {
  let mode = input.clientId;
  if (mode === undefined && input.globalDefault) mode = input.globalDefault;
  if (mode === undefined || mode === '') return {};
  const fail = (why: string): ClientIdResult => ({
    clientId: Buffer.concat([Buffer.from([0]), Buffer.from(random(15))]),
    warning: `ipv4.dhcp-client-id: failure to generate client id (${why}). Use random client id`,
  });
  switch (mode) {
    case 'mac':
    case 'perm-mac': {
      const hw = parseHwaddr(mode === 'mac' ? input.hwaddr : input.permHwaddr);
      if (!hw) return fail(mode === 'mac' ? 'missing link-layer address' : 'missing permanent link-layer address');
      const id = clientIdFromMac(hw);
      return id ? { clientId: id } : fail(mode === 'mac' ? 'unsupported link-layer address' : 'unsupported permanent link-layer address');
    }
    case 'duid':
      return { clientId: clientIdSystemdNodeSpecific(input.iaid4.iaid, input.host.machineId) };
    case 'ipv6-duid': {
      const iaid = input.iaid4.explicit ? input.iaid4.iaid : input.iaid6.iaid;
      return { clientId: clientIdFromDuid(iaid, input.duid6.duid) };
    }
    case 'stable': {
      const digest = createHash('sha1')
        .update(saltedHeader(2011610591 + input.stable.type))
        .update(Buffer.concat([Buffer.from(input.stable.id), Buffer.from([0])]))
        .update(input.host.hostId)
        .digest();
      return { clientId: Buffer.concat([Buffer.from([0]), digest.subarray(0, 15)]) };
    }
    default:
      return { clientId: clientIdFromString(mode) };
  }
}

/**
 * The client id NetworkManager's internal DHCPv4 client (nettools) sends
 * when the profile sets none: "mac", from the current address.
 */
export function internalClientDefaultClientId(hwaddr: string | undefined): Buffer | undefined {
  const hw = parseHwaddr(hwaddr);
  return hw ? clientIdFromMac(hw) : undefined;
}

/** The IAID as NetworkManager shows it in DHCP options ("iaid"): four hex bytes, big-endian. */
export function iaidToHex(iaid: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(iaid >>> 0, 0);
  return toHex(b);
}
