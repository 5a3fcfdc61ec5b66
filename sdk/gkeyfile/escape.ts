/**
 * GLib's string escapes (g_key_file_parse_value_as_string and
 * g_key_file_parse_string_as_value): \s \n \t \r \\ in strings, plus an
 * escaped list separator inside lists. Any other escape is an error, `\;`
 * included when the value is read as a single string.
 */

import { printable } from './errors.js';
import { TextBuilder } from './text-builder.js';

/** The outcome of reading a value: the result, or why it cannot be read. */
export type ValueResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['s', ' '],
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
  ['\\', '\\'],
]);

/** Why the backslash at `slash` is not a valid escape. */
function badEscape(raw: string, slash: number): string {
  const next = raw.codePointAt(slash + 1);
  if (next === undefined) return 'escape character at end of line';
  return `invalid escape sequence '\\${printable(String.fromCodePoint(next))}'`;
}

/** Raw value → string: each escape is replaced; a bad escape is an error. */
export function unescapeString(raw: string): ValueResult<string> {
  let slash = raw.indexOf('\\');
  if (slash < 0) return { ok: true, value: raw };
  const out = new TextBuilder();
  let from = 0;
  for (; slash >= 0; slash = raw.indexOf('\\', from)) {
    const next = raw[slash + 1];
    const plain = next === undefined ? undefined : ESCAPES.get(next);
    if (plain === undefined) return { ok: false, reason: badEscape(raw, slash) };
    out.add(raw.slice(from, slash));
    out.add(plain);
    from = slash + 2;
  }
  out.add(raw.slice(from));
  return { ok: true, value: out.take() };
}

/**
 * Raw value → list: split at each unescaped separator; `\<sep>` is a literal
 * separator. One trailing separator ends the list without adding an empty
 * item (GLib keeps a last piece only when it is not empty), so `a;` is
 * ['a'], `a;;` is ['a', ''], `;` is [''] and the empty value is [].
 */
export function unescapeList(raw: string, separator: string): ValueResult<string[]> {
  if (separator.length === 1 && !raw.includes('\\')) {
    // Nothing escaped (the usual list): the pieces between separators, without an empty last one.
    const pieces = raw.split(separator);
    if (pieces[pieces.length - 1] === '') pieces.pop();
    return { ok: true, value: pieces };
  }
  const items: string[] = [];
  const current = new TextBuilder();
  let from = 0;
  // The next backslash and the next separator, each searched again only once passed: linear.
  let slash = raw.indexOf('\\');
  let sep = raw.indexOf(separator);
  while (slash >= 0 || sep >= 0) {
    if (sep >= 0 && (slash < 0 || sep < slash)) {
      current.add(raw.slice(from, sep));
      items.push(current.take());
      from = sep + 1;
    } else {
      const next = raw[slash + 1];
      const plain = next === undefined ? undefined : (ESCAPES.get(next) ?? (next === separator ? separator : undefined));
      if (plain === undefined) return { ok: false, reason: badEscape(raw, slash) };
      current.add(raw.slice(from, slash));
      current.add(plain);
      from = slash + 2;
    }
    if (slash >= 0 && slash < from) slash = raw.indexOf('\\', from);
    if (sep >= 0 && sep < from) sep = raw.indexOf(separator, from);
  }
  current.add(raw.slice(from));
  const last = current.take();
  if (last !== '') items.push(last);
  return { ok: true, value: items };
}

/**
 * String → raw value, as g_key_file_set_string writes it: leading spaces and
 * tabs as \s and \t, every newline, carriage return and backslash escaped;
 * other characters, trailing spaces included, stay as they are. With a
 * separator (lists), the separator is escaped too and each item's leading
 * whitespace is escaped again.
 */
export function escapeString(text: string, separator?: string): string {
  const out = new TextBuilder();
  let leading = true;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    let escaped: string | undefined;
    if (c === ' ' || c === '\t') {
      if (leading) escaped = c === ' ' ? '\\s' : '\\t';
    } else if (c === '\n') {
      escaped = '\\n';
    } else if (c === '\r') {
      escaped = '\\r';
    } else if (c === '\\') {
      escaped = '\\\\';
      leading = false;
    } else if (c === separator) {
      escaped = `\\${c}`;
      leading = true;
    } else {
      leading = false;
    }
    if (escaped !== undefined) {
      out.add(text.slice(from, i));
      out.add(escaped);
      from = i + 1;
    }
  }
  if (from === 0) return text;
  out.add(text.slice(from));
  return out.take();
}

/** List → raw value, as g_key_file_set_string_list writes it: every item followed by the separator. */
export function escapeList(items: readonly string[], separator: string): string {
  return items.map((item) => escapeString(item, separator) + separator).join('');
}
