/**
 * Reading one keyfile safely (the SDK's readFileLimitedSync with keyfile's
 * own checks and wording).
 *
 * Reading refuses what NetworkManager refuses
 * (nms_keyfile_utils_check_file_permissions): anything but a regular file, a
 * file not owned by root (or by the daemon's own user), and a file any group
 * or other user may access (mode & 077), since keyfiles hold secrets. On top
 * of that nmk refuses symbolic links (NetworkManager follows them) so a link
 * cannot make it read a file outside its directories, and files over
 * MAX_KEYFILE_BYTES. The checks run on the open descriptor, so the file
 * cannot be swapped between check and read.
 *
 * Writing is the SDK's writeFileAtomic with mode 0600 (KEYFILE_WRITE).
 */
import type { Stats } from 'node:fs';
import { type AtomicWriteOptions, FileReadError, type FileReadErrorKind, NmkError, readFileLimitedSync } from '../../sdk/index.js';

/** Keyfiles are small; certificates embedded as blobs are the largest legitimate content. */
export const MAX_KEYFILE_BYTES = 4 * 1024 * 1024;

/** Keyfiles hold secrets: only root and the daemon may read them. */
export const KEYFILE_WRITE: AtomicWriteOptions = { mode: 0o600 };

const PLUGIN = 'keyfile';

/** Whether files of `uid` are trusted: root and the user the daemon runs as (NetworkManager's "nm_uid"). */
function trustedOwner(uid: number): boolean {
  // Root first: the usual owner, and no system call to ask who we are.
  return uid === 0 || uid === (process.getuid?.() ?? 0);
}

/** NetworkManager's ownership and permission rules, on the open file's status. */
function ownerAndModeProblem(st: Stats): string | undefined {
  if (!trustedOwner(st.uid)) return `file owner (${st.uid}) is insecure; keyfiles must be owned by root`;
  if ((st.mode & 0o077) !== 0) {
    return `file permissions (${(st.mode & 0o7777).toString(8).padStart(4, '0')}) are insecure; keyfiles must not be accessible by group or others (chmod 600)`;
  }
  return undefined;
}

/** This plugin's wording of each refusal. */
const REASONS: Record<FileReadErrorKind, (e: FileReadError) => string> = {
  link: () => 'file is a symbolic link; keyfiles must be regular files',
  open: (e) => `cannot open file: ${causeMessage(e)}`,
  'not-regular': () => 'file is not a regular file',
  refused: (e) => e.reason,
  'too-large': (e) => (e.size === undefined ? `file is too large (over ${MAX_KEYFILE_BYTES} bytes)` : `file is too large (${e.size} bytes; the limit is ${MAX_KEYFILE_BYTES})`),
  read: (e) => `cannot read file: ${causeMessage(e)}`,
};

function causeMessage(e: FileReadError): string {
  return (e.cause as Error | undefined)?.message ?? e.reason;
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
  let bytes: Buffer | undefined;
  try {
    bytes = readFileLimitedSync(file, MAX_KEYFILE_BYTES, { followLinks: false, check: ownerAndModeProblem });
  } catch (err) {
    if (err instanceof FileReadError) throw fileError(file, REASONS[err.kind](err), err.cause);
    throw err;
  }
  // Gone between listing and reading.
  if (bytes === undefined) throw fileError(file, 'cannot open file: no such file or directory');
  return bytes;
}
