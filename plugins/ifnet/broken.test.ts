/**
 * The broken-input corpus: each folder under test/fixtures/broken holds a
 * conf.d/net and case.json naming the one error it must give (code, line,
 * variable, part of the message) and the profiles that must still load. A
 * bash syntax error makes the whole file unusable; a bad value skips only
 * its interface (and the ports or VLANs that depend on it). The 50 MB file
 * and the link loop are made here, not committed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NmkError } from '../../sdk/index.js';
import { MAX_FILE_BYTES } from './conf/files.js';
import { FIXTURES, interfaceName, sourceAt, tempRoot } from './test/helpers.js';

interface Case {
  error: { code: string; line: number; key: string; contains: string };
  loads: string[];
}

const BROKEN = path.join(FIXTURES, 'broken');

function expectOneError(errors: NmkError[], file: string, want: Case['error']): void {
  expect(errors.map(String), 'exactly one error').toHaveLength(1);
  const e = errors[0]!;
  expect(e).toBeInstanceOf(NmkError);
  expect(e.code).toBe(want.code);
  expect(e.origin.file).toBe(file);
  expect(e.origin.line ?? 0).toBe(want.line);
  expect(e.origin.key ?? '').toBe(want.key);
  expect(e.message).toContain(want.contains);
  expect(e.message.startsWith(`${file}${want.line ? `:${want.line}` : ''}: `)).toBe(true);
}

describe('ifnet broken input', () => {
  for (const name of fs.readdirSync(BROKEN).sort()) {
    it(`${name}: one error, the rest loads`, async () => {
      const root = path.join(BROKEN, name, 'root');
      const want = JSON.parse(fs.readFileSync(path.join(BROKEN, name, 'case.json'), 'utf8')) as Case;
      const { profiles, errors } = await sourceAt(root).load();
      expectOneError(errors, path.join(root, 'etc/conf.d/net'), want.error);
      expect(profiles.map((p) => interfaceName(p.settings)).sort()).toEqual([...want.loads].sort());
    });
  }

  it('refuses a 50 MB file without reading it', async () => {
    const t = tempRoot();
    try {
      const fd = fs.openSync(t.file, 'w');
      const block = Buffer.alloc(1024 * 1024, 'config_eth0="dhcp"\n');
      for (let i = 0; i < 50; i++) fs.writeSync(fd, block);
      fs.closeSync(fd);
      expect(fs.statSync(t.file).size).toBeGreaterThan(MAX_FILE_BYTES);
      const started = Date.now();
      const { profiles, errors } = await sourceAt(t.root).load();
      expect(Date.now() - started).toBeLessThan(2000);
      expectOneError(errors, t.file, { code: 'CONFIG_SYNTAX', line: 0, key: '', contains: 'file too large' });
      expect(profiles).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  it('reports a conf.d/net that is a symbolic link loop, and does not hang', async () => {
    const t = tempRoot();
    try {
      fs.symlinkSync('net', t.file);
      const { profiles, errors } = await sourceAt(t.root).load();
      expectOneError(errors, t.file, { code: 'CONFIG_SYNTAX', line: 0, key: '', contains: 'symbolic link loop' });
      expect(profiles).toEqual([]);
    } finally {
      t.cleanup();
    }
  });
});
