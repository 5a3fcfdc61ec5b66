/** `[main] dns=` and `rc-manager=` decisions, as NetworkManager 1.42's init_resolv_conf_mode. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MergedConfig } from '../config/merged-config.js';
import { makePaths } from '../config/paths.js';
import { decideMode } from './dns-mode.js';

let root: string | undefined;
afterEach(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  root = undefined;
});

async function decide(main: Record<string, string>, plugins: string[] = [], setup?: (root: string) => void) {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-dns-mode-'));
  fs.mkdirSync(path.join(root, 'etc'));
  setup?.(root);
  const c = new MergedConfig();
  for (const [k, v] of Object.entries(main)) c.set('main', k, v, `nmk.conf:${k}`);
  return decideMode(c, makePaths(root), plugins);
}

describe('decideMode', () => {
  it('defaults to dns=default and rc-manager=symlink (auto) without resolvconf', async () => {
    expect(await decide({})).toEqual({ mode: 'default', rcManager: 'symlink', rcAuto: true, warnings: [] });
  });

  it('an unknown mode is a warning naming the key and runs as default; a plugin\'s name is a mode', async () => {
    expect(await decide({ dns: 'bogus' })).toMatchObject({ mode: 'default', warnings: [`nmk.conf:dns: unknown DNS mode 'bogus'; using dns=default`] });
    expect(await decide({ dns: 'unbound' })).toMatchObject({ mode: 'default', warnings: [`nmk.conf:dns: dns=unbound was removed from NetworkManager; using dns=default`] });
    expect(await decide({ dns: 'my-resolver' }, ['my-resolver'])).toMatchObject({ mode: 'my-resolver', warnings: [] });
  });

  it('rc-manager: "none" is symlink, an unknown value is a warning and auto, dns=none forces unmanaged', async () => {
    expect(await decide({ 'rc-manager': 'none' })).toMatchObject({ rcManager: 'symlink', rcAuto: false });
    expect(await decide({ 'rc-manager': 'weird' })).toMatchObject({ rcManager: 'symlink', rcAuto: true, warnings: [`nmk.conf:rc-manager: unknown resolv.conf manager 'weird'; using rc-manager=auto`] });
    expect(await decide({ dns: 'none', 'rc-manager': 'file' })).toMatchObject({ mode: 'none', rcManager: 'unmanaged' });
  });

  it('auto: resolvconf when <root>/sbin/resolvconf is executable, unmanaged under systemd-resolved', async () => {
    const withResolvconf = (r: string) => {
      fs.mkdirSync(path.join(r, 'sbin'));
      fs.writeFileSync(path.join(r, 'sbin/resolvconf'), '#!/bin/sh\n', { mode: 0o755 });
    };
    expect(await decide({}, [], withResolvconf)).toMatchObject({ rcManager: 'resolvconf', rcAuto: true });
    expect(await decide({ dns: 'systemd-resolved' }, [], withResolvconf)).toMatchObject({ rcManager: 'unmanaged', rcAuto: true });
  });

  it('dns unset picks systemd-resolved when /etc/resolv.conf is resolved\'s file: by link text, or the same file', async () => {
    expect(await decide({}, [], (r) => fs.symlinkSync('/run/systemd/resolve/resolv.conf', path.join(r, 'etc/resolv.conf')))).toMatchObject({ mode: 'systemd-resolved' });
    const hardLinked = (r: string) => {
      fs.mkdirSync(path.join(r, 'run/systemd/resolve'), { recursive: true });
      fs.writeFileSync(path.join(r, 'run/systemd/resolve/stub-resolv.conf'), 'nameserver 127.0.0.53\n');
      fs.linkSync(path.join(r, 'run/systemd/resolve/stub-resolv.conf'), path.join(r, 'etc/resolv.conf'));
    };
    expect(await decide({}, [], hardLinked)).toMatchObject({ mode: 'systemd-resolved' });
    expect(await decide({}, [], (r) => fs.writeFileSync(path.join(r, 'etc/resolv.conf'), 'nameserver 1.1.1.1\n'))).toMatchObject({ mode: 'default' });
  });
});
