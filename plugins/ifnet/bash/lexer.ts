/**
 * A tokenizer for the part of bash that /etc/conf.d/net is written in:
 * words with bash's quoting ('...', "...", $'...', $"...", backslashes,
 * line continuations), $NAME and ${NAME} expansions, comments, operators,
 * and NAME=( ... ) array assignments. Expansions nmk will not perform
 * (command substitution, arithmetic, ${x:-y}, $1...) become `unsupported`
 * parts: they are only an error if an assignment nmk reads uses them, since
 * a function body may hold anything.
 *
 * Quoting facts (bash(1), QUOTING):
 * - '...' keeps every character; it cannot contain a single quote;
 * - in "...", a backslash escapes only $ ` " \ and newline (a backslash-newline
 *   disappears); before anything else it stays;
 * - outside quotes a backslash quotes the next character, and
 *   backslash-newline disappears;
 * - $'...' decodes ANSI C escapes; a NUL ends the string;
 * - # starts a comment only at the start of a word.
 */

export type WordPart =
  /** Literal text; `quoted` text is not split into fields or globbed. */
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'param'; name: string; quoted: boolean }
  | { kind: 'unsupported'; what: string };

export interface Word {
  parts: WordPart[];
  /** Line the word starts on (1-based). */
  line: number;
}

export type Token =
  | { type: 'word'; word: Word }
  | { type: 'op'; op: string; line: number }
  | { type: 'newline'; line: number }
  /** NAME=( elements ) or NAME+=( elements ). */
  | { type: 'array'; name: string; append: boolean; elements: Word[]; line: number };

/** A construct bash itself would refuse (or that nmk cannot tokenize): the whole file is unusable. */
export class BashSyntaxError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(reason);
  }
}

const METACHARS = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const OPERATORS = [';;&', ';;', ';&', '&&', '||', '|&', '&>>', '&>', '>>', '>&', '>|', '<&', '<>', '<<<', '<<', ';', '&', '|', '(', ')', '<', '>'];
const ASSIGNMENT_PREFIX = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=$/;
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

const ANSI_SIMPLE: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

class Lexer {
  private i = 0;
  private line = 1;
  readonly tokens: Token[] = [];

  constructor(private readonly s: string) {}

  private peek(off = 0): string | undefined {
    return this.s[this.i + off];
  }

  run(): Token[] {
    for (;;) {
      const c = this.peek();
      if (c === undefined) return this.tokens;
      if (c === ' ' || c === '\t') this.i++;
      else if (c === '\\' && this.peek(1) === '\n') this.continuation();
      else if (c === '#') this.comment();
      else if (c === '\n') {
        this.tokens.push({ type: 'newline', line: this.line });
        this.i++;
        this.line++;
      } else if (METACHARS.has(c)) this.operator();
      else this.wordOrArray();
    }
  }

  private continuation(): void {
    this.i += 2;
    this.line++;
  }

  private comment(): void {
    while (this.peek() !== undefined && this.peek() !== '\n') this.i++;
  }

  private operator(): void {
    const op = OPERATORS.find((o) => this.s.startsWith(o, this.i))!;
    if (op === '<<' || op === '<<<') throw new BashSyntaxError(this.line, 'here-documents and here-strings are not supported');
    this.tokens.push({ type: 'op', op, line: this.line });
    this.i += op.length;
  }

  private wordOrArray(): void {
    const line = this.line;
    const word = this.word();
    // NAME=( starts an array assignment when NAME= is plain, unquoted text.
    const first = word.parts[0];
    const m = word.parts.length === 1 && first?.kind === 'lit' && !first.quoted ? ASSIGNMENT_PREFIX.exec(first.text) : null;
    if (m && this.peek() === '(') {
      this.i++;
      this.tokens.push({ type: 'array', name: m[1]!, append: m[2] === '+', elements: this.arrayElements(line), line });
      return;
    }
    this.tokens.push({ type: 'word', word });
  }

