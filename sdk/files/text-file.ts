/**
 * A configuration file read as UTF-8 text, for plugins that parse text
 * formats (ifupdown's interfaces, ifnet's conf.d/net). Both needed the same
 * rule, so it lives here once: the file is read with readFileLimited, and a
 * file that is not text (a NUL byte, an invalid UTF-8 sequence) is refused
 * whole, naming the first bad line, rather than half-read.
 */
import { NmkError } from '../errors.js';
import { firstInvalidUtf8 } from '../gkeyfile/parse.js';
import { FileReadError, readFileLimited } from './read-limited.js';

/** The text; `missing` when the file does not exist; or one CONFIG_SYNTAX error naming the plugin and the file. */
export type TextFileRead = { text: string } | { missing: true } | { error: NmkError };

/** Reads `file` (symbolic links followed) as text. Never throws. */
export async function readTextFile(file: string, options: { plugin: string; maxBytes: number }): Promise<TextFileRead> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readFileLimited(file, options.maxBytes);
  } catch (err) {
    const reason = err instanceof FileReadError ? err.reason : `cannot read: ${(err as Error)?.message ?? String(err)}`;
    return { error: new NmkError('CONFIG_SYNTAX', reason, { plugin: options.plugin, file }) };
  }
  return bytes === undefined ? { missing: true } : decodeTextFile(bytes, file, options.plugin);
}

/** UTF-8 text without NUL bytes and without a leading byte order mark, or an error naming the first bad line. */
export function decodeTextFile(bytes: Uint8Array, file: string, plugin: string): TextFileRead {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: binaryDataError(bytes, firstInvalidUtf8(bytes), file, plugin) };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { error: binaryDataError(bytes, nul, file, plugin) };
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

function binaryDataError(bytes: Uint8Array, offset: number, file: string, plugin: string): NmkError {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  return new NmkError('CONFIG_SYNTAX', 'binary data: the file is not UTF-8 text', { plugin, file, line });
}
