/**
 * [connection*] defaults per device, read from real files through loadConfig:
 * NetworkManager's section order (later files first, top to bottom within a
 * file, [connection] last), match-device (except: included), stop-match, a
 * section without the key, no device, reloads, and the validator's view of
 * the match keys.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionDefaultsOf, deviceMatchOf, nmTypeDescription, permanentMacOf, type ConfigView, type DeviceMatch, type DeviceView } from '../../sdk/index.js';
import { ConfigHolder } from './config-holder.js';
import { connectionSectionOrder } from './connection-defaults.js';
import { loadConfig } from './load-config.js';
import { MergedConfig } from './merged-config.js';
import { makePaths } from './paths.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

/** Load a main file and conf.d files (name -> text) from a fresh root. */
function load(main: string | undefined, confD: Record<string, string> = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-conn-defaults-'));
  roots.push(root);
  const paths = makePaths(root);
  fs.mkdirSync(paths.configDir, { recursive: true });
  if (main !== undefined) fs.writeFileSync(paths.configFile, main);
  for (const [name, text] of Object.entries(confD)) fs.writeFileSync(path.join(paths.configDir, name), text);
  const loaded = loadConfig({ paths, profileDirs: [] });
  return { ...loaded, paths, defaults: loaded.config.connectionDefaults };
}

const dev = (name: string, type = 'ethernet', mac = '02:00:00:00:00:01'): DeviceMatch => ({ name, type, mac });
const eth0 = dev('eth0');
const eth1 = dev('eth1', 'ethernet', '02:00:00:00:00:02');
const wlan0 = dev('wlan0', 'wifi');
const wlan1 = dev('wlan1', 'wifi');

// NetworkManager.conf(5), "CONNECTION SECTION", the example as printed.
const MAN_EXAMPLE = `[connection]
ipv6.ip6-privacy=0
connection.autoconnect-slaves=1
vpn.timeout=120

[connection-wifi-wlan0]
match-device=interface-name:wlan0
ipv4.route-metric=50

[connection-wifi-other]
match-device=type:wifi
ipv4.route-metric=55
ipv6.ip6-privacy=1
`;

describe('[connection*] section order', () => {
  it('later files first, top to bottom within a file, [connection] last wherever it stands', () => {
    const groups = [
      { section: 'main', file: 'A' },
      { section: 'connection', file: 'A' },
      { section: 'connection-a1', file: 'A' },
      { section: 'connection-a2', file: 'A' },
      { section: 'connection-b1', file: 'B' },
      { section: 'device-x', file: 'B' },
      { section: 'connection-b2', file: 'B' },
      { section: 'connection-c1', file: 'C' },
    ];
    expect(connectionSectionOrder(groups)).toEqual(['connection-c1', 'connection-b1', 'connection-b2', 'connection-a1', 'connection-a2', 'connection']);
  });

  it('every section whose name starts with "connection" takes part, and nothing else', () => {
    const groups = ['connectivity', 'connectionfoo', 'connection.x', 'device', 'xconnection', 'connection-1'].map((section) => ({ section, file: 'A' }));
    expect(connectionSectionOrder(groups)).toEqual(['connectionfoo', 'connection.x', 'connection-1']);
  });
});

