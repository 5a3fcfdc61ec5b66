/**
 * File access for the source: the SDK's readFileLimited with NetworkManager's
 * size limit for ifcfg files and this plugin's error wording and codes.
 * Writes are the SDK's writeFileAtomic (a crash leaves the old file or the
 * new one, never half).
 */
import { FileReadError, readFileLimited } from '../../sdk/index.js';
import { ifcfgError } from './errors.js';

/** NetworkManager refuses ifcfg files larger than this (svOpenFile). */
export const MAX_FILE_SIZE = 10 * 1024 * 1024;

/**
 * The file's bytes, or undefined when it does not exist. Symbolic links are
 * followed; the target must be a regular file (O_NONBLOCK: a FIFO cannot
 * stall the load). Throws NmkError.
 */
export async function readIfcfgFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFileLimited(path, MAX_FILE_SIZE);
  } catch (e) {
    throw e instanceof FileReadError ? readError(path, e) : e;
  }
}

export function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function readError(path: string, e: FileReadError): Error {
  const cause = e.cause instanceof Error ? e.cause.message : e.reason;
  switch (e.kind) {
    case 'not-regular':
    case 'refused':
      return ifcfgError('CONFIG_SYNTAX', e.reason, { file: path });
    case 'too-large': {
      const size = e.size === undefined ? '' : ` (${e.size} bytes)`;
      return ifcfgError('CONFIG_SYNTAX', `the file is larger than ${MAX_FILE_SIZE / 1024 / 1024} MiB${size}`, { file: path });
    }
    case 'link':
    case 'open': {
      const code = errno(e.cause) === 'EACCES' || errno(e.cause) === 'EPERM' ? 'PERMISSION_DENIED' : 'INTERNAL';
      return ifcfgError(code, `cannot read the file: ${cause}`, { file: path });
    }
    case 'read':
      return ifcfgError('INTERNAL', cause, { file: path });
  }
}
