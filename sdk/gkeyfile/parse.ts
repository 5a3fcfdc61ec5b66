/**
 * The key-file reader, line for line as g_key_file_load_from_data reads
 * (gkeyfile.c), except that invalid UTF-8 and NUL are refused at load time
 * and translations (`key[locale]`) are always kept, as with
 * G_KEY_FILE_KEEP_TRANSLATIONS.
 *
 * Lines end at '\n'; one '\r' before it is dropped (a '\r' on an unterminated
 * last line stays). After leading whitespace (space, \t, \f, \r; GLib's
 * g_ascii_isspace, which leaves out \v), a line is:
 * - a comment when empty or starting with '#' (kept verbatim);
 * - a group header when it is '[', text without ']', ']', then only spaces
 *   and tabs; the text must be a valid group name;
 * - a key/value pair when it holds '=' and does not start with one: the key is
 *   the text before the first '=' without trailing whitespace and must be a
 *   valid key name; the value is the rest without leading whitespace, with its
 *   trailing whitespace kept;
 * - anything else is an error.
 * A repeated group header continues the earlier group; a repeated key
 * keeps its first place and takes the last value (the last one wins).
 *
 * Linear time: one pass over the lines, map lookups per line, no per-character arrays.
 */
import { KeyFileDocument, type EntryRecord, type GroupRecord } from './document.js';
import { KeyFileParseError, printable } from './errors.js';
import { LONE_SURROGATE, isGroupName, isKeyName, skipAsciiSpace, trimAsciiSpaceEnd } from './names.js';

export const DEFAULT_FILE_NAME = '<input>';

/** Reads a key file from text or UTF-8 bytes. Throws only KeyFileParseError. */
export function parse(input: string | Uint8Array, fileName: string = DEFAULT_FILE_NAME): KeyFileDocument {
  const text = typeof input === 'string' ? input : decodeUtf8(input, fileName);
  checkCharacters(text, fileName);
  const reader = new LineReader(fileName);
  let lineNumber = 0;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    let line = text.slice(start, end);
    if (newline >= 0 && line.endsWith('\r')) line = line.slice(0, -1);
    reader.read(line, ++lineNumber);
    start = end + 1;
  }
  return reader.finish();
}

/** Builds the document one line at a time. */
class LineReader {
  readonly #groups: GroupRecord[] = [];
  /** Each group's entries by key, in the order of #groups: the document takes them over. */
  readonly #keyMaps: Map<string, EntryRecord>[] = [];
  readonly #byName = new Map<string, { group: GroupRecord; byKey: Map<string, EntryRecord> }>();
  #current: { group: GroupRecord; byKey: Map<string, EntryRecord> } | undefined;
  #pendingComments: string[] = [];

  constructor(readonly fileName: string) {}

  read(line: string, lineNumber: number): void {
    const start = skipAsciiSpace(line, 0);
    if (start === line.length || line[start] === '#') {
      this.#pendingComments.push(line);
    } else if (line[start] === '[' && isGroupLine(line, start)) {
      this.#readGroup(line.slice(start + 1, line.indexOf(']', start)), lineNumber);
    } else if (line.indexOf('=', start) > start) {
      this.#readPair(line, start, lineNumber);
    } else {
      this.#fail(lineNumber, `line '${printable(line)}' is not a key-value pair, group, or comment`);
    }
  }

  finish(): KeyFileDocument {
    return new KeyFileDocument(this.fileName, { groups: this.#groups, trailingComments: this.#pendingComments, keyMaps: this.#keyMaps });
  }

  #readGroup(name: string, lineNumber: number): void {
    if (!isGroupName(name)) this.#fail(lineNumber, `invalid group name '${printable(name)}'`);
    const existing = this.#byName.get(name);
    if (existing) {
      // GLib continues the earlier group; the comments wait for the next entry.
      this.#current = existing;
      return;
    }
    const group: GroupRecord = { name, line: lineNumber, comments: this.#pendingComments, entries: [] };
    this.#pendingComments = [];
    this.#current = { group, byKey: new Map() };
    this.#groups.push(group);
    this.#keyMaps.push(this.#current.byKey);
    this.#byName.set(name, this.#current);
  }

  #readPair(line: string, start: number, lineNumber: number): void {
    const equals = line.indexOf('=', start);
    const key = trimAsciiSpaceEnd(line.slice(start, equals));
    const current = this.#current;
    if (!current) this.#fail(lineNumber, 'key file does not start with a group', key);
    if (!isKeyName(key)) this.#fail(lineNumber, 'invalid key name', key);
    const value = line.slice(skipAsciiSpace(line, equals + 1));
    if (key === 'Encoding' && current.group === this.#groups[0] && !/^UTF-8$/i.test(value)) {
      this.#fail(lineNumber, `unsupported encoding '${printable(value)}'`, key);
    }
    const earlier = current.byKey.get(key);
    if (earlier) {
      // The last value wins and the key keeps its first place; the comments
      // above the repeated line stay pending, so they keep their place too.
      earlier.value = value;
      earlier.line = lineNumber;
      return;
    }
    const entry: EntryRecord = { key, value, line: lineNumber, comments: this.#pendingComments };
    this.#pendingComments = [];
    current.byKey.set(key, entry);
    current.group.entries.push(entry);
  }

  #fail(line: number, reason: string, key?: string): never {
    const group = this.#current?.group.name;
    throw new KeyFileParseError('syntax', reason, { file: this.fileName, line, group, key });
  }
}

/**
 * NUL and lone surrogates (text with no UTF-8 form) are refused once for the
 * whole text, which is much faster than per line; only a failure counts lines.
 */
function checkCharacters(text: string, fileName: string): void {
  const nul = text.indexOf('\u0000');
  const surrogate = text.search(LONE_SURROGATE);
  if (nul < 0 && surrogate < 0) return;
  const [at, reason] =
    nul >= 0 && (surrogate < 0 || nul < surrogate)
      ? [nul, 'line contains a NUL character']
      : [surrogate, 'line is not valid UTF-8 (lone surrogate)'];
  throw new KeyFileParseError('syntax', reason, { file: fileName, line: lineOf(text, at) });
}

/** 1-based line number of the character at `offset`. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** g_key_file_line_is_group: '[', then up to the first ']', then only spaces and tabs. */
function isGroupLine(line: string, open: number): boolean {
  const close = line.indexOf(']', open + 1);
  if (close < 0) return false;
  for (let i = close + 1; i < line.length; i++) {
    if (line[i] !== ' ' && line[i] !== '\t') return false;
  }
  return true;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 bytes → text; a byte that is not UTF-8 is an error on its line. A BOM is kept, as GLib keeps it. */
function decodeUtf8(bytes: Uint8Array, fileName: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = bytes.indexOf(0x0a); i >= 0 && i < bad; i = bytes.indexOf(0x0a, i + 1)) line++;
    throw new KeyFileParseError('syntax', `invalid UTF-8 at byte ${bad}`, { file: fileName, line });
  }
}

/**
 * Offset of the first byte that does not start or continue a valid UTF-8
 * sequence (no overlong forms, no surrogates, nothing past U+10FFFF), or the
 * length when all are valid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Length of the sequence and the allowed range of its second byte.
    let size: number, low = 0x80, high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) size = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      size = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      size = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < size; k++) {
      const c = bytes[i + k];
      const [lo, hi] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += size;
  }
  return bytes.length;
}
