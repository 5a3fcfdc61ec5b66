/**
 * Wake-on-LAN through the kernel's ethtool generic-netlink family (Linux
 * 5.6 and later): ETHTOOL_MSG_WOL_GET and ETHTOOL_MSG_WOL_SET. NetworkManager
 * uses the SIOCETHTOOL ioctl (ETHTOOL_GWOL/SWOL); Node has no ioctl, and the
 * netlink family reaches the same driver calls with the same answers
 * (EOPNOTSUPP from a driver without get_wol/set_wol, EINVAL for a mode it
 * does not support).
 *
 * A NETLINK_GENERIC socket of its own, opened on first use and closed with
 * the platform: the request socket (netlink-socket.ts) speaks rtnetlink
 * only. Requests go one at a time: Wake-on-LAN is set once per activation,
 * so there is nothing to pipeline. The family's id is asked of the generic
 * netlink controller once and kept.
 */
import { RawNetlinkSocket } from 'netlink/dist/raw.js';
import { Errno, WAKE_ON_LAN_MODES, type WakeOnLan, type WakeOnLanMode } from '../../sdk/index.js';
import { InvalidValue } from './ip-text.js';
import { forEachAttr, NlMessage } from './nl-message.js';
import { asPlatformError, platformError } from './platform-errors.js';
import { NLM_F_ACK, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN } from './rtnl-constants.js';

// linux/netlink.h, linux/genetlink.h
const NETLINK_GENERIC = 16;
const GENL_HDRLEN = 4;
const GENL_ID_CTRL = 0x10;
const CTRL_CMD_GETFAMILY = 3;
const CTRL_ATTR_FAMILY_ID = 1;
const CTRL_ATTR_FAMILY_NAME = 2;

// linux/ethtool_netlink.h
const ETHTOOL_GENL_NAME = 'ethtool';
const ETHTOOL_GENL_VERSION = 1;
const ETHTOOL_MSG_WOL_GET = 9;
const ETHTOOL_MSG_WOL_SET = 10;
const ETHTOOL_MSG_WOL_GET_REPLY = 9;
const ETHTOOL_A_HEADER_DEV_INDEX = 1;
const ETHTOOL_A_HEADER_FLAGS = 3;
const ETHTOOL_FLAG_COMPACT_BITSETS = 1 << 0;
const ETHTOOL_A_WOL_HEADER = 1;
const ETHTOOL_A_WOL_MODES = 2;
const ETHTOOL_A_WOL_SOPASS = 3;
const ETHTOOL_A_BITSET_NOMASK = 1;
const ETHTOOL_A_BITSET_SIZE = 2;
const ETHTOOL_A_BITSET_VALUE = 4;
const ETHTOOL_A_BITSET_MASK = 5;
const SOPASS_LEN = 6;
/** Generic netlink validates strictly: a nested attribute must say so (rtnetlink does not ask). */
const NLA_F_NESTED = 1 << 15;

// ---- encoding -------------------------------------------------------------------

function genlMessage(familyId: number, cmd: number, version: number, flags: number): NlMessage {
  const m = new NlMessage(familyId, NLM_F_REQUEST | flags);
  const at = m.struct(GENL_HDRLEN);
  m.setU8(at, cmd).setU8(at + 1, version);
  return m;
}

export function getFamilyRequest(name: string): Buffer {
  return genlMessage(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK).string(CTRL_ATTR_FAMILY_NAME, name).finish();
}

function header(m: NlMessage, ifindex: number, flags: number): NlMessage {
  const nest = m.nest(ETHTOOL_A_WOL_HEADER | NLA_F_NESTED);
  m.u32(ETHTOOL_A_HEADER_DEV_INDEX, ifindex);
  if (flags) m.u32(ETHTOOL_A_HEADER_FLAGS, flags);
  return m.end(nest);
}

export function wolGetRequest(familyId: number, ifindex: number): Buffer {
  // Compact bitsets: the reply's value is the enabled modes and its mask the supported ones.
  return header(genlMessage(familyId, ETHTOOL_MSG_WOL_GET, ETHTOOL_GENL_VERSION, NLM_F_ACK), ifindex, ETHTOOL_FLAG_COMPACT_BITSETS).finish();
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
  const m = header(genlMessage(familyId, ETHTOOL_MSG_WOL_SET, ETHTOOL_GENL_VERSION, NLM_F_ACK), ifindex, 0);
  const nest = m.nest(ETHTOOL_A_WOL_MODES | NLA_F_NESTED);
  m.bytes(ETHTOOL_A_BITSET_NOMASK, new Uint8Array(0));
  m.u32(ETHTOOL_A_BITSET_SIZE, WAKE_ON_LAN_MODES.length);
  m.u32(ETHTOOL_A_BITSET_VALUE, bits);
  m.end(nest);
  if (sopass) m.bytes(ETHTOOL_A_WOL_SOPASS, sopass);
  return m.finish();
}

// ---- decoding ---------------------------------------------------------------------

/** The family id in a CTRL_CMD_NEWFAMILY reply (payload after the netlink header). */
export function decodeFamilyId(buf: Buffer, at: number, len: number): number | undefined {
  let id: number | undefined;
  forEachAttr(buf, at + GENL_HDRLEN, at + len, (type, p, l) => {
    if (type === CTRL_ATTR_FAMILY_ID && l >= 2) id = buf.readUInt16LE(p);
  });
  return id;
}

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

