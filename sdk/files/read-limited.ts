/**
 * Reading a whole file defensively, for plugins that load configuration or
 * profiles from disk. Four settings plugins needed the same careful read, so
 * it lives here once:
 * - a size limit, checked on the open descriptor (fstat) and again while
 *   reading (the file may grow in between), so a runaway or hostile file
 *   cannot fill memory;
 * - O_NONBLOCK, so a FIFO dropped into a configuration directory cannot hang
 *   the daemon; anything but a regular file is refused;
 * - optionally O_NOFOLLOW, so a symbolic link cannot make the reader open a
 *   file outside its directory, and a caller's own check of the descriptor's
 *   status (owner, mode) before a byte is read; checks run on the descriptor,
 *   so the file cannot be swapped between check and read.
 *
 * A missing file is not an error (undefined); every other refusal or I/O
 * failure throws FileReadError, whose `kind` lets the caller word and code
 * the error its own way and whose `reason` is a plain default wording.
 * The promise form suits loaders that read a few files; the synchronous form
 * suits loaders of thousands of small files, where the thread pool's round
 * trips cost far more than the reads.
 */
import fs, { constants as fsc, promises as fsp } from 'node:fs';

export type FileReadErrorKind =
  /** ELOOP: a symbolic link loop, or (followLinks: false) a symbolic link at all. */
  | 'link'
  /** open(2) failed for another reason than a missing file (`cause` holds the errno error). */
  | 'open'
  | 'not-regular'
  /** The caller's `check` refused the file; `reason` is the check's own text. */
  | 'refused'
  /** Over the limit: `size` is the fstat size, or undefined when the file grew while being read. */
  | 'too-large'
  /** fstat or read failed (`cause` holds the error). */
  | 'read';

export class FileReadError extends Error {
  override readonly name = 'FileReadError';
  readonly size: number | undefined;

  constructor(
    readonly file: string,
    readonly kind: FileReadErrorKind,
    /** The problem in plain words, without the file name. */
    readonly reason: string,
    details: { size?: number; cause?: unknown } = {},
  ) {
    super(`${file}: ${reason}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.size = details.size;
  }
}

export interface LimitedReadOptions {
  /** Follow a symbolic link (the default); false refuses one with kind 'link' (O_NOFOLLOW). */
  followLinks?: boolean;
  /** Looks at the open file's status before anything is read: a reason to refuse it, or undefined. */
  check?: (st: fs.Stats) => string | undefined;
}

/** The file's bytes (at most `maxBytes`), or undefined when it does not exist. Throws FileReadError. */
export async function readFileLimited(file: string, maxBytes: number, options: LimitedReadOptions = {}): Promise<Buffer | undefined> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, openFlags(options));
  } catch (err) {
    return missingOrThrow(file, err, options);
  }
  try {
    const buffer = bufferFor(file, await handle.stat(), maxBytes, options);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) {
      n = (await handle.read(buffer, length, buffer.length - length, null)).bytesRead;
    }
    return withinLimit(file, buffer, length, maxBytes);
  } catch (err) {
    throw readFailure(file, err);
  } finally {
    await handle.close();
  }
}

/** readFileLimited without the thread pool: for loaders of many small files. */
export function readFileLimitedSync(file: string, maxBytes: number, options: LimitedReadOptions = {}): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, openFlags(options));
  } catch (err) {
    return missingOrThrow(file, err, options);
  }
  try {
    const buffer = bufferFor(file, fs.fstatSync(fd), maxBytes, options);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = fs.readSync(fd, buffer, length, buffer.length - length, null);
    return withinLimit(file, buffer, length, maxBytes);
  } catch (err) {
    throw readFailure(file, err);
  } finally {
    fs.closeSync(fd);
  }
}

function openFlags(options: LimitedReadOptions): number {
  return fsc.O_RDONLY | fsc.O_NONBLOCK | (options.followLinks === false ? fsc.O_NOFOLLOW : 0);
}

function missingOrThrow(file: string, err: unknown, options: LimitedReadOptions): undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return undefined;
  if (code === 'ELOOP') throw new FileReadError(file, 'link', options.followLinks === false ? 'file is a symbolic link' : 'symbolic link loop', { cause: err });
  throw new FileReadError(file, 'open', `cannot open: ${(err as Error).message}`, { cause: err });
}

/** The buffer to read into, once the status passes: one byte longer than the file may be, so growth since fstat shows. */
function bufferFor(file: string, st: fs.Stats, maxBytes: number, options: LimitedReadOptions): Buffer {
  if (!st.isFile()) throw new FileReadError(file, 'not-regular', 'not a regular file');
  const refusal = options.check?.(st);
  if (refusal !== undefined) throw new FileReadError(file, 'refused', refusal);
  if (st.size > maxBytes) throw new FileReadError(file, 'too-large', `file too large (${st.size} bytes; the limit is ${maxBytes})`, { size: st.size });
  // Files of /proc and /sys say size 0 and have content: read them up to the limit (64 KiB at most) instead.
  const expected = st.size === 0 ? Math.min(maxBytes, 64 * 1024) : Math.min(st.size, maxBytes);
  return Buffer.allocUnsafe(expected + 1);
}

function withinLimit(file: string, buffer: Buffer, length: number, maxBytes: number): Buffer {
  if (length > maxBytes) throw new FileReadError(file, 'too-large', `file too large (over ${maxBytes} bytes)`);
  return buffer.subarray(0, length);
}

function readFailure(file: string, err: unknown): FileReadError {
  if (err instanceof FileReadError) return err;
  return new FileReadError(file, 'read', `cannot read: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}