describe('[connection*] defaults per device', () => {
  it('follows the manual page example: the first matching section that has the key answers', () => {
    const { defaults, warnings } = load(MAN_EXAMPLE);
    expect(warnings).toEqual([]);
    expect(defaults.get('ipv4.route-metric', wlan0)).toBe('50');
    expect(defaults.get('ipv4.route-metric', wlan1)).toBe('55');
    expect(defaults.get('ipv4.route-metric', eth0)).toBeUndefined();
    // [connection-wifi-wlan0] matches but lacks the key: the search goes on to [connection-wifi-other].
    expect(defaults.get('ipv6.ip6-privacy', wlan0)).toBe('1');
    expect(defaults.get('ipv6.ip6-privacy', eth0)).toBe('0');
    expect(defaults.get('vpn.timeout', wlan0)).toBe('120');
  });

  it('only [connection]: every device and no device get its values, as before', () => {
    const { defaults, config } = load('[connection]\nipv4.dhcp-timeout=7\nethernet.cloned-mac-address=random\n');
    for (const d of [eth0, wlan0, undefined]) {
      expect(defaults.get('ipv4.dhcp-timeout', d)).toBe(config.get('connection', 'ipv4.dhcp-timeout'));
      expect(defaults.getInteger('ipv4.dhcp-timeout', d, 45)).toBe(7);
      expect(defaults.get('ethernet.cloned-mac-address', d)).toBe('random');
      expect(defaults.get('ipv4.dad-timeout', d)).toBeUndefined();
    }
  });

  it('[connection] stays last even when it comes after the other sections of its file', () => {
    const { defaults } = load('[connection-a]\nipv4.dhcp-timeout=1\n\n[connection]\nipv4.dhcp-timeout=2\n');
    expect(defaults.lookup('ipv4.dhcp-timeout', eth0)).toMatchObject({ value: '1', section: 'connection-a' });
  });

  it('matches by name, MAC, type and glob; except: turns a section away from the devices it names', () => {
    const { defaults } = load(`[connection-not-eth0]
match-device=except:interface-name:eth0
ipv4.dhcp-timeout=10

[connection-mac]
match-device=mac:02:00:00:00:00:01
ipv4.dhcp-timeout=20
ipv6.dhcp-duid=ll

[connection-glob]
match-device=interface-name:wlan*,type:bridge
ipv4.dhcp-iaid=mac

[connection]
ipv4.dhcp-timeout=30
`);
    expect(defaults.get('ipv4.dhcp-timeout', eth1)).toBe('10');
    expect(defaults.get('ipv4.dhcp-timeout', eth0)).toBe('20');
    expect(defaults.get('ipv6.dhcp-duid', eth0)).toBe('ll');
    expect(defaults.get('ipv6.dhcp-duid', eth1)).toBeUndefined();
    expect(defaults.get('ipv4.dhcp-iaid', wlan1)).toBe('mac');
    expect(defaults.get('ipv4.dhcp-iaid', dev('br0', 'bridge'))).toBe('mac');
    expect(defaults.get('ipv4.dhcp-iaid', eth0)).toBeUndefined();
    // A positive entry with an except: that names the device: no match.
    const both = load('[connection-x]\nmatch-device=interface-name:eth*,except:interface-name:eth1\nipv4.dhcp-timeout=5\n').defaults;
    expect(both.get('ipv4.dhcp-timeout', eth0)).toBe('5');
    expect(both.get('ipv4.dhcp-timeout', eth1)).toBeUndefined();
  });

  it('stop-match=yes ends the search at a matching section that lacks the key; a section that does not match never stops it', () => {
    const { defaults, warnings } = load(`[connection-wifi-wlan0]
match-device=interface-name:wlan0
stop-match=yes
ipv4.route-metric=50

[connection-eth1]
match-device=interface-name:eth1
stop-match=true

[connection]
ipv6.ip6-privacy=0
ipv4.route-metric=99
`);
    expect(warnings).toEqual([]);
    expect(defaults.get('ipv4.route-metric', wlan0)).toBe('50');
    expect(defaults.lookup('ipv6.ip6-privacy', wlan0)).toBeUndefined();
    expect(defaults.get('ipv6.ip6-privacy', eth1)).toBeUndefined();
    expect(defaults.get('ipv4.route-metric', eth1)).toBeUndefined();
    expect(defaults.get('ipv6.ip6-privacy', eth0)).toBe('0');
    expect(defaults.get('ipv4.route-metric', eth0)).toBe('99');
  });

  it('without a device only sections without match-device count; stop-match stops only where it applies', () => {
    const { defaults } = load(`[connection-eth0]
match-device=interface-name:eth0
stop-match=yes
ipv4.dhcp-timeout=1

[connection-all]
ipv4.dhcp-iaid=ifname

[connection-stop-all]
stop-match=yes

[connection]
ipv4.dhcp-timeout=3
ipv4.dhcp-iaid=mac
`);
    expect(defaults.get('ipv4.dhcp-timeout', undefined)).toBeUndefined();
    expect(defaults.get('ipv4.dhcp-timeout', eth0)).toBe('1');
    expect(defaults.get('ipv4.dhcp-iaid', undefined)).toBe('ifname');
    // [connection-stop-all] applies to every device and stops before [connection].
    expect(defaults.get('ipv4.dhcp-timeout', eth1)).toBeUndefined();
    const plain = load('[connection-eth0]\nmatch-device=interface-name:eth0\nstop-match=yes\n\n[connection]\nipv4.dhcp-timeout=3\n').defaults;
    expect(plain.get('ipv4.dhcp-timeout', undefined)).toBe('3');
    expect(plain.get('ipv4.dhcp-timeout', eth1)).toBe('3');
    expect(plain.get('ipv4.dhcp-timeout', eth0)).toBeUndefined();
  });

  it('an empty match-device matches no device; an empty value is an answer that ends the search', () => {
    const { defaults } = load('[connection-none]\nmatch-device=\nipv4.dhcp-timeout=1\n\n[connection-empty]\nethernet.cloned-mac-address=\n\n[connection]\nipv4.dhcp-timeout=2\nethernet.cloned-mac-address=random\n');
    expect(defaults.get('ipv4.dhcp-timeout', eth0)).toBe('2');
    expect(defaults.lookup('ethernet.cloned-mac-address', eth0)).toMatchObject({ value: '', section: 'connection-empty' });
  });

  it('across files: the file read later wins, conf.d after the main file, and each file top to bottom', () => {
    const { defaults, paths } = load('[connection-main]\nipv4.dhcp-timeout=1\nipv6.ra-timeout=1\nipv4.dhcp-iaid=main\n\n[connection]\nipv4.dad-timeout=1\n', {
      '10-a.conf': '[connection-a1]\nmatch-device=type:ethernet\nipv4.dhcp-timeout=10\n\n[connection-a2]\nipv4.dhcp-timeout=11\nipv6.ra-timeout=11\n',
      '20-b.conf': '[connection-b]\nmatch-device=interface-name:eth1\nipv4.dhcp-timeout=20\n\n[connection]\nipv4.dad-timeout=20\n',
    });
    expect(defaults.lookup('ipv4.dhcp-timeout', eth1)).toEqual({ value: '20', section: 'connection-b', origin: `${paths.configDir}/20-b.conf:3` });
    expect(defaults.get('ipv4.dhcp-timeout', eth0)).toBe('10');
    expect(defaults.get('ipv4.dhcp-timeout', wlan0)).toBe('11');
    expect(defaults.get('ipv4.dhcp-timeout', undefined)).toBe('11');
    expect(defaults.get('ipv6.ra-timeout', eth0)).toBe('11');
    expect(defaults.get('ipv4.dhcp-iaid', eth0)).toBe('main');
    // One [connection] merged from both files, later value winning, still last.
    expect(defaults.lookup('ipv4.dad-timeout', eth0)).toEqual({ value: '20', section: 'connection', origin: `${paths.configDir}/20-b.conf:6` });
  });

  it('a section named again in a later file keeps the place of its first appearance; the later value wins in it', () => {
    const { defaults } = load(undefined, {
      '10-a.conf': '[connection-x]\nipv4.dhcp-timeout=1\n\n[connection-y]\nipv4.dhcp-timeout=2\nipv6.ra-timeout=2\n',
      '20-b.conf': '[connection-z]\nipv6.ra-timeout=3\n\n[connection-y]\nipv4.dhcp-timeout=4\n',
    });
    // Order: [connection-z] (20-b), then [connection-x], [connection-y] (10-a): y was first seen there.
    expect(defaults.lookup('ipv6.ra-timeout', eth0)?.section).toBe('connection-z');
    expect(defaults.get('ipv4.dhcp-timeout', eth0)).toBe('1');
    expect(load(undefined, { '10-a.conf': '[connection-y]\nipv4.dhcp-timeout=2\n', '20-b.conf': '[connection-y]\nipv4.dhcp-timeout=4\n' }).defaults.get('ipv4.dhcp-timeout', eth0)).toBe('4');
  });

  it('getInteger: decimal values, else the fallback', () => {
    const { defaults } = load('[connection-a]\nmatch-device=interface-name:eth0\nipv4.dad-timeout=abc\n\n[connection]\nipv4.dad-timeout= 200 \n');
    expect(defaults.getInteger('ipv4.dad-timeout', eth0, 0)).toBe(0);
    expect(defaults.getInteger('ipv4.dad-timeout', eth1, 0)).toBe(200);
    expect(defaults.getInteger('ipv6.ra-timeout', eth1, 30)).toBe(30);
  });

  it('follows the config behind a holder (a reload) and changes made after a first lookup', () => {
    const first = load('[connection]\nipv4.dhcp-timeout=1\n').config;
    const holder = new ConfigHolder(first);
    expect(holder.connectionDefaults.get('ipv4.dhcp-timeout', eth0)).toBe('1');
    holder.current = load('[connection-eth0]\nmatch-device=interface-name:eth0\nipv4.dhcp-timeout=5\n\n[connection]\nipv4.dhcp-timeout=1\n').config;
    expect(holder.connectionDefaults.get('ipv4.dhcp-timeout', eth0)).toBe('5');
    expect(connectionDefaultsOf(holder)).toBe(holder.connectionDefaults);
    const m = new MergedConfig();
    m.set('connection', 'ipv4.dhcp-timeout', '1', '/a.conf:2');
    expect(m.connectionDefaults.get('ipv4.dhcp-timeout', eth0)).toBe('1');
    m.set('connection-eth0', 'match-device', 'interface-name:eth0', '/b.conf:1');
    m.set('connection-eth0', 'ipv4.dhcp-timeout', '9', '/b.conf:2');
    expect(m.connectionDefaults.get('ipv4.dhcp-timeout', eth0)).toBe('9');
  });

  it('a config without the service (a fake) answers from [connection] for every device', () => {
    const fake = { get: (s: string, k: string) => (s === 'connection' && k === 'ipv4.dhcp-timeout' ? '8' : undefined), getInteger: (_s: string, _k: string, f: number) => 8 + 0 * f, origin: () => 'fake:1' } as unknown as ConfigView;
    expect(connectionDefaultsOf(fake).lookup('ipv4.dhcp-timeout', eth0)).toEqual({ value: '8', section: 'connection', origin: 'fake:1' });
    expect(connectionDefaultsOf(undefined).getInteger('ipv4.dhcp-timeout', eth0, 45)).toBe(45);
  });
});

