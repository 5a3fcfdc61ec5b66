/**
 * Bad input: every broken file of fixtures/broken/ (and those generated
 * here: wrong permissions, a foreign owner, a symbolic link, a 50 MB file, a
 * FIFO, a directory) gives exactly one NmkError naming the file, the line and
 * the key; only that file is skipped, and every other profile still loads.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NmkError, type SourceLoadResult } from '../../../sdk/index.js';
import { makeTempRoot, type TempRoot } from './support.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures/broken');

interface Expected {
  errors: Record<string, { code: string; line: number | null; key?: string }>;
  profiles: Record<string, string>;
}
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Expected;

/** Files made here, with what loading each must say. */
const GENERATED: Record<string, { code: string; reason: RegExp }> = {
  'world-readable.nmconnection': { code: 'CONFIG_VALUE', reason: /permissions \(0644\) are insecure/ },
  'group-readable.nmconnection': { code: 'CONFIG_VALUE', reason: /permissions \(0640\) are insecure/ },
  'not-root-owned.nmconnection': { code: 'CONFIG_VALUE', reason: /owner \(65534\) is insecure/ },
  'symlink.nmconnection': { code: 'CONFIG_VALUE', reason: /symbolic link/ },
  'huge.nmconnection': { code: 'CONFIG_VALUE', reason: /too large \(52428800 bytes/ },
  'fifo.nmconnection': { code: 'CONFIG_VALUE', reason: /not a regular file/ },
  'directory.nmconnection': { code: 'CONFIG_VALUE', reason: /not a regular file/ },
};

/** A valid profile, so that only the file's kind, mode or owner can be the reason it is refused. */
function validProfile(name: string, n: number): string {
  return `[connection]\nid=${name}\nuuid=5b0f4a5e-0200-4000-8000-${String(n).padStart(12, '0')}\ntype=ethernet\n\n[ipv4]\nmethod=auto\n`;
}

let t: TempRoot;
let result: SourceLoadResult;

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test must run as root: it creates files owned by another user (chown) to check they are refused');
  t = makeTempRoot('nmk-keyfile-broken-');
  for (const name of fs.readdirSync(FIXTURES)) {
    if (name.endsWith('.nmconnection')) t.put('persistent', name, fs.readFileSync(path.join(FIXTURES, name)));
  }
  t.put('persistent', 'world-readable.nmconnection', validProfile('world-readable', 1), 0o644);
  t.put('persistent', 'group-readable.nmconnection', validProfile('group-readable', 2), 0o640);
  fs.chownSync(t.put('persistent', 'not-root-owned.nmconnection', validProfile('not-root-owned', 3)), 65534, 65534);
  const target = path.join(t.root, 'outside.nmconnection');
  fs.writeFileSync(target, validProfile('symlink-target', 4), { mode: 0o600 });
  fs.symlinkSync(target, path.join(t.dirs.persistent, 'symlink.nmconnection'));
  // 50 MB: a valid profile extended (sparse) to 50 MB; refused by its size before a byte is read.
  const huge = path.join(t.dirs.persistent, 'huge.nmconnection');
  fs.writeFileSync(huge, validProfile('huge', 5), { mode: 0o600 });
  fs.truncateSync(huge, 50 * 1024 * 1024);
  execFileSync('mkfifo', ['-m', '600', path.join(t.dirs.persistent, 'fifo.nmconnection')]);
  fs.mkdirSync(path.join(t.dirs.persistent, 'directory.nmconnection'), { mode: 0o700 });
  result = await t.source.load();
}, 60_000);

afterAll(() => t?.cleanup());

function errorFor(name: string): NmkError[] {
  return result.errors.filter((e) => e.origin.file === path.join(t.dirs.persistent, name));
}

describe('the broken-file corpus', () => {
  it('gives only NmkErrors, one per broken file, and nothing for the good ones', () => {
    for (const e of result.errors) expect(e).toBeInstanceOf(NmkError);
    const named = result.errors.map((e) => path.basename(e.origin.file ?? '')).sort();
    expect(named).toEqual([...Object.keys(expected.errors), ...Object.keys(GENERATED)].sort());
  });

  it.each(Object.entries(expected.errors))('%s: one error naming the file, line and key', (name, want) => {
    const errors = errorFor(name);
    expect(errors, result.errors.map((e) => e.message).join('\n')).toHaveLength(1);
    const e = errors[0]!;
    expect(e.code).toBe(want.code);
    expect(e.origin.plugin).toBe('keyfile');
    expect(e.message).toContain(path.join(t.dirs.persistent, name));
    if (want.line === null) expect(e.origin.line).toBeGreaterThanOrEqual(1);
    else {
      expect(e.origin.line).toBe(want.line);
      expect(e.message).toContain(`${name}:${want.line}:`);
    }
    if (want.key) {
      expect(e.origin.key).toBe(want.key);
      expect(e.message).toContain(`key '${want.key}'`);
    }
  });

  it.each(Object.entries(GENERATED))('%s: one error naming the file and why', (name, want) => {
    const errors = errorFor(name);
    expect(errors, result.errors.map((e) => e.message).join('\n')).toHaveLength(1);
    expect(errors[0]!.code).toBe(want.code);
    expect(errors[0]!.message).toMatch(want.reason);
    expect(errors[0]!.message).toContain(name);
  });

  it('loads every other profile, the port with its missing controller included', () => {
    const byFile = new Map(result.profiles.map((p) => [path.basename(p.file), p]));
    expect([...byFile.keys()].sort()).toEqual(Object.keys(expected.profiles).sort());
    for (const [name, uuid] of Object.entries(expected.profiles)) expect(byFile.get(name)!.settings.connection!.uuid).toBe(uuid);
    const port = byFile.get('port-missing-controller.nmconnection')!.settings.connection!;
    expect(port.master).toBe('bond-that-does-not-exist');
    expect(port['slave-type']).toBe('bond');
  });

  it('reads the symlink target and the wrong-mode files fine once they are proper files', async () => {
    // The same content in a regular 0600 file loads: the refusals above are about the files, not their text.
    for (const name of ['world-readable', 'not-root-owned', 'symlink-target']) {
      const r = await t.source.loadFile(t.put('runtime', `${name}-ok.nmconnection`, validProfile(name, 9)));
      expect(r?.errors).toEqual([]);
      expect(r?.profiles).toHaveLength(1);
    }
  });
});
