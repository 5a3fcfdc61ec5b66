/**
 * The run-directory record of the links nmk created: one file per ifindex
 * holding the name, read again by the next daemon; a record whose link is
 * gone, or is another link now (same name, new ifindex; same ifindex, new
 * name), is dropped at load and its file removed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/harness/dbus.js';
import { CreatedLinks } from './created-links.js';

let dir: string;
beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-created-')), 'created-links');
});
afterEach(() => {
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

describe('links nmk created', () => {
  it('a record written by one daemon is read by the next', async () => {
    const first = new CreatedLinks(dir, recordingLogger());
    first.add(7, 'br0');
    await first.flush();
    expect(fs.readFileSync(path.join(dir, '7'), 'utf8')).toBe('br0\n');
    const next = new CreatedLinks(dir, recordingLogger());
    next.load([{ ifindex: 7, name: 'br0' }]);
    expect(next.has(7, 'br0')).toBe(true);
    expect(next.has(8, 'br0')).toBe(false);
  });

  it('records of links that are gone or are other links now are dropped, with their files', async () => {
    const first = new CreatedLinks(dir, recordingLogger());
    first.add(7, 'br0');
    first.add(8, 'br1');
    first.add(9, 'br2');
    await first.flush();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'kept: not a record\n');
    const next = new CreatedLinks(dir, recordingLogger());
    // br0 was made again by another tool (new ifindex), 8 is a different link now, br2 is as it was.
    next.load([{ ifindex: 12, name: 'br0' }, { ifindex: 8, name: 'eth5' }, { ifindex: 9, name: 'br2' }]);
    expect([next.has(12, 'br0'), next.has(7, 'br0'), next.has(8, 'eth5'), next.has(9, 'br2')]).toEqual([false, false, false, true]);
    await next.flush();
    expect(fs.readdirSync(dir).sort()).toEqual(['9', 'notes.txt']);
  });

  it('a removed link loses its record', async () => {
    const c = new CreatedLinks(dir, recordingLogger());
    c.add(7, 'br0');
    await c.flush();
    expect(fs.readdirSync(dir)).toEqual(['7']);
    c.remove(7);
    expect(c.has(7, 'br0')).toBe(false);
    await c.flush();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a record that cannot be written is a warning naming the folder, and the daemon goes on', async () => {
    const blocker = path.join(path.dirname(dir), 'file');
    fs.writeFileSync(blocker, '');
    const logger = recordingLogger();
    const c = new CreatedLinks(path.join(blocker, 'created-links'), logger);
    c.add(7, 'br0');
    await c.flush();
    expect(c.has(7, 'br0')).toBe(true);
    expect(logger.lines.find((l) => l.level === 'warn')?.msg).toContain(path.join(blocker, 'created-links'));
  });
});
