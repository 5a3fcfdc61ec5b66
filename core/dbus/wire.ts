/**
 * Encoding outgoing messages (little-endian D-Bus wire format). dbus-next's
 * marshaller allocates per value: it needs about 0.9 s for a GetManagedObjects
 * of 5000 objects with 20 properties, which blocks the loop; this does the
 * same bytes in a small fraction of that (the unit tests compare both byte
 * for byte, and wire.golden.test.ts pins the bytes). Values must be in the
 * form toWire produces, or in any plain form toWire accepts once checked
 * with checkValue (numbers for x and t, byte arrays, Maps, plain variants),
 * or a Vardict where the signature says a{sv}.
 *
 * Each signature is compiled once into writer functions (a closure per type,
 * children bound in), so encoding a value is a direct call per node with no
 * parsing, no lookups and no switch; messages go into one shared chunk
 * (wire-writer.ts).
 */
import { isBusName, isInterfaceName, isMemberName, isObjectPath } from './names.js';
import { parseSignature, parseSingle, type SigType } from './signature.js';
import { Writer } from './wire-writer.js';

export const MessageKind = { METHOD_CALL: 1, METHOD_RETURN: 2, ERROR: 3, SIGNAL: 4 } as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

/** A message to send; `body` in wire form, matching `signature`. */
export interface OutgoingMessage {
  type: MessageKind;
  flags?: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  replySerial?: number;
  destination?: string;
  signature: string;
  body: readonly unknown[];
}

const PROTOCOL_VERSION = 1;
const MAX_ARRAY_BYTES = 64 * 1024 * 1024;
const ALIGNMENT: Record<string, number> = { y: 1, g: 1, v: 1, n: 2, q: 2, b: 4, i: 4, u: 4, s: 4, o: 4, a: 4, h: 4, x: 8, t: 8, d: 8, '(': 8, '{': 8 };

/** Writes one value of a compiled type. */
type Write = (w: Writer, value: any) => void;

/**
 * Header fields in code order: [code, field, its signature's type code, check].
 * A name that passed its check is remembered (a daemon sends the same few
 * hundred paths and names over and over).
 */
const HEADER_FIELDS: readonly (readonly [number, keyof OutgoingMessage, string, CheckedNames | null])[] = [
  [1, 'path', 'o', checkedNames(isObjectPath)],
  [2, 'interface', 's', checkedNames(isInterfaceName)],
  [3, 'member', 's', checkedNames(isMemberName)],
  [4, 'errorName', 's', checkedNames(isInterfaceName)],
  [5, 'replySerial', 'u', null],
  [6, 'destination', 's', checkedNames(isBusName)],
  [8, 'signature', 'g', null],
];

interface CheckedNames {
  valid(name: string): boolean;
}

/** Names that passed `check`, kept up to a bound (unique bus names of callers come and go). */
function checkedNames(check: (name: string) => boolean): CheckedNames {
  const known = new Set<string>();
  return {
    valid(name) {
      if (known.has(name)) return true;
      if (!check(name)) return false;
      if (known.size >= 8192) known.clear();
      known.add(name);
      return true;
    },
  };
}

/**
 * An a{sv} of plain values already checked (checkValue): what the object
 * tree reads from property rows, written straight into the message without
 * a Variant or a copy per value. Entries lie flat (key, type, value) in one
 * array sized up front. Only valid where the signature says a{sv}.
 */
export class Vardict {
  private readonly entries: unknown[];
  size = 0;

  /** `capacity`: how many entries there will be at most. */
  constructor(capacity: number) {
    this.entries = new Array(capacity * 3);
  }

  add(key: string, type: SigType, value: unknown): void {
    const at = this.size++ * 3;
    this.entries[at] = key;
    this.entries[at + 1] = type;
    this.entries[at + 2] = value;
  }

  writeTo(w: Writer): void {
    const entries = this.entries;
    for (let at = 0; at < this.size * 3; at += 3) {
      const signature = (entries[at + 1] as SigType).text;
      w.align(8);
      w.string(entries[at] as string);
      w.signature(signature);
      singleWriter(signature)(w, entries[at + 2]);
    }
  }
}

const w = new Writer();

/** The whole message, header and body, ready to write to the socket. Throws on an invalid header field. */
export function encodeMessage(msg: OutgoingMessage, serial: number): Buffer {
  writeMessage(msg, serial);
  const bytes = w.buf.subarray(w.start, w.pos);
  w.commit();
  return bytes;
}

/**
 * A connection's messages encoded but not yet handed to its socket: one span
 * of the shared chunk while messages follow each other there (a storm of
 * signals is then one socket write, not one per message).
 */
export class OutgoingBytes {
  private buf: Buffer | undefined;
  private start = 0;
  private end = 0;

  /**
   * Encode a message after the pending ones (throws as encodeMessage). When
   * it does not continue them (another connection encoded in between, or a
   * new chunk began), returns the pending bytes, which the caller must write
   * before anything else.
   */
  append(msg: OutgoingMessage, serial: number): Buffer | undefined {
    writeMessage(msg, serial);
    const { buf, start, pos } = w;
    w.commit();
    if (buf === this.buf && start === this.end) {
      this.end = pos;
      return undefined;
    }
    const earlier = this.take();
    this.buf = buf;
    this.start = start;
    this.end = pos;
    return earlier;
  }

  /** The pending bytes (undefined when none), now no longer pending. */
  take(): Buffer | undefined {
    const buf = this.buf;
    if (!buf) return undefined;
    this.buf = undefined;
    return buf.subarray(this.start, this.end);
  }
}

