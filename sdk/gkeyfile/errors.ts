/**
 * The one error type the key-file reader throws: every syntax or value problem
 * names the file, the line and, where there is one, the key.
 */

/** `syntax`: the file cannot be loaded at all; `value`: one value cannot be read as asked. */
export type KeyFileErrorKind = 'syntax' | 'value';

export interface KeyFileErrorOrigin {
  file: string;
  /** 1-based line in the file; 0 when the value was set by a program, not read from a file. */
  line: number;
  group?: string;
  key?: string;
}

export class KeyFileParseError extends Error {
  override readonly name = 'KeyFileParseError';
  readonly file: string;
  readonly line: number;
  readonly group: string | undefined;
  readonly key: string | undefined;

  constructor(
    readonly kind: KeyFileErrorKind,
    /** The problem alone, without the "file:line: key" prefix. */
    readonly reason: string,
    origin: KeyFileErrorOrigin,
  ) {
    super(formatMessage(reason, origin));
    this.file = origin.file;
    this.line = origin.line;
    this.group = origin.group;
    this.key = origin.key;
  }
}

/** "file:line: key 'k': reason"; the line is left out when it is 0. */
function formatMessage(reason: string, o: KeyFileErrorOrigin): string {
  const where = o.line > 0 ? `${o.file}:${o.line}` : o.file;
  const key = o.key === undefined ? '' : ` key '${printable(o.key)}':`;
  return `${where}:${key} ${reason}`;
}

/**
 * Quotes text from a file for a message: control characters become \xNN so a
 * hostile file cannot forge log lines; long text is cut.
 */
export function printable(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max)}...` : text;
  return cut.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
