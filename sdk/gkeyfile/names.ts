/**
 * GLib's character rules for key files (gkeyfile.c): what whitespace is, what
 * a group name and a key name may hold, and what the writer may emit so that
 * a reader gets the same text back.
 */

/**
 * g_ascii_isspace: space, \t, \n, \f, \r. Not \v (GLib's table leaves it
 * out) and not Unicode spaces, unlike String.trim.
 */
export function isAsciiSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

/** C isspace in the C locale (what strtol and strtod skip): g_ascii_isspace plus \v. */
export function isCSpace(code: number): boolean {
  return code === 0x0b || isAsciiSpace(code);
}

/** Index of the first character at or after `from` that is not ASCII whitespace. */
export function skipAsciiSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isAsciiSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Text with trailing ASCII whitespace removed. */
export function trimAsciiSpaceEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isAsciiSpace(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** A lone UTF-16 surrogate: text that has no UTF-8 form. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** g_key_file_is_group_name: non-empty, no '[' or ']', no ASCII control character. */
const GROUP_NAME = /^[^\[\]\u0000-\u001f\u007f]+$/;

export function isGroupName(name: string): boolean {
  // Printable ASCII without brackets: the usual name, and valid without the two regular expressions.
  if (name.length > 0 && isPlainAscii(name, 0x20)) return true;
  return GROUP_NAME.test(name) && !hasLoneSurrogate(name);
}

/**
 * Whether every character is printable ASCII from `lowest` up (no DEL) and
 * none is '[', ']' or '=': names made of these need no further check.
 */
function isPlainAscii(text: string, lowest: number): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < lowest || c > 0x7e || c === 0x5b || c === 0x5d || c === 0x3d) return false;
  }
  return true;
}

/**
 * g_key_file_is_key_name: a base of anything but '=', '[', ']' and NUL, not
 * starting or ending with a space, optionally followed by `[locale]` whose
 * characters are Unicode letters or digits or - _ . @ (the locale may be empty).
 */
const KEY_NAME = /^(?! )[^=\[\]\u0000]+(?<! )(?:\[[\p{L}\p{N}\-_.@]*\])?$/u;

export function isKeyName(key: string): boolean {
  // Printable ASCII without space, '=', '[' or ']': valid (the base alone, no locale) without the Unicode expression.
  if (key.length > 0 && isPlainAscii(key, 0x21)) return true;
  return KEY_NAME.test(key);
}

/**
 * A key the writer may emit: a GLib key name that also reads back as itself.
 * The reader strips leading and trailing ASCII whitespace around a key, takes
 * a line starting with '#' as a comment and splits lines at '\n'.
 */
export function isWritableKey(key: string): boolean {
  return (
    isKeyName(key) &&
    !hasLoneSurrogate(key) &&
    !key.includes('\n') &&
    key[0] !== '#' &&
    !isAsciiSpace(key.charCodeAt(0)) &&
    !isAsciiSpace(key.charCodeAt(key.length - 1))
  );
}

/**
 * Why a raw value cannot be written as is, or undefined when it can. The
 * reader drops leading ASCII whitespace of a value, removes one '\r' before
 * the line end, and splits at '\n'; NUL ends a C string.
 */
export function rawValueProblem(value: string): string | undefined {
  if (value.includes('\n')) return 'contains a newline';
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (value.length > 0 && isAsciiSpace(value.charCodeAt(0))) return 'starts with whitespace';
  if (value.endsWith('\r')) return 'ends with a carriage return';
  if (hasLoneSurrogate(value)) return 'is not valid Unicode (lone surrogate)';
  return undefined;
}

/** A key split into its base and locale: `Name[de_DE]` → { base: 'Name', locale: 'de_DE' }. */
export interface LocaleKey {
  base: string;
  locale: string | undefined;
}

/**
 * GLib's key_get_locale: the text inside the last `[...]` when it is not empty.
 * `Name[]` has no locale and stays a key of its own.
 */
export function splitLocaleKey(key: string): LocaleKey {
  const open = key.lastIndexOf('[');
  if (open < 0 || key.length - open <= 2 || !key.endsWith(']')) return { base: key, locale: undefined };
  return { base: key.slice(0, open), locale: key.slice(open + 1, -1) };
}
