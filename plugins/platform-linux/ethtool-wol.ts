/**
 * Wake-on-LAN through the kernel's ethtool generic-netlink family:
 * ETHTOOL_MSG_WOL_GET and ETHTOOL_MSG_WOL_SET (NetworkManager uses the
 * SIOCETHTOOL ioctl, ETHTOOL_GWOL/SWOL). The socket and the family lookup
 * are shared with the other ethtool options (ethtool-genl.ts).
 */
import { WAKE_ON_LAN_MODES, type WakeOnLan, type WakeOnLanMode } from '../../sdk/index.js';
import { ETHTOOL_A_BITSET_MASK, ETHTOOL_A_BITSET_NOMASK, ETHTOOL_A_BITSET_SIZE, ETHTOOL_A_BITSET_VALUE } from './ethtool-bitset.js';
import { ETHTOOL_FLAG_COMPACT_BITSETS, ethtoolRequest, GENL_HDRLEN, NLA_F_NESTED, type EthtoolGenl } from './ethtool-genl.js';
import { InvalidValue } from './ip-text.js';
import { forEachAttr } from './nl-message.js';

export { decodeFamilyId, getFamilyRequest } from './ethtool-genl.js';

// linux/ethtool_netlink.h
const ETHTOOL_MSG_WOL_GET = 9;
const ETHTOOL_MSG_WOL_SET = 10;
const ETHTOOL_MSG_WOL_GET_REPLY = 9;
const ETHTOOL_A_WOL_MODES = 2;
const ETHTOOL_A_WOL_SOPASS = 3;
const SOPASS_LEN = 6;

// ---- encoding -------------------------------------------------------------------

export function wolGetRequest(familyId: number, ifindex: number): Buffer {
  // Compact bitsets: the reply's value is the enabled modes and its mask the supported ones.
  return ethtoolRequest(familyId, ETHTOOL_MSG_WOL_GET, ifindex, ETHTOOL_FLAG_COMPACT_BITSETS).finish();
}

/** Modes as WAKE_* bits; throws InvalidValue naming an unknown mode. */
export function modeBits(modes: readonly WakeOnLanMode[]): number {
  let bits = 0;
  for (const mode of modes) {
    const bit = WAKE_ON_LAN_MODES.indexOf(mode);
    if (bit < 0) throw new InvalidValue(`'${String(mode)}' is not a Wake-on-LAN mode (${WAKE_ON_LAN_MODES.join(', ')})`);
    bits |= 1 << bit;
  }
  return bits >>> 0;
}

export function modesOf(bits: number): WakeOnLanMode[] {
  return WAKE_ON_LAN_MODES.filter((_, bit) => (bits >>> bit) & 1);
}

/** "01:02:03:04:05:06" as six bytes; throws InvalidValue otherwise. */
export function parseSopass(text: string): Buffer {
  if (typeof text !== 'string' || !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(text)) {
    throw new InvalidValue(`SecureOn password '${String(text)}' is not six bytes written as a MAC address`);
  }
  return Buffer.from(text.split(':').map((h) => parseInt(h, 16)));
}

/**
 * Set exactly these modes: NOMASK makes the value the new state of every
 * mode bit, so modes not listed are cleared, as ETHTOOL_SWOL's wolopts does.
 */
export function wolSetRequest(familyId: number, ifindex: number, modes: readonly WakeOnLanMode[], password?: string): Buffer {
  const bits = modeBits(modes);
  const sopass = password === undefined ? undefined : parseSopass(password);
  const m = ethtoolRequest(familyId, ETHTOOL_MSG_WOL_SET, ifindex);
  const nest = m.nest(ETHTOOL_A_WOL_MODES | NLA_F_NESTED);
  m.bytes(ETHTOOL_A_BITSET_NOMASK, new Uint8Array(0));
  m.u32(ETHTOOL_A_BITSET_SIZE, WAKE_ON_LAN_MODES.length);
  m.u32(ETHTOOL_A_BITSET_VALUE, bits);
  m.end(nest);
  if (sopass) m.bytes(ETHTOOL_A_WOL_SOPASS, sopass);
  return m.finish();
}

// ---- decoding ---------------------------------------------------------------------

/** The first 32 bits of a compact bitset's value or mask. */
function firstWord(buf: Buffer, at: number, len: number): number {
  return len >= 4 ? buf.readUInt32LE(at) : 0;
}

export function decodeWolReply(buf: Buffer, at: number, len: number): WakeOnLan {
  let value = 0;
  let mask = 0;
  let password: string | undefined;
  forEachAttr(buf, at + GENL_HDRLEN, at + len, (type, p, l) => {
    if (type === ETHTOOL_A_WOL_MODES) {
      forEachAttr(buf, p, p + l, (t, q, n) => {
        if (t === ETHTOOL_A_BITSET_VALUE) value = firstWord(buf, q, n);
        else if (t === ETHTOOL_A_BITSET_MASK) mask = firstWord(buf, q, n);
      });
    } else if (type === ETHTOOL_A_WOL_SOPASS && l === SOPASS_LEN) {
      password = [...buf.subarray(p, p + l)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    }
  });
  const wol: WakeOnLan = { modes: modesOf(value), supported: modesOf(mask) };
  if (password !== undefined) wol.password = password;
  return wol;
}

// ---- the requests ---------------------------------------------------------------------

export class EthtoolWol {
  constructor(private readonly genl: EthtoolGenl) {}

  /** ETHTOOL_MSG_WOL_GET; `operation` names the link for errors ("read wake-on-lan of eth0 (ifindex 3)"). */
  get(ifindex: number, operation: string): Promise<WakeOnLan> {
    return this.genl.get((family) => wolGetRequest(family, ifindex), ETHTOOL_MSG_WOL_GET_REPLY, decodeWolReply, operation);
  }

  /** ETHTOOL_MSG_WOL_SET of exactly these modes (and the SecureOn password when given). */
  set(ifindex: number, modes: readonly WakeOnLanMode[], password: string | undefined, operation: string): Promise<void> {
    return this.genl.request((family) => wolSetRequest(family, ifindex, modes, password), operation);
  }
}
