/**
 * One shell value: the text after `KEY=` on an ifcfg line, read and written
 * the way NetworkManager's shvar.c does (svUnescape / svEscape), so that bash
 * sourcing a file gives the same value as nmk reading it.
 *
 * Files are handled as byte strings: one JavaScript character per byte
 * (latin1), so bytes that are not UTF-8 survive a rewrite untouched. A value
 * is turned into text only at the end, and must then be UTF-8 without NUL.
 *
 * Reading accepts, in any concatenation:
 *   plain characters, `\x` (x literal), '...' (literal), "..." (backslash
 *   drops before $ ` " \ and stays before anything else), $'...' (ANSI-C:
 *   \a \b \e \E \f \n \r \t \v \\ \' \" \? \ooo \xHH \uHHHH \UHHHHHHHH),
 * then optionally blanks, one ';' and a #-comment. Refused, because bash
 * would not give the same value or would run something: an unterminated
 * quote, a backslash at the end (continuation), unquoted | & ( ) < >, text
 * after a blank or ';' (bash runs it as a command), `$` and backquote outside
 * single quotes (expansion), unquoted `~` at the start or after `:` (tilde
 * expansion), `\c` in $'...' (bash: control character; NetworkManager: literal).
 * As NetworkManager does (and bash does not), `\'` and `\~` inside double
 * quotes lose their backslash when the whole value looks written by
 * NetworkManager's old escaping, so files it wrote years ago read as intended.
 */

/** A string holding one byte per character (0-255). */
export type ByteString = string;

export type UnescapeResult = { ok: true; value: string } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads one raw value (without its line end) into text. */
export function unescapeValue(raw: ByteString): UnescapeResult {
  const bytes = unescapeToBytes(raw);
  if (typeof bytes !== 'string') return bytes;
  return bytesToText(bytes);
}

/** The value as text: UTF-8, no NUL (bash and NetworkManager cannot hold one). */
function bytesToText(bytes: ByteString): UnescapeResult {
  if (bytes.includes('\0')) return { ok: false, reason: 'the value contains a NUL byte' };
  if (!/[\x80-\xff]/.test(bytes)) return { ok: true, value: bytes };
  try {
    return { ok: true, value: utf8.decode(Buffer.from(bytes, 'latin1')) };
  } catch {
    return { ok: false, reason: 'the value is not valid UTF-8' };
  }
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
const METACHARS = new Set(['|', '&', '(', ')', '<', '>']);

function fail(reason: string): UnescapeResult {
  return { ok: false, reason };
}

function unescapeToBytes(raw: ByteString): ByteString | UnescapeResult {
  let out = '';
  let i = 0;
  // Index just after an unquoted ':' (tilde expansion happens there too, as at the start).
  let afterColon = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (isBlank(c) || c === ';') return endOfValue(raw, i, out);
    if (c === '\\') {
      if (i + 1 >= raw.length) return fail('backslash at the end of the line (line continuation is not supported)');
      out += raw[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) return fail('unterminated single quote');
      out += raw.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const r = readDoubleQuoted(raw, i);
      if (typeof r.text !== 'string') return r.text;
      out += r.text;
      i = r.next;
    } else if (c === '$' && raw[i + 1] === "'") {
      const r = readAnsiC(raw, i + 2);
      if (typeof r.text !== 'string') return r.text;
      out += r.text;
      i = r.next;
    } else if (METACHARS.has(c)) {
      return fail(`unquoted shell metacharacter '${c}'`);
    } else if (c === '$' || c === '`') {
      return fail(`unquoted '${c}' (shell expansion is not supported)`);
    } else if (c === '~' && (i === 0 || i === afterColon)) {
      return fail("unquoted '~' would be expanded by the shell");
    } else {
      out += c;
      i++;
      if (c === ':') afterColon = i;
    }
  }
  return out;
}

/** After the value: only blanks, at most one ';' and a comment may follow. */
function endOfValue(raw: ByteString, i: number, out: ByteString): ByteString | UnescapeResult {
  let semicolon = raw[i] === ';';
  let j = i + 1;
  while (j < raw.length && (isBlank(raw[j]) || (!semicolon && raw[j] === ';'))) {
    if (raw[j] === ';') semicolon = true;
    j++;
  }
  if (j < raw.length && raw[j] !== '#') {
    return fail('text after an unquoted blank or ";" (the shell would run it as a command)');
  }
  return out;
}

