/**
 * Keys of free-form dictionaries (bond options, vpn data and secrets, user
 * data) become keyfile key names the way NetworkManager writes them
 * (nm_keyfile_key_encode/decode): printable ASCII stays, except '=', '[',
 * ']', a leading or trailing space and a backslash that would read as an
 * escape; every other byte of the UTF-8 form becomes "\XX" (upper-case hex).
 * The empty key is "\00". nmk also escapes a leading '#': NetworkManager
 * writes it as is and then reads the line back as a comment, losing the
 * item; "\23" decodes to '#' in both.
 */

const HEX = /^[0-9A-Fa-f]{2}$/;

function needsEscape(bytes: Uint8Array, i: number): boolean {
  const ch = bytes[i]!;
  if (ch < 0x20 || ch >= 0x7f) return true;
  if (ch === 0x3d || ch === 0x5b || ch === 0x5d) return true; // = [ ]
  if (ch === 0x5c) return isHexDigit(bytes[i + 1]) && isHexDigit(bytes[i + 2]); // \XX would decode
  if (ch === 0x20) return i === 0 || i === bytes.length - 1;
  if (ch === 0x23) return i === 0; // '#'
  return false;
}

function isHexDigit(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}

/** A dictionary key as a keyfile key name. */
export function encodeKey(name: string): string {
  if (name === '') return '\\00';
  const bytes = Buffer.from(name, 'utf8');
  let plain = true;
  for (let i = 0; i < bytes.length && plain; i++) plain = !needsEscape(bytes, i);
  if (plain) return name;
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    out += needsEscape(bytes, i) ? `\\${bytes[i]!.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(bytes[i]!);
  }
  return out;
}

/**
 * A keyfile key name back to the dictionary key. "\00" alone is the empty
 * key; elsewhere "\00" stays as written (NetworkManager never writes it).
 * Bytes that do not form UTF-8 are replaced (U+FFFD).
 */
export function decodeKey(key: string): string {
  if (key === '\\00') return '';
  if (!/\\[0-9A-Fa-f]{2}/.test(key)) return key;
  const input = Buffer.from(key, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const hex = input.subarray(i + 1, i + 3).toString('latin1');
    if (input[i] === 0x5c && HEX.test(hex) && hex !== '00') {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(input[i]!);
  }
  return Buffer.from(out).toString('utf8');
}
