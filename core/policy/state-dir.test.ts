/** The run-directory state files: written after the tick, in order, whole; read back at start. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/harness/dbus.js';
import { StateDir } from './state-dir.js';

let dir: string;
beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-state-')), 'active');
});
afterEach(() => {
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

describe('StateDir', () => {
  it('writes a thousand files set in one tick, each whole, and reads them back', async () => {
    const s = new StateDir(dir, recordingLogger(), 'the active profile');
    for (let i = 0; i < 1000; i++) s.set(`veth${i}`, `uuid-${i}`);
    await s.flush();
    const back = new StateDir(dir, recordingLogger(), 'the active profile').readAll();
    expect(back.size).toBe(1000);
    expect(back.get('veth999')).toBe('uuid-999');
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the order of writes to one name across flushes: the last one wins', async () => {
    const s = new StateDir(dir, recordingLogger(), 'the active profile');
    s.set('eth0', 'a');
    const first = s.flush();
    s.set('eth0', 'b');
    s.set('eth0', undefined);
    s.set('eth0', 'c');
    await Promise.all([first, s.flush()]);
    expect(fs.readFileSync(path.join(dir, 'eth0'), 'utf8')).toBe('c\n');
    s.set('eth0', undefined);
    await s.flush();
    expect(fs.existsSync(path.join(dir, 'eth0'))).toBe(false);
  });

  it('writes after the tick without being asked', async () => {
    const s = new StateDir(dir, recordingLogger(), 'the active profile');
    s.set('eth0', 'x');
    expect(fs.existsSync(path.join(dir, 'eth0'))).toBe(false);
    for (let i = 0; i < 50 && !fs.existsSync(path.join(dir, 'eth0')); i++) await new Promise((r) => setTimeout(r, 10));
    expect(fs.readFileSync(path.join(dir, 'eth0'), 'utf8')).toBe('x\n');
  });

  it('a folder that cannot be made is a warning naming it and what was not recorded', async () => {
    const blocker = path.join(path.dirname(dir), 'file');
    fs.writeFileSync(blocker, '');
    const logger = recordingLogger();
    const s = new StateDir(path.join(blocker, 'active'), logger, 'the active profile');
    s.set('eth0', 'x');
    await s.flush();
    expect(logger.lines.find((l) => l.level === 'warn')?.msg).toMatch(/cannot record the active profile for eth0 in .*file\/active/);
  });
});
