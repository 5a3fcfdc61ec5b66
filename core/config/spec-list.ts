/**
 * NetworkManager's device-spec lists ("interface-name:eth0, mac:…;type:bond"),
 * as nm_match_spec_split and nm_match_spec_join (nm-core-utils.c) read and
 * write them. NetworkManager reads such a key's raw keyfile value
 * (g_key_file_get_value, no GKeyFile unescaping) and splits it itself:
 * - ',' and ';' separate entries; "\," and "\;" are literal;
 * - "\s" "\t" "\n" "\r" "\\" are a space, tab, newline, carriage return and a
 *   backslash; any other "\x" stays as the two characters; a lone backslash at
 *   the end is dropped;
 * - whitespace around an entry goes (escaped whitespace stays), and empty
 *   entries are dropped.
 * The keys read this way are the `specs` rows of schema.ts.
 */

/** g_ascii_isspace: space, \t, \n, \v, \f, \r. */
const isSpace = (c: string | undefined): boolean => c === ' ' || (c !== undefined && c >= '\t' && c <= '\r');

const UNESCAPE: Readonly<Record<string, string>> = { s: ' ', t: '\t', n: '\n', r: '\r', '\\': '\\', ',': ',', ';': ';' };

const isSeparator = (c: string): boolean => c === ',' || c === ';';

/** A raw value's entries, in order (nm_match_spec_split). */
export function splitSpecs(raw: string | undefined): string[] {
  const pieces: string[] = [];
  if (!raw) return pieces;
  let i = 0;
  while (isSpace(raw[i])) i++;
  let piece = '';
  // Unescaped whitespace seen in the current piece. NetworkManager resets it only at an escape
  // or a separator, not at an ordinary character, and cuts that many characters off the
  // piece's end: "a b" gives "a ". Kept, so a list means here what it means there; such an
  // entry holds whitespace, which no interface name, type, driver or MAC address does.
  let trailingSpace = 0;
  const close = (): void => {
    const kept = piece.slice(0, piece.length - trailingSpace);
    if (kept) pieces.push(kept);
    piece = '';
    trailingSpace = 0;
  };
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === undefined) break;
      piece += UNESCAPE[next] ?? `\\${next}`;
      trailingSpace = 0;
      i += 2;
    } else if (isSeparator(c)) {
      close();
      i++;
      while (isSpace(raw[i])) i++;
    } else {
      if (isSpace(c)) trailingSpace++;
      piece += c;
      i++;
    }
  }
  close();
  return pieces;
}

const ESCAPE: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\\': '\\\\', ',': '\\,', ';': '\\;' };
const EDGE_SPACE: Readonly<Record<string, string>> = { ' ': '\\s', '\t': '\\t' };

/** Entries → raw value that splitSpecs reads back as the same entries (nm_match_spec_join). */
export function joinSpecs(entries: readonly string[]): string {
  let out = '';
  for (const entry of entries) {
    if (!entry) continue;
    if (out) out += ',';
    // A leading space or tab, every newline, carriage return, backslash and separator, and a trailing space or tab.
    const lead = EDGE_SPACE[entry[0]!];
    let text = lead ?? '';
    for (const c of lead ? entry.slice(1) : entry) text += ESCAPE[c] ?? c;
    // An escape never ends in a space or tab: a last one is the entry's own.
    const last = EDGE_SPACE[text[text.length - 1]!];
    if (last) text = text.slice(0, -1) + last;
    out += text;
  }
  return out;
}
