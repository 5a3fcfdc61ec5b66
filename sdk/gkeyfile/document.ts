/**
 * A key file held in memory: groups in file order, each with its entries in
 * order and the comment lines above them, plus typed getters and setters that
 * follow GLib's GKeyFile rules.
 *
 * Comment model: a comment line (or blank line) belongs to the group header
 * or entry that follows it; comments after the last entry of the file are the
 * document's trailing comments. Removing a group or an entry removes its
 * comments with it.
 */
import { escapeList, escapeString, unescapeList, unescapeString, type ValueResult } from './escape.js';
import { KeyFileParseError, printable } from './errors.js';
import { hasLoneSurrogate, isGroupName, isWritableKey, rawValueProblem, skipAsciiSpace } from './names.js';
import { parseBoolean, parseDouble, parseInteger } from './scalars.js';
import { serialize } from './serialize.js';

/** One `key=value` line. `value` is raw: exactly the text after '=' and its leading whitespace. */
export interface KeyFileEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based line it was read from; 0 once a setter has written it. */
  readonly line: number;
  /** Comment and blank lines above the entry, verbatim. */
  readonly comments: readonly string[];
}

/** One `[name]` group; a name repeated in the file is one group (GLib merges them). */
export interface KeyFileGroup {
  readonly name: string;
  /** 1-based line of its first header; 0 when a setter created it. */
  readonly line: number;
  /** Comment and blank lines above its header, verbatim. */
  readonly comments: readonly string[];
  readonly entries: readonly KeyFileEntry[];
}

/** The mutable records behind the read-only views. */
export interface EntryRecord {
  key: string;
  value: string;
  line: number;
  comments: string[];
}

export interface GroupRecord {
  name: string;
  line: number;
  comments: string[];
  entries: EntryRecord[];
}

/** What the parser hands to a new document. */
export interface DocumentState {
  groups: GroupRecord[];
  trailingComments: string[];
  /** Each group's entries by key, parallel to `groups`, when the parser built them already (else built here). */
  keyMaps?: Map<string, EntryRecord>[];
}

/** The default list separator, as in GLib. */
export const DEFAULT_SEPARATOR = ';';

export class KeyFileDocument {
  readonly #groups: GroupRecord[];
  readonly #byName = new Map<string, GroupRecord>();
  readonly #byKey = new Map<GroupRecord, Map<string, EntryRecord>>();
  #trailingComments: string[];

  /**
   * An empty document. `fileName` only names the origin of errors. `state`
   * is for the parser (it hands over its records); other callers leave it out.
   */
  constructor(
    readonly fileName: string = '<memory>',
    state: DocumentState = { groups: [], trailingComments: [] },
  ) {
    this.#groups = state.groups;
    this.#trailingComments = state.trailingComments;
    const keyMaps = state.keyMaps;
    for (let i = 0; i < this.#groups.length; i++) {
      const group = this.#groups[i]!;
      this.#byName.set(group.name, group);
      this.#byKey.set(group, keyMaps?.[i] ?? new Map(group.entries.map((e) => [e.key, e])));
    }
  }

  // ---- reading -------------------------------------------------------------

  /** Groups in file order (views: do not cast and mutate). */
  get groups(): readonly KeyFileGroup[] {
    return this.#groups;
  }

  /** Comment and blank lines after the last entry of the file. */
  get trailingComments(): readonly string[] {
    return this.#trailingComments;
  }

  groupNames(): string[] {
    return this.#groups.map((g) => g.name);
  }

  hasGroup(group: string): boolean {
    return this.#byName.has(group);
  }

  getGroup(group: string): KeyFileGroup | undefined {
    return this.#byName.get(group);
  }

  /** Keys of a group in order; [] when the group does not exist. Locale keys (`Name[de]`) are keys of their own. */
  keys(group: string): string[] {
    return this.#byName.get(group)?.entries.map((e) => e.key) ?? [];
  }

  hasKey(group: string, key: string): boolean {
    return this.#entry(group, key) !== undefined;
  }

  getEntry(group: string, key: string): KeyFileEntry | undefined {
    return this.#entry(group, key);
  }

  /** The raw value (no unescaping, no type guessing: `true` stays the string "true"). */
  getRaw(group: string, key: string): string | undefined {
    return this.#entry(group, key)?.value;
  }

  /** The value with \s \n \t \r \\ unescaped; any other escape throws KeyFileParseError. */
  getString(group: string, key: string): string | undefined {
    return this.#read(group, key, unescapeString);
  }

