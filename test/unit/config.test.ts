import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/load-config.js';
import { makePaths } from '../../core/config/paths.js';
import { parseArgs } from '../../core/daemon/args.js';
import { BUILTIN_PROFILES } from '../../core/daemon/locations.js';

let root: string;
afterEach(() => root && fs.rmSync(root, { recursive: true, force: true }));

function setupRoot(files: Record<string, string>) {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-config-'));
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(root, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  }
  return makePaths(root);
}

describe('config', () => {
  it('merges profile, main file and conf.d in that order, with += and -=', () => {
    const paths = setupRoot({
      'etc/nmk/nmk.conf': '[main]\ndns=dnsmasq\n[keyfile]\nunmanaged-devices=interface-name:eth9\n',
      'etc/nmk/conf.d/10-a.conf': '[main]\nplugins+=ifcfg-rh\n',
      'etc/nmk/conf.d/20-b.conf': '[keyfile]\nunmanaged-devices-=interface-name:eth9\n',
    });
    const { config, files, warnings } = loadConfig({ paths, profile: 'server', profileDirs: [BUILTIN_PROFILES] });
    expect(warnings.map(String)).toEqual([]);
    expect(files.map((f) => path.basename(f))).toEqual(['server.conf', 'nmk.conf', '10-a.conf', '20-b.conf']);
    expect(config.get('main', 'dns')).toBe('dnsmasq'); // main file beats the profile's dns=none
    expect(config.getList('main', 'plugins')).toEqual(['keyfile', 'ifcfg-rh']);
    expect(config.getList('keyfile', 'unmanaged-devices')).toEqual([]);
    expect(config.get('main', 'no-auto-default')).toBe('*'); // from the profile
    expect(config.origin('main', 'dns')).toBe(`${paths.configFile}:2`);
  });

  it('keeps values with ; and # whole, unlike the ini package', () => {
    const paths = setupRoot({ 'etc/nmk/nmk.conf': '[global-dns-domain-*]\nservers=8.8.8.8;1.1.1.1;\n[connectivity]\nuri=http://x/#a;b\n' });
    const { config } = loadConfig({ paths, profileDirs: [] });
    expect(config.getList('global-dns-domain-*', 'servers')).toEqual(['8.8.8.8', '1.1.1.1']);
    expect(config.get('connectivity', 'uri')).toBe('http://x/#a;b');
  });

  it('warns about unknown keys, sections and bad values, naming file, line and key, and ignores only them', () => {
    const paths = setupRoot({
      'etc/nmk/nmk.conf': '[main]\nplugins=keyfile\nfrobnicate=yes\n[nonsense]\na=b\n[main]\nrc-manager=bogus\n[device-x]\nmanaged=maybe\n',
    });
    const { config, warnings } = loadConfig({ paths, profileDirs: [] });
    const msgs = warnings.map(String);
    expect(msgs).toEqual([
      `${paths.configFile}:3: key 'main.frobnicate': unknown key 'frobnicate' in section [main]; ignored`,
      `${paths.configFile}:5: key 'nonsense.a': unknown section [nonsense]; key 'a' ignored`,
      `${paths.configFile}:7: key 'main.rc-manager': invalid value 'bogus' for rc-manager: expected one of auto, symlink, file, resolvconf, netconfig, unmanaged, none; ignored`,
      `${paths.configFile}:9: key 'device-x.managed': invalid value 'maybe' for managed: expected true or false; ignored`,
    ]);
    expect(config.getList('main', 'plugins')).toEqual(['keyfile']);
    expect(config.get('main', 'rc-manager')).toBeUndefined();
  });

  it('fails on a syntax error, naming the file and line', () => {
    const paths = setupRoot({ 'etc/nmk/conf.d/50-broken.conf': '[main]\ndns=default\nthis line is not a key\n' });
    expect(() => loadConfig({ paths, profileDirs: [] })).toThrow(`${paths.configDir}/50-broken.conf:3`);
  });

  it('fails on an unknown profile, listing the known ones', () => {
    const paths = setupRoot({});
    expect(() => loadConfig({ paths, profile: 'laptop', profileDirs: [BUILTIN_PROFILES] })).toThrow(/unknown profile 'laptop' \(known: .*desktop.*server/);
  });

  it('parses the command line from its table, with environment fallbacks', () => {
    expect(parseArgs(['--root', '/tmp/x', '--profile=server', '--plugin-dir', 'a', '--plugin-dir', 'b'], {})).toMatchObject({
      root: '/tmp/x', profile: 'server', pluginDirs: ['a', 'b'],
    });
    expect(parseArgs([], { NMK_ROOT: '/srv/nmk', NMK_LOG_FORMAT: 'json' })).toMatchObject({ root: '/srv/nmk', logFormat: 'json' });
    expect(() => parseArgs(['--frob'], {})).toThrow("unknown option '--frob'");
    expect(() => parseArgs(['--log-format', 'xml'], {})).toThrow("'xml' is not one of text, journal, json");
    expect(() => parseArgs(['--root'], {})).toThrow('option --root needs a value');
  });
});
