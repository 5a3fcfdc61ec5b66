/**
 * Offload features through the ethtool netlink family, as `ethtool -k/-K`:
 * ETHTOOL_MSG_FEATURES_GET and _SET (NetworkManager uses the ioctls
 * ETHTOOL_GSTRINGS, ETHTOOL_GFEATURES and ETHTOOL_SFEATURES, which read and
 * change the same four kernel bitmaps).
 *
 * Reading: the feature names (the ETH_SS_FEATURES string set, the same for
 * every link, asked once) and the link's four bitmaps in compact form (hw,
 * wanted, active, nochange), so every feature the kernel names is reported,
 * also one that is off and fixed. Writing: a verbose bitset of names, each
 * with its wanted value and without NOMASK, so features not named keep their
 * wanted state, as ETHTOOL_SFEATURES' `valid` mask does.
 */
import type { EthtoolFeatureStates } from '../../sdk/index.js';
import { ETHTOOL_A_BITSET_BIT_NAME, ETHTOOL_A_BITSET_BIT_VALUE, ETHTOOL_A_BITSET_BITS, ETHTOOL_A_BITSET_BITS_BIT, ETHTOOL_A_BITSET_VALUE } from './ethtool-bitset.js';
import { ETHTOOL_FLAG_COMPACT_BITSETS, ETHTOOL_FLAG_OMIT_REPLY, ethtoolRequest, GENL_HDRLEN, NLA_F_NESTED, type EthtoolGenl } from './ethtool-genl.js';
import { InvalidValue } from './ip-text.js';
import { forEachAttr, readString } from './nl-message.js';

// linux/ethtool_netlink.h, linux/ethtool.h
const ETHTOOL_MSG_STRSET_GET = 1;
const ETHTOOL_MSG_STRSET_GET_REPLY = 1;
const ETHTOOL_A_STRSET_STRINGSETS = 2;
const ETHTOOL_A_STRINGSETS_STRINGSET = 1;
const ETHTOOL_A_STRINGSET_ID = 1;
const ETHTOOL_A_STRINGSET_STRINGS = 3;
const ETHTOOL_A_STRINGS_STRING = 1;
const ETHTOOL_A_STRING_INDEX = 1;
const ETHTOOL_A_STRING_VALUE = 2;
const ETH_SS_FEATURES = 4;

const ETHTOOL_MSG_FEATURES_GET = 11;
const ETHTOOL_MSG_FEATURES_SET = 12;
const ETHTOOL_MSG_FEATURES_GET_REPLY = 11;
const ETHTOOL_A_FEATURES_HW = 2;
const ETHTOOL_A_FEATURES_WANTED = 3;
const ETHTOOL_A_FEATURES_ACTIVE = 4;
const ETHTOOL_A_FEATURES_NOCHANGE = 5;

/** The kernel's ETH_GSTRING_LEN: a feature name is shorter. */
const ETH_GSTRING_LEN = 32;

// ---- encoding -------------------------------------------------------------------

export function featureNamesRequest(familyId: number, ifindex: number): Buffer {
  const m = ethtoolRequest(familyId, ETHTOOL_MSG_STRSET_GET, ifindex);
  const sets = m.nest(ETHTOOL_A_STRSET_STRINGSETS | NLA_F_NESTED);
  const set = m.nest(ETHTOOL_A_STRINGSETS_STRINGSET | NLA_F_NESTED);
  m.u32(ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES);
  m.end(set);
  return m.end(sets).finish();
}

export function featuresGetRequest(familyId: number, ifindex: number): Buffer {
  return ethtoolRequest(familyId, ETHTOOL_MSG_FEATURES_GET, ifindex, ETHTOOL_FLAG_COMPACT_BITSETS).finish();
}

/** Wanted values by kernel name; throws InvalidValue for a name no kernel could hold. */
export function featuresSetRequest(familyId: number, ifindex: number, wanted: Readonly<Record<string, boolean>>): Buffer {
  const m = ethtoolRequest(familyId, ETHTOOL_MSG_FEATURES_SET, ifindex, ETHTOOL_FLAG_OMIT_REPLY);
  const set = m.nest(ETHTOOL_A_FEATURES_WANTED | NLA_F_NESTED);
  const bits = m.nest(ETHTOOL_A_BITSET_BITS | NLA_F_NESTED);
  for (const [name, on] of Object.entries(wanted)) {
    if (name === '' || Buffer.byteLength(name) >= ETH_GSTRING_LEN) throw new InvalidValue(`'${name}' is not an offload feature name`);
    if (typeof on !== 'boolean') throw new InvalidValue(`feature ${name}: ${String(on)} is not on or off`);
    const bit = m.nest(ETHTOOL_A_BITSET_BITS_BIT | NLA_F_NESTED);
    m.string(ETHTOOL_A_BITSET_BIT_NAME, name);
    if (on) m.bytes(ETHTOOL_A_BITSET_BIT_VALUE, new Uint8Array(0));
    m.end(bit);
  }
  m.end(bits);
  return m.end(set).finish();
}