  /**
   * The value split at `separator` (one ASCII punctuation character, not '\'),
   * each item unescaped; `\<separator>` is a literal separator and one
   * trailing separator is allowed.
   */
  getStringList(group: string, key: string, separator: string = DEFAULT_SEPARATOR): string[] | undefined {
    checkSeparator(separator);
    return this.#read(group, key, (raw) => unescapeList(raw, separator));
  }

  /** `true`/`1` or `false`/`0` exactly, trailing whitespace allowed (GLib's rule). */
  getBoolean(group: string, key: string): boolean | undefined {
    return this.#read(group, key, parseBoolean);
  }

  /** A 32-bit decimal integer by GLib's strtol rule (see scalars.ts). */
  getInteger(group: string, key: string): number | undefined {
    return this.#read(group, key, parseInteger);
  }

  /** A C-locale strtod number spanning the whole value. */
  getDouble(group: string, key: string): number | undefined {
    return this.#read(group, key, parseDouble);
  }

  // ---- writing -------------------------------------------------------------

  /** Creates an empty group at the end unless it exists. Throws TypeError on an invalid name. */
  addGroup(group: string): void {
    this.#groupForWrite(group);
  }

  /**
   * Sets a raw value, creating the group (at the end) and the key (after the
   * group's last entry) when missing; an existing key keeps its place and
   * comments. Throws TypeError when the group, key or value would not read
   * back unchanged.
   */
  setRaw(group: string, key: string, value: string): void {
    if (!isWritableKey(key)) throw new TypeError(`invalid key name '${printable(key)}'`);
    const problem = rawValueProblem(value);
    if (problem) throw new TypeError(`key '${printable(key)}': raw value ${problem}`);
    // GLib refuses to load a file whose first group says Encoding=<not UTF-8>.
    if (key === 'Encoding' && !/^UTF-8$/i.test(value)) {
      throw new TypeError(`key 'Encoding': only UTF-8 can be written`);
    }
    const record = this.#groupForWrite(group);
    const keys = this.#byKey.get(record)!;
    const existing = keys.get(key);
    if (existing) {
      existing.value = value;
      existing.line = 0;
      return;
    }
    const entry: EntryRecord = { key, value, line: 0, comments: [] };
    record.entries.push(entry);
    keys.set(key, entry);
  }

  /**
   * Sets a string, escaped as g_key_file_set_string does. Throws TypeError
   * for text a key file cannot hold: NUL, lone surrogates, or a leading
   * form feed (GLib has no escape for it and the reader drops it).
   */
  setString(group: string, key: string, text: string): void {
    checkText(key, text, true);
    this.setRaw(group, key, escapeString(text));
  }

  /** Sets a list, each item escaped and followed by the separator (g_key_file_set_string_list). */
  setStringList(group: string, key: string, items: readonly string[], separator: string = DEFAULT_SEPARATOR): void {
    checkSeparator(separator);
    // Only the first item starts the value; later ones follow a separator.
    items.forEach((item, i) => checkText(key, item, i === 0));
    this.setRaw(group, key, escapeList(items, separator));
  }

  /** Writes `true` or `false`. */
  setBoolean(group: string, key: string, value: boolean): void {
    this.setRaw(group, key, value ? 'true' : 'false');
  }

