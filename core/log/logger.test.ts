import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, defaultLogFormat, LogSink, type LogFormat } from './logger.js';

/** Write through a real file descriptor, as the daemon writes to stderr. */
function capture(format: LogFormat, fn: (log: ReturnType<typeof createLogger>) => void): string[] {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-log-')), 'out');
  const fd = fs.openSync(f, 'w');
  try {
    const sink = new LogSink({ format, level: 'info', fd });
    fn(createLogger(sink, { component: 'test' }));
    sink.flush();
  } finally {
    fs.closeSync(fd);
  }
  return fs.readFileSync(f, 'utf8').trimEnd().split('\n');
}

describe('logger', () => {
  it('writes a turn\'s lines together when the turn ends, and an error at once with what came before it', async () => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-log-')), 'out');
    const fd = fs.openSync(f, 'w');
    try {
      const log = createLogger(new LogSink({ format: 'journal', level: 'info', fd }));
      log.info('one');
      log.warn('two');
      expect(fs.readFileSync(f, 'utf8')).toBe('');
      await new Promise((r) => setImmediate(r));
      expect(fs.readFileSync(f, 'utf8')).toBe('<6>one\n<4>two\n');
      log.info('three');
      log.error('four');
      expect(fs.readFileSync(f, 'utf8')).toBe('<6>one\n<4>two\n<6>three\n<3>four\n');
    } finally {
      fs.closeSync(fd);
    }
  });

  it('journal lines carry sd-daemon priorities journald understands', () => {
    const lines = capture('journal', (log) => {
      log.info('ready', { devices: 3 });
      log.warn('unknown key', { file: '/etc/nmk/nmk.conf' });
      log.error('failed', { reason: 'with space' });
      log.debug('not shown');
    });
    expect(lines).toEqual([
      '<6>[test] ready devices=3',
      '<4>[test] unknown key file=/etc/nmk/nmk.conf',
      '<3>[test] failed reason="with space"',
    ]);
  });

  it('json lines are one object each with level, msg and fields; children add fields', () => {
    const lines = capture('json', (log) => log.child({ plugin: 'keyfile' }).warn('skipped', { err: new Error('bad') }));
    const j = JSON.parse(lines[0]!);
    expect(j).toMatchObject({ level: 'warn', msg: 'skipped', component: 'test', plugin: 'keyfile', err: { message: 'bad' } });
    expect(typeof j.time).toBe('string');
  });

  it('text lines are readable on a terminal', () => {
    const [line] = capture('text', (log) => log.info('hello', { a: 1 }));
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  \[test\] hello a=1$/);
  });

  it('picks the journal format under systemd', () => {
    expect(defaultLogFormat({ JOURNAL_STREAM: '8:1234' })).toBe('journal');
    expect(defaultLogFormat({})).toBe('text');
  });
});
