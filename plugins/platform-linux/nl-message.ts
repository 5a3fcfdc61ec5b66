/**
 * Writing and walking netlink messages. A request is one zero-filled buffer
 * that grows as attributes are appended (header, fixed struct, TLVs padded to
 * four bytes); the sequence number is stamped when the socket sends it.
 * Integers are little-endian: netlink uses host order and nmk runs on
 * little-endian machines only (checked once when the module loads).
 */
import os from 'node:os';
import * as C from './rtnl-constants.js';

// Local copies: under jiti every use of an imported binding is a Proxy read (see rtnl-decode.ts).
const { NLA_HDRLEN, NLA_TYPE_MASK, NLMSG_HDRLEN } = C;

if (os.endianness() !== 'LE') throw new Error('platform-linux: netlink encoding assumes a little-endian host');

const align4 = (n: number): number => (n + 3) & ~3;

export class NlMessage {
  private buf: Buffer;
  private pos = NLMSG_HDRLEN;

  constructor(type: number, flags: number, capacity = 128) {
    this.buf = Buffer.alloc(Math.max(capacity, 64));
    this.buf.writeUInt16LE(type, 4);
    this.buf.writeUInt16LE(flags, 6);
  }

  private reserve(n: number): number {
    const at = this.pos;
    const need = at + align4(n);
    if (need > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, at);
      this.buf = bigger;
    }
    this.pos = need;
    return at;
  }

  /** Reserve a fixed struct (ifinfomsg, ifaddrmsg, rtmsg) and return its offset for the setters below. */
  struct(len: number): number {
    return this.reserve(len);
  }

  setU8(at: number, v: number): this { this.buf.writeUInt8(v & 0xff, at); return this; }
  setU16(at: number, v: number): this { this.buf.writeUInt16LE(v & 0xffff, at); return this; }
  setU32(at: number, v: number): this { this.buf.writeUInt32LE(v >>> 0, at); return this; }
  setS32(at: number, v: number): this { this.buf.writeInt32LE(v | 0, at); return this; }

  /** Append an attribute and return the offset of its payload. */
  private attrHeader(type: number, payloadLen: number): number {
    const at = this.reserve(NLA_HDRLEN + payloadLen);
    this.buf.writeUInt16LE(NLA_HDRLEN + payloadLen, at);
    this.buf.writeUInt16LE(type, at + 2);
    return at + NLA_HDRLEN;
  }

  bytes(type: number, payload: Uint8Array): this {
    const at = this.attrHeader(type, payload.length);
    this.buf.set(payload, at);
    return this;
  }
  // The header first: appending may move the message to a bigger buffer.
  u8(type: number, v: number): this {
    const at = this.attrHeader(type, 1);
    this.buf.writeUInt8(v & 0xff, at);
    return this;
  }
  u16(type: number, v: number): this {
    const at = this.attrHeader(type, 2);
    this.buf.writeUInt16LE(v & 0xffff, at);
    return this;
  }
  u32(type: number, v: number): this {
    const at = this.attrHeader(type, 4);
    this.buf.writeUInt32LE(v >>> 0, at);
    return this;
  }
  u64(type: number, v: number | bigint): this {
    const at = this.attrHeader(type, 8);
    this.buf.writeBigUInt64LE(BigInt(v), at);
    return this;
  }
  be16(type: number, v: number): this {
    const at = this.attrHeader(type, 2);
    this.buf.writeUInt16BE(v & 0xffff, at);
    return this;
  }
  be32(type: number, v: number): this {
    const at = this.attrHeader(type, 4);
    this.buf.writeUInt32BE(v >>> 0, at);
    return this;
  }
  /** NUL-terminated string, as the kernel's NLA_STRING/NLA_NUL_STRING policies accept. */
  string(type: number, s: string): this {
    const len = Buffer.byteLength(s);
    const at = this.attrHeader(type, len + 1);
    this.buf.write(s, at, 'utf8');
    return this;
  }

  /** Open a nested attribute; close it with end(). */
  nest(type: number): number {
    const at = this.reserve(NLA_HDRLEN);
    this.buf.writeUInt16LE(type, at + 2);
    return at;
  }
  end(nestAt: number): this {
    this.buf.writeUInt16LE(this.pos - nestAt, nestAt);
    return this;
  }

  /** The finished message with nlmsg_len set (seq and pid are left 0). */
  finish(): Buffer {
    this.buf.writeUInt32LE(this.pos, 0);
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * Walk the attributes in buf[start, end), calling visit(type, payloadOffset,
 * payloadLength) for each. No allocation; a truncated attribute ends the walk.
 */
/**
 * Each netlink message of a datagram, in order: its header's type, flags and
 * sequence number, and where its payload lies in `buf`. A message whose
 * length is short or runs past the datagram ends the walk (the kernel never
 * sends one; a truncated read could).
 */
export function forEachNlMessage(buf: Buffer, visit: (type: number, flags: number, seq: number, payload: number, payloadLen: number) => void): void {
  let off = 0;
  while (off + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > buf.length) return;
    visit(buf.readUInt16LE(off + 4), buf.readUInt16LE(off + 6), buf.readUInt32LE(off + 8), off + NLMSG_HDRLEN, len - NLMSG_HDRLEN);
    off += (len + 3) & ~3;
  }
}

/** The errno an NLMSG_ERROR or NLMSG_DONE payload carries (negative; 0 is success), or `short` when it is too short to hold one. */
export function nlErrno(buf: Buffer, payload: number, payloadLen: number, short: number): number {
  return payloadLen >= 4 ? buf.readInt32LE(payload) : short;
}

export function forEachAttr(buf: Buffer, start: number, end: number, visit: (type: number, at: number, len: number) => void): void {
  let p = start;
  while (p + NLA_HDRLEN <= end) {
    const alen = buf.readUInt16LE(p);
    if (alen < NLA_HDRLEN || p + alen > end) return;
    visit(buf.readUInt16LE(p + 2) & NLA_TYPE_MASK, p + NLA_HDRLEN, alen - NLA_HDRLEN);
    p += align4(alen);
  }
}

/** A NUL-terminated (or not) string attribute payload. */
export function readString(buf: Buffer, at: number, len: number): string {
  let end = at + len;
  while (end > at && buf[end - 1] === 0) end--;
  return buf.toString('utf8', at, end);
}
