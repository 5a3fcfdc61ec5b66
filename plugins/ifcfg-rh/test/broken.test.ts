/**
 * Bad input: each folder of fixtures/broken holds one broken profile (and
 * expected.json: the file, code, line and key its one error must name). It is
 * loaded beside a good set of profiles, which must all still load.
 */
import { cpSync, openSync, closeSync, ftruncateSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NmkError } from '../../../sdk/index.js';
import { FIXTURES, scratchDir } from './helpers.js';

interface ExpectedError {
  file: string;
  code: string;
  line?: number;
  key?: string;
}

const GOOD = ['bond', 'vlan', 'bridge'].map((c) => join(FIXTURES, 'read', c, 'network-scripts'));
const goodFiles = GOOD.flatMap((d) => readdirSync(d).filter((f) => f.startsWith('ifcfg-'))).sort();
const cases = readdirSync(join(FIXTURES, 'broken')).sort();

describe('broken files', () => {
  it('covers the kinds of damage the issue lists', () => {
    expect(cases).toEqual(
      expect.arrayContaining(['unterminated-single', 'unterminated-double', 'not-an-assignment', 'ipaddr-octet', 'prefix-33', 'bond-primary-wrong-mode', 'bond-option-wrong-mode', 'vlan-id-5000', 'port-without-bond', 'binary-garbage']),
    );
  });

  it.each(cases)('%s: one error naming file, line and key; every other profile loads', async (name) => {
    const folder = join(FIXTURES, 'broken', name);
    const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as ExpectedError;
    const s = scratchDir(...GOOD);
    try {
      for (const f of readdirSync(folder)) if (f !== 'expected.json') cpSync(join(folder, f), join(s.dir, f));
      const result = await s.source.load();
      expect(result.errors).toHaveLength(1);
      const error = result.errors[0]!;
      expect(error).toBeInstanceOf(NmkError);
      expect(error.code).toBe(expected.code);
      expect(error.origin.file).toBe(join(s.dir, expected.file));
      expect(error.origin.line).toBe(expected.line);
      expect(error.origin.key).toBe(expected.key);
      expect(error.message).toContain(join(s.dir, expected.file));
      expect(result.profiles.map((p) => p.file.slice(s.dir.length + 1)).sort()).toEqual(goodFiles);
    } finally {
      s.cleanup();
    }
  });

  it('refuses a 50 MB file without reading it, and loads the rest', async () => {
    const s = scratchDir(...GOOD);
    try {
      const file = join(s.dir, 'ifcfg-huge');
      const fd = openSync(file, 'w');
      writeSync(fd, 'DEVICE=eth20\nBOOTPROTO=dhcp\n');
      ftruncateSync(fd, 50 * 1024 * 1024);
      closeSync(fd);
      const result = await s.source.load();
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]!.code).toBe('CONFIG_SYNTAX');
      expect(result.errors[0]!.origin.file).toBe(file);
      expect(result.errors[0]!.message).toContain('larger than 10 MiB');
      expect(result.profiles.map((p) => p.file.slice(s.dir.length + 1)).sort()).toEqual(goodFiles);
    } finally {
      s.cleanup();
    }
  });

  it('loads a port again once its bond is there (loadFile)', async () => {
    const s = scratchDir();
    try {
      cpSync(join(FIXTURES, 'broken', 'port-without-bond', 'ifcfg-broken'), join(s.dir, 'ifcfg-port'));
      const first = await s.source.load();
      expect(first.errors.map((e) => e.origin.key)).toEqual(['MASTER']);
      cpSync(join(FIXTURES, 'read', 'bond', 'network-scripts', 'ifcfg-bond0'), join(s.dir, 'ifcfg-bond7'));
      await s.source.loadFile(join(s.dir, 'ifcfg-bond7')); // a bond with DEVICE=bond0: still not bond7
      expect((await s.source.loadFile(join(s.dir, 'ifcfg-port')))!.errors).toHaveLength(1);
      const again = await s.source.load();
      expect(again.errors).toHaveLength(1);
    } finally {
      s.cleanup();
    }
  });
});
