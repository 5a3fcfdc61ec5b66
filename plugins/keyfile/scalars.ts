/**
 * Reading one keyfile value as a given type, with NetworkManager's rules,
 * and turning every failure into an error naming file, line and key.
 *
 *   strings      GLib escapes (\s \n \t \r \\)
 *   booleans     true/false/1/0 (g_key_file_get_boolean)
 *   integers     C strtoll with base 0 (so 0x1f and 017 work), spaces around
 *                allowed, range-checked (_nm_utils_ascii_str_to_int64)
 *   byte lists   "1;2;3;"
 *   MACs         "aa:bb:cc:dd:ee:ff" (or '-' separated, or the old byte
 *                list form), stored upper case with ':'
 */
import { KeyFileParseError, normalizeMac } from '../../sdk/index.js';
import type { ReadContext } from './read-context.js';

/** Runs a document getter, turning its KeyFileParseError into an NmkError naming the key. */
function get<T>(ctx: ReadContext, group: string, key: string, read: () => T | undefined): T {
  let value: T | undefined;
  try {
    value = read();
  } catch (err) {
    if (err instanceof KeyFileParseError) throw ctx.error(group, key, err.reason, err);
    throw err;
  }
  if (value === undefined) throw ctx.error(group, key, 'key is missing');
  return value;
}

export function readString(ctx: ReadContext, group: string, key: string): string {
  return get(ctx, group, key, () => ctx.doc.getString(group, key));
}

export function readStringList(ctx: ReadContext, group: string, key: string): string[] {
  return get(ctx, group, key, () => ctx.doc.getStringList(group, key));
}

export function readBoolean(ctx: ReadContext, group: string, key: string): boolean {
  return get(ctx, group, key, () => ctx.doc.getBoolean(group, key));
}

export function readRaw(ctx: ReadContext, group: string, key: string): string {
  return get(ctx, group, key, () => ctx.doc.getRaw(group, key));
}

export interface IntegerRange {
  min: bigint;
  max: bigint;
}

export const INT32: IntegerRange = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
export const UINT32: IntegerRange = { min: 0n, max: 2n ** 32n - 1n };
/** 64-bit properties are held as JavaScript numbers: only the exactly representable part of the range. */
export const INT64: IntegerRange = { min: BigInt(Number.MIN_SAFE_INTEGER), max: BigInt(Number.MAX_SAFE_INTEGER) };
export const UINT64: IntegerRange = { min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) };

const ASCII_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

/** C strtoll(text, base 0) over the whole text (surrounding ASCII spaces allowed); undefined when it is not a number. */
export function parseCInteger(text: string): bigint | undefined {
  const t = text.replace(ASCII_SPACE, '');
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(t);
  if (!m) return undefined;
  const digits = m[2]!;
  let v: bigint;
  if (/^0[xX]/.test(digits)) v = BigInt(digits);
  else if (digits.length > 1 && digits.startsWith('0')) v = BigInt(`0o${digits.slice(1)}`);
  else v = BigInt(digits);
  return m[1] === '-' ? -v : v;
}

export function readInteger(ctx: ReadContext, group: string, key: string, range: IntegerRange): number {
  const raw = readRaw(ctx, group, key);
  const v = parseCInteger(raw);
  if (v === undefined) throw ctx.error(group, key, `'${raw}' is not an integer`);
  if (v < range.min || v > range.max) throw ctx.error(group, key, `${v} is out of range [${range.min}, ${range.max}]`);
  return Number(v);
}

/** "1;2;3;" → bytes; each item a decimal 0-255. */
export function readByteList(ctx: ReadContext, group: string, key: string): Uint8Array {
  const items = readStringList(ctx, group, key);
  const bytes = new Uint8Array(items.length);
  items.forEach((item, i) => {
    const v = parseCInteger(item);
    if (v === undefined || v < 0n || v > 255n) throw ctx.error(group, key, `'${item}' is not a byte (0-255)`);
    bytes[i] = Number(v);
  });
  return bytes;
}

export function formatByteList(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `${b};`).join('');
}

/** Bytes as "AA:BB:..." (upper case), the model's MAC form. */
export function macFromBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

/** "aa:bb:..." or "aa-bb-..." of exactly `length` bytes → "AA:BB:..."; undefined otherwise (the model's rule). */
export function canonicalMac(text: string, length: number): string | undefined {
  return normalizeMac(text, length);
}

/**
 * A hardware address of `length` bytes, as text or in the old byte-list
 * form. `specials` are the words a cloned MAC may hold instead ("random",
 * "stable", "permanent", "preserve"...).
 */
export function readMac(ctx: ReadContext, group: string, key: string, length: number, specials: readonly string[] = []): string {
  const text = readString(ctx, group, key);
  if (specials.includes(text)) return text;
  const mac = canonicalMac(text, length);
  if (mac !== undefined) return mac;
  if (/^[0-9 ;]+$/.test(text)) {
    const bytes = readByteList(ctx, group, key);
    if (bytes.length === length) return macFromBytes(bytes);
  }
  throw ctx.error(group, key, `invalid MAC address '${text}' (expected ${length} bytes like ${Array(length).fill('00').join(':')})`);
}
