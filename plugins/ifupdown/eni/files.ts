/**
 * Reading a configuration file defensively and writing one atomically.
 *
 * interfaces files are small: a limit keeps a runaway or hostile file from
 * filling memory, and a file that is not UTF-8 text (NUL bytes, invalid
 * sequences) is refused whole rather than half-read.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import { NmkError } from '../../../sdk/index.js';

/** Ten thousand VLAN stanzas are well under a megabyte; this is generous. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type ReadResult = { text: string } | { missing: true } | { error: NmkError };

function readError(plugin: string, file: string, reason: string): NmkError {
  return new NmkError('CONFIG_SYNTAX', reason, { plugin, file });
}

/**
 * The text of a file, `missing` when it does not exist, or one error naming
 * it. Follows symbolic links (distributions link files into interfaces.d);
 * a link loop is an error.
 */
export async function readTextFile(file: string, plugin: string): Promise<ReadResult> {
  let handle: fsp.FileHandle;
  try {
    // O_NONBLOCK: a FIFO dropped in a sourced directory must not hang the daemon.
    handle = await fsp.open(file, fsc.O_RDONLY | fsc.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { missing: true };
    if (code === 'ELOOP') return { error: readError(plugin, file, 'symbolic link loop') };
    return { error: readError(plugin, file, `cannot open: ${(err as Error).message}`) };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { error: readError(plugin, file, 'not a regular file') };
    if (st.size > MAX_FILE_BYTES) return { error: readError(plugin, file, `file too large (${st.size} bytes; the limit is ${MAX_FILE_BYTES})`) };
    // One byte past the limit: the file may grow between fstat and read.
    const buffer = Buffer.allocUnsafe(Math.min(st.size, MAX_FILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) {
        if (length > MAX_FILE_BYTES) return { error: readError(plugin, file, `file too large (over ${MAX_FILE_BYTES} bytes)`) };
        break;
      }
    }
    return decodeText(buffer.subarray(0, length), file, plugin);
  } catch (err) {
    return { error: readError(plugin, file, `cannot read: ${(err as Error).message}`) };
  } finally {
    await handle.close();
  }
}

/** UTF-8 text without NUL bytes, or an error naming the first bad line. */
export function decodeText(bytes: Uint8Array, file: string, plugin: string): ReadResult {
  const nul = bytes.indexOf(0);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: binaryError(bytes, firstInvalidUtf8(bytes), file, plugin) };
  }
  if (nul >= 0) return { error: binaryError(bytes, nul, file, plugin) };
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

function binaryError(bytes: Uint8Array, offset: number, file: string, plugin: string): NmkError {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return new NmkError('CONFIG_SYNTAX', 'binary data: the file is not UTF-8 text', { plugin, file, line });
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Line by line: cheap enough for the rare broken file, and the error names the line.
  for (let start = 0; start < bytes.length; ) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl + 1;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return start;
    }
    start = end;
  }
  return 0;
}

/**
 * Replaces `file` with `text` atomically: a temporary file in the same
 * directory (keeping the old file's mode, 0644 for a new one), fsync,
 * rename, then fsync of the directory so the rename survives a crash.
 * A symbolic link is followed: its target is replaced.
 */
export async function writeFileAtomic(link: string, text: string): Promise<void> {
  // A file linked into interfaces.d is edited where it lives; the link stays.
  const file = await fsp.realpath(link).catch(() => link);
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
  const mode = await fsp.stat(file).then((st) => st.mode & 0o7777, () => 0o644);
  // Hidden, and its name never matches source-directory's ^[a-zA-Z0-9_-]+$, so a crash leaves nothing that is read.
  const temp = path.join(dir, `.${path.basename(file)}.nmk-${randomBytes(6).toString('hex')}`);
  const handle = await fsp.open(temp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, mode);
  try {
    try {
      await handle.chmod(mode);
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
  const dirHandle = await fsp.open(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
