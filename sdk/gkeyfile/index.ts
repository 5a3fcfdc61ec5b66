/**
 * GLib key files (GKeyFile): the syntax of NetworkManager.conf and of
 * NetworkManager's keyfile connection profiles. Pure TypeScript, no
 * dependencies. Rules follow GLib's gkeyfile.c; the `ini` package does not
 * (it cuts values at ';' and '#', splits groups at dots and guesses types).
 *
 * Reading
 *   parse(input: string | Uint8Array, fileName = '<input>'): KeyFileDocument
 *     Throws only KeyFileParseError (kind 'syntax'), e.g.
 *     "/etc/nmk/nmk.conf:3: key 'x y[': invalid key name". Linear time.
 *     - Lines end at '\n'; a '\r' before it is dropped.
 *     - After leading whitespace (space \t \f \r, not \v: GLib's
 *       g_ascii_isspace): empty or '#...' is a comment;
 *       '[name]' (then only spaces/tabs) is a group header; 'key = value' is
 *       an entry (key: text before the first '=' minus trailing whitespace;
 *       value: the rest minus leading whitespace, trailing whitespace kept,
 *       ';' and '#' kept). Anything else, an entry before any group, an
 *       invalid group or key name, invalid UTF-8, NUL, and a first group with
 *       Encoding other than UTF-8 are errors.
 *     - Group names: any text but '[', ']' and control characters (dots and
 *       spaces allowed). Key names: no '=', '[', ']', no leading/trailing
 *       space, optionally followed by [locale]; `Name[de_DE]` is a key of
 *       its own (splitLocaleKey separates it).
 *     - A repeated group continues the first one; a repeated key keeps its
 *       first place and takes the last value (GLib: the last one wins).
 *     - Comments (and blank lines) belong to the group header or entry
 *       below them; those at the end are doc.trailingComments.
 *
 * KeyFileDocument (new KeyFileDocument(fileName?) is an empty one)
 *   fileName, groups: readonly KeyFileGroup[], trailingComments
 *   groupNames(), hasGroup(g), getGroup(g), keys(g), hasKey(g, k), getEntry(g, k)
 *   Getters (the scalar ones read the raw value, as GLib does) return
 *   undefined when the group or key is missing and throw
 *   KeyFileParseError (kind 'value', with file, line, group, key) when the
 *   value cannot be read as asked:
 *     getRaw(g, k): string            as written (`true` stays "true")
 *     getString(g, k): string         \s \n \t \r \\ unescaped; others are errors
 *     getStringList(g, k, sep = ';'): string[]
 *                                     split at sep, `\<sep>` literal, one
 *                                     trailing sep allowed ('a;' → ['a'])
 *     getBoolean(g, k): boolean       true|1|false|0, case-sensitive,
 *                                     trailing whitespace allowed
 *     getInteger(g, k): number        strtol + GLib's check: 32-bit, next char
 *                                     must be end or whitespace ('12 x' → 12)
 *     getDouble(g, k): number         C strtod over the whole value (hex, inf, nan)
 *   Setters create a missing group at the end and a missing key after the
 *   group's last entry, keep an existing key's place and comments, and throw
 *   TypeError (RangeError for setInteger) for anything that would not read
 *   back unchanged (see names.ts: isWritableKey, rawValueProblem); a new group
 *   gets a blank line above it unless comments already separate it:
 *     addGroup(g), setRaw(g, k, raw), setString(g, k, text),
 *     setStringList(g, k, items, sep = ';'), setBoolean(g, k, b),
 *     setInteger(g, k, n), removeKey(g, k): boolean, removeGroup(g): boolean,
 *     serialize(): string
 *   Placing kept text back (e.g. groups a program does not read but keeps):
 *     insertGroup(g, index)           an empty group at a position, no blank line added
 *     setComments(g, k | undefined, lines), setTrailingComments(lines)
 *                                     each line blank or '#...', refused (TypeError)
 *                                     when it would not read back as that comment
 *
 * Writing
 *   serialize(doc): string   groups, entries and comments in order, '\n' after
 *                            every line (g_key_file_to_data's format). A parsed
 *                            file comes back byte for byte when its lines end
 *                            in '\n' (not "\r\n") and no group or key repeats.
 *
 * Name rules: isGroupName, isKeyName (GLib's), isWritableKey, rawValueProblem
 * (what the setters accept); printable(text) quotes file text for messages.
 *
 * Escaping helpers (what getString/setString use)
 *   unescapeString(raw), unescapeList(raw, sep) → ValueResult
 *   escapeString(text, sep?), escapeList(items, sep) → raw value
 *   parseBoolean / parseInteger / parseDouble(raw) → ValueResult
 *
 * Differences from GLib, on purpose: invalid UTF-8 and NUL fail at load (GLib
 * fails later, on get_string, or cuts at NUL); translations are always kept
 * (G_KEY_FILE_KEEP_TRANSLATIONS); a repeated key is stored once; setters
 * refuse what GLib would write but not read back.
 */
export { parse, DEFAULT_FILE_NAME } from './parse.js';
export { serialize } from './serialize.js';
export { KeyFileDocument, DEFAULT_SEPARATOR, type KeyFileEntry, type KeyFileGroup } from './document.js';
export { KeyFileParseError, printable, type KeyFileErrorKind, type KeyFileErrorOrigin } from './errors.js';
export { escapeString, escapeList, unescapeString, unescapeList, type ValueResult } from './escape.js';
export { parseBoolean, parseInteger, parseDouble } from './scalars.js';
export { isGroupName, isKeyName, isWritableKey, rawValueProblem, splitLocaleKey, type LocaleKey } from './names.js';
