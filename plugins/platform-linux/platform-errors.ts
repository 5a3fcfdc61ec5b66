/**
 * Turning kernel and file-system failures into PlatformError. The netlink
 * package reports neither errno nor the request that failed, so the socket
 * reads NLMSG_ERROR's errno itself and passes the operation text along; this
 * file only names the errno.
 */
import os from 'node:os';
import { Errno, PlatformError } from '../../sdk/index.js';
import { InvalidValue } from './ip-text.js';

const names = new Map<number, string>();
for (const [name, value] of Object.entries(os.constants.errno)) {
  // Several names share a value (EWOULDBLOCK/EAGAIN); keep the first, the usual one.
  if (!names.has(value)) names.set(value, name);
}
for (const [name, value] of Object.entries(Errno)) names.set(value, name);

export function errnoCode(errno: number): string {
  return names.get(Math.abs(errno)) ?? `E${Math.abs(errno)}`;
}

export function platformError(errno: number, operation: string, detail?: string): PlatformError {
  const e = Math.abs(errno);
  return new PlatformError(e, errnoCode(e), operation, detail);
}

/** EINVAL for a value nmk refused before asking the kernel. */
export function invalid(operation: string, detail: string): PlatformError {
  return platformError(Errno.EINVAL, operation, detail);
}

/** Map whatever a step threw to a PlatformError naming the operation. */
export function asPlatformError(err: unknown, operation: string): PlatformError {
  if (err instanceof PlatformError) return err;
  if (err instanceof InvalidValue) return invalid(operation, err.message);
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && typeof os.constants.errno[e.code as keyof typeof os.constants.errno] === 'number') {
    return platformError(os.constants.errno[e.code as keyof typeof os.constants.errno], operation);
  }
  if (e && typeof e.errno === 'number' && e.errno !== 0) return platformError(e.errno, operation, e.message);
  return platformError(Errno.EIO, operation, e?.message ?? String(err));
}