function readDoubleQuoted(raw: ByteString, start: number): { text: ByteString | UnescapeResult; next: number } {
  let text = '';
  let i = start + 1;
  let oldStyle: boolean | undefined;
  for (;;) {
    const c = raw[i];
    if (c === undefined) return { text: fail('unterminated double quote'), next: i };
    if (c === '"') return { text, next: i + 1 };
    if (c === '$' || c === '`') return { text: fail(`unescaped '${c}' inside double quotes (shell expansion is not supported)`), next: i };
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === undefined) return { text: fail('backslash at the end of the line (line continuation is not supported)'), next: i };
      if (n === "'" || n === '~') {
        oldStyle ??= looksLikeOldEscaping(raw);
        if (!oldStyle) text += '\\';
      } else if (n !== '$' && n !== '`' && n !== '"' && n !== '\\') {
        text += '\\';
      }
      text += n;
      i += 2;
      continue;
    }
    text += c;
    i++;
  }
}

/** NetworkManager's old escaper wrote "..." with \ before " \ $ ` ' ~ and nothing else. */
function looksLikeOldEscaping(raw: ByteString): boolean {
  if (raw[0] !== '"') return false;
  const special = '"\\$`\'~';
  for (let k = 1; k < raw.length; k++) {
    const c = raw[k]!;
    if (!special.includes(c)) continue;
    if (c === '"') return k === raw.length - 1;
    if (c !== '\\' || !special.includes(raw[k + 1] ?? '')) return false;
    k++;
  }
  return false;
}

const ANSI_SIMPLE: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

function readAnsiC(raw: ByteString, start: number): { text: ByteString | UnescapeResult; next: number } {
  let text = '';
  let i = start;
  for (;;) {
    const c = raw[i];
    if (c === undefined) return { text: fail("unterminated $'...' quote"), next: i };
    if (c === "'") return { text, next: i + 1 };
    if (c !== '\\') {
      text += c;
      i++;
      continue;
    }
    const e = raw[i + 1];
    if (e === undefined) return { text: fail("unterminated $'...' quote"), next: i };
    i += 2;
    if (ANSI_SIMPLE[e] !== undefined) {
      text += ANSI_SIMPLE[e];
    } else if (isOctal(e)) {
      // Up to three octal digits; like bash, keep the low 8 bits.
      let v = Number(e);
      for (let n = 0; n < 2 && isOctal(raw[i]); n++) v = v * 8 + Number(raw[i++]);
      text += String.fromCharCode(v & 0xff);
    } else if (HEX_DIGITS[e] !== undefined && isHex(raw[i])) {
      let digits = '';
      while (digits.length < HEX_DIGITS[e]! && isHex(raw[i])) digits += raw[i++];
      const v = parseInt(digits, 16);
      if (e === 'x') {
        text += String.fromCharCode(v);
      } else {
        if (v === 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
          return { text: fail(`\\${e}${digits} is not a valid Unicode character`), next: i };
        }
        text += Buffer.from(String.fromCodePoint(v), 'utf8').toString('latin1');
      }
    } else if (e === 'c') {
      return { text: fail("the \\c escape in $'...' is not supported"), next: i };
    } else {
      // Unknown escapes (and \x, \u, \U without digits) stay as written, as in bash.
      text += `\\${e}`;
    }
  }
}

/* ------------------------------------------------------------------------ */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Characters that need a backslash inside double quotes. */
const NEEDS_ESCAPE = new Set(['"', '\\', '$', '`']);
/** Characters that are safe only inside quotes. */
const NEEDS_QUOTES = new Set([' ', "'", '~', '\t', '|', '&', ';', '(', ')', '<', '>']);

/**
 * Writes text as a shell value, as NetworkManager's svEscape does: bare when
 * nothing is special, "..." when something is, $'...' when there is a control
 * character (a newline cannot be written otherwise). Returns a byte string.
 * Throws TypeError for text a shell variable cannot hold (NUL, lone surrogates).
 */
export function escapeValue(value: string): ByteString {
  if (value.includes('\0')) throw new TypeError('a shell value cannot contain NUL');
  if (LONE_SURROGATE.test(value)) throw new TypeError('the value is not valid Unicode (lone surrogate)');
  const bytes = Buffer.from(value, 'utf8').toString('latin1');
  let escapes = false;
  let quotes = false;
  for (const c of bytes) {
    const code = c.charCodeAt(0);
    if (NEEDS_ESCAPE.has(c)) escapes = true;
    else if (NEEDS_QUOTES.has(c)) quotes = true;
    else if (code < 0x20 || code === 0x7f) return escapeAnsiC(bytes);
    else if (code > 0x7f) quotes = true;
  }
  if (!escapes && !quotes) return bytes;
  let out = '"';
  for (const c of bytes) out += NEEDS_ESCAPE.has(c) ? `\\${c}` : c;
  return `${out}"`;
}

const ANSI_NAMED: Record<string, string> = { '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v', '\\': '\\', '"': '"', "'": "'" };

function escapeAnsiC(bytes: ByteString): ByteString {
  let out = "$'";
  for (const c of bytes) {
    const code = c.charCodeAt(0);
    if (ANSI_NAMED[c] !== undefined) out += `\\${ANSI_NAMED[c]}`;
    else if (code < 0x20 || code >= 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += c;
  }
  return `${out}'`;
}
