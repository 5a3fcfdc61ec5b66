/**
 * NetworkManager's "variant attribute" text (nm_utils_parse_variant_attributes
 * and its formatter), which tc qdiscs, tc filters and SR-IOV VFs are written
 * in: attributes split at `sep`, a name and its value split at `kv` (the
 * same character is allowed: "handle 1234:"), '\' escapes one character.
 * A spec row may take no value (a flag such as "root"), and a string row
 * without a value is a catch-all for the first unknown word ("fq_codel" as
 * the kind) or, with `rest`, for everything from there on.
 */
import { fail, ok, type Parsed } from './result.js';

export type AttributeType = 'u' | 'i' | 't' | 'b' | 's' | 'ay';
export type AttributeValue = number | bigint | boolean | string;

export interface AttributeSpec {
  readonly name: string;
  readonly type: AttributeType;
  readonly noValue?: boolean;
  readonly rest?: boolean;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/gs, '$1').replace(/\\$/, '');
}

export function escapeAttribute(text: string, sep: string, kv: string): string {
  let out = '';
  for (const c of text) out += c === sep || c === kv || c === '\\' ? `\\${c}` : c;
  return out;
}

const TRUE_WORDS = ['true', 'yes', 'on', '1'];
const FALSE_WORDS = ['false', 'no', 'off', '0'];

function convert(spec: AttributeSpec, text: string): Parsed<AttributeValue> {
  const t = text.trim();
  switch (spec.type) {
    case 'u':
    case 'i': {
      const [min, max] = spec.type === 'u' ? [0, 0xffffffff] : [-0x80000000, 0x7fffffff];
      const n = /^[-+]?\d+$/.test(t) ? Number(t) : NaN;
      if (!Number.isInteger(n) || n < min || n > max) return fail(`invalid ${spec.type === 'u' ? 'uint32' : 'int32'} value '${text}' for attribute '${spec.name}'`);
      return ok(n);
    }
    case 't':
      if (!/^\d+$/.test(t) || BigInt(t) > 0xffffffffffffffffn) return fail(`invalid uint64 value '${text}' for attribute '${spec.name}'`);
      return ok(BigInt(t));
    case 'b': {
      if (spec.noValue) return ok(true);
      const w = t.toLowerCase();
      if (TRUE_WORDS.includes(w)) return ok(true);
      if (FALSE_WORDS.includes(w)) return ok(false);
      return fail(`invalid boolean value '${text}' for attribute '${spec.name}'`);
    }
    default:
      return ok(text);
  }
}

/**
 * Parses `text` by `specs`; the result keeps the order of the text. One
 * leniency: a flag written with a boolean after it ("ecn true", which is how
 * NetworkManager 1.42 itself writes an fq_codel flag) takes that boolean.
 */
export function parseAttributes(text: string, sep: string, kv: string, specs: readonly AttributeSpec[]): Parsed<Map<string, AttributeValue>> {
  const out = new Map<string, AttributeValue>();
  let start = -1;
  let lastFlag: AttributeSpec | undefined;
  for (let ptr = 0; ptr <= text.length; ptr++) {
    if (start < 0) start = ptr;
    const ch = text[ptr];
    if (ch === '\\') {
      if (++ptr >= text.length) return fail('unterminated escape sequence');
      continue;
    }
    if (ch !== sep && ptr < text.length) continue;
    if (ptr === start) {
      start = -1;
      continue;
    }
    let at = start;
    for (; at < ptr; at++) {
      if (text[at] === '\\') at++;
      else if (text[at] === kv) break;
    }
    const name = unescape(text.slice(start, at));
    const spec = specs.find((s) => !out.has(s.name) && (s.name === name || (s.noValue && s.type === 's')));
    if (!spec) {
      const w = name.toLowerCase();
      if (lastFlag && (TRUE_WORDS.includes(w) || FALSE_WORDS.includes(w))) {
        out.set(lastFlag.name, TRUE_WORDS.includes(w));
        lastFlag = undefined;
        start = -1;
        continue;
      }
      return fail(`unknown attribute '${name}'`);
    }
    let value: string;
    if (spec.noValue) {
      value = spec.rest ? text.slice(start) : name;
      if (spec.rest) ptr = text.length;
    } else {
      if (at >= text.length || text[at] !== kv) return fail(`missing key-value separator '${kv}' after '${name}'`);
      // Separator and key-value separator alike: the value is the next word.
      if (at === ptr) continue;
      value = unescape(text.slice(at + 1, ptr));
    }
    const v = convert(spec, value);
    if (!v.ok) return v;
    out.set(spec.name, v.value);
    lastFlag = spec.noValue && spec.type === 'b' ? spec : undefined;
    start = -1;
  }
  return ok(out);
}

/** Attributes sorted by name, as NetworkManager formats them; flags of `specs` are written without a value. */
export function formatAttributes(attrs: ReadonlyMap<string, AttributeValue>, sep: string, kv: string, specs?: readonly AttributeSpec[]): string {
  return [...attrs.keys()]
    .sort()
    .map((name) => {
      const value = attrs.get(name)!;
      const flag = specs?.find((s) => s.name === name)?.noValue;
      const text = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
      return flag ? escapeAttribute(name, sep, kv) : `${escapeAttribute(name, sep, kv)}${kv}${escapeAttribute(text, sep, kv)}`;
    })
    .join(sep);
}

/** A D-Bus value with its variants unwrapped, Maps as objects and 64-bit integers as numbers when exact. */
export function plainValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof Map)) {
    const o = value as Record<string, unknown>;
    if (typeof o['signature'] === 'string' && 'value' in o) return plainValue(o['value']);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plainValue(v)]));
  }
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), plainValue(v)]));
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
  return value;
}
