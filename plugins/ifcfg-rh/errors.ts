/**
 * Errors of this plugin: NmkErrors from the SDK catalogue, each naming the
 * file, the line and the key where there is one. Codes used:
 *   CONFIG_SYNTAX  the file cannot be read as shell variables (quoting, a line
 *                  that is not KEY=value, NUL, bad UTF-8, too large)
 *   CONFIG_VALUE   a value nmk reads but cannot use (bad address, out of range,
 *                  unsupported TYPE, a port without its controller); warnings
 *                  use it too (an unknown option or variable, a value
 *                  NetworkManager only warns about), but are not thrown
 *   INTERNAL       the file system failed (unreadable file...)
 */
import { NmkError, type ErrorCode } from '../../sdk/index.js';

export interface Where {
  file: string;
  /** 1-based; absent when the problem is the file as a whole. */
  line?: number;
  key?: string;
}

export function ifcfgError(code: ErrorCode, reason: string, where: Where): NmkError {
  const origin: { file: string; line?: number; key?: string } = { file: where.file };
  if (where.line !== undefined && where.line > 0) origin.line = where.line;
  if (where.key !== undefined) origin.key = where.key;
  return new NmkError(code, reason, origin);
}

/**
 * Quotes text from a file in a message: control characters (C0, DEL, C1)
 * become \xNN so a hostile file cannot forge log lines; long text is cut.
 */
export function printable(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}...` : text;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** printable() for a byte string (one character per byte): every byte above 0x7e is escaped too. */
export function printableBytes(bytes: string, max = 60): string {
  return printable(bytes, max).replace(/[\u007f-\u00ff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
