/**
 * A writer's half of a reader's size limit. A settings plugin reads its files
 * with a size limit (readFileLimited), so a file larger than that would be
 * written, then dropped at the next load with its file left behind. Writers
 * check what they are about to write against the same limit first, and the
 * caller (AddConnection, Update) gets the refusal instead: what is accepted
 * always loads again.
 */
import { NmkError } from '../errors.js';

/** Throws PROFILE_TOO_LARGE (NetworkManager's Settings.Failed) when `data` is over `maxBytes`; nothing is written. */
export function refuseOversize(file: string, data: string | Uint8Array, maxBytes: number, plugin: string): void {
  const size = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
  if (size <= maxBytes) return;
  throw new NmkError('PROFILE_TOO_LARGE', `the profile would take ${size} bytes; ${plugin} reads files of at most ${maxBytes} bytes, so it is not stored`, {
    file,
    plugin,
    hook: 'write',
  });
}