  private arrayElements(start: number): Word[] {
    const elements: Word[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new BashSyntaxError(start, 'unterminated array: missing )');
      if (c === ' ' || c === '\t') this.i++;
      else if (c === '\n') {
        this.i++;
        this.line++;
      } else if (c === '\\' && this.peek(1) === '\n') this.continuation();
      else if (c === '#') this.comment();
      else if (c === ')') {
        this.i++;
        return elements;
      } else if (METACHARS.has(c)) throw new BashSyntaxError(this.line, `syntax error near '${c}' inside an array`);
      else elements.push(this.word());
    }
  }

  /** One word, up to an unquoted metacharacter. */
  private word(): Word {
    const w: Word = { parts: [], line: this.line };
    const lit = (text: string, quoted: boolean) => {
      const last = w.parts[w.parts.length - 1];
      if (last?.kind === 'lit' && last.quoted === quoted) last.text += text;
      else w.parts.push({ kind: 'lit', text, quoted });
    };
    for (;;) {
      const c = this.peek();
      if (c === undefined || METACHARS.has(c)) return w;
      if (c === '\\') {
        const n = this.peek(1);
        if (n === '\n') this.continuation();
        else if (n === undefined) {
          lit('\\', false);
          this.i++;
        } else {
          lit(n, true);
          this.i += 2;
        }
      } else if (c === "'") {
        lit(this.single(), true);
      } else if (c === '"') {
        this.i++;
        this.double(w.parts, lit);
      } else if (c === '$') {
        this.dollar(w.parts, lit, false);
      } else if (c === '`') {
        w.parts.push({ kind: 'unsupported', what: this.backquote() });
      } else {
        lit(c, false);
        this.i++;
      }
    }
  }

  private single(): string {
    const start = this.line;
    const end = this.s.indexOf("'", this.i + 1);
    if (end < 0) throw new BashSyntaxError(start, 'unterminated single quote');
    const text = this.s.slice(this.i + 1, end);
    this.line += text.split('\n').length - 1;
    this.i = end + 1;
    return text;
  }