describe('the device a section is matched against', () => {
  it('type: is NetworkManager\'s type description: a veth is "ethernet", a macvtap "macvlan", a generic link its kind', () => {
    expect(nmTypeDescription('veth')).toBe('ethernet');
    expect(nmTypeDescription('macvtap')).toBe('macvlan');
    expect(nmTypeDescription('generic', 'ifb')).toBe('ifb');
    expect(nmTypeDescription('generic')).toBe('generic');
    expect(nmTypeDescription('bridge')).toBe('bridge');
    const veth = { name: 'veth0', kind: 'veth', link: { mac: '02:00:00:00:00:09', kind: 'veth' } } as unknown as DeviceView;
    expect(deviceMatchOf(veth)).toEqual({ name: 'veth0', mac: '02:00:00:00:00:09', permMac: '', type: 'ethernet' });
    const { defaults } = load('[connection-veth]\nmatch-device=type:veth\nipv4.dhcp-timeout=1\n\n[connection-eth]\nmatch-device=type:ethernet\nipv4.dhcp-timeout=2\n');
    expect(defaults.get('ipv4.dhcp-timeout', deviceMatchOf(veth))).toBe('2');
  });
});

describe('mac: in match-device: the permanent address only (nm_device_spec_match_list)', () => {
  const view = (name: string, kind: string, linkKind: string, mac: string) => ({ name, kind, link: { mac, kind: linkKind } }) as unknown as DeviceView;

  it('permanentMacOf: a link the kernel names no kind for (hardware) has its address; a veth, bridge, bond, VLAN or an all-zero address none', () => {
    expect(permanentMacOf({ kind: '', mac: '00:11:22:33:44:55' })).toBe('00:11:22:33:44:55');
    for (const kind of ['veth', 'bridge', 'bond', 'vlan', 'macvlan', 'dummy', 'tun']) expect(permanentMacOf({ kind, mac: '02:00:00:00:00:09' })).toBe('');
    expect(permanentMacOf({ kind: '', mac: '00:00:00:00:00:00' })).toBe('');
    expect(permanentMacOf({ kind: '', mac: '' })).toBe('');
    expect(permanentMacOf(undefined)).toBe('');
  });

  it('a veth never takes a mac: section, even one that names its address; a NIC does', () => {
    const { defaults } = load('[connection-mac]\nmatch-device=mac:02:00:00:00:00:09,mac:00:11:22:33:44:55\nipv4.dhcp-timeout=7\n\n[connection]\nipv4.dhcp-timeout=1\n');
    expect(defaults.get('ipv4.dhcp-timeout', deviceMatchOf(view('veth0', 'veth', 'veth', '02:00:00:00:00:09')))).toBe('1');
    expect(defaults.get('ipv4.dhcp-timeout', deviceMatchOf(view('eth0', 'ethernet', '', '00:11:22:33:44:55')))).toBe('7');
    // except:mac: turns no veth away either.
    const except = load('[connection-x]\nmatch-device=except:mac:02:00:00:00:00:09\nipv4.dhcp-timeout=3\n').defaults;
    expect(except.get('ipv4.dhcp-timeout', deviceMatchOf(view('veth0', 'veth', 'veth', '02:00:00:00:00:09')))).toBe('3');
  });
});

