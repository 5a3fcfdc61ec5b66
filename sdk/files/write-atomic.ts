/**
 * Writing and removing files so that a crash leaves the old content or the
 * new, never half of it (DESIGN.md: every file write is atomic). Settings
 * plugins each wrote this sequence themselves; it lives here once:
 * a temporary file in the same directory, written and fsynced, renamed over
 * the target, then the directory fsynced so the rename itself survives.
 */
import { randomBytes } from '../crypto.js';
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits of the file, applied exactly whatever the umask (0600 for secrets). */
  mode: number;
  /** When the file exists, keep its permission bits instead (`mode` then applies to a new file only). */
  keepMode?: boolean;
  /**
   * When `file` is a symbolic link, replace the file it points to and leave
   * the link alone (a file linked into a configuration directory is edited
   * where it lives). Otherwise the link itself is replaced by a file.
   */
  followLink?: boolean;
}

/** Linux's longest file name, in bytes (NAME_MAX). */
const NAME_MAX = 255;

/**
 * Replaces `file` with `data` atomically, creating its directory (0755) when
 * missing. On failure the temporary file is removed and the target is left
 * as it was.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const target = options.followLink ? await fsp.realpath(file).catch(() => file) : file;
  const dir = path.dirname(target);
  await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
  const mode = options.keepMode ? await fsp.stat(target).then((st) => st.mode & 0o7777, () => options.mode) : options.mode;
  const temp = path.join(dir, temporaryName(path.basename(target)));
  // O_EXCL | O_NOFOLLOW: never write through a file or link someone placed at the temporary name.
  const handle = await fsp.open(temp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, mode);
  try {
    try {
      await handle.chmod(mode); // the umask may have narrowed the mode given to open
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, target);
  } catch (err) {
    await fsp.rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

/**
 * Removes a file and makes the removal durable; false when there was none.
 * The directory's fsync is best effort: the file is gone either way.
 */
export async function removeFileDurable(file: string): Promise<boolean> {
  try {
    await fsp.unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  await syncDirectory(path.dirname(file)).catch(() => undefined);
  return true;
}

/** fsync of a directory: makes the creations, renames and removals in it durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * ".NAME.nmk-RANDOM": hidden, so no settings plugin (nor NetworkManager)
 * takes a file a crash leaves behind for a profile; NAME is shortened when
 * needed so the whole fits NAME_MAX even for the longest file names.
 */
function temporaryName(base: string): string {
  const suffix = `.nmk-${randomBytes(6).toString('hex')}`;
  const room = NAME_MAX - 1 - suffix.length;
  let name = '';
  let bytes = 0;
  for (const ch of base) {
    bytes += Buffer.byteLength(ch);
    if (bytes > room) break;
    name += ch;
  }
  return `.${name}${suffix}`;
}
