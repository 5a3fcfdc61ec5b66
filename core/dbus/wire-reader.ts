/**
 * Decoding incoming messages (either byte order) into the form dbus-next
 * 0.10.2 decodes them to, so the layer above reads them as before:
 *   y n q i u d  number        b     boolean       x t   bigint
 *   s o g        string        ay    Buffer (a copy, never a view of the socket's chunk)
 *   a{..}        plain object  other arrays and structs: arrays
 *   v            Variant(signature, value)          h     refused (no descriptors are negotiated)
 * Every read is bounds-checked: bytes that do not make a message throw a
 * WireError saying what was wrong where, and the connection is closed
 * (bus-client.ts), as the stream cannot be resynchronised.
 */
import { parseSignature, parseSingle, type SigType } from './signature.js';
import { Variant } from './variant.js';

/**
 * A message received. Header fields a message lacks are undefined, except
 * path and member: '' in replies and errors (calls and signals must carry
 * both, and a message without them is refused).
 */
export interface Message {
  type: number;
  flags: number;
  serial: number;
  path: string;
  interface?: string;
  member: string;
  errorName?: string;
  replySerial?: number;
  destination?: string;
  sender?: string;
  signature: string;
  body: any[];
}

export class WireError extends Error {
  override readonly name = 'WireError';
}

const HEADER_BYTES = 16;
/** The specification's limit on a whole message (2^27 bytes). */
export const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;
const LITTLE = 0x6c; // 'l'
const BIG = 0x42; // 'B'

/** Header field codes to Message keys (the specification's table; 9, UNIX_FDS, is read and dropped). */
const FIELD_KEYS: Readonly<Record<number, keyof Message | undefined>> = {
  1: 'path',
  2: 'interface',
  3: 'member',
  4: 'errorName',
  5: 'replySerial',
  6: 'destination',
  7: 'sender',
  8: 'signature',
};

/** The header fields each message type must carry (the specification's table). */
const REQUIRED_FIELDS: Readonly<Record<number, readonly (keyof Message)[]>> = {
  1: ['path', 'member'],
  2: ['replySerial'],
  3: ['errorName', 'replySerial'],
  4: ['path', 'interface', 'member'],
};

const ALIGN: Readonly<Record<string, number>> = { n: 2, q: 2, b: 4, i: 4, u: 4, s: 4, o: 4, a: 4, h: 4, x: 8, t: 8, d: 8, '(': 8, '{': 8 };

/**
 * Splits a byte stream into messages. push() may be given any slice of the
 * stream; each complete message goes to `deliver` in order.
 */
export class MessageReader {
  private chunks: Buffer[] = [];
  private size = 0;

  /** Take more bytes. Throws WireError on bytes that cannot start or make a message. */
  push(chunk: Buffer, deliver: (msg: Message) => void): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size >= HEADER_BYTES) {
      const head = this.chunks[0]!.length >= HEADER_BYTES ? this.chunks[0]! : this.join(HEADER_BYTES);
      const total = messageLength(head);
      if (this.size < total) return;
      deliver(decodeMessage(this.take(total)));
    }
  }

  /** Bytes received but not yet a whole message. */
  get buffered(): number {
    return this.size;
  }

  /** The first `n` buffered bytes as one buffer (chunks merged as needed, nothing consumed). */
  private join(n: number): Buffer {
    let merged = 0;
    let count = 0;
    while (merged < n) merged += this.chunks[count++]!.length;
    if (count > 1) this.chunks.splice(0, count, Buffer.concat(this.chunks.slice(0, count)));
    return this.chunks[0]!;
  }

  /** Remove and return the first `n` bytes. */
  private take(n: number): Buffer {
    const first = this.join(n);
    this.size -= n;
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    this.chunks[0] = first.subarray(n);
    return first.subarray(0, n);
  }
}

