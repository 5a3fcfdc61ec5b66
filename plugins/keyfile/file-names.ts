/**
 * Which file names hold profiles and what a new profile's file is called,
 * by NetworkManager's rules (nm_keyfile_utils_create_filename and
 * nm_keyfile_utils_ignore_filename): the id with '/' replaced, never hidden,
 * never looking like a backup, an editor's temporary file or a certificate.
 */

export const NMCONNECTION_SUFFIX = '.nmconnection';

/** The longest file name Linux takes, in bytes (NAME_MAX). */
const NAME_MAX = 255;

/** g_file_set_contents()'s temporary files end in '.' and six of these (mkstemp). */
const MKSTEMP_SUFFIX = /\.[A-Za-z0-9]{6}$/;
const CERTIFICATE_SUFFIX = /\.(pem|der)$/i;

/**
 * Whether a directory entry is not a profile. `requireExtension` is true for
 * the runtime and read-only directories; the persistent directory also
 * accepts old files without '.nmconnection', as NetworkManager does.
 */
export function isIgnoredFileName(name: string, requireExtension: boolean): boolean {
  if (name === '' || name.startsWith('.')) return true;
  if (requireExtension) return !(name.endsWith(NMCONNECTION_SUFFIX) && name.length > NMCONNECTION_SUFFIX.length);
  return name.endsWith('~') || MKSTEMP_SUFFIX.test(name) || CERTIFICATE_SUFFIX.test(name);
}

/**
 * The file name for a profile called `name` (its id, or "id-uuid" on a
 * clash): '/' becomes '_', a leading '.' and a trailing '~' become '_', and
 * a name that would read as a temporary or certificate file gets a '_'
 * appended, then '.nmconnection'. A name too long for the file system is cut
 * (on a character boundary) so the result fits NAME_MAX.
 */
export function fileNameFor(name: string): string {
  let base = name.replaceAll('/', '_');
  if (base.startsWith('.')) base = `_${base.slice(1)}`;
  if (base.endsWith('~')) base = `${base.slice(0, -1)}_`;
  if (MKSTEMP_SUFFIX.test(base) || CERTIFICATE_SUFFIX.test(base)) base += '_';
  return `${cutToBytes(base, NAME_MAX - NMCONNECTION_SUFFIX.length)}${NMCONNECTION_SUFFIX}`;
}

/** The id NetworkManager gives a profile whose file names none: the file name without '.nmconnection'. */
export function idFromFileName(name: string): string {
  return name.endsWith(NMCONNECTION_SUFFIX) && name.length > NMCONNECTION_SUFFIX.length
    ? name.slice(0, -NMCONNECTION_SUFFIX.length)
    : name;
}

/** The longest prefix of `text` whose UTF-8 form fits `max` bytes, never splitting a character. */
function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > max) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end);
}