describe('the validator and [connection*] sections', () => {
  it('takes match-device and stop-match in [connection-*], [connection] and [connectionfoo] without a warning', () => {
    const { warnings, defaults } = load('[connection]\nmatch-device=type:ethernet\nipv4.dhcp-timeout=1\n\n[connection-a]\nmatch-device=interface-name:eth0\nstop-match=yes\n\n[connectionfoo]\nmatch-device+=mac:02:00:00:00:00:02\nstop-match=no\nipv4.dhcp-timeout=2\n');
    expect(warnings.map(String)).toEqual([]);
    expect(defaults.get('ipv4.dhcp-timeout', eth1)).toBe('2');
    expect(defaults.get('ipv4.dhcp-timeout', eth0)).toBeUndefined();
    expect(defaults.get('ipv4.dhcp-timeout', dev('br0', 'bridge'))).toBeUndefined();
  });

  it('still warns for an unknown key and for a stop-match that is not a boolean, naming file, line and key', () => {
    const { warnings, paths, defaults } = load('[connection-a]\nmatch-device=interface-name:eth0\nstop-match=maybe\nbogus=1\nipv4.dhcp-timeout=1\n\n[connection]\nipv4.dhcp-timeout=2\nipv6.ra-timeout=3\n');
    expect(warnings.map(String)).toEqual([
      `${paths.configFile}:3: key 'connection-a.stop-match': invalid value 'maybe' for stop-match: expected true or false; ignored`,
      `${paths.configFile}:4: key 'connection-a.bogus': unknown key 'bogus' in section [connection-a]; ignored`,
    ]);
    // The bad stop-match is dropped: the section does not stop.
    expect(defaults.get('ipv6.ra-timeout', eth0)).toBe('3');
    expect(defaults.get('ipv4.dhcp-timeout', eth0)).toBe('1');
    expect(defaults.get('ipv4.dhcp-timeout', eth1)).toBe('2');
  });
});
