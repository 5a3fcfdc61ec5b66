/**
 * The daemon's logger. Three sinks for one structured record:
 *  - text: one readable line per record for a terminal (colour when a TTY);
 *  - journal: the same line with an sd-daemon "<N>" priority prefix, which
 *    journald turns into the record's priority (chosen when JOURNAL_STREAM is set);
 *  - json: one JSON object per line, for tests and log shippers.
 * Lines of one loop turn are written to stderr together, in one synchronous
 * write when the turn ends (a thousand activations log ten thousand lines: one
 * write(2) each cost a tenth of the work, bench/bridges-w2.ts). Errors, a full
 * buffer and the process's exit flush at once, so a crash's lines still get out.
 * pino was considered: its pretty printing and journal output need transport
 * worker threads, which cost more memory than the whole daemon's goal allows.
 */
import { writeSync } from 'node:fs';
import type { LogFields, Logger, LogLevel } from '../../sdk/index.js';

export type LogFormat = 'text' | 'journal' | 'json';

const LEVELS: Record<LogLevel, { rank: number; syslog: number; label: string; colour: string }> = {
  trace: { rank: 10, syslog: 7, label: 'TRACE', colour: '\x1b[90m' },
  debug: { rank: 20, syslog: 7, label: 'DEBUG', colour: '\x1b[36m' },
  info: { rank: 30, syslog: 6, label: 'INFO ', colour: '\x1b[32m' },
  warn: { rank: 40, syslog: 4, label: 'WARN ', colour: '\x1b[33m' },
  error: { rank: 50, syslog: 3, label: 'ERROR', colour: '\x1b[31m' },
};

export function isLogLevel(v: string): v is LogLevel {
  return Object.hasOwn(LEVELS, v);
}

export interface LogSinkOptions {
  format: LogFormat;
  level: LogLevel;
  /** Defaults to stderr (fd 2). */
  fd?: number;
  colour?: boolean;
  /** Collects records instead of writing them (tests). */
  records?: Array<LogFields & { level: LogLevel; msg: string }>;
}

/** The shared sink; loggers made from it (children) see level changes at once. */
/** Buffered text beyond this is written at once rather than at the end of the turn. */
const FLUSH_AT = 64 * 1024;

export class LogSink {
  private minRank: number;
  private pending = '';
  private scheduled = false;
  private exitHooked = false;
  constructor(private opts: LogSinkOptions) {
    this.minRank = LEVELS[opts.level].rank;
  }

  /** Write what is buffered now (the end of a loop turn, an error, exit). */
  flush(): void {
    const text = this.pending;
    this.pending = '';
    if (text === '') return;
    try {
      writeSync(this.opts.fd ?? 2, text);
    } catch {
      // stderr closed (EPIPE): logging must never take the daemon down.
    }
  }

  private enqueue(line: string, urgent: boolean): void {
    this.pending += line + '\n';
    if (!this.exitHooked) {
      this.exitHooked = true;
      process.once('exit', () => this.flush());
    }
    if (urgent || this.pending.length >= FLUSH_AT) {
      this.flush();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  setLevel(level: LogLevel): void {
    this.opts.level = level;
    this.minRank = LEVELS[level].rank;
  }

  setFormat(format: LogFormat): void {
    this.opts.format = format;
  }

  enabled(level: LogLevel): boolean {
    return LEVELS[level].rank >= this.minRank;
  }

  write(level: LogLevel, msg: string, bound: LogFields, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    const all = fields ? { ...bound, ...fields } : bound;
    if (this.opts.records) {
      this.opts.records.push({ ...all, level, msg });
      return;
    }
    let line: string;
    switch (this.opts.format) {
      case 'json':
        line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...serialisable(all) });
        break;
      case 'journal':
        line = `<${LEVELS[level].syslog}>${formatText(msg, all)}`;
        break;
      default: {
        const t = new Date().toISOString().slice(11, 23);
        const l = LEVELS[level];
        const label = this.opts.colour ? `${l.colour}${l.label}\x1b[0m` : l.label;
        line = `${t} ${label} ${formatText(msg, all)}`;
      }
    }
    this.enqueue(line, LEVELS[level].rank >= LEVELS.error.rank);
  }
}

/** "msg key=value key2="with space"", with the plugin (if any) in front. */
function formatText(msg: string, fields: LogFields): string {
  let prefix = '';
  let rest = '';
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (k === 'plugin' || k === 'component') {
      prefix += `[${String(v)}] `;
      continue;
    }
    rest += ` ${k}=${formatValue(v)}`;
  }
  return `${prefix}${msg}${rest}`;
}

function formatValue(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === 'string') return /^[\w./:@+-]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'object' && v !== null) return JSON.stringify(serialisable(v as LogFields));
  return String(v);
}

function serialisable(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Error ? { message: v.message, name: v.name, ...(v as any).code ? { code: (v as any).code } : {} } : typeof v === 'bigint' ? String(v) : v;
  }
  return out;
}

class BoundLogger implements Logger {
  constructor(private sink: LogSink, private bound: LogFields) {}
  trace(msg: string, f?: LogFields): void { this.sink.write('trace', msg, this.bound, f); }
  debug(msg: string, f?: LogFields): void { this.sink.write('debug', msg, this.bound, f); }
  info(msg: string, f?: LogFields): void { this.sink.write('info', msg, this.bound, f); }
  warn(msg: string, f?: LogFields): void { this.sink.write('warn', msg, this.bound, f); }
  error(msg: string, f?: LogFields): void { this.sink.write('error', msg, this.bound, f); }
  child(fields: LogFields): Logger { return new BoundLogger(this.sink, { ...this.bound, ...fields }); }
  isEnabled(level: LogLevel): boolean { return this.sink.enabled(level); }
}

export function createLogger(sink: LogSink, fields: LogFields = {}): Logger {
  return new BoundLogger(sink, fields);
}

/** The format to use when none is asked for: journal under systemd, text otherwise. */
export function defaultLogFormat(env: NodeJS.ProcessEnv = process.env): LogFormat {
  return env.JOURNAL_STREAM ? 'journal' : 'text';
}
