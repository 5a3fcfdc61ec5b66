/**
 * Interface identifiers for SLAAC addresses, byte for byte as NetworkManager
 * 1.42 makes them:
 * - modified EUI-64 from a 48-bit MAC (RFC 4291 appendix A: ff:fe in the
 *   middle, the universal/local bit flipped);
 * - ipv6.token, the low 64 bits of an address text ("::1:2");
 * - RFC 7217 stable-privacy: SHA-256 over [stable type byte unless "uuid"],
 *   the /64 prefix, the interface name and the network id each with their
 *   NUL, the DAD counter and the key length (32-bit big endian), the host's
 *   secret key; the first 8 digest bytes are the identifier. A digest that
 *   falls on a reserved identifier (RFC 5453) is re-hashed with the counter
 *   incremented, as NetworkManager does.
 */
import { createHash } from '../../sdk/crypto.js';
import { parseIp } from '../../sdk/index.js';

export type StableType = 'uuid' | 'stable-id' | 'generated' | 'random';

/** NetworkManager's NMUtilsStableType numbers: they are hashed, so they never change. */
const STABLE_TYPE_BYTE: Record<StableType, number> = { uuid: 0, 'stable-id': 1, generated: 2, random: 3 };

/** NetworkManager gives up after this many DAD failures of a stable-privacy address (NM_STABLE_PRIVACY_RFC7217_IDGEN_RETRIES). */
export const STABLE_PRIVACY_RETRIES = 3;

/** The 6 bytes of "aa:bb:cc:dd:ee:ff", or undefined when the text is not a 48-bit MAC. */
export function parseMac48(text: string): Uint8Array | undefined {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(text)) return undefined;
  return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}

/** The modified EUI-64 identifier of a 48-bit MAC, or undefined for any other link-layer address. */
export function eui64FromMac(mac: string): Uint8Array | undefined {
  const b = parseMac48(mac);
  if (!b) return undefined;
  return Uint8Array.of(b[0]! ^ 0x02, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!);
}

/**
 * The identifier in an ipv6.token ("::1:2"): the low 64 bits of the address.
 * Undefined when the text is not an address whose high 64 bits are zero and
 * low 64 bits are not (what NetworkManager accepts as a token).
 */
export function tokenIid(token: string): Uint8Array | undefined {
  const parsed = parseIp(token.trim(), 6);
  if (!parsed) return undefined;
  const high = parsed.bytes.subarray(0, 8);
  const low = parsed.bytes.slice(8);
  if (high.some((x) => x !== 0) || low.every((x) => x === 0)) return undefined;
  return low;
}

/** RFC 5453 and IANA's reserved interface identifiers, which a stable-privacy identifier must avoid. */
export function isReservedIid(iid: Uint8Array): boolean {
  if (iid.subarray(0, 8).every((x) => x === 0)) return true; // subnet-router anycast
  const startsWith = (p: number[]) => p.every((x, i) => iid[i] === x);
  if (startsWith([0x02, 0x00, 0x5e, 0xff, 0xfe])) return true; // IANA Ethernet block, proxy mobile IPv6
  return startsWith([0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) && (iid[7]! & 0x80) !== 0; // subnet anycast (RFC 2526)
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export interface StablePrivacyInput {
  /** At least the first 8 bytes of the prefix (the /64). */
  prefix: Uint8Array;
  ifname: string;
  networkId: string;
  stableType: StableType;
  dadCounter: number;
  secretKey: Uint8Array;
}

/** The RFC 7217 identifier (8 bytes) NetworkManager 1.42 computes for these inputs. */
export function stablePrivacyIid(input: StablePrivacyInput): Uint8Array {
  const hash = createHash('sha256');
  if (input.stableType !== 'uuid') hash.update(Uint8Array.of(STABLE_TYPE_BYTE[input.stableType]));
  hash.update(input.prefix.subarray(0, 8));
  hash.update(Buffer.concat([Buffer.from(input.ifname, 'utf8'), Buffer.alloc(1)]));
  hash.update(Buffer.concat([Buffer.from(input.networkId, 'utf8'), Buffer.alloc(1)]));
  hash.update(u32be(input.dadCounter));
  hash.update(u32be(input.secretKey.length));
  hash.update(input.secretKey);
  let digest = hash.digest();
  let counter = input.dadCounter;
  while (isReservedIid(digest)) {
    // NetworkManager re-hashes the whole previous digest with the next counter.
    counter++;
    digest = createHash('sha256').update(digest).update(u32be(counter)).digest();
  }
  return Uint8Array.from(digest.subarray(0, 8));
}

/** A /64 prefix's first 8 bytes with an 8-byte identifier: the full address bytes. */
export function withIid(prefix: Uint8Array, iid: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out.set(prefix.subarray(0, 8), 0);
  out.set(iid.subarray(0, 8), 8);
  return out;
}
