/**
 * Reading conf.d/net defensively: a size limit keeps a runaway or hostile
 * file from filling memory, and a file that is not UTF-8 text (NUL bytes,
 * invalid sequences) is refused whole rather than half-read.
 */
import { constants as fsc, promises as fsp } from 'node:fs';
import { NmkError } from '../../../sdk/index.js';

/** A conf.d/net for thousands of interfaces is well under a megabyte; this is generous. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type ReadResult = { text: string } | { missing: true } | { error: NmkError };

function readError(plugin: string, file: string, reason: string): NmkError {
  return new NmkError('CONFIG_SYNTAX', reason, { plugin, file });
}

/**
 * The text of a file, `missing` when it does not exist, or one error naming
 * it. A symbolic link is followed; a link loop is an error.
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
