/**
 * Config files that cannot be read as regular files: the main file (named or
 * the default one) and the profile stop loading with a message naming them;
 * a conf.d entry is a warning naming it and is skipped. Nothing blocks: a FIFO
 * is refused at once (it is opened without blocking and checked first).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/load-config.js';
import { makePaths } from '../../core/config/paths.js';

let root: string;
afterEach(() => root && fs.rmSync(root, { recursive: true, force: true }));

function setupRoot(files: Record<string, string> = {}, configFile?: string) {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-config-files-'));
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(root, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  }
  fs.mkdirSync(path.join(root, 'etc/nmk/conf.d'), { recursive: true });
  return makePaths(root, { configFile: configFile && path.join(root, configFile) });
}
const fifo = (file: string) => execFileSync('mkfifo', [file]);
const loop = (file: string) => {
  fs.symlinkSync(`${file}.b`, file);
  fs.symlinkSync(file, `${file}.b`);
};

describe('config files that are not regular files', () => {
  it('a missing default config is fine; a missing named one stops loading, naming it', () => {
    let paths = setupRoot();
    expect(loadConfig({ paths, profileDirs: [] }).files).toEqual([]);
    paths = setupRoot({}, 'etc/elsewhere.conf');
    expect(() => loadConfig({ paths, profileDirs: [], configNamed: true })).toThrow(`${root}/etc/elsewhere.conf: config file not found`);
  });

  it('a named config that is a symbolic link loop, a FIFO or a folder stops loading, naming it and why', () => {
    for (const [make, why] of [
      [loop, 'symbolic link loop'],
      [fifo, 'not a regular file'],
      [(f: string) => fs.mkdirSync(f), 'not a regular file'],
    ] as const) {
      const paths = setupRoot({}, 'etc/named.conf');
      make(paths.configFile);
      let err: unknown;
      try {
        loadConfig({ paths, profileDirs: [], configNamed: true });
      } catch (e) {
        err = e;
      }
      expect(String(err)).toBe(`${paths.configFile}: cannot read config file: ${why}`);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('the default config as a FIFO stops loading too: it exists but cannot be read', () => {
    const paths = setupRoot();
    fifo(paths.configFile);
    expect(() => loadConfig({ paths, profileDirs: [] })).toThrow(`${paths.configFile}: cannot read config file: not a regular file`);
  });

  it('a profile file that is a FIFO stops loading, naming it', () => {
    const paths = setupRoot();
    const profile = path.join(root, 'odd.conf');
    fifo(profile);
    expect(() => loadConfig({ paths, profile, profileDirs: [] })).toThrow(`${profile}: cannot read config file: not a regular file`);
  });

  it('conf.d entries that are FIFOs, folders, loops or dangling links are warnings naming them; the rest loads', () => {
    const paths = setupRoot({ 'etc/nmk/nmk.conf': '[main]\ndns=none\n', 'etc/nmk/conf.d/50-good.conf': '[main]\nplugins=keyfile\n' });
    const d = paths.configDir;
    fifo(path.join(d, '10-fifo.conf'));
    fs.mkdirSync(path.join(d, '20-dir.conf'));
    loop(path.join(d, '30-loop.conf'));
    fs.symlinkSync(path.join(d, 'nowhere'), path.join(d, '40-dangling.conf'));
    const { config, files, warnings } = loadConfig({ paths, profileDirs: [] });
    expect(files).toEqual([paths.configFile, path.join(d, '50-good.conf')]);
    expect(config.getList('main', 'plugins')).toEqual(['keyfile']);
    expect(config.get('main', 'dns')).toBe('none');
    expect(warnings.map(String)).toEqual([
      `${d}/10-fifo.conf: cannot read config file: not a regular file; skipped`,
      `${d}/20-dir.conf: cannot read config file: not a regular file; skipped`,
      `${d}/30-loop.conf: cannot read config file: symbolic link loop; skipped`,
      `${d}/40-dangling.conf: config file not found (a dangling symbolic link?); skipped`,
    ]);
  });
});