  /** The inside of "...", the opening quote consumed. */
  private double(parts: WordPart[], lit: (t: string, q: boolean) => void): void {
    const start = this.line;
    // An empty "" still makes a (quoted, empty) word.
    lit('', true);
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new BashSyntaxError(start, 'unterminated double quote');
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\') {
        const n = this.peek(1);
        if (n === '\n') this.continuation();
        else if (n !== undefined && '$`"\\'.includes(n)) {
          lit(n, true);
          this.i += 2;
        } else {
          lit('\\', true);
          this.i++;
        }
      } else if (c === '$') this.dollar(parts, lit, true);
      else if (c === '`') parts.push({ kind: 'unsupported', what: this.backquote() });
      else {
        if (c === '\n') this.line++;
        lit(c, true);
        this.i++;
      }
    }
  }

  private dollar(parts: WordPart[], lit: (t: string, q: boolean) => void, inDouble: boolean): void {
    const n = this.peek(1);
    if (!inDouble && n === "'") {
      this.i += 2;
      const { text, rawByte } = this.ansi();
      // A byte above 0x7f from \x or octal is not text nmk can hold exactly.
      if (rawByte) parts.push({ kind: 'unsupported', what: "$'...' with a byte or character above \\x7f" });
      else lit(text, true);
      return;
    }
    if (!inDouble && n === '"') {
      // $"..." is translated by locale; untranslated it is "...".
      this.i += 2;
      this.double(parts, lit);
      return;
    }
    if (n === '{') {
      const start = this.line;
      const end = this.s.indexOf('}', this.i + 2);
      if (end < 0) throw new BashSyntaxError(start, 'unterminated ${');
      const inner = this.s.slice(this.i + 2, end);
      this.line += inner.split('\n').length - 1;
      this.i = end + 1;
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) parts.push({ kind: 'param', name: inner, quoted: inDouble });
      else parts.push({ kind: 'unsupported', what: `\${${inner}}` });
      return;
    }
    if (n === '(') {
      parts.push({ kind: 'unsupported', what: this.parenthesized() });
      return;
    }
    if (n !== undefined && NAME_START.test(n)) {
      let j = this.i + 1;
      while (j < this.s.length && NAME_CHAR.test(this.s[j]!)) j++;
      parts.push({ kind: 'param', name: this.s.slice(this.i + 1, j), quoted: inDouble });
      this.i = j;
      return;
    }
    if (n !== undefined && /[0-9@*#?$!-]/.test(n)) {
      parts.push({ kind: 'unsupported', what: `$${n}` });
      this.i += 2;
      return;
    }
    lit('$', inDouble);
    this.i++;
  }

  /** $( ... ) or $(( ... )): skipped with quote awareness, returned as text. */
  private parenthesized(): string {
    const start = this.line;
    const from = this.i;
    this.i += 2;
    let depth = 1;
    while (depth > 0) {
      const c = this.peek();
      if (c === undefined) throw new BashSyntaxError(start, 'unterminated $(');
      if (c === '\\') this.i += 2;
      else if (c === "'") this.single();
      else if (c === '"') {
        this.i++;
        this.double([], () => undefined);
      } else {
        if (c === '(') depth++;
        else if (c === ')') depth--;
        else if (c === '\n') this.line++;
        this.i++;
      }
    }
    return this.s.slice(from, this.i);
  }

  private backquote(): string {
    const start = this.line;
    let j = this.i + 1;
    while (j < this.s.length && this.s[j] !== '`') j += this.s[j] === '\\' ? 2 : 1;
    if (j >= this.s.length) throw new BashSyntaxError(start, 'unterminated backquote');
    const text = this.s.slice(this.i, j + 1);
    this.line += text.split('\n').length - 1;
    this.i = j + 1;
    return text;
  }

  /** $'...': the opening $' consumed. */
  private ansi(): { text: string; rawByte: boolean } {
    const start = this.line;
    let out = '';
    let rawByte = false;
    let ended = false; // after a NUL bash drops the rest of the string
    const add = (s: string) => {
      if (ended) return;
      const nul = s.indexOf('\0');
      if (nul >= 0) {
        out += s.slice(0, nul);
        ended = true;
      } else out += s;
    };
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new BashSyntaxError(start, "unterminated $'");
      this.i++;
      if (c === "'") return { text: out, rawByte };
      if (c === '\n') this.line++;
      if (c !== '\\') {
        add(c);
        continue;
      }
      const e = this.peek();
      if (e === undefined) continue;
      this.i++;
      if (e in ANSI_SIMPLE) add(ANSI_SIMPLE[e]!);
      else if (/[0-7]/.test(e) || (e === 'x' && /[0-9a-fA-F]/.test(this.peek() ?? ''))) {
        const byte = e === 'x' ? this.digits(16, 2) : this.digits(8, 2, e);
        if (byte > 0x7f && !ended) rawByte = true;
        add(String.fromCharCode(byte));
      }
      else if ((e === 'u' || e === 'U') && /[0-9a-fA-F]/.test(this.peek() ?? '')) {
        // Beyond ASCII the result depends on bash's locale (C keeps "\u00E9" as text): not exact, so refused.
        const cp = this.digits(16, e === 'u' ? 4 : 8);
        if (cp > 0x7f && !ended) rawByte = true;
        add(cp <= 0x7f ? String.fromCharCode(cp) : '');
      }
      else if (e === 'c' && this.peek() !== undefined) {
        add(String.fromCharCode(this.peek()!.charCodeAt(0) & 0x1f));
        this.i++;
      } else {
        if (e === '\n') this.line++;
        add(`\\${e}`);
      }
    }
  }

  /** Up to `max` more digits of `radix` (after an optional first digit already read). */
  private digits(radix: number, max: number, first = ''): number {
    let text = first;
    const valid = radix === 8 ? /[0-7]/ : /[0-9a-fA-F]/;
    while (text.length < max + (first ? 1 : 0) && valid.test(this.peek() ?? '')) text += this.s[this.i++];
    return parseInt(text, radix) & (radix === 8 ? 0xff : 0xffffffff);
  }
}

/** Tokens of a whole file; throws BashSyntaxError for what bash would refuse. */
export function tokenize(text: string): Token[] {
  return new Lexer(text).run();
}
