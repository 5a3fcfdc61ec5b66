/**
 * The SDK's file access on a real temporary directory: limited reads (both
 * forms alike) refuse what they must without hanging or reading it, text
 * reads name the bad line, and atomic writes leave the target whole, with
 * the mode asked for, and no temporary file behind.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileReadError, readFileLimited, readFileLimitedSync, readTextFile, removeFileDurable, writeFileAtomic, type LimitedReadOptions } from '../index.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-sdk-files-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function put(name: string, content: string | Uint8Array, mode = 0o644): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content, { mode });
  return file;
}

const READERS = {
  readFileLimited: (file: string, max: number, o?: LimitedReadOptions) => readFileLimited(file, max, o),
  readFileLimitedSync: async (file: string, max: number, o?: LimitedReadOptions) => readFileLimitedSync(file, max, o),
};

/** The FileReadError a read throws (the test fails if it does not throw one). */
async function refusal(read: Promise<unknown>): Promise<FileReadError> {
  const err = await read.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FileReadError);
  return err as FileReadError;
}

describe.each(Object.entries(READERS))('%s', (_name, read) => {
  it('gives the bytes of a file within the limit, and undefined for a missing file', async () => {
    expect((await read(put('a', 'hello'), 5))?.toString()).toBe('hello');
    expect((await read(put('empty', ''), 5))?.length).toBe(0);
    expect(await read(path.join(dir, 'missing'), 5)).toBeUndefined();
  });

  it('refuses a file over the limit by its size, before reading it', async () => {
    const file = put('big', 'x');
    fs.truncateSync(file, 50 * 1024 * 1024);
    const e = await refusal(read(file, 1024));
    expect([e.kind, e.size, e.file]).toEqual(['too-large', 50 * 1024 * 1024, file]);
    expect(e.reason).toBe(`file too large (${50 * 1024 * 1024} bytes; the limit is 1024)`);
  });

  it('refuses a FIFO without hanging, and a directory', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect((await refusal(read(fifo, 10))).kind).toBe('not-regular');
    fs.mkdirSync(path.join(dir, 'sub'));
    expect((await refusal(read(path.join(dir, 'sub'), 10))).reason).toBe('not a regular file');
  });

  it('follows a symbolic link unless told not to, and names a link loop', async () => {
    const link = path.join(dir, 'link');
    fs.symlinkSync(put('target', 'via link'), link);
    expect((await read(link, 100))?.toString()).toBe('via link');
    const e = await refusal(read(link, 100, { followLinks: false }));
    expect([e.kind, e.reason]).toEqual(['link', 'file is a symbolic link']);
    const loop = path.join(dir, 'loop');
    fs.symlinkSync('loop', loop);
    expect((await refusal(read(loop, 100))).reason).toBe('symbolic link loop');
  });

  it("runs the caller's check on the open file before reading", async () => {
    const file = put('checked', 'secret', 0o640);
    const e = await refusal(read(file, 100, { check: (st) => ((st.mode & 0o077) !== 0 ? `mode ${(st.mode & 0o777).toString(8)}` : undefined) }));
    expect([e.kind, e.reason]).toEqual(['refused', 'mode 640']);
    fs.chmodSync(file, 0o600);
    expect((await read(file, 100, { check: (st) => ((st.mode & 0o077) !== 0 ? 'open to others' : undefined) }))?.toString()).toBe('secret');
  });
});

describe('readTextFile', () => {
  const opts = { plugin: 'test', maxBytes: 1024 };

  it('gives the text without a byte order mark, and missing for no file', async () => {
    expect(await readTextFile(put('t', '\uFEFFa=1\n'), opts)).toEqual({ text: 'a=1\n' });
    expect(await readTextFile(path.join(dir, 'none'), opts)).toEqual({ missing: true });
  });

  it.each([
    ['a NUL byte', Buffer.from('one\ntwo\nth\0ree\n'), 3],
    ['invalid UTF-8', Buffer.concat([Buffer.from('one\n'), Buffer.from([0xc3, 0x28, 0x0a])]), 2],
  ])('refuses %s as binary data, naming the line', async (_what, bytes, line) => {
    const file = put('bin', bytes);
    const read = await readTextFile(file, opts);
    expect('error' in read && [read.error.code, read.error.origin, read.error.reason]).toEqual([
      'CONFIG_SYNTAX',
      { plugin: 'test', file, line },
      'binary data: the file is not UTF-8 text',
    ]);
  });

  it('turns a refused file into one error naming the plugin and the file', async () => {
    const file = put('big', 'x'.repeat(2000));
    const read = await readTextFile(file, opts);
    expect('error' in read && read.error.message).toBe(`${file}: plugin test: file too large (2000 bytes; the limit is 1024)`);
  });
});