/** A whole message's length from its fixed header (16 bytes). Throws WireError. */
export function messageLength(head: Buffer): number {
  const le = byteOrder(head[0]!);
  const body = le ? head.readUInt32LE(4) : head.readUInt32BE(4);
  const fields = le ? head.readUInt32LE(12) : head.readUInt32BE(12);
  const total = HEADER_BYTES + pad8(fields) + body;
  if (total > MAX_MESSAGE_BYTES) throw new WireError(`a message of ${total} bytes (more than the ${MAX_MESSAGE_BYTES} D-Bus allows)`);
  return total;
}

/** Decode one whole message. Throws WireError. */
export function decodeMessage(buf: Buffer): Message {
  const le = byteOrder(buf[0]!);
  if (buf[3] !== 1) throw new WireError(`protocol version ${buf[3]} (only 1 exists)`);
  const r = new Cursor(buf, le);
  r.pos = 4;
  const bodyLength = r.u32();
  const msg: Message = { type: buf[1]!, flags: buf[2]!, serial: r.u32(), path: '', member: '', signature: '', body: [] };
  const fieldsEnd = HEADER_BYTES + r.u32();
  while (r.pos < fieldsEnd) {
    r.align(8);
    const code = r.u8();
    const [, value] = readVariantParts(r);
    const key = FIELD_KEYS[code];
    if (key) (msg as unknown as Record<string, unknown>)[key] = value;
  }
  if (r.pos !== fieldsEnd) throw new WireError('header fields overrun their length');
  const missing = REQUIRED_FIELDS[msg.type]?.find((key) => msg[key] === '' || msg[key] === undefined);
  if (missing) throw new WireError(`a message of type ${msg.type} without its ${missing} field`);
  r.pos = pad8(fieldsEnd);
  if (r.pos + bodyLength !== buf.length) throw new WireError('body length does not match the message');
  if (msg.signature !== '') {
    for (const t of signatureTypes(msg.signature)) msg.body.push(read(r, t));
    if (r.pos !== buf.length) throw new WireError(`body longer than its signature '${msg.signature}'`);
  } else if (bodyLength !== 0) {
    throw new WireError('a body without a signature');
  }
  return msg;
}

/**
 * Decode values of `signature` from `bytes` (little-endian, starting at
 * offset 0 with 8-byte alignment), as a message body is decoded.
 */
export function decodeBody(signature: string, bytes: Buffer, littleEndian = true): any[] {
  const r = new Cursor(bytes, littleEndian);
  const out = signatureTypes(signature).map((t) => read(r, t));
  if (r.pos !== bytes.length) throw new WireError(`${bytes.length - r.pos} bytes left after '${signature}'`);
  return out;
}

function byteOrder(flag: number): boolean {
  if (flag === LITTLE) return true;
  if (flag === BIG) return false;
  throw new WireError(`byte order mark 0x${flag.toString(16).padStart(2, '0')} (neither 'l' nor 'B')`);
}

function pad8(n: number): number {
  return (n + 7) & ~7;
}

function signatureTypes(signature: string): readonly SigType[] {
  try {
    return parseSignature(signature);
  } catch (e) {
    throw new WireError(`invalid signature '${signature}': ${(e as Error).message}`);
  }
}

/** A variant at the cursor: its signature and its value. */
function readVariantParts(r: Cursor): [string, unknown] {
  const signature = r.signature();
  let type: SigType;
  try {
    type = parseSingle(signature);
  } catch (e) {
    throw new WireError(`variant signature '${signature}': ${(e as Error).message}`);
  }
  return [signature, read(r, type)];
}

