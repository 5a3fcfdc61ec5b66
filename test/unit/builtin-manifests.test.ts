/**
 * Built-in plugins skip the semver checks at start (core/plugins/manifest.ts
 * loads semver only for third-party plugins), so every built-in manifest is
 * checked here in full: a valid version, a valid range that this SDK is in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { discoverPlugins, MANIFEST_FILE, readPlugin } from '../../core/plugins/manifest.js';
import { SDK_VERSION } from '../../sdk/index.js';

const PLUGINS = path.resolve('plugins');
const dirs = fs.readdirSync(PLUGINS).filter((d) => fs.existsSync(path.join(PLUGINS, d, MANIFEST_FILE)));

describe('built-in plugin manifests', () => {
  it('finds the built-in plugins', () => {
    expect(dirs.length).toBeGreaterThan(20);
    expect(discoverPlugins([{ dir: PLUGINS, builtin: true }]).errors).toEqual([]);
  });

  it.each(dirs)('%s has a semver version and an SDK range this nmk satisfies', (d) => {
    const c = readPlugin(path.join(PLUGINS, d), false);
    expect(semver.valid(c.manifest.version)).not.toBeNull();
    expect(semver.satisfies(SDK_VERSION, c.manifest.sdk, { includePrerelease: true })).toBe(true);
  });
});

describe('third-party manifests still get the semver checks', () => {
  const write = (dir: string, fields: Record<string, unknown>) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ name: 'x', kind: 'device', entry: 'index.js', ...fields }));
    fs.writeFileSync(path.join(dir, 'index.js'), '');
  };

  it('refuses a range this SDK is not in, and a bad version, naming the file', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-manifest-'));
    try {
      write(path.join(root, 'a'), { version: '1.0.0', sdk: '^9.0.0' });
      write(path.join(root, 'b'), { version: 'one', sdk: '^0.1.0' });
      expect(() => readPlugin(path.join(root, 'a'), false)).toThrow(/written for SDK \^9\.0\.0; this nmk provides SDK/);
      expect(() => readPlugin(path.join(root, 'b'), false)).toThrow(/field 'version' must be a semver version/);
      // The same folder read as built-in passes: built-ins are checked by the test above instead.
      expect(readPlugin(path.join(root, 'a'), true).manifest.sdk).toBe('^9.0.0');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
