/**
 * The plain D-Bus form the settings model produces and reads: each property
 * is a signature and a plain JavaScript value, which the D-Bus layer turns
 * into a Variant (`variant(signature, value)`); 64-bit integers are bigint,
 * `ay` is a Uint8Array, arrays are arrays, structs are arrays of members,
 * dicts are plain objects.
 */

export interface DBusValue {
  signature: string;
  value: unknown;
}

/** A whole profile on D-Bus: a{sa{sv}}. */
export type DBusSettings = Record<string, Record<string, DBusValue>>;

export function dbusValue(signature: string, value: unknown): DBusValue {
  return { signature, value };
}

/**
 * Read one incoming value: a { signature, value } object (dbus-next's
 * Variant is one), a [signature, value] pair, or anything else as a bare
 * value without a signature.
 */
export function unwrapDBusValue(input: unknown): { signature?: string; value: unknown } {
  if (Array.isArray(input) && input.length === 2 && typeof input[0] === 'string' && isSignatureLike(input[0])) {
    return { signature: input[0], value: input[1] };
  }
  if (input !== null && typeof input === 'object' && !Array.isArray(input) && !ArrayBuffer.isView(input)) {
    const o = input as Record<string, unknown>;
    if (typeof o['signature'] === 'string' && 'value' in o && Object.keys(o).length <= 2) {
      return { signature: o['signature'], value: o['value'] };
    }
    // dbus-next's Variant keeps the signature on the instance (class with more fields on some versions).
    if (typeof o['signature'] === 'string' && 'value' in o && o.constructor?.name === 'Variant') {
      return { signature: o['signature'], value: o['value'] };
    }
  }
  return { value: input };
}

/** Enough of a signature check to tell a [signature, value] pair from a two-element list. */
function isSignatureLike(text: string): boolean {
  return text.length > 0 && /^[ybnqiuxtdsogvah(){}]+$/.test(text);
}
