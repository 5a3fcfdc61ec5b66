/**
 * How files merge, as NetworkManager 1.42's read_config (nm-config.c) merges
 * them: "key+=" / "key-=" on the keys NetworkManager extends (device specs,
 * [main] plugins), dropped with a warning on every other key; device-spec
 * keys read from their raw text with NetworkManager's escapes. The first
 * case is NetworkManager's own src/core/tests/config (NetworkManager.conf,
 * conf.d/00-overrides.conf, 10-more.conf, 90-last.conf), cut to the keys nmk
 * knows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';
import { MergedConfig } from './merged-config.js';
import { makePaths } from './paths.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

/** Load a main file and conf.d files (name -> text) from a fresh root. */
function load(main: string, confD: Record<string, string> = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-merge-'));
  roots.push(root);
  const paths = makePaths(root);
  fs.mkdirSync(paths.configDir, { recursive: true });
  fs.writeFileSync(paths.configFile, main);
  for (const [name, text] of Object.entries(confD)) fs.writeFileSync(path.join(paths.configDir, name), text);
  return { ...loadConfig({ paths, profileDirs: [] }), paths, conf: (name: string) => path.join(paths.configDir, name) };
}

describe("NetworkManager's config test files", () => {
  it('merge to what its test_config_confdir asserts', () => {
    const { config, warnings } = load('[main]\nplugins=foo,bar,baz\nno-auto-default=11:11:11:11:11:11\n', {
      '00-overrides.conf': '[main]\nno-auto-default=spec1,spec2\nignore-carrier=\\s space1 \\s\n',
      '10-more.conf': '[main]\nno-auto-default-=spec1\nno-auto-default+=spec3\n\nignore-carrier+=\\sspace2\\t\t\n',
      '90-last.conf': '[main]\nplugins+=one,two\n',
    });
    expect(warnings.map(String)).toEqual([]);
    expect(config.getList('main', 'plugins')).toEqual(['foo', 'bar', 'baz', 'one', 'two']);
    expect(config.getList('main', 'no-auto-default')).toEqual(['spec2', 'spec3']);
    expect(config.getList('main', 'ignore-carrier')).toEqual(['  space1  ', ' space2\t']);
  });

  it('apply += and -= in file order, keep duplicates a += brings, and unset an emptied plain list ([.test-append-stringlist.1])', () => {
    // NetworkManager's test group is its own; [plugins] enable is a plain list nmk extends the same way.
    const { config } = load('[plugins]\nenable=a,b\n', {
      '00.conf': '[plugins]\ndisable-=VAL2\ndisable=VAL2\n\npath=VAL3\npath-=VAL3\n\nrequired=VAL4\nrequired+=VAL4,va,vb,va,vb\nrequired-=VAL4,va\n',
      '10.conf': '[plugins]\nenable-=b\n',
      '90.conf': '[plugins]\nenable+=c,a\n',
    });
    expect(config.get('plugins', 'enable')).toBe('a,c');
    expect(config.get('plugins', 'disable')).toBe('VAL2');
    expect(config.get('plugins', 'path')).toBeUndefined();
    expect(config.get('plugins', 'required')).toBe('vb,vb');
  });
});

