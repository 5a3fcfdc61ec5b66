/**
 * Connection UUIDs as NetworkManager handles them: the normal form is the
 * lower-case 8-4-4-4-12 layout; upper case is accepted and lowered; an old
 * "legacy" form (36 characters of hex and 4 dashes anywhere, or 40 hex
 * digits) is accepted and replaced by a UUID derived from it (version 5,
 * under NetworkManager's namespace), so the same legacy string always gives
 * the same UUID.
 */
import { createHash, randomUUID } from '../crypto.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** The namespace NetworkManager hashes legacy UUID strings under. */
const LEGACY_NAMESPACE = Uint8Array.from([
  0x4e, 0x72, 0xf7, 0x09, 0xca, 0x95, 0x44, 0x05, 0x90, 0x53, 0x1f, 0x43, 0x29, 0x4a, 0x61, 0x8c,
]);

/** A new random (version 4) UUID in normal form. */
export function newUuid(): string {
  return randomUUID();
}

/** Whether `text` is a UUID in the 8-4-4-4-12 layout (any case). */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

function isLegacyUuid(text: string): boolean {
  if (!/^[0-9a-fA-F-]+$/.test(text)) return false;
  const dashes = text.split('-').length - 1;
  return (dashes === 4 && text.length === 36) || (dashes === 0 && text.length === 40);
}

/** Whether NetworkManager accepts `text` as connection.uuid (normalised or not). */
export function isAcceptedUuid(text: string): boolean {
  return isUuid(text) || isLegacyUuid(text);
}

/**
 * The normal form of an accepted UUID (lower case; legacy forms hashed), or
 * undefined when NetworkManager would refuse it.
 */
export function normalizeUuid(text: string): string | undefined {
  if (isUuid(text)) return text.toLowerCase();
  if (!isLegacyUuid(text)) return undefined;
  const digest = createHash('sha1').update(LEGACY_NAMESPACE).update(text.toLowerCase()).digest();
  const bytes = Uint8Array.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
