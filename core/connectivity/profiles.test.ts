/**
 * The shipped profiles: checking is off in both by default; a uri in
 * nmk.conf turns it on for the desktop profile (as in NetworkManager), not
 * for the server profile, which needs `enabled=true` as well.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { makePaths } from '../config/paths.js';
import { BUILTIN_PROFILES } from '../daemon/locations.js';
import { readConnectivityConfig } from './config.js';

let root: string | undefined;
afterEach(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function effective(profile: string, nmkConf: string) {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-concheck-'));
  fs.mkdirSync(path.join(root, 'etc/nmk'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/nmk/nmk.conf'), nmkConf);
  const { config, warnings } = loadConfig({ paths: makePaths(root), profile, profileDirs: [BUILTIN_PROFILES] });
  expect(warnings.map(String)).toEqual([]);
  return readConnectivityConfig(config);
}

describe('connectivity in the shipped profiles', () => {
  it('is off in both without a uri', () => {
    expect(effective('server', '').enabled).toBe(false);
    expect(effective('desktop', '').enabled).toBe(false);
  });

  it('a uri turns it on for desktop; server also needs enabled=true', () => {
    const uri = '[connectivity]\nuri=http://check.example/\n';
    expect(effective('desktop', uri).enabled).toBe(true);
    expect(effective('server', uri).enabled).toBe(false);
    expect(effective('server', `${uri}enabled=true\n`).enabled).toBe(true);
  });
});