// ---- the socket ---------------------------------------------------------------------

type ReplyVisitor = (type: number, buf: Buffer, at: number, len: number) => void;

interface Waiting {
  seq: number;
  operation: string;
  onReply?: ReplyVisitor;
  resolve(): void;
  reject(err: Error): void;
}

export class EthtoolWol {
  private sock: RawNetlinkSocket | undefined;
  private seq = (Math.random() * 0x7fffffff) >>> 0;
  private waiting: Waiting | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private familyId: number | undefined;

  /** ETHTOOL_MSG_WOL_GET; `operation` names the link for errors ("read wake-on-lan of eth0 (ifindex 3)"). */
  async get(ifindex: number, operation: string): Promise<WakeOnLan> {
    try {
      const family = await this.family(operation);
      let wol: WakeOnLan | undefined;
      await this.request(wolGetRequest(family, ifindex), operation, (type, buf, at, len) => {
        if (type === family && buf[at] === ETHTOOL_MSG_WOL_GET_REPLY) wol = decodeWolReply(buf, at, len);
      });
      if (!wol) throw platformError(Errno.EIO, operation, `the kernel sent no ETHTOOL_MSG_WOL_GET_REPLY (${ETHTOOL_MSG_WOL_GET_REPLY})`);
      return wol;
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  /** ETHTOOL_MSG_WOL_SET of exactly these modes (and the SecureOn password when given). */
  async set(ifindex: number, modes: readonly WakeOnLanMode[], password: string | undefined, operation: string): Promise<void> {
    try {
      const family = await this.family(operation);
      await this.request(wolSetRequest(family, ifindex, modes, password), operation);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  close(): void {
    this.waiting?.reject(platformError(Errno.EIO, this.waiting.operation, 'platform stopped'));
    this.waiting = undefined;
    this.sock?.close();
    this.sock = undefined;
  }

  private async family(operation: string): Promise<number> {
    if (this.familyId !== undefined) return this.familyId;
    let id: number | undefined;
    try {
      await this.request(getFamilyRequest(ETHTOOL_GENL_NAME), `${operation}: resolve the ethtool netlink family`, (type, buf, at, len) => {
        if (type === GENL_ID_CTRL) id = decodeFamilyId(buf, at, len);
      });
    } catch (e) {
      // ENOENT: no such family (a kernel before 5.6, or built without ETHTOOL_NETLINK).
      const err = asPlatformError(e, operation);
      if (err.errno === Errno.ENOENT) throw platformError(Errno.EOPNOTSUPP, operation, 'this kernel has no ethtool netlink family (Linux 5.6 or later is needed)');
      throw err;
    }
    if (id === undefined) throw platformError(Errno.EIO, operation, 'the generic netlink controller did not name the ethtool family');
    this.familyId = id;
    return id;
  }

  /** One request at a time: each waits for the previous one's answer. */
  private request(msg: Buffer, operation: string, onReply?: ReplyVisitor): Promise<void> {
    const mine = this.turn.then(() => this.sendOne(msg, operation, onReply));
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private sendOne(msg: Buffer, operation: string, onReply?: ReplyVisitor): Promise<void> {
    const sock = this.open();
    this.seq = (this.seq + 1) >>> 0 || 1;
    const seq = this.seq;
    msg.writeUInt32LE(seq, 8);
    return new Promise<void>((resolve, reject) => {
      this.waiting = { seq, operation, onReply, resolve, reject };
      sock.ref();
      sock.send(msg, undefined, (err) => {
        if (err && this.waiting?.seq === seq) this.settle(-(err.errno || Errno.EIO));
      });
    });
  }

  private open(): RawNetlinkSocket {
    if (this.sock) return this.sock;
    const sock = new RawNetlinkSocket(NETLINK_GENERIC, { recvBufferSize: 64 * 1024, sendBufferSize: 16 * 1024 });
    sock.on('message', (buf) => this.onDatagram(buf));
    sock.on('error', (err) => {
      if (this.waiting) this.settle(-(err.errno || Errno.EIO));
    });
    sock.unref();
    this.sock = sock;
    return sock;
  }

  private onDatagram(buf: Buffer): void {
    let off = 0;
    while (off + NLMSG_HDRLEN <= buf.length) {
      const len = buf.readUInt32LE(off);
      if (len < NLMSG_HDRLEN || off + len > buf.length) break;
      const type = buf.readUInt16LE(off + 4);
      const w = this.waiting;
      if (w && buf.readUInt32LE(off + 8) === w.seq) {
        if (type === NLMSG_ERROR || type === NLMSG_DONE) this.settle(len >= NLMSG_HDRLEN + 4 ? buf.readInt32LE(off + NLMSG_HDRLEN) : -Errno.EIO);
        else w.onReply?.(type, buf, off + NLMSG_HDRLEN, len - NLMSG_HDRLEN);
      }
      off += (len + 3) & ~3;
    }
  }

  /** errno is the kernel's negative value (0: done). */
  private settle(errno: number): void {
    const w = this.waiting;
    if (!w) return;
    this.waiting = undefined;
    this.sock?.unref();
    if (errno === 0) w.resolve();
    else w.reject(platformError(-errno, w.operation));
  }
}

