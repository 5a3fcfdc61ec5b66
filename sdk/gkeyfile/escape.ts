/**
 * GLib's string escapes (g_key_file_parse_value_as_string and
 * g_key_file_parse_string_as_value): \s \n \t \r \\ in strings, plus an
 * escaped list separator inside lists. Any other escape is an error, `\;`
 * included when the value is read as a single string.
 */

/** The outcome of reading a value: the result, or why it cannot be read. */
export type ValueResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const ESCAPES: Readonly<Record<string, string>> = { s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' };

/** Raw value → string: each escape is replaced; a bad escape is an error. */
export function unescapeString(raw: string): ValueResult<string> {
  if (!raw.includes('\\')) return { ok: true, value: raw };
  const parts: string[] = [];
  let from = 0;
  for (let i = raw.indexOf('\\'); i >= 0; i = raw.indexOf('\\', from)) {
    const next = raw[i + 1];
    if (next === undefined) return { ok: false, reason: 'escape character at end of line' };
    const plain = ESCAPES[next];
    if (plain === undefined) return { ok: false, reason: `invalid escape sequence '\\${next}'` };
    parts.push(raw.slice(from, i), plain);
    from = i + 2;
  }
  parts.push(raw.slice(from));
  return { ok: true, value: parts.join('') };
}

/**
 * Raw value → list: split at each unescaped separator; `\<sep>` is a literal
 * separator. One trailing separator ends the list without adding an empty
 * item (GLib keeps a last piece only when it is not empty), so `a;` is
 * ['a'], `a;;` is ['a', ''], `;` is [''] and the empty value is [].
 */
export function unescapeList(raw: string, separator: string): ValueResult<string[]> {
  const items: string[] = [];
  let current: string[] = [];
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === separator) {
      current.push(raw.slice(from, i));
      items.push(current.join(''));
      current = [];
      from = i + 1;
    } else if (c === '\\') {
      const next = raw[i + 1];
      if (next === undefined) return { ok: false, reason: 'escape character at end of line' };
      const plain = ESCAPES[next] ?? (next === separator ? separator : undefined);
      if (plain === undefined) return { ok: false, reason: `invalid escape sequence '\\${next}'` };
      current.push(raw.slice(from, i), plain);
      i++;
      from = i + 1;
    }
  }
  current.push(raw.slice(from));
  const last = current.join('');
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
  const out: string[] = [];
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
      out.push(text.slice(from, i), escaped);
      from = i + 1;
    }
  }
  if (from === 0) return text;
  out.push(text.slice(from));
  return out.join('');
}

/** List → raw value, as g_key_file_set_string_list writes it: every item followed by the separator. */
export function escapeList(items: readonly string[], separator: string): string {
  return items.map((item) => escapeString(item, separator) + separator).join('');
}