describe('+= and -= where NetworkManager drops them', () => {
  it('drop "ipv4.route-metric+=" in a [connection*] section with a warning naming file, section and key; the value set before stands', () => {
    const { config, warnings, paths, conf } = load('[connection-wan]\nmatch-device=interface-name:eth0\nipv4.route-metric=100\n', {
      '50-wan.conf': '[connection-wan]\nipv4.route-metric+=50\nipv4.dhcp-timeout-=10\n\n[connection]\nipv6.route-metric+=7\n',
    });
    expect(warnings.map(String)).toEqual([
      `${conf('50-wan.conf')}:2: key 'connection-wan.ipv4.route-metric+': 'ipv4.route-metric+=' in section [connection-wan] is dropped: NetworkManager takes += and -= only on list keys (device specs, [main] plugins), not on ipv4.route-metric`,
      `${conf('50-wan.conf')}:3: key 'connection-wan.ipv4.dhcp-timeout-': 'ipv4.dhcp-timeout-=' in section [connection-wan] is dropped: NetworkManager takes += and -= only on list keys (device specs, [main] plugins), not on ipv4.dhcp-timeout`,
      `${conf('50-wan.conf')}:6: key 'connection.ipv6.route-metric+': 'ipv6.route-metric+=' in section [connection] is dropped: NetworkManager takes += and -= only on list keys (device specs, [main] plugins), not on ipv6.route-metric`,
    ]);
    expect(config.get('connection-wan', 'ipv4.route-metric')).toBe('100');
    expect(config.origin('connection-wan', 'ipv4.route-metric')).toBe(`${paths.configFile}:3`);
    expect(config.connectionDefaults.get('ipv4.route-metric', { name: 'eth0', mac: '', type: 'ethernet' })).toBe('100');
    expect(config.get('connection-wan', 'ipv4.dhcp-timeout')).toBeUndefined();
    expect(config.keys('connection')).toEqual([]);
  });

  it('drop them on keys that are not lists, and on lists NetworkManager does not extend ([global-dns] searches)', () => {
    const { config, warnings } = load('[main]\ndhcp=internal\n[global-dns]\nsearches=a.example\n', {
      '10.conf': '[main]\ndhcp+=dhclient\n[global-dns]\nsearches+=b.example\n[connectivity]\ninterval-=1\n',
    });
    expect(warnings.map((w) => w.reason)).toEqual([
      "'dhcp+=' in section [main] is dropped: NetworkManager takes += and -= only on list keys (device specs, [main] plugins), not on dhcp",
      "'searches+=' in section [global-dns] is dropped: NetworkManager takes += and -= only on list keys (device specs, [main] plugins), not on searches",
      "'interval-=' in section [connectivity] is dropped: NetworkManager takes += and -= only on list keys (device specs, [main] plugins), not on interval",
    ]);
    expect(config.get('main', 'dhcp')).toBe('internal');
    expect(config.getList('global-dns', 'searches')).toEqual(['a.example']);
    expect(config.get('connectivity', 'interval')).toBeUndefined();
  });

  it('take them on every spec key: match-device of [device*] and [connection*], unmanaged-devices, no-auto-default, ignore-carrier, allowed-connections', () => {
    const { config, warnings } = load('[device-a]\nmatch-device=interface-name:eth0\n[connection-a]\nmatch-device=type:bond\n[keyfile]\nunmanaged-devices=mac:00:11:22:33:44:55\n', {
      '10.conf': '[device-a]\nmatch-device+=interface-name:eth1\nallowed-connections+=id:x\n[connection-a]\nmatch-device-=type:bond\nmatch-device+=type:bridge\n[keyfile]\nunmanaged-devices+=interface-name:a\\,b\n[main]\nno-auto-default+=*\nignore-carrier-=x\n',
    });
    expect(warnings.map(String)).toEqual([]);
    expect(config.getList('device-a', 'match-device')).toEqual(['interface-name:eth0', 'interface-name:eth1']);
    expect(config.getList('device-a', 'allowed-connections')).toEqual(['id:x']);
    expect(config.getList('connection-a', 'match-device')).toEqual(['type:bridge']);
    expect(config.getList('keyfile', 'unmanaged-devices')).toEqual(['mac:00:11:22:33:44:55', 'interface-name:a,b']);
    // Kept as NetworkManager's nm_match_spec_join writes it, so it reads back the same.
    expect(config.get('keyfile', 'unmanaged-devices')).toBe('mac:00:11:22:33:44:55,interface-name:a\\,b');
    expect(config.getList('main', 'no-auto-default')).toEqual(['*']);
    // A spec list emptied (or never set) by -= is set and empty, as NetworkManager leaves it.
    expect(config.get('main', 'ignore-carrier')).toBe('');
  });

  it('MergedConfig.set ignores them the same way when called directly', () => {
    const c = new MergedConfig();
    c.set('connection', 'ipv4.route-metric', '10', '/a.conf:1');
    c.set('connection', 'ipv4.route-metric+', '5', '/a.conf:2');
    expect(c.get('connection', 'ipv4.route-metric')).toBe('10');
    expect(c.keys('connection')).toEqual(['ipv4.route-metric']);
    c.set('main', 'plugins+', 'keyfile', '/a.conf:3');
    c.set('main', 'plugins-', 'keyfile', '/a.conf:4');
    // [main] plugins stays set and empty, as NetworkManager keeps it.
    expect(c.get('main', 'plugins')).toBe('');
  });
});

describe('device-spec keys read from their raw text', () => {
  it('split with NetworkManager\'s escapes: "\\," and "\\;" inside an entry, "\\s" at its edges, no GKeyFile error for them', () => {
    const { config, warnings } = load(
      '[keyfile]\nunmanaged-devices=interface-name:a\\,b; \\sinterface-name:c ,mac:00:11:22:33:44:55\\\n' +
        '[device-x]\nmatch-device=interface-name:x\\;y,except:interface-name:\\\\z\n' +
        '[connection-y]\nmatch-device=interface-name:q\\,r\nipv4.dhcp-timeout=9\n',
    );
    expect(warnings.map(String)).toEqual([]);
    expect(config.getList('keyfile', 'unmanaged-devices')).toEqual(['interface-name:a,b', ' interface-name:c', 'mac:00:11:22:33:44:55']);
    expect(config.getList('device-x', 'match-device')).toEqual(['interface-name:x;y', 'except:interface-name:\\z']);
    expect(config.connectionDefaults.get('ipv4.dhcp-timeout', { name: 'q,r', mac: '', type: 'ethernet' })).toBe('9');
    expect(config.connectionDefaults.get('ipv4.dhcp-timeout', { name: 'q', mac: '', type: 'ethernet' })).toBeUndefined();
  });

  it('other keys keep GKeyFile string escapes: "\\," there is still a syntax error naming file, line and key', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-merge-'));
    roots.push(root);
    const paths = makePaths(root);
    fs.mkdirSync(paths.configDir, { recursive: true });
    fs.writeFileSync(paths.configFile, '[main]\ndhcp=a\\,b\n');
    expect(() => loadConfig({ paths, profileDirs: [] })).toThrow(`${paths.configFile}:2: key 'main.dhcp': invalid escape sequence '\\,'`);
  });

  it('plain list keys split as before: "," or ";", blanks trimmed', () => {
    const { config } = load('[main]\nplugins=keyfile; ifcfg-rh ,\n[global-dns]\nsearches=a.example;b.example\n');
    expect(config.getList('main', 'plugins')).toEqual(['keyfile', 'ifcfg-rh']);
    expect(config.getList('global-dns', 'searches')).toEqual(['a.example', 'b.example']);
  });
});
