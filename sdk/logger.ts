/** Structured logging. Fields are data; the sink decides how they look (terminal, journal, JSON). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  trace(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry these fields too (e.g. { plugin: 'keyfile' }). */
  child(fields: LogFields): Logger;
  isEnabled(level: LogLevel): boolean;
}