  /** Writes a 32-bit integer in decimal; throws RangeError otherwise. */
  setInteger(group: string, key: string, value: number): void {
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
      throw new RangeError(`key '${printable(key)}': ${value} is not a 32-bit integer`);
    }
    this.setRaw(group, key, String(value));
  }

  /**
   * Creates an empty group at `index` in the group order (0 is first; an
   * index past the end appends). Unlike addGroup it adds no blank line: the
   * caller sets the comments it wants with setComments. Throws TypeError on
   * an invalid name or a group that already exists.
   */
  insertGroup(group: string, index: number): void {
    if (this.#byName.has(group)) throw new TypeError(`group '${printable(group)}' already exists`);
    if (!isGroupName(group)) throw new TypeError(`invalid group name '${printable(group)}'`);
    const record: GroupRecord = { name: group, line: 0, comments: [], entries: [] };
    this.#groups.splice(Math.max(0, Math.min(Math.trunc(index), this.#groups.length)), 0, record);
    this.#byName.set(group, record);
    this.#byKey.set(record, new Map());
  }

  /**
   * Replaces the comment lines above a group header, or above one of its
   * entries when `key` is given. Each line must read back as a comment: blank
   * (ASCII whitespace only) or '#' after leading whitespace, with no newline,
   * NUL, lone surrogate or final '\r'. Throws TypeError for such a line or a
   * missing group or key.
   */
  setComments(group: string, key: string | undefined, lines: readonly string[]): void {
    const record = this.#byName.get(group);
    if (!record) throw new TypeError(`no group '${printable(group)}'`);
    const target = key === undefined ? record : this.#byKey.get(record)!.get(key);
    if (!target) throw new TypeError(`no key '${printable(key!)}' in group '${printable(group)}'`);
    target.comments = checkedComments(lines);
  }

  /** Replaces the comment lines after the last entry of the file (same rules as setComments). */
  setTrailingComments(lines: readonly string[]): void {
    this.#trailingComments = checkedComments(lines);
  }

  /** Removes an entry and the comments above it; false when it did not exist. */
  removeKey(group: string, key: string): boolean {
    const record = this.#byName.get(group);
    const entry = record && this.#byKey.get(record)!.get(key);
    if (!record || !entry) return false;
    record.entries.splice(record.entries.indexOf(entry), 1);
    this.#byKey.get(record)!.delete(key);
    return true;
  }

  /** Removes a group with its entries and the comments above its header; false when it did not exist. */
  removeGroup(group: string): boolean {
    const record = this.#byName.get(group);
    if (!record) return false;
    this.#groups.splice(this.#groups.indexOf(record), 1);
    this.#byName.delete(group);
    this.#byKey.delete(record);
    return true;
  }

  /** The file text: the same as serialize(this). */
  serialize(): string {
    return serialize(this);
  }

  // ---- internals -----------------------------------------------------------

  #entry(group: string, key: string): EntryRecord | undefined {
    const record = this.#byName.get(group);
    return record && this.#byKey.get(record)!.get(key);
  }

  /** Reads one value through `read`, turning its failure into an error that names file, line and key. */
  #read<T>(group: string, key: string, read: (raw: string) => ValueResult<T>): T | undefined {
    const entry = this.#entry(group, key);
    if (!entry) return undefined;
    const result = read(entry.value);
    if (result.ok) return result.value;
    throw new KeyFileParseError('value', result.reason, { file: this.fileName, line: entry.line, group, key });
  }

  /**
   * The group to write into, created at the end when missing. Like GLib, a
   * new group after a group that does not end in comments gets a blank line
   * above it; trailing comments of the file stay above the new group.
   */
  #groupForWrite(group: string): GroupRecord {
    const existing = this.#byName.get(group);
    if (existing) return existing;
    if (!isGroupName(group)) throw new TypeError(`invalid group name '${printable(group)}'`);
    const comments = this.#trailingComments;
    if (comments.length === 0 && this.#groups.length > 0) comments.push('');
    const record: GroupRecord = { name: group, line: 0, comments, entries: [] };
    this.#trailingComments = [];
    this.#groups.push(record);
    this.#byName.set(group, record);
    this.#byKey.set(record, new Map());
    return record;
  }
}

/** A copy of `lines` when each reads back as the same comment line; TypeError naming the first that does not. */
function checkedComments(lines: readonly string[]): string[] {
  for (const line of lines) {
    const start = skipAsciiSpace(line, 0);
    const comment = start === line.length || line[start] === '#';
    if (!comment || line.includes('\n') || line.includes('\u0000') || line.endsWith('\r') || hasLoneSurrogate(line)) {
      throw new TypeError(`'${printable(line)}' is not a comment line`);
    }
  }
  return [...lines];
}

const SEPARATOR = /^[!-\/:-@\[\]-`{-~]$/;

/** A list separator must be one ASCII punctuation character other than '\' (GLib takes one byte). */
function checkSeparator(separator: string): void {
  if (separator !== DEFAULT_SEPARATOR && !SEPARATOR.test(separator)) {
    throw new TypeError(`list separator must be one ASCII punctuation character other than '\\', not '${printable(separator)}'`);
  }
}

/** Refuses text that no raw value can carry; `startsValue` when it will be the first text after '='. */
function checkText(key: string, text: string, startsValue: boolean): void {
  if (text.includes('\u0000')) throw new TypeError(`key '${printable(key)}': string contains a NUL character`);
  if (hasLoneSurrogate(text)) throw new TypeError(`key '${printable(key)}': string is not valid Unicode (lone surrogate)`);
  // escapeString escapes a leading space, tab, newline or CR; \f has no escape.
  if (startsValue && text[0] === '\f') {
    throw new TypeError(`key '${printable(key)}': a key file cannot hold a string starting with a form feed`);
  }
}
