/**
 * The UUID NetworkManager gives a keyfile that names none
 * (nm_keyfile_read_ensure_uuid): a version-3 UUID over the namespace
 * b425e9fb-7598-44b4-9e3b-5a2e3aaa4905 and the strings "keyfile" and the
 * file's path, each with its terminating NUL. The same file always gets the
 * same UUID, and NetworkManager would give it the same one.
 */
import { createHash } from 'node:crypto';

const NAMESPACE = Buffer.from('b425e9fb759844b49e3b5a2e3aaa4905', 'hex');

export function uuidFromPath(profilePath: string): string {
  const digest = createHash('md5')
    .update(NAMESPACE)
    .update(Buffer.from(`keyfile\0${profilePath}\0`, 'utf8'))
    .digest();
  digest[6] = (digest[6]! & 0x0f) | 0x30;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
