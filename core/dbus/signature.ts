/**
 * D-Bus type signatures, parsed once into trees and cached by text. Rows are
 * checked when an object is exported, so a bad signature is a start-up error
 * naming the row rather than a broken reply later.
 */

/** One complete type. */
export interface SigType {
  /** The complete type as text ("a{sv}"). */
  readonly text: string;
  /** The type code: its first character ('a', '(', '{', 's', 'v'...). */
  readonly code: string;
  /** Element types: one for 'a', key and value for '{', the members of '('. */
  readonly children: readonly SigType[];
}

/** Codes of basic types: the only ones allowed as dict keys. */
export const BASIC_CODES = 'ybnqiuxtdsogh';
const MAX_SIGNATURE = 255;
const MAX_NESTING = 32;

export class SignatureError extends Error {
  override readonly name = 'SignatureError';
}

const cache = new Map<string, readonly SigType[]>();

/** Parse a signature (zero or more complete types). Throws SignatureError. */
export function parseSignature(text: string): readonly SigType[] {
  let types = cache.get(text);
  if (!types) {
    types = parseUncached(text);
    // Rows use a few dozen signatures; the cap only guards against a flood of distinct ones.
    if (cache.size >= 4096) cache.clear();
    cache.set(text, types);
  }
  return types;
}

/** Parse a signature that must be exactly one complete type (a property, an argument). */
export function parseSingle(text: string): SigType {
  const types = parseSignature(text);
  if (types.length !== 1) throw new SignatureError(`'${text}' is not a single complete type`);
  return types[0]!;
}

export function isSignature(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  try {
    parseSignature(text);
    return true;
  } catch {
    return false;
  }
}

export function isSingleType(text: unknown): text is string {
  return isSignature(text) && parseSignature(text).length === 1;
}

/** The signature of a list of argument rows ([name, signature] pairs). */
export function joinSignatures(args: readonly (readonly [string, string])[]): string {
  let text = '';
  for (const [, sig] of args) text += sig;
  return text;
}

function parseUncached(text: string): SigType[] {
  if (typeof text !== 'string') throw new SignatureError(`a signature must be a string, got ${typeof text}`);
  if (text.length > MAX_SIGNATURE) throw new SignatureError(`signature longer than ${MAX_SIGNATURE} characters`);
  const types: SigType[] = [];
  let pos = 0;
  while (pos < text.length) {
    const [type, next] = parseOne(text, pos, 0, 0);
    types.push(type);
    pos = next;
  }
  return types;
}

/** Parse the complete type starting at `pos`; returns it and the position after it. */
function parseOne(text: string, pos: number, arrays: number, structs: number): [SigType, number] {
  const code = text[pos];
  if (code === undefined) throw new SignatureError(`signature '${text}' ends in the middle of a type`);
  if (BASIC_CODES.includes(code) || code === 'v') return [{ text: code, code, children: [] }, pos + 1];
  if (code === 'a') {
    if (arrays >= MAX_NESTING) throw new SignatureError(`signature '${text}' nests arrays too deep`);
    const [element, next] = text[pos + 1] === '{' ? parseDictEntry(text, pos + 1, arrays + 1, structs) : parseOne(text, pos + 1, arrays + 1, structs);
    return [{ text: text.slice(pos, next), code, children: [element] }, next];
  }
  if (code === '(') {
    if (structs >= MAX_NESTING) throw new SignatureError(`signature '${text}' nests structs too deep`);
    const members: SigType[] = [];
    let next = pos + 1;
    while (text[next] !== ')') {
      if (text[next] === undefined) throw new SignatureError(`signature '${text}' has an unclosed '('`);
      const [member, after] = parseOne(text, next, arrays, structs + 1);
      members.push(member);
      next = after;
    }
    if (members.length === 0) throw new SignatureError(`signature '${text}' has an empty struct`);
    return [{ text: text.slice(pos, next + 1), code, children: members }, next + 1];
  }
  throw new SignatureError(`signature '${text}' has an unexpected '${code}' at ${pos}`);
}

/** A '{key value}' entry, legal only as an array element. */
function parseDictEntry(text: string, pos: number, arrays: number, structs: number): [SigType, number] {
  const keyCode = text[pos + 1];
  if (keyCode === undefined || !BASIC_CODES.includes(keyCode)) {
    throw new SignatureError(`signature '${text}' has a dict key that is not a basic type`);
  }
  const key: SigType = { text: keyCode, code: keyCode, children: [] };
  const [value, next] = parseOne(text, pos + 2, arrays, structs + 1);
  if (text[next] !== '}') throw new SignatureError(`signature '${text}' has a dict entry that is not closed after its value`);
  return [{ text: text.slice(pos, next + 1), code: '{', children: [key, value] }, next + 1];
}
