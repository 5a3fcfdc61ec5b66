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
import { expectOneFileError, itLoadsBrokenCases } from '../../test/harness/settings-plugins.js';
import { MAX_FILE_BYTES } from './source.js';
import { FIXTURES, sourceAt, tempRoot } from './test/helpers.js';

describe('ifnet broken input', () => {
  itLoadsBrokenCases(path.join(FIXTURES, 'broken'), { load: (root) => sourceAt(root).load(), defaultFile: 'etc/conf.d/net' });

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
      expectOneFileError(errors, { code: 'CONFIG_SYNTAX', file: t.file, line: 0, key: '', contains: 'file too large' });
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
      expectOneFileError(errors, { code: 'CONFIG_SYNTAX', file: t.file, line: 0, key: '', contains: 'symbolic link loop' });
      expect(profiles).toEqual([]);
    } finally {
      t.cleanup();
    }
  });
});
