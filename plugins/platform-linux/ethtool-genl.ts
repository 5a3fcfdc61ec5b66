/**
 * The kernel's ethtool generic-netlink family (Linux 5.6 and later), shared
 * by Wake-on-LAN (ethtool-wol.ts) and the offload features, coalescing,
 * ring and pause options (ethtool-features.ts, ethtool-params.ts).
 * NetworkManager uses the SIOCETHTOOL ioctl; Node has no ioctl, and the
 * netlink family reaches the same driver calls with the same answers
 * (EOPNOTSUPP from a driver without the operation, EINVAL for a value it
 * does not take).
 *
 * A NETLINK_GENERIC socket of its own, opened on first use and closed with
 * the platform: the request socket (netlink-socket.ts) speaks rtnetlink
 * only. Requests go one at a time: ethtool options are set a handful of
 * times per activation, so there is nothing to pipeline. The family's id is
 * asked of the generic netlink controller once and kept.
 */
import { RawNetlinkSocket } from 'netlink/dist/raw.js';
import { Errno } from '../../sdk/index.js';
import { forEachAttr, forEachNlMessage, nlErrno, NlMessage } from './nl-message.js';
import { asPlatformError, platformError } from './platform-errors.js';
import { NLM_F_ACK, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN } from './rtnl-constants.js';

// linux/netlink.h, linux/genetlink.h
const NETLINK_GENERIC = 16;
export const GENL_HDRLEN = 4;
export const GENL_ID_CTRL = 0x10;
const CTRL_CMD_GETFAMILY = 3;
const CTRL_ATTR_FAMILY_ID = 1;
const CTRL_ATTR_FAMILY_NAME = 2;

// linux/ethtool_netlink.h
const ETHTOOL_GENL_NAME = 'ethtool';
const ETHTOOL_GENL_VERSION = 1;
/** Every ethtool request's first attribute is its header nest (ETHTOOL_A_*_HEADER). */
const ETHTOOL_A_HEADER = 1;
const ETHTOOL_A_HEADER_DEV_INDEX = 1;
const ETHTOOL_A_HEADER_FLAGS = 3;
export const ETHTOOL_FLAG_COMPACT_BITSETS = 1 << 0;
/** A SET answers with a reply of what changed unless told not to; nmk reads the state back instead. */
export const ETHTOOL_FLAG_OMIT_REPLY = 1 << 1;
/** Generic netlink validates strictly: a nested attribute must say so (rtnetlink does not ask). */
export const NLA_F_NESTED = 1 << 15;

// ---- encoding -------------------------------------------------------------------

export function genlMessage(familyId: number, cmd: number, version: number, flags: number): NlMessage {
  const m = new NlMessage(familyId, NLM_F_REQUEST | flags);
  const at = m.struct(GENL_HDRLEN);
  m.setU8(at, cmd).setU8(at + 1, version);
  return m;
}

export function getFamilyRequest(name: string): Buffer {
  return genlMessage(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK).string(CTRL_ATTR_FAMILY_NAME, name).finish();
}

/** An ethtool request for one link: the genl header and the ETHTOOL_A_HEADER nest; append the rest, then finish(). */
export function ethtoolRequest(familyId: number, cmd: number, ifindex: number, flags = 0): NlMessage {
  const m = genlMessage(familyId, cmd, ETHTOOL_GENL_VERSION, NLM_F_ACK);
  const nest = m.nest(ETHTOOL_A_HEADER | NLA_F_NESTED);
  m.u32(ETHTOOL_A_HEADER_DEV_INDEX, ifindex);
  if (flags) m.u32(ETHTOOL_A_HEADER_FLAGS, flags);
  return m.end(nest);
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

// ---- the socket ---------------------------------------------------------------------

/** Called for each reply message of a request: netlink type, buffer, payload offset (the genl header) and length. */
export type ReplyVisitor = (type: number, buf: Buffer, at: number, len: number) => void;

interface Waiting {
  seq: number;
  operation: string;
  onReply?: ReplyVisitor;
  resolve(): void;
  reject(err: Error): void;
}

export class EthtoolGenl {
  private sock: RawNetlinkSocket | undefined;
  private seq = (Math.random() * 0x7fffffff) >>> 0;
  private waiting: Waiting | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private familyId: number | undefined;

  /**
   * Send the request `build` makes for the family id and wait for its ACK;
   * `onReply` sees every reply message of the family before it. Rejects with
   * a PlatformError naming `operation`.
   */
  async request(build: (familyId: number) => Buffer, operation: string, onReply?: ReplyVisitor): Promise<void> {
    try {
      const family = await this.family(operation);
      await this.queue(build(family), operation, (type, buf, at, len) => {
        if (type === family) onReply?.(type, buf, at, len);
      });
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  /**
   * A GET: the request, and the decoded reply whose genl command is `replyCmd`;
   * EIO when the kernel sends none.
   */
  async get<T>(build: (familyId: number) => Buffer, replyCmd: number, decode: (buf: Buffer, at: number, len: number) => T, operation: string): Promise<T> {
    let out: { value: T } | undefined;
    await this.request(build, operation, (_type, buf, at, len) => {
      if (buf[at] === replyCmd) out = { value: decode(buf, at, len) };
    });
    if (!out) throw platformError(Errno.EIO, operation, `the kernel sent no reply of command ${replyCmd}`);
    return out.value;
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
      await this.queue(getFamilyRequest(ETHTOOL_GENL_NAME), `${operation}: resolve the ethtool netlink family`, (type, buf, at, len) => {
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
  private queue(msg: Buffer, operation: string, onReply?: ReplyVisitor): Promise<void> {
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
    // A features reply with names runs to a few KB; 64 KiB holds any of them.
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
    forEachNlMessage(buf, (type, _flags, seq, payload, payloadLen) => {
      const w = this.waiting;
      if (!w || seq !== w.seq) return;
      if (type === NLMSG_ERROR || type === NLMSG_DONE) this.settle(nlErrno(buf, payload, payloadLen, -Errno.EIO));
      else w.onReply?.(type, buf, payload, payloadLen);
    });
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
