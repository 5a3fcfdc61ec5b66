/**
 * The broken-input corpus: each folder under test/fixtures/broken holds a
 * tree and case.json naming the one error it must give (code, file, line,
 * key, part of the message) and the profiles that must still load. The
 * 50 MB file and the symbolic link loops are made here, not committed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NmkError } from '../../sdk/index.js';
import { expectOneFileError, type ExpectedFileError, itLoadsBrokenCases } from '../../test/harness/settings-plugins.js';
import { MAX_FILE_BYTES } from './eni/include.js';
import { FIXTURES, interfaceName, sourceAt, tempRoot } from './test/helpers.js';

/** One error, naming `want.file` below `root`. */
function expectOneError(errors: readonly NmkError[], root: string, want: ExpectedFileError): void {
  expectOneFileError(errors, { ...want, file: path.join(root, want.file) });
}

describe('ifupdown broken input', () => {
  itLoadsBrokenCases(path.join(FIXTURES, 'broken'), { load: (root) => sourceAt(root).load() });

  describe('generated', () => {
    let cleanup = () => {};
    afterEach(() => cleanup());

    it('refuses a 50 MB file without reading it, naming it', async () => {
      const t = tempRoot({ 'etc/network/interfaces': 'source-directory interfaces.d\niface good0 inet dhcp\n' });
      cleanup = t.cleanup;
      const huge = path.join(t.root, 'etc/network/interfaces.d/huge');
      fs.mkdirSync(path.dirname(huge), { recursive: true });
      const fd = fs.openSync(huge, 'w');
      const block = Buffer.alloc(1024 * 1024, 'iface eth0 inet dhcp\n');
      for (let i = 0; i < 50; i++) fs.writeSync(fd, block);
      fs.closeSync(fd);
      expect(fs.statSync(huge).size).toBeGreaterThan(MAX_FILE_BYTES);
      const started = Date.now();
      const { profiles, errors } = await sourceAt(t.root).load();
      expect(Date.now() - started).toBeLessThan(2000);
      expectOneError(errors, t.root, { code: 'CONFIG_SYNTAX', file: 'etc/network/interfaces.d/huge', line: 0, key: '', contains: 'file too large' });
      expect(profiles.map((p) => interfaceName(p.settings))).toEqual(['good0']);
    });

    it('reports a symbolic link loop in a source-directory and does not hang', async () => {
      const t = tempRoot({ 'etc/network/interfaces': 'auto good0\nsource-directory interfaces.d\niface good0 inet dhcp\n', 'etc/network/interfaces.d/eth1': 'iface eth1 inet dhcp\n' });
      cleanup = t.cleanup;
      fs.symlinkSync('loop', path.join(t.root, 'etc/network/interfaces.d/loop'));
      const { profiles, errors } = await sourceAt(t.root).load();
      expectOneError(errors, t.root, { code: 'CONFIG_SYNTAX', file: 'etc/network/interfaces', line: 2, key: 'source-directory', contains: 'symbolic link loop' });
      expect(profiles.map((p) => interfaceName(p.settings))).toEqual(['eth1', 'good0']);
    });

    it('reports a directory that links to itself and a directory linked back to its parent', async () => {
      const t = tempRoot({ 'etc/network/interfaces': 'source-directory loopdir\nsource-directory interfaces.d\niface good0 inet dhcp\n', 'etc/network/interfaces.d/eth1': 'source-directory up\niface eth1 inet dhcp\n' });
      cleanup = t.cleanup;
      fs.symlinkSync('loopdir', path.join(t.root, 'etc/network/loopdir'));
      // interfaces.d/up is the directory itself: sourcing it from a file inside is an endless descent without loop detection.
      fs.symlinkSync('.', path.join(t.root, 'etc/network/interfaces.d/up'));
      const { profiles, errors } = await sourceAt(t.root).load();
      expect(errors.map((e) => [path.relative(t.root, e.origin.file!), e.origin.line, e.origin.key, e.code])).toEqual([
        ['etc/network/interfaces', 1, 'source-directory', 'CONFIG_SYNTAX'],
        ['etc/network/interfaces.d/eth1', 1, 'source-directory', 'CONFIG_SYNTAX'],
      ]);
      expect(errors[0]!.message).toContain('symbolic link loop');
      expect(errors[1]!.message).toContain('include loop');
      expect(profiles.map((p) => interfaceName(p.settings))).toEqual(['eth1', 'good0']);
    });
  });
});
