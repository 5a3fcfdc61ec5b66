/**
 * File access for the source: reads with NetworkManager's size limit, and
 * atomic writes (a temporary file in the same directory, fsync, rename, fsync
 * of the directory), so a crash leaves the old file or the new one, never half.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ifcfgError } from './errors.js';

/** NetworkManager refuses ifcfg files larger than this (svOpenFile). */
export const MAX_FILE_SIZE = 10 * 1024 * 1024;

/**
 * The file's bytes, or undefined when it does not exist. Symbolic links are
 * followed; the target must be a regular file (O_NONBLOCK: a FIFO cannot
 * stall the load). Throws NmkError.
 */
export async function readFileLimited(path: string): Promise<Buffer | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw ioError(path, e);
  }
  try {
    return await readOpen(handle, path);
  } finally {
    await handle.close();
  }
}

async function readOpen(handle: fs.FileHandle, path: string): Promise<Buffer> {
  const st = await handle.stat();
  if (!st.isFile()) throw ifcfgError('CONFIG_SYNTAX', 'not a regular file', { file: path });
  if (st.size > MAX_FILE_SIZE) {
    throw ifcfgError('CONFIG_SYNTAX', `the file is larger than ${MAX_FILE_SIZE / 1024 / 1024} MiB (${st.size} bytes)`, { file: path });
  }
  // Read one byte more than allowed, in case the file grew since stat.
  const buf = Buffer.alloc(Math.min(st.size, MAX_FILE_SIZE) + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (length === buf.length) break;
  }
  if (length > MAX_FILE_SIZE) throw ifcfgError('CONFIG_SYNTAX', `the file is larger than ${MAX_FILE_SIZE / 1024 / 1024} MiB`, { file: path });
  return buf.subarray(0, length);
}

/** Writes `data` to `path` atomically with `mode` (0644 for ifcfg and route files, 0600 for keys). */
export async function writeFileAtomic(path: string, data: Uint8Array, mode: number): Promise<void> {
  const dir = dirname(path);
  // A leading dot: no ifcfg-rh reader (nmk's or NetworkManager's) takes it for a profile.
  const tmp = join(dir, `.${basename(path)}.nmk-${randomBytes(6).toString('hex')}`);
  const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode); // the umask may have narrowed the mode given to open
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(dir);
}

export async function removeFile(path: string): Promise<boolean> {
  try {
    await fs.unlink(path);
    return true;
  } catch (e) {
    if (errno(e) === 'ENOENT') return false;
    throw e;
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function ioError(path: string, e: unknown): Error {
  const code = errno(e) === 'EACCES' || errno(e) === 'EPERM' ? 'PERMISSION_DENIED' : 'INTERNAL';
  return ifcfgError(code, `cannot read the file: ${e instanceof Error ? e.message : String(e)}`, { file: path });
}