describe('writeFileAtomic', () => {
  function leftovers(d = dir): string[] {
    return fs.readdirSync(d).filter((n) => n.startsWith('.'));
  }

  it('creates the directory and the file with exactly the mode asked for, whatever the umask', async () => {
    const old = process.umask(0o077);
    try {
      const file = path.join(dir, 'new/sub/profile');
      await writeFileAtomic(file, 'one\n', { mode: 0o644 });
      expect(fs.readFileSync(file, 'utf8')).toBe('one\n');
      expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    } finally {
      process.umask(old);
    }
  });

  it('replaces a file whole, with the new mode or (keepMode) the old one, leaving no temporary file', async () => {
    const file = put('f', 'old', 0o640);
    await writeFileAtomic(file, Buffer.from('new'), { mode: 0o600 });
    expect([fs.readFileSync(file, 'utf8'), fs.statSync(file).mode & 0o777]).toEqual(['new', 0o600]);
    fs.chmodSync(file, 0o640);
    await writeFileAtomic(file, 'newer', { mode: 0o600, keepMode: true });
    expect([fs.readFileSync(file, 'utf8'), fs.statSync(file).mode & 0o777]).toEqual(['newer', 0o640]);
    expect(leftovers()).toEqual([]);
  });

  it('edits the target of a symbolic link with followLink, and replaces the link otherwise', async () => {
    const target = put('target', 'old');
    const link = path.join(dir, 'link');
    fs.symlinkSync('target', link);
    await writeFileAtomic(link, 'through', { mode: 0o644, followLink: true });
    expect([fs.lstatSync(link).isSymbolicLink(), fs.readFileSync(target, 'utf8')]).toEqual([true, 'through']);
    await writeFileAtomic(link, 'instead', { mode: 0o644 });
    expect([fs.lstatSync(link).isSymbolicLink(), fs.readFileSync(link, 'utf8'), fs.readFileSync(target, 'utf8')]).toEqual([false, 'instead', 'through']);
  });

  it('writes a file whose name is as long as Linux allows', async () => {
    const file = path.join(dir, `${'é'.repeat(120)}.conf`);
    expect(Buffer.byteLength(path.basename(file))).toBe(245);
    await writeFileAtomic(file, 'long', { mode: 0o600 });
    const longest = path.join(dir, 'x'.repeat(255));
    await writeFileAtomic(longest, 'longest', { mode: 0o600 });
    expect([fs.readFileSync(file, 'utf8'), fs.readFileSync(longest, 'utf8')]).toEqual(['long', 'longest']);
    expect(leftovers()).toEqual([]);
  });

  it('leaves the target as it was and no temporary file when the rename fails', async () => {
    const target = path.join(dir, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'x');
    await expect(writeFileAtomic(target, 'data', { mode: 0o644 })).rejects.toThrow();
    expect(fs.readdirSync(target)).toEqual(['inside']);
    expect(leftovers()).toEqual([]);
  });
});

describe('removeFileDurable', () => {
  it('removes a file (true) and accepts a missing one (false)', async () => {
    const file = put('gone', 'x');
    expect(await removeFileDurable(file)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    expect(await removeFileDurable(file)).toBe(false);
  });
});

describe('reading files that report size 0 (/proc, /sys)', () => {
  it('reads their content up to the limit', async () => {
    const text = (await readFileLimited('/proc/sys/kernel/random/boot_id', 1024))!.toString('latin1').trim();
    expect(text).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(readFileLimitedSync('/proc/sys/kernel/random/boot_id', 1024)!.toString('latin1').trim()).toBe(text);
  });
});
