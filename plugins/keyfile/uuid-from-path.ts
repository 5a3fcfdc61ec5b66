/**
 * The UUID NetworkManager gives a keyfile that names none
 * (nm_keyfile_read_ensure_uuid, nm_uuid_generate_from_strings_old): a
 * version-3 UUID over the namespace b425e9fb-7598-44b4-9e3b-5a2e3aaa4905 and
 * the strings "keyfile" and the file's path, each with its terminating NUL.
 * The same file always gets the same UUID, and NetworkManager would give it
 * the same one.
 */
import { uuidFromString } from '../../sdk/index.js';

/** NetworkManager's nm_uuid_ns_1. */
const NAMESPACE = 'b425e9fb-7598-44b4-9e3b-5a2e3aaa4905';

export function uuidFromPath(profilePath: string): string {
  return uuidFromString(`keyfile\0${profilePath}\0`, NAMESPACE);
}
