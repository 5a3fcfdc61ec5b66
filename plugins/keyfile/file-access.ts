/**
 * Reading and writing one keyfile safely.
 *
 * Reading refuses what NetworkManager refuses
 * (nms_keyfile_utils_check_file_permissions): anything but a regular file, a
 * file not owned by root (or by the daemon's own user), and a file any group
 * or other user may access (mode & 077), since keyfiles hold secrets. On top
 * of that nmk refuses symbolic links (NetworkManager follows them) so a link
 * cannot make it read a file outside its directories, and files over
 * MAX_KEYFILE_BYTES. The checks run on the open descriptor (O_NOFOLLOW,
 * fstat), so the file cannot be swapped between check and read.
 *
 * Writing is atomic: a temporary file in the same directory, mode 0600,
 * written and fsynced, then renamed over the target, then the directory
 * fsynced so the rename itself survives a crash.
 */
import { randomBytes } from 'node:crypto';
import fs, { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import { NmkError } from '../../sdk/index.js';

/** Keyfiles are small; certificates embedded as blobs are the largest legitimate content. */
export const MAX_KEYFILE_BYTES = 4 * 1024 * 1024;

const PLUGIN = 'keyfile';

/** Uids whose files are trusted: root and the user the daemon runs as (NetworkManager's "nm_uid"). */
function trustedOwners(): Set<number> {
  return new Set([0, process.getuid?.() ?? 0]);
}

function fileError(file: string, reason: string, cause?: unknown): NmkError {
  return new NmkError('CONFIG_VALUE', reason, { file, plugin: PLUGIN }, cause === undefined ? undefined : { cause });
}

/**
 * The bytes of a profile file, after the ownership, type, mode and size
 * checks. Throws NmkError (CONFIG_VALUE) naming the file for any refusal or
 * I/O error.
 *
 * Synchronous on purpose: four system calls on a small file take a few
 * microseconds, where the promise API's round trips through the thread pool
 * cost about 150 µs per file (10,000 profiles: 1.5 s against 0.1 s). The
 * loader reads in short batches and yields to the event loop between them.
 */
export function readKeyfileBytes(file: string): Uint8Array {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO dropped into the directory must not hang the daemon.
    fd = fs.openSync(file, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw fileError(file, 'file is a symbolic link; keyfiles must be regular files');
    throw fileError(file, `cannot open file: ${(err as Error).message}`, err);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw fileError(file, 'file is not a regular file');
    if (!trustedOwners().has(st.uid)) throw fileError(file, `file owner (${st.uid}) is insecure; keyfiles must be owned by root`);
    if ((st.mode & 0o077) !== 0) {
      throw fileError(file, `file permissions (${(st.mode & 0o7777).toString(8).padStart(4, '0')}) are insecure; keyfiles must not be accessible by group or others (chmod 600)`);
    }
    if (st.size > MAX_KEYFILE_BYTES) throw fileError(file, `file is too large (${st.size} bytes; the limit is ${MAX_KEYFILE_BYTES})`);
    // Read at most one byte past the limit: the file can grow after fstat.
    const buffer = Buffer.allocUnsafe(Math.min(st.size, MAX_KEYFILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) {
        if (length > MAX_KEYFILE_BYTES) throw fileError(file, `file is too large (over ${MAX_KEYFILE_BYTES} bytes)`);
        break;
      }
    }
    return buffer.subarray(0, length);
  } catch (err) {
    if (err instanceof NmkError) throw err;
    throw fileError(file, `cannot read file: ${(err as Error).message}`, err);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `text` to `file` atomically with mode 0600, creating the directory
 * (0755) when missing. On failure the temporary file is removed and the
 * target is left as it was.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
  // A hidden name with a mkstemp-like suffix: the loader ignores it if a crash leaves it behind.
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6)}`);
  const handle = await fsp.open(temp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
  try {
    try {
      // The umask cannot widen 0600, but an odd one could narrow it; state it exactly.
      await handle.chmod(0o600);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, file);
  } catch (err) {
    await fsp.rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

/** Removes a profile file and makes the removal durable. Missing files are fine. */
export async function removeFile(file: string): Promise<void> {
  await fsp.rm(file, { force: true });
  await syncDirectory(path.dirname(file)).catch(() => undefined);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
