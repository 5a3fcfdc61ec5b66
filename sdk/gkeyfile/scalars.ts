/**
 * GLib's readings of a raw value as a boolean, an integer or a double
 * (g_key_file_parse_value_as_boolean / _as_integer / _as_double), quirks
 * included, so nmk accepts and refuses exactly what GLib does.
 */
import type { ValueResult } from './escape.js';
import { isAsciiSpace, isCSpace, trimAsciiSpaceEnd } from './names.js';
import { printable } from './errors.js';

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
]);

/**
 * Exactly `true`, `false`, `1` or `0`, case-sensitive, with trailing (not
 * leading) ASCII whitespace allowed.
 */
export function parseBoolean(raw: string): ValueResult<boolean> {
  const value = BOOLEANS.get(trimAsciiSpaceEnd(raw));
  if (value === undefined) return { ok: false, reason: `value '${printable(raw)}' cannot be interpreted as a boolean` };
  return { ok: true, value };
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * C strtol(value, &end, 10) checked as GLib does: leading ASCII whitespace,
 * an optional sign and decimal digits; the character after the number must be
 * the end or g_ascii_isspace whitespace (\v excluded), and anything may follow that whitespace
 * (`12 apples` reads 12). When no digit is found strtol consumes nothing, so
 * a value that starts with whitespace reads 0 (` ` and ` x` are 0). The empty
 * value is an error, and the number must fit in 32 bits.
 */
export function parseInteger(raw: string): ValueResult<number> {
  const notNumber: ValueResult<number> = { ok: false, reason: `value '${printable(raw)}' cannot be interpreted as a number` };
  if (raw === '') return notNumber;
  let i = 0;
  while (i < raw.length && isCSpace(raw.charCodeAt(i))) i++;
  const signAt = i;
  if (raw[i] === '+' || raw[i] === '-') i++;
  const digitsAt = i;
  while (i < raw.length && raw.charCodeAt(i) >= 0x30 && raw.charCodeAt(i) <= 0x39) i++;
  const noDigits = i === digitsAt;
  const end = noDigits ? 0 : i;
  if (end < raw.length && !isAsciiSpace(raw.charCodeAt(end))) return notNumber;
  if (noDigits) return { ok: true, value: 0 };
  // Leading zeros never overflow; more than 10 significant digits always do.
  const digits = raw.slice(digitsAt, i).replace(/^0+(?=.)/, '');
  const magnitude = digits.length > 10 ? Infinity : Number(digits);
  const value = raw[signAt] === '-' ? -magnitude : magnitude;
  if (value < INT32_MIN || value > INT32_MAX) return { ok: false, reason: `integer value '${printable(raw)}' out of range` };
  return { ok: true, value: value === 0 ? 0 : value };
}

// strtod's syntax pieces, written so that no part can match the same text two
// ways: matching stays linear on long input.
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^0[xX]([0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)(?:[pP]([+-]?\d+))?$/;
const INF = /^(?:inf|infinity)$/i;
const NAN = /^nan(?:\([0-9A-Za-z_]*\))?$/i;

/**
 * The whole value must be one C-locale strtod number: leading C whitespace
 * (\v included), a sign, then a decimal number with optional exponent, a hex
 * float (0x1.8p3), inf, infinity or nan(chars). Trailing whitespace is an
 * error here (unlike integers). Overflow reads as ±Infinity, as in GLib.
 */
export function parseDouble(raw: string): ValueResult<number> {
  let i = 0;
  while (i < raw.length && isCSpace(raw.charCodeAt(i))) i++;
  const negative = raw[i] === '-';
  if (raw[i] === '+' || raw[i] === '-') i++;
  const body = raw.slice(i);
  let magnitude: number | undefined;
  if (DECIMAL.test(body)) magnitude = Number(body);
  else if (INF.test(body)) magnitude = Infinity;
  else if (NAN.test(body)) magnitude = NaN;
  else magnitude = parseHexFloat(body);
  if (magnitude === undefined) return { ok: false, reason: `value '${printable(raw)}' cannot be interpreted as a float number` };
  return { ok: true, value: negative ? -magnitude : magnitude };
}

/** A C99 hex float without its sign, or undefined when `body` is not one. */
function parseHexFloat(body: string): number | undefined {
  const m = HEX.exec(body);
  if (!m) return undefined;
  const [whole = '', fraction = ''] = m[1]!.split('.');
  let mantissa = BigInt(`0x0${whole}${fraction}`);
  // An exponent past ±1e7 already saturates to 0 or Infinity; clamping keeps the arithmetic finite.
  let exponent = Math.max(-1e7, Math.min(1e7, Number(m[2] ?? '0'))) - 4 * fraction.length;
  // Keep 128 significant bits (plus a sticky bit for what is dropped) so that
  // Number() rounds once, correctly, however long the digit string is.
  const excess = mantissa.toString(2).length - 128;
  if (excess > 0) {
    const dropped = mantissa & ((1n << BigInt(excess)) - 1n);
    mantissa = (mantissa >> BigInt(excess)) | (dropped === 0n ? 0n : 1n);
    exponent += excess;
  }
  return scaleByPowerOfTwo(Number(mantissa), exponent);
}

/** x * 2^e without the intermediate overflow or underflow of computing 2^e alone. */
function scaleByPowerOfTwo(x: number, e: number): number {
  let result = x;
  let rest = e;
  while (rest > 1000 && result !== 0 && Number.isFinite(result)) {
    result *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000 && result !== 0) {
    result *= 2 ** -1000;
    rest += 1000;
  }
  return result * 2 ** rest;
}