// ---- decoding ---------------------------------------------------------------------

/** The ETH_SS_FEATURES strings of a STRSET_GET reply, by index. */
export function decodeFeatureNames(buf: Buffer, at: number, len: number): string[] {
  const names: string[] = [];
  forEachAttr(buf, at + GENL_HDRLEN, at + len, (type, p, l) => {
    if (type !== ETHTOOL_A_STRSET_STRINGSETS) return;
    forEachAttr(buf, p, p + l, (t, q, n) => {
      if (t !== ETHTOOL_A_STRINGSETS_STRINGSET) return;
      let id = -1;
      const found: Array<[number, string]> = [];
      forEachAttr(buf, q, q + n, (u, r, m) => {
        if (u === ETHTOOL_A_STRINGSET_ID && m >= 4) id = buf.readUInt32LE(r);
        else if (u === ETHTOOL_A_STRINGSET_STRINGS) {
          forEachAttr(buf, r, r + m, (v, s, k) => {
            if (v !== ETHTOOL_A_STRINGS_STRING) return;
            let index = -1;
            let value = '';
            forEachAttr(buf, s, s + k, (w, x, j) => {
              if (w === ETHTOOL_A_STRING_INDEX && j >= 4) index = buf.readUInt32LE(x);
              else if (w === ETHTOOL_A_STRING_VALUE) value = readString(buf, x, j);
            });
            if (index >= 0) found.push([index, value]);
          });
        }
      });
      if (id === ETH_SS_FEATURES) for (const [i, v] of found) names[i] = v;
    });
  });
  return names;
}

/** The value words of a compact bitset nest. */
function bitsetValue(buf: Buffer, at: number, len: number): Buffer {
  let value = Buffer.alloc(0);
  forEachAttr(buf, at, at + len, (t, p, l) => {
    if (t === ETHTOOL_A_BITSET_VALUE) value = Buffer.from(buf.subarray(p, p + l));
  });
  return value;
}

const bit = (words: Buffer, i: number): boolean => 4 * (i >> 5) + 4 <= words.length && ((words.readUInt32LE(4 * (i >> 5)) >>> (i & 31)) & 1) === 1;

/** A FEATURES_GET_REPLY with compact bitsets, named by `names`; unnamed bits are left out. */
export function decodeFeatures(buf: Buffer, at: number, len: number, names: readonly string[]): EthtoolFeatureStates {
  const sets = new Map<number, Buffer>();
  forEachAttr(buf, at + GENL_HDRLEN, at + len, (type, p, l) => {
    if (type >= ETHTOOL_A_FEATURES_HW && type <= ETHTOOL_A_FEATURES_NOCHANGE) sets.set(type, bitsetValue(buf, p, l));
  });
  const empty = Buffer.alloc(0);
  const [hw, wanted, active, nochange] = [ETHTOOL_A_FEATURES_HW, ETHTOOL_A_FEATURES_WANTED, ETHTOOL_A_FEATURES_ACTIVE, ETHTOOL_A_FEATURES_NOCHANGE].map((t) => sets.get(t) ?? empty);
  const out: EthtoolFeatureStates = {};
  names.forEach((name, i) => {
    if (!name) return;
    out[name] = { active: bit(active!, i), requested: bit(wanted!, i), available: bit(hw!, i), neverChanged: bit(nochange!, i) };
  });
  return out;
}

// ---- the requests ---------------------------------------------------------------------

export class EthtoolFeatures {
  /** The kernel's feature names: the same for every link and for the kernel's lifetime. */
  private names: string[] | undefined;

  constructor(private readonly genl: EthtoolGenl) {}

  async get(ifindex: number, operation: string): Promise<EthtoolFeatureStates> {
    if (!this.names) {
      const names = await this.genl.get((f) => featureNamesRequest(f, ifindex), ETHTOOL_MSG_STRSET_GET_REPLY, decodeFeatureNames, operation);
      if (names.length > 0) this.names = names;
    }
    const names = this.names ?? [];
    return this.genl.get((f) => featuresGetRequest(f, ifindex), ETHTOOL_MSG_FEATURES_GET_REPLY, (b, a, l) => decodeFeatures(b, a, l, names), operation);
  }

  set(ifindex: number, wanted: Readonly<Record<string, boolean>>, operation: string): Promise<void> {
    return this.genl.request((f) => featuresSetRequest(f, ifindex, wanted), operation);
  }
}
