/**
 * Plain JavaScript values to dbus-next's wire form, checked against a
 * signature. Rows hold plain values; this is the one place that knows what
 * dbus-next 0.10.2 accepts, and it refuses (with a ValueError saying where
 * and why) anything that would make dbus-next throw mid-send or make
 * dbus-daemon drop our connection (an invalid object path, a NUL in a string).
 *
 *   y n q i u   number (integer in range)      x t   bigint, or a safe-integer number
 *   d           finite number                  b     boolean
 *   s           string without NUL             o     valid object path    g   valid signature
 *   v           Variant (or { signature, value }), its value converted by its own signature
 *   ay          Buffer, Uint8Array or number[] (sent as a Buffer)
 *   a{..}       Map or plain object; keys must be s, o or g (dbus-next marshals only string keys)
 *   aX          array          (..)  array with one item per member
 *   h           refused (dbus-next cannot pass file descriptors on Node 20)
 *
 * Values received from clients arrive in dbus-next's decoded form, which is
 * the same table read backwards: Variant for v, plain objects for dicts,
 * bigint for x/t, Buffer for ay, arrays for arrays and structs.
 */
import { Variant } from './variant.js';
import { isObjectPath } from './names.js';
import { isSignature, isSingleType, parseSingle, type SigType } from './signature.js';

export { Variant };

/** A value that does not fit its signature. `at` locates it inside the value ("[2].key"). */
export class ValueError extends Error {
  override readonly name = 'ValueError';
  constructor(
    readonly reason: string,
    readonly at = '',
  ) {
    super(at ? `${at}: ${reason}` : reason);
  }
  /** The same error one level further out. */
  within(segment: string): ValueError {
    return new ValueError(this.reason, segment + this.at);
  }
}

/** A variant holding `value` of `signature` (the value stays plain; it is converted when sent). */
export function variant(signature: string, value: unknown): Variant {
  return new Variant(signature, value);
}

/** One entry of an a{sv} dict: key, signature, plain value. */
export type VardictRow = readonly [name: string, signature: string, value: unknown];

/**
 * Build an a{sv} dict from rows, skipping rows whose value is undefined (an
 * unset optional setting). The result is plain and is checked when sent.
 */
export function vardict(rows: Iterable<VardictRow>): Record<string, Variant> {
  const dict: Record<string, Variant> = {};
  for (const [name, signature, value] of rows) {
    if (value !== undefined) setKey(dict, name, new Variant(signature, value));
  }
  return dict;
}

const INTEGER_RANGES: Record<string, readonly [number, number, string]> = {
  y: [0, 0xff, 'byte'],
  n: [-0x8000, 0x7fff, 'int16'],
  q: [0, 0xffff, 'uint16'],
  i: [-0x80000000, 0x7fffffff, 'int32'],
  u: [0, 0xffffffff, 'uint32'],
};

const BIGINT_RANGES: Record<string, readonly [bigint, bigint, string]> = {
  x: [-(1n << 63n), (1n << 63n) - 1n, 'int64'],
  t: [0n, (1n << 64n) - 1n, 'uint64'],
};

/** Convert one value to dbus-next's wire form for `type`. Throws ValueError. */
export function toWire(type: SigType, value: unknown): unknown {
  switch (type.code) {
    case 'y':
    case 'n':
    case 'q':
    case 'i':
    case 'u':
      return integer(type.code, value);
    case 'x':
    case 't':
      return bigInteger(type.code, value);
    case 'd':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw mismatch('a finite number (d)', value);
      return value;
    case 'b':
      if (typeof value !== 'boolean') throw mismatch('a boolean (b)', value);
      return value;
    case 's':
      if (typeof value !== 'string') throw mismatch('a string (s)', value);
      if (value.includes('\0')) throw new ValueError('a string (s) must not contain NUL');
      return value;
    case 'o':
      if (!isObjectPath(value)) throw mismatch('an object path (o)', value);
      return value;
    case 'g':
      if (!isSignature(value)) throw mismatch('a signature (g)', value);
      return value;
    case 'v':
      return variantToWire(value);
    case 'a':
      return arrayToWire(type.children[0]!, value);
    case '(':
      return structToWire(type, value);
    default:
      throw new ValueError(`signature '${type.text}' cannot be sent (dbus-next cannot pass file descriptors)`);
  }
}

/**
 * Check a value exactly as toWire does (the same ValueError for the same
 * value), building nothing: for values the encoder writes in their plain
 * form (property values on their way into PropertiesChanged and
 * GetManagedObjects), so no copy, Buffer or Variant is made per value.
 */
export function checkValue(type: SigType, value: unknown): void {
  switch (type.code) {
    case 'a':
      return checkArray(type.children[0]!, value);
    case '(':
      return checkStruct(type, value);
    case 'v':
      return checkVariant(value);
    default:
      toWire(type, value); // a basic value: returned as it is (or a bigint), nothing to build
  }
}

/** Convert a list of values for a list of types (a message body). */
export function toWireList(types: readonly SigType[], values: readonly unknown[]): unknown[] {
  if (values.length !== types.length) {
    throw new ValueError(`expected ${types.length} value(s) for '${types.map((t) => t.text).join('')}', got ${values.length}`);
  }
  const out = new Array<unknown>(types.length);
  for (let i = 0; i < types.length; i++) {
    try {
      out[i] = toWire(types[i]!, values[i]);
    } catch (e) {
      throw e instanceof ValueError ? e.within(`argument ${i}`) : e;
    }
  }
  return out;
}

function integer(code: string, value: unknown): number {
  const [min, max, name] = INTEGER_RANGES[code]!;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(`an integer (${code})`, value);
  if (value < min || value > max) throw new ValueError(`${value} is out of range for ${name} (${code})`);
  return value;
}

