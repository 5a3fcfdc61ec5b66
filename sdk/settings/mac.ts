/**
 * Hardware (MAC) addresses: the model holds them as upper-case
 * "AA:BB:CC:DD:EE:FF" strings, D-Bus as bytes. Parsing follows
 * NetworkManager: one or two hex digits per byte, separated by ':' or '-'
 * (not mixed).
 */

const GROUP = /^[0-9A-Fa-f]{1,2}$/;

/**
 * The bytes of a MAC address written as text, or undefined when it is not
 * one (or, with `length`, not that many bytes long).
 */
export function parseMac(text: string, length?: number): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  const separator = text.includes(':') ? ':' : text.includes('-') ? '-' : undefined;
  const groups = separator ? text.split(separator) : [text];
  // A one-byte address has no separator and must be one group; otherwise both separators mixed fail below.
  if (!groups.every((g) => GROUP.test(g))) return undefined;
  if (length !== undefined && groups.length !== length) return undefined;
  return Uint8Array.from(groups.map((g) => parseInt(g, 16)));
}

/** "AA:BB:CC:DD:EE:FF" from bytes. */
export function formatMac(bytes: Uint8Array | readonly number[]): string {
  return Array.from(bytes, (b) => (b & 0xff).toString(16).toUpperCase().padStart(2, '0')).join(':');
}

/** The model's form of a MAC address ("aa-bb-c-..." → "AA:BB:0C:..."), or undefined when invalid. */
export function normalizeMac(text: string, length?: number): string | undefined {
  const bytes = parseMac(text, length);
  return bytes ? formatMac(bytes) : undefined;
}

/** Whether `text` is a MAC address of `length` bytes (default 6). */
export function isValidMac(text: string, length = 6): boolean {
  return parseMac(text, length) !== undefined;
}
