/**
 * A shell-variable file (ifcfg-*, keys-*, route-* in ADDRESS0= form) as
 * NetworkManager's shvar.c keeps it: every line in order, so a rewrite
 * changes only the variables that are set or removed and keeps comments,
 * unknown variables and their quoting as they were.
 *
 * A line is, after leading blanks: empty or a #-comment; or NAME=value with
 * NAME a shell identifier and value as shell-value.ts reads it. Anything else
 * is an error here (NetworkManager skips such a line; bash would run it).
 * A variable set twice takes the last value, as in the shell.
 */
import type { NmkError } from '../../sdk/index.js';
import { ifcfgError, printableBytes } from './errors.js';
import { escapeValue, unescapeValue, type ByteString } from './shell-value.js';

interface Line {
  /** The line as written, without its '\n' (a byte string). */
  text: ByteString;
  /** 1-based line number in the file as read; 0 for a line added since. */
  lineNo: number;
  key?: string;
  value?: string;
  removed?: boolean;
}

const ASSIGNMENT = /^[ \t\n\v\f\r]*([A-Za-z_][A-Za-z0-9_]*)=/;
const BLANK_OR_COMMENT = /^[ \t\n\v\f\r]*(#|$)/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class ShvarFile {
  readonly #lines: Line[] = [];
  /** The line that holds each variable's value (its last assignment). */
  readonly #byKey = new Map<string, Line>();

  private constructor(readonly fileName: string) {}

  /** An empty file (a profile written for the first time). */
  static empty(fileName: string): ShvarFile {
    return new ShvarFile(fileName);
  }

  /** Reads a file's bytes. Throws only NmkError (CONFIG_SYNTAX) naming the line and key. */
  static parse(input: Uint8Array | ByteString, fileName: string): ShvarFile {
    const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
    const file = new ShvarFile(fileName);
    let lineNo = 0;
    for (let start = 0; start < text.length; ) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      file.#readLine(text.slice(start, end), ++lineNo);
      start = end + 1;
    }
    return file;
  }

  #readLine(text: ByteString, lineNo: number): void {
    if (text.includes('\0')) throw this.#syntax('the line contains a NUL byte', lineNo);
    const m = ASSIGNMENT.exec(text);
    if (!m) {
      if (!BLANK_OR_COMMENT.test(text)) {
        throw this.#syntax(`'${printableBytes(text)}' is not a KEY=value assignment or a comment`, lineNo);
      }
      this.#lines.push({ text, lineNo });
      return;
    }
    const key = m[1]!;
    const result = unescapeValue(text.slice(m[0].length));
    if (!result.ok) throw this.#syntax(result.reason, lineNo, key);
    const line: Line = { text, lineNo, key, value: result.value };
    this.#lines.push(line);
    this.#byKey.set(key, line);
  }

  #syntax(reason: string, line: number, key?: string): NmkError {
    return ifcfgError('CONFIG_SYNTAX', reason, { file: this.fileName, line, ...(key ? { key } : {}) });
  }

  /** The value, or undefined when the variable is not set ("" when set empty). */
  get(key: string): string | undefined {
    return this.#byKey.get(key)?.value;
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  /** The line a variable was read from (0 when set by a program). */
  lineOf(key: string): number | undefined {
    return this.#byKey.get(key)?.lineNo;
  }

  /** Every variable set, in the order of the lines that hold their values. */
  keys(): string[] {
    return this.#lines.filter((l) => l.key !== undefined && !l.removed && this.#byKey.get(l.key) === l).map((l) => l.key!);
  }

  /**
   * Sets a variable, or removes it when `value` is undefined. An existing
   * variable keeps its line (and its quoting and comment when the value is
   * unchanged); earlier duplicates are dropped; a new one goes at the end.
   */
  set(key: string, value: string | undefined): void {
    if (!NAME.test(key)) throw new TypeError(`'${key}' is not a shell variable name`);
    const current = this.#byKey.get(key);
    for (const l of this.#lines) if (l.key === key && l !== current) l.removed = true;
    if (value === undefined) {
      if (current) current.removed = true;
      this.#byKey.delete(key);
      return;
    }
    if (current?.value === value) return;
    const text = `${key}=${escapeValue(value)}`;
    if (current) {
      current.text = text;
      current.value = value;
    } else {
      const line: Line = { text, lineNo: 0, key, value };
      this.#lines.push(line);
      this.#byKey.set(key, line);
    }
  }

  /** The file as bytes, '\n' after every line. */
  toBytes(): Buffer {
    return Buffer.from(this.toByteString(), 'latin1');
  }

  toByteString(): ByteString {
    let out = '';
    for (const l of this.#lines) if (!l.removed) out += `${l.text}\n`;
    return out;
  }
}
