/**
 * NetworkManager's nm_uuid_generate_from_string: the same text always gives
 * the same UUID. NetworkManager's settings plugins use it for a profile whose
 * file names no UUID, so that nmk and NetworkManager agree on it across reads
 * and across a switch from one to the other (ifcfg-rh: the file's path;
 * ifupdown and ifnet: the profile's id; keyfile: "keyfile" and the path under
 * a namespace). Several plugins hashed it themselves; it lives here once.
 */
import { createHash } from '../crypto.js';
import { isUuid } from './uuid.js';

/**
 * Without `namespace`, NM_UUID_TYPE_LEGACY: the MD5 digest of the UTF-8
 * text laid out as a UUID, version and variant bits untouched. With
 * `namespace` (a UUID), NM_UUID_TYPE_VERSION3: MD5 over the namespace's 16
 * bytes then the text, stamped version 3, RFC 4122 variant.
 */
export function uuidFromString(text: string, namespace?: string): string {
  const hash = createHash('md5');
  if (namespace !== undefined) {
    if (!isUuid(namespace)) throw new RangeError(`'${namespace}' is not a UUID`);
    hash.update(Buffer.from(namespace.replaceAll('-', ''), 'hex'));
  }
  const digest = hash.update(text, 'utf8').digest();
  if (namespace !== undefined) {
    digest[6] = (digest[6]! & 0x0f) | 0x30;
    digest[8] = (digest[8]! & 0x3f) | 0x80;
  }
  const hex = digest.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
