/**
 * NetworkManager's nm_uuid_generate_from_string(..., NM_UUID_TYPE_LEGACY):
 * the MD5 digest of the text, printed as a UUID, version bits untouched.
 */
import { createHash } from 'node:crypto';

export function legacyUuid(text: string): string {
  const h = createHash('md5').update(text, 'utf8').digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