/** Write one message at the cursor, leaving it between w.start and w.pos. */
function writeMessage(msg: OutgoingMessage, serial: number): void {
  const writers = bodyWriters(msg.signature);
  if (writers.length !== msg.body.length) {
    throw new Error(`message body has ${msg.body.length} values for signature '${msg.signature}'`);
  }
  w.begin();
  try {
    w.u8(0x6c); // 'l': little-endian
    w.u8(msg.type);
    w.u8(msg.flags ?? 0);
    w.u8(PROTOCOL_VERSION);
    w.u32(0); // body length (mark 4), patched below
    w.u32(serial);
    w.u32(0); // header fields a(yv): their length (mark 12), patched below
    const fieldsStart = w.mark();
    for (const [code, key, typeCode, names] of HEADER_FIELDS) {
      const value = msg[key];
      if (value === undefined || value === '') continue;
      w.align(8);
      w.u8(code);
      w.u8(1); // the field's signature: one type code
      w.u8(typeCode.charCodeAt(0));
      w.u8(0);
      if (typeCode === 'u') w.u32(value as number);
      else if (typeCode === 'g') w.signature(value as string);
      else {
        if (typeof value === 'string' && !names!.valid(value)) throw new Error(`invalid ${key} '${value}' in an outgoing message`);
        w.string(value as string);
      }
    }
    w.patchU32(12, w.mark() - fieldsStart);
    w.align(8);
    const bodyStart = w.mark();
    for (let i = 0; i < writers.length; i++) writers[i]!(w, msg.body[i]);
    w.patchU32(4, w.mark() - bodyStart);
  } catch (e) {
    w.abandon();
    throw e;
  }
}

// ---- compiled signatures ------------------------------------------------------

const bodies = new Map<string, readonly Write[]>();
const singles = new Map<string, Write>();

/** Writers for a message signature's types, compiled on first use. */
function bodyWriters(signature: string): readonly Write[] {
  let writers = bodies.get(signature);
  if (!writers) {
    writers = parseSignature(signature).map(compile);
    // A few dozen signatures in practice; the cap only guards against a flood of distinct ones.
    if (bodies.size >= 4096) bodies.clear();
    bodies.set(signature, writers);
  }
  return writers;
}

/** The writer of a variant's content, by the variant's signature. */
function singleWriter(signature: string): Write {
  let write = singles.get(signature);
  if (!write) {
    write = compile(parseSingle(signature));
    if (singles.size >= 4096) singles.clear();
    singles.set(signature, write);
  }
  return write;
}

const writeByte: Write = (w, v) => w.u8(v);
const writeBoolean: Write = (w, v) => w.u32(v ? 1 : 0);
const writeUint32: Write = (w, v) => w.u32(v);
const writeString: Write = (w, v) => w.string(v);
const writeSignature: Write = (w, v) => w.signature(v);
const writeVariant: Write = (w, v) => {
  const signature: string = v.signature;
  const write = singleWriter(signature);
  w.signature(signature);
  write(w, v.value);
};

/** Fixed-size numbers, by type code. */
const SCALARS: Record<string, Write> = {
  y: writeByte,
  b: writeBoolean,
  // slot() first: it may move the message to a new chunk, so w.buf is read after it.
  n: (w, v) => {
    const at = w.slot(2);
    w.buf.writeInt16LE(v, at);
  },
  q: (w, v) => {
    const at = w.slot(2);
    w.buf.writeUInt16LE(v, at);
  },
  i: (w, v) => {
    const at = w.slot(4);
    w.buf.writeInt32LE(v, at);
  },
  u: writeUint32,
  x: (w, v) => {
    const at = w.slot(8);
    w.buf.writeBigInt64LE(BigInt(v), at);
  },
  t: (w, v) => {
    const at = w.slot(8);
    w.buf.writeBigUInt64LE(BigInt(v), at);
  },
  d: (w, v) => {
    const at = w.slot(8);
    w.buf.writeDoubleLE(v, at);
  },
  s: writeString,
  o: writeString,
  g: writeSignature,
  v: writeVariant,
};

function compile(type: SigType): Write {
  const scalar = SCALARS[type.code];
  if (scalar) return scalar;
  if (type.code === '(') return structWriter(type.children.map(compile));
  if (type.code === 'a') return arrayWriter(type.children[0]!);
  throw new Error(`cannot encode signature '${type.text}'`);
}

function structWriter(members: readonly Write[]): Write {
  return (w, value) => {
    w.align(8);
    for (let i = 0; i < members.length; i++) members[i]!(w, value[i]);
  };
}

/** An array: its byte length, padding to the element's alignment (also when empty), the elements. */
function arrayWriter(element: SigType): Write {
  const alignment = ALIGNMENT[element.code]!;
  let items: Write;
  if (element.code === 'y') {
    items = (w, value: Buffer) => w.bytes(value);
  } else if (element.code === '{') {
    const writeKey = compile(element.children[0]!);
    const writeItem = compile(element.children[1]!);
    items = (w, value: Record<string, unknown> | Map<string, unknown> | Vardict) => {
      if (value instanceof Vardict) return value.writeTo(w);
      if (value instanceof Map) {
        for (const [key, item] of value) {
          w.align(8);
          writeKey(w, key);
          writeItem(w, item);
        }
        return;
      }
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        w.align(8);
        writeKey(w, key);
        writeItem(w, value[key]);
      }
    };
  } else {
    const writeElement = compile(element);
    items = (w, value: readonly unknown[]) => {
      for (let i = 0; i < value.length; i++) writeElement(w, value[i]);
    };
  }
  return (w, value) => {
    w.u32(0);
    const lengthAt = w.mark() - 4;
    w.align(alignment);
    const start = w.mark();
    items(w, value);
    const length = w.mark() - start;
    if (length > MAX_ARRAY_BYTES) throw new Error(`an array of ${length} bytes exceeds D-Bus's 64 MiB limit`);
    w.patchU32(lengthAt, length);
  };
}
