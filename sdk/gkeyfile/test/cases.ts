/**
 * Fixture tables for the key-file reader: one row per input and its expected
 * outcome. Every row whose `glib` is not 'stricter' was checked against
 * GLib 2.74 (python3-gi, g_key_file_load_from_bytes with KEEP_TRANSLATIONS)
 * while this code was written; the tests do not need GLib.
 */

/** [group, [[key, raw value], ...]] in document order. */
export type ExpectedGroups = Array<[string, Array<[string, string]>]>;

export interface SyntaxCase {
  name: string;
  text: string;
  groups?: ExpectedGroups;
  error?: { line: number; key?: string; reason: RegExp };
  /** 'stricter': GLib loads this text; nmk refuses it on purpose. */
  glib?: 'stricter';
}

export const syntaxCases: SyntaxCase[] = [
  // FACTS.md: what `ini` gets wrong.
  { name: 'a list value keeps its separators', text: '[ipv4]\ndns=8.8.8.8;1.1.1.1;\n', groups: [['ipv4', [['dns', '8.8.8.8;1.1.1.1;']]]] },
  { name: "';' and '#' inside a value are data", text: '[wifi-security]\npsk=p;a#ss\n', groups: [['wifi-security', [['psk', 'p;a#ss']]]] },
  { name: 'group names keep their dots', text: '[a.b.c]\nk=v\n[802-11-wireless]\n', groups: [['a.b.c', [['k', 'v']]], ['802-11-wireless', []]] },
  { name: 'true stays a string', text: '[g]\nb=true\n', groups: [['g', [['b', 'true']]]] },
  // Whitespace.
  { name: 'whitespace around = is dropped, trailing whitespace kept', text: '[g]\nkey \t=  \t value  \t\n', groups: [['g', [['key', 'value  \t']]]] },
  { name: 'leading whitespace before a key or header', text: '  \t[g]\n \tk=v\n', groups: [['g', [['k', 'v']]]] },
  { name: 'spaces and tabs after ] are accepted', text: '[g] \t \nk=v\n', groups: [['g', [['k', 'v']]]] },
  { name: 'spaces inside the brackets are part of the name', text: '[ spaced name ]\n', groups: [[' spaced name ', []]] },
  { name: 'space inside a key', text: '[g]\na b=c\n', groups: [['g', [['a b', 'c']]]] },
  { name: 'an empty value', text: '[g]\nk=\nl=   \n', groups: [['g', [['k', ''], ['l', '']]]] },
  { name: 'everything after the first = is the value', text: '[g]\nk==a=b\n', groups: [['g', [['k', '=a=b']]]] },
  { name: 'CRLF line ends', text: '[g]\r\nk=v\r\n\r\nl=w\r\n', groups: [['g', [['k', 'v'], ['l', 'w']]]] },
  { name: 'a CR on the unterminated last line stays', text: '[g]\nk=v\r', groups: [['g', [['k', 'v\r']]]] },
  { name: 'no final newline', text: '[g]\nk=v', groups: [['g', [['k', 'v']]]] },
  { name: 'vertical tab is not whitespace to GLib', text: '[g]\nk=\u000bv\u000b\n', groups: [['g', [['k', '\u000bv\u000b']]]] },
  { name: 'form feed is whitespace', text: '[g]\n\fk\f=\fv\n', groups: [['g', [['k', 'v']]]] },
  // Comments.
  { name: 'comments and blank lines', text: '# top\n\n[g]\n  # indented\nk=v\n#\n', groups: [['g', [['k', 'v']]]] },
  { name: "';' does not start a comment", text: '[g]\n;k=v\n', groups: [['g', [[';k', 'v']]]] },
  { name: "'#' after a key is part of the key", text: '[g]\na#b=c\n', groups: [['g', [['a#b', 'c']]]] },
  { name: 'an empty file', text: '', groups: [] },
  { name: 'only comments', text: '# a\n\n#b', groups: [] },
  // Locale keys.
  {
    name: 'locale keys are keys of their own',
    text: '[Desktop Entry]\nName=Net\nName[de_DE]=Netz\nName[sr@latin]=Mreža\nName[]=x\n',
    groups: [['Desktop Entry', [['Name', 'Net'], ['Name[de_DE]', 'Netz'], ['Name[sr@latin]', 'Mreža'], ['Name[]', 'x']]]],
  },
  // Repeats.
  { name: 'a repeated key: last value, first place', text: '[g]\na=1\nb=2\na=3\n', groups: [['g', [['a', '3'], ['b', '2']]]] },
  {
    name: 'a repeated group continues the first',
    text: '[a]\nx=1\n[b]\ny=2\n[a]\nz=3\nx=4\n',
    groups: [['a', [['x', '4'], ['z', '3']]], ['b', [['y', '2']]]],
  },
  { name: 'Encoding=UTF-8 in the first group', text: '[g]\nEncoding=utf-8\n', groups: [['g', [['Encoding', 'utf-8']]]] },
  { name: 'Encoding is only checked in the first group', text: '[g]\n[h]\nEncoding=latin1\n', groups: [['g', []], ['h', [['Encoding', 'latin1']]]] },
  // Errors.
  { name: 'a key before any group', text: '# c\nk=v\n[g]\n', error: { line: 2, key: 'k', reason: /does not start with a group/ } },
  { name: 'a line that is nothing', text: '[g]\nk=v\njunk\n', error: { line: 3, reason: /not a key-value pair, group, or comment/ } },
  { name: 'a line starting with =', text: '[g]\n=v\n', error: { line: 2, reason: /not a key-value pair/ } },
  { name: 'text after ]', text: '[g]x\n', error: { line: 1, reason: /not a key-value pair/ } },
  { name: 'an unclosed header', text: '[g\n', error: { line: 1, reason: /not a key-value pair/ } },
  { name: 'an empty group name', text: '[]\n', error: { line: 1, reason: /invalid group name/ } },
  { name: '[ inside a group name', text: '[a[b]\n', error: { line: 1, reason: /invalid group name/ } },
  { name: 'a control character in a group name', text: '[a\u0001b]\n', error: { line: 1, reason: /invalid group name 'a\\x01b'/ } },
  { name: 'a CR after ] on the last line', text: '[g]\r', error: { line: 1, reason: /not a key-value pair/ } },
  { name: '] in a key', text: '[g]\na]b=c\n', error: { line: 2, key: 'a]b', reason: /invalid key name/ } },
  { name: 'an unclosed locale', text: '[g]\nName[de=x\n', error: { line: 2, key: 'Name[de', reason: /invalid key name/ } },
  { name: 'text after a locale', text: '[g]\nName[de]x=y\n', error: { line: 2, key: 'Name[de]x', reason: /invalid key name/ } },
  { name: 'a bad character in a locale', text: '[g]\nName[de DE]=y\n', error: { line: 2, key: 'Name[de DE]', reason: /invalid key name/ } },
  { name: 'a key starting with [', text: '[g]\n[a]=b\n', error: { line: 2, key: '[a]', reason: /invalid key name/ } },
  { name: 'vertical tab does not indent', text: '[g]\n\u000b#x\n', error: { line: 2, reason: /not a key-value pair/ } },
  { name: 'a byte-order mark is not skipped', text: '\ufeff[g]\n', error: { line: 1, reason: /not a key-value pair/ } },
  { name: 'another Encoding in the first group', text: '[g]\nEncoding=latin1\n', error: { line: 2, key: 'Encoding', reason: /unsupported encoding 'latin1'/ } },
  { name: 'Encoding with trailing space', text: '[g]\nEncoding=UTF-8 \n', error: { line: 2, key: 'Encoding', reason: /unsupported encoding/ } },
  // Stricter than GLib on purpose.
  { name: 'NUL', text: '[g]\nk=v\nl=a\u0000b\n', error: { line: 3, reason: /NUL/ }, glib: 'stricter' },
  { name: 'a lone surrogate', text: '[g]\n\nk=\ud800\n', error: { line: 3, reason: /not valid UTF-8/ }, glib: 'stricter' },
];