/** One value of `t` at the cursor, in dbus-next's decoded form. */
function read(r: Cursor, t: SigType): any {
  const fixed = FIXED[t.code];
  if (fixed) return r.fixed(fixed[0], fixed[1], fixed[2]);
  switch (t.code) {
    case 'y':
      return r.u8();
    case 'b':
      return r.u32() !== 0;
    case 'u':
      return r.u32();
    case 's':
    case 'o':
      return r.string(r.u32());
    case 'g':
      return r.signature();
    case 'v': {
      const [signature, value] = readVariantParts(r);
      return new Variant(signature, value);
    }
    case 'a':
      return readArray(r, t.children[0]!);
    case '(': {
      r.align(8);
      const out: unknown[] = [];
      for (const child of t.children) out.push(read(r, child));
      return out;
    }
    case 'h':
      throw new WireError('a unix fd (h) arrived, but none were negotiated');
    default:
      throw new WireError(`cannot decode type '${t.text}'`);
  }
}

function readArray(r: Cursor, element: SigType): unknown {
  const length = r.u32();
  if (length > 64 * 1024 * 1024) throw new WireError(`an array of ${length} bytes (more than the 64 MiB D-Bus allows)`);
  r.align(ALIGN[element.code] ?? 1);
  const end = r.pos + length;
  r.need(length);
  if (element.code === 'y') {
    const bytes = Buffer.from(r.buf.subarray(r.pos, end));
    r.pos = end;
    return bytes;
  }
  if (element.code === '{') {
    const [keyType, valueType] = element.children as [SigType, SigType];
    const out: Record<string, unknown> = {};
    while (r.pos < end) {
      r.align(8);
      const key = String(read(r, keyType));
      const value = read(r, valueType);
      // A key "__proto__" is data, not the object's prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    if (r.pos !== end) throw new WireError('a dict overruns its length');
    return out;
  }
  const out: unknown[] = [];
  while (r.pos < end) out.push(read(r, element));
  if (r.pos !== end) throw new WireError('an array overruns its length');
  return out;
}

type Fixed = (buf: Buffer, at: number) => number | bigint;
const le16s: Fixed = (b, at) => b.readInt16LE(at);
const be16s: Fixed = (b, at) => b.readInt16BE(at);
const le16u: Fixed = (b, at) => b.readUInt16LE(at);
const be16u: Fixed = (b, at) => b.readUInt16BE(at);
const le32s: Fixed = (b, at) => b.readInt32LE(at);
const be32s: Fixed = (b, at) => b.readInt32BE(at);
const le64s: Fixed = (b, at) => b.readBigInt64LE(at);
const be64s: Fixed = (b, at) => b.readBigInt64BE(at);
const le64u: Fixed = (b, at) => b.readBigUInt64LE(at);
const be64u: Fixed = (b, at) => b.readBigUInt64BE(at);
const leDouble: Fixed = (b, at) => b.readDoubleLE(at);
const beDouble: Fixed = (b, at) => b.readDoubleBE(at);

/** Fixed-size numbers other than y, b and u: size, then the little- and big-endian reads. */
const FIXED: Readonly<Record<string, readonly [number, Fixed, Fixed]>> = {
  n: [2, le16s, be16s],
  q: [2, le16u, be16u],
  i: [4, le32s, be32s],
  x: [8, le64s, be64s],
  t: [8, le64u, be64u],
  d: [8, leDouble, beDouble],
};

/** A read position in one message; alignment counts from the message's first byte. */
class Cursor {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    private readonly le: boolean,
  ) {}

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new WireError(`a value runs past the end of the message (${n} bytes at ${this.pos} of ${this.buf.length})`);
  }

  align(n: number): void {
    const to = (this.pos + n - 1) & ~(n - 1);
    this.need(to - this.pos);
    this.pos = to;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.align(4);
    this.need(4);
    const v = this.le ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  fixed(size: number, le: Fixed, be: Fixed): any {
    this.align(size);
    this.need(size);
    const v = (this.le ? le : be)(this.buf, this.pos);
    this.pos += size;
    return v;
  }

  /** `length` bytes of UTF-8 and the NUL after them. */
  string(length: number): string {
    this.need(length + 1);
    if (this.buf[this.pos + length] !== 0) throw new WireError(`a string at ${this.pos} is not NUL-terminated`);
    const s = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length + 1;
    return s;
  }

  signature(): string {
    return this.string(this.u8());
  }
}