function bigInteger(code: string, value: unknown): bigint {
  const [min, max, name] = BIGINT_RANGES[code]!;
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
  else throw mismatch(`a bigint or safe integer (${code})`, value);
  if (big < min || big > max) throw new ValueError(`${big} is out of range for ${name} (${code})`);
  return big;
}

/** A variant's signature and value, checked: a { signature, value } object whose signature is one complete type. */
function variantParts(value: unknown): { signature: string; value: unknown } {
  const v = value as { signature?: unknown; value?: unknown } | null;
  if (v === null || typeof v !== 'object' || typeof v.signature !== 'string' || !('value' in v)) {
    throw mismatch('a Variant (v)', value);
  }
  if (!isSingleType(v.signature)) throw new ValueError(`a variant's signature '${v.signature}' is not a single complete type`);
  return v as { signature: string; value: unknown };
}

function variantToWire(value: unknown): Variant {
  const v = variantParts(value);
  try {
    return new Variant(v.signature, toWire(parseSingle(v.signature), v.value));
  } catch (e) {
    throw e instanceof ValueError ? e.within(`<${v.signature}>`) : e;
  }
}

function arrayToWire(element: SigType, value: unknown): unknown {
  if (element.code === 'y') return bytes(value);
  if (element.code === '{') return dictToWire(element, value);
  if (!Array.isArray(value)) throw mismatch(`an array (a${element.text})`, value);
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    try {
      out[i] = toWire(element, value[i]);
    } catch (e) {
      throw e instanceof ValueError ? e.within(`[${i}]`) : e;
    }
  }
  return out;
}

function bytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const b = value[i];
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 0xff) throw new ValueError(`[${i}]: ${describe(b)} is not a byte`);
    }
    return Buffer.from(value as number[]);
  }
  throw mismatch('a Buffer, Uint8Array or byte array (ay)', value);
}

function dictToWire(entry: SigType, value: unknown): Record<string, unknown> {
  const [keyType, valueType] = entry.children as [SigType, SigType];
  if (keyType.code !== 's' && keyType.code !== 'o' && keyType.code !== 'g') {
    throw new ValueError(`dicts with '${keyType.code}' keys cannot be sent: dbus-next 0.10.2 marshals only string keys`);
  }
  const entries = value instanceof Map ? value.entries() : isPlainObject(value) ? Object.entries(value) : undefined;
  if (!entries) throw mismatch(`a Map or plain object (a${entry.text})`, value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    try {
      toWire(keyType, key);
      setKey(out, key as string, toWire(valueType, item));
    } catch (e) {
      throw e instanceof ValueError ? e.within(`[${JSON.stringify(key)}]`) : e;
    }
  }
  return out;
}

function structToWire(type: SigType, value: unknown): unknown[] {
  if (!Array.isArray(value) || value.length !== type.children.length) {
    throw mismatch(`an array of ${type.children.length} members (${type.text})`, value);
  }
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    try {
      out[i] = toWire(type.children[i]!, value[i]);
    } catch (e) {
      throw e instanceof ValueError ? e.within(`.${i}`) : e;
    }
  }
  return out;
}

function checkVariant(value: unknown): void {
  const v = variantParts(value);
  try {
    checkValue(parseSingle(v.signature), v.value);
  } catch (e) {
    throw e instanceof ValueError ? e.within(`<${v.signature}>`) : e;
  }
}

function checkArray(element: SigType, value: unknown): void {
  if (element.code === 'y') {
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return;
    if (!Array.isArray(value)) throw mismatch('a Buffer, Uint8Array or byte array (ay)', value);
    bytes(value);
    return;
  }
  if (element.code === '{') return checkDict(element, value);
  if (!Array.isArray(value)) throw mismatch(`an array (a${element.text})`, value);
  for (let i = 0; i < value.length; i++) {
    try {
      checkValue(element, value[i]);
    } catch (e) {
      throw e instanceof ValueError ? e.within(`[${i}]`) : e;
    }
  }
}

function checkDict(entry: SigType, value: unknown): void {
  const [keyType, valueType] = entry.children as [SigType, SigType];
  if (keyType.code !== 's' && keyType.code !== 'o' && keyType.code !== 'g') {
    throw new ValueError(`dicts with '${keyType.code}' keys cannot be sent: dbus-next 0.10.2 marshals only string keys`);
  }
  const entries = value instanceof Map ? value.entries() : isPlainObject(value) ? Object.entries(value) : undefined;
  if (!entries) throw mismatch(`a Map or plain object (a${entry.text})`, value);
  for (const [key, item] of entries) {
    try {
      toWire(keyType, key);
      checkValue(valueType, item);
    } catch (e) {
      throw e instanceof ValueError ? e.within(`[${JSON.stringify(key)}]`) : e;
    }
  }
}

function checkStruct(type: SigType, value: unknown): void {
  if (!Array.isArray(value) || value.length !== type.children.length) {
    throw mismatch(`an array of ${type.children.length} members (${type.text})`, value);
  }
  for (let i = 0; i < value.length; i++) {
    try {
      checkValue(type.children[i]!, value[i]);
    } catch (e) {
      throw e instanceof ValueError ? e.within(`.${i}`) : e;
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Assign a key, including "__proto__", as an own data property. */
function setKey(target: Record<string, unknown>, key: string, item: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value: item, enumerable: true, writable: true, configurable: true });
  else target[key] = item;
}

function mismatch(expected: string, value: unknown): ValueError {
  return new ValueError(`expected ${expected}, got ${describe(value)}`);
}

/** A short description of a value for error messages (never the whole value). */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return Array.isArray(value) ? `an array of ${value.length}` : `${(value as object).constructor?.name ?? 'null-prototype'} object`;
    default:
      return typeof value;
  }
}