/** Rows read as `[g]\nk=<raw>\n`; 'error' means the getter throws KeyFileParseError. */
export interface ValueCase {
  raw: string;
  string?: string | 'error';
  list?: string[] | 'error';
  boolean?: boolean | 'error';
  integer?: number | 'error';
  double?: number | 'error';
}

export const valueCases: ValueCase[] = [
  // Strings.
  { raw: 'plain', string: 'plain', list: ['plain'] },
  { raw: '\\sa\\tb\\nc\\rd\\\\e', string: ' a\tb\nc\rd\\e' },
  { raw: 'p;a#ss', string: 'p;a#ss', list: ['p', 'a#ss'] },
  { raw: 'a\\;b', string: 'error', list: ['a;b'] },
  { raw: 'a\\q', string: 'error', list: 'error' },
  { raw: 'ab\\', string: 'error', list: 'error' },
  { raw: '\\\\;', string: '\\;', list: ['\\'] },
  { raw: '\\\\\\;', string: 'error', list: ['\\;'] },
  { raw: 'trailing  ', string: 'trailing  ' },
  // Lists.
  { raw: '8.8.8.8;1.1.1.1;', list: ['8.8.8.8', '1.1.1.1'] },
  { raw: '8.8.8.8;1.1.1.1', list: ['8.8.8.8', '1.1.1.1'] },
  { raw: '', string: '', list: [] },
  { raw: ';', list: [''] },
  { raw: ';;', list: ['', ''] },
  { raw: 'a;;b;', list: ['a', '', 'b'] },
  { raw: 'a;\\sb;\\tc;', list: ['a', ' b', '\tc'] },
  { raw: 'a.example\\;b.example;', list: ['a.example;b.example'] },
  // Booleans.
  { raw: 'true', boolean: true, string: 'true' },
  { raw: 'false', boolean: false },
  { raw: '1', boolean: true, integer: 1, double: 1 },
  { raw: '0', boolean: false, integer: 0, double: 0 },
  { raw: 'true \t', boolean: true },
  { raw: 'True', boolean: 'error' },
  { raw: 'yes', boolean: 'error' },
  { raw: 'tru', boolean: 'error' },
  { raw: 'true1', boolean: 'error' },
  { raw: '01', boolean: 'error', integer: 1 },
  // Integers (strtol, then GLib's check of the next character).
  { raw: '42', integer: 42, double: 42 },
  { raw: '-17', integer: -17 },
  { raw: '+5', integer: 5 },
  { raw: '007', integer: 7 },
  { raw: '12 apples', integer: 12, double: 'error' },
  { raw: '12\t', integer: 12 },
  { raw: '12x', integer: 'error' },
  { raw: '0x10', integer: 'error', double: 16 },
  { raw: '1.5', integer: 'error', double: 1.5 },
  { raw: '+', integer: 'error' },
  { raw: '2147483647', integer: 2147483647 },
  { raw: '-2147483648', integer: -2147483648 },
  { raw: '2147483648', integer: 'error' },
  { raw: '-2147483649', integer: 'error' },
  { raw: '99999999999999999999999', integer: 'error', double: 1e23 },
  { raw: '0000000000000000000001', integer: 1 },
  { raw: 'abc', integer: 'error', double: 'error', boolean: 'error' },
  // Doubles (C-locale strtod over the whole value).
  { raw: '3.25', double: 3.25 },
  { raw: '-.5e1', double: -5 },
  { raw: '1.', double: 1 },
  { raw: '1e', double: 'error' },
  { raw: '1,5', double: 'error' },
  { raw: '0x1p3', double: 8 },
  { raw: '0x.8', double: 0.5 },
  { raw: '0X1.8P-1', double: 0.75 },
  { raw: '0x', double: 'error' },
  { raw: 'inf', double: Infinity },
  { raw: '-Infinity', double: -Infinity },
  { raw: 'nan', double: NaN },
  { raw: 'NaN(123)', double: NaN },
  { raw: '1e999', double: Infinity },
  { raw: '2.5 ', double: 'error' },
  // \v is not whitespace to the key-file reader but is to strtol and strtod.
  { raw: '\u000b7', integer: 7, double: 7, boolean: 'error' },
  { raw: '\u000b', integer: 'error', double: 'error' },
];

/**
 * Raw values with leading whitespace never come out of a file (the reader
 * drops it), so these rows call parseInteger/parseDouble/parseBoolean
 * directly: strtol's quirks (no digits after whitespace reads 0).
 */
export const leadingSpaceCases: ValueCase[] = [
  { raw: ' 7', integer: 7, double: 7, boolean: 'error' },
  { raw: ' ', integer: 0, double: 'error' },
  { raw: ' x', integer: 0, double: 'error' },
  { raw: ' +', integer: 0 },
];
