/**
 * ETHTOOL_OPTS and ETHTOOL_WAKE_ON_LAN through the source: the files
 * NetworkManager's writer tests expect (its *.cexpected files for
 * test_roundtrip_ethtool and test_write_wired_*), the priority of
 * ETHTOOL_WAKE_ON_LAN, the variables kept as written on an unrelated
 * change, and rewritten as NetworkManager spells them on a change of theirs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WAKE_ON_LAN, type ConnectionSettings, type SettingValues } from '../../sdk/index.js';
import { scratchDir } from './test/helpers.js';

const UUID = '0f9d5a0e-6a39-4d6e-9c35-7b6a1b2c3d4e';

/** nmtst_create_minimal_connection: an id, a UUID, type ethernet and the given settings. */
function minimal(id: string, wired: SettingValues, ethtool?: SettingValues): ConnectionSettings {
  return { connection: { id, uuid: UUID, type: '802-3-ethernet' }, '802-3-ethernet': wired, ...(ethtool ? { ethtool } : {}) };
}

/**
 * The file NetworkManager's writer makes for a minimal profile, without
 * PROXY_METHOD=none and BROWSER_ONLY=no (nmk does not write the "proxy"
 * setting's defaults; it reads them without a warning).
 */
function nmExpected(name: string, ethtoolLines: string[]): string {
  return `${['TYPE=Ethernet', ...ethtoolLines, 'BOOTPROTO=dhcp', 'DEFROUTE=yes', 'IPV4_FAILURE_FATAL=no', 'IPV6INIT=yes', 'IPV6_AUTOCONF=yes', 'IPV6_DEFROUTE=yes', 'IPV6_FAILURE_FATAL=no', 'IPV6_ADDR_GEN_MODE=default', `NAME=${name}`, `UUID=${UUID}`, 'ONBOOT=yes'].join('\n')}\n`;
}

describe('the files NetworkManager writes', () => {
  const cases: [string, ConnectionSettings, string, string[]][] = [
    ['test_roundtrip_ethtool-1', minimal('test_roundtrip_ethtool', {}), 'test_roundtrip_ethtool', []],
    ['test_roundtrip_ethtool-2', minimal('test_roundtrip_ethtool', {}, {}), 'test_roundtrip_ethtool', ['ETHTOOL_OPTS="-A net0"']],
    ['test_roundtrip_ethtool-3', minimal('test_roundtrip_ethtool', { 'auto-negotiate': true }), 'test_roundtrip_ethtool', ['ETHTOOL_OPTS="autoneg on"']],
    ['test_roundtrip_ethtool-4', minimal('test_roundtrip_ethtool', {}, { 'feature-rx': true }), 'test_roundtrip_ethtool', ['ETHTOOL_OPTS="-K net0 rx on"']],
    ['test_roundtrip_ethtool-5', minimal('test_roundtrip_ethtool', { 'auto-negotiate': true }, { 'feature-rx': true }), 'test_roundtrip_ethtool', ['ETHTOOL_OPTS="autoneg on ; -K net0 rx on"']],
    ['test_roundtrip_ethtool-6', minimal('test_roundtrip_ethtool', { 'auto-negotiate': true }, { 'pause-autoneg': false }), 'test_roundtrip_ethtool', ['ETHTOOL_OPTS="autoneg on ; -A net0 pause-autoneg off"']],
    ['test_roundtrip_ethtool-7', minimal('test_roundtrip_ethtool', { 'auto-negotiate': true }, { 'ring-rx': 512 }), 'test_roundtrip_ethtool', ['ETHTOOL_OPTS="autoneg on ; -G net0 rx 512"']],
    ['test_roundtrip_ethtool-8', minimal('test_roundtrip_ethtool', { 'auto-negotiate': true }, {}), 'test_roundtrip_ethtool', ['ETHTOOL_OPTS="autoneg on ; -A net0"']],
    ['test_roundtrip_ethtool-9', minimal('test_roundtrip_ethtool', { 'auto-negotiate': true }, { 'pause-autoneg': false, 'ring-rx': 512 }), 'test_roundtrip_ethtool', ['ETHTOOL_OPTS="autoneg on ; -G net0 rx 512 ; -A net0 pause-autoneg off"']],
    [
      'Test_Write_Wired_Wake-on-LAN',
      minimal('Test Write Wired Wake-on-LAN', { 'wake-on-lan': WAKE_ON_LAN.MULTICAST | WAKE_ON_LAN.UNICAST | WAKE_ON_LAN.MAGIC, 'wake-on-lan-password': '00:00:00:11:22:33' }),
      '"Test Write Wired Wake-on-LAN"',
      ['ETHTOOL_OPTS="wol umgs sopass 00:00:00:11:22:33"'],
    ],
    ['Test_Write_Wired_Auto-Negotiate', minimal('Test Write Wired Auto-Negotiate', { duplex: 'half', speed: 10 }), '"Test Write Wired Auto-Negotiate"', ['ETHTOOL_OPTS="autoneg off speed 10 duplex half"']],
    [
      'test_write_wired_auto_negotiate_on',
      minimal('Test Write Wired Auto-Negotiate', { 'auto-negotiate': true }, { 'feature-tx': true, 'feature-rxvlan': false }),
      '"Test Write Wired Auto-Negotiate"',
      ['ETHTOOL_OPTS="autoneg on ; -K net0 rxvlan off tx on"'],
    ],
  ];

  it.each(cases)('%s: the same file, and the same profile read back', async (_name, settings, nameLine, lines) => {
    const s = scratchDir();
    try {
      const written = await s.source.write(settings, { persist: 'disk' });
      expect(readFileSync(written.file, 'utf8')).toBe(nmExpected(nameLine, lines));
      const loaded = await s.source.load();
      expect(loaded.warnings.map((w) => w.message)).toEqual([]);
      expect(loaded.profiles.map((p) => p.settings)).toEqual([written.settings]);
      expect(written.settings['802-3-ethernet']).toEqual(settings['802-3-ethernet']);
      expect(written.settings.ethtool).toEqual(settings.ethtool);
    } finally {
      s.cleanup();
    }
  });

  it('Wake-on-LAN ignore is ETHTOOL_WAKE_ON_LAN=ignore, before ETHTOOL_OPTS', async () => {
    const s = scratchDir();
    try {
      const written = await s.source.write(minimal('ign', { 'wake-on-lan': WAKE_ON_LAN.IGNORE, speed: 100, duplex: 'full' }), { persist: 'disk' });
      const text = readFileSync(written.file, 'utf8');
      expect(text).toContain('\nETHTOOL_WAKE_ON_LAN=ignore\nETHTOOL_OPTS="autoneg off speed 100 duplex full"\n');
      expect(written.settings['802-3-ethernet']).toEqual({ 'wake-on-lan': WAKE_ON_LAN.IGNORE, speed: 100, duplex: 'full' });
    } finally {
      s.cleanup();
    }
  });
});

describe('reading', () => {
  it('ETHTOOL_WAKE_ON_LAN=ignore overrides wol and drops the password, with a warning', async () => {
    const s = scratchDir();
    try {
      writeFileSync(join(s.dir, 'ifcfg-eth0'), 'TYPE=Ethernet\nDEVICE=eth0\nETHTOOL_OPTS="wol g sopass 00:11:22:33:44:55"\nETHTOOL_WAKE_ON_LAN=ignore\n');
      const loaded = await s.source.load();
      expect(loaded.profiles[0]!.settings['802-3-ethernet']).toEqual({ 'wake-on-lan': WAKE_ON_LAN.IGNORE });
      expect(loaded.warnings.map((w) => w.message)).toEqual([`${join(s.dir, 'ifcfg-eth0')}:3: key 'ETHTOOL_OPTS': Wake-on-LAN password '00:11:22:33:44:55' needs magic packet mode (wol g); ignored`]);
    } finally {
      s.cleanup();
    }
  });

  it('a bond with ETHTOOL_OPTS gets the ethtool and 802-3-ethernet settings, as NetworkManager does for every type', async () => {
    const s = scratchDir();
    try {
      writeFileSync(join(s.dir, 'ifcfg-bond0'), 'TYPE=Bond\nDEVICE=bond0\nBONDING_MASTER=yes\nBONDING_OPTS="mode=active-backup"\nBOOTPROTO=dhcp\nETHTOOL_OPTS="-K bond0 tso off"\n');
      const [profile] = (await s.source.load()).profiles;
      expect(profile!.settings.ethtool).toEqual({ 'feature-tso': false });
      expect(profile!.settings['802-3-ethernet']).toEqual({});
      const to = scratchDir();
      try {
        const written = await to.source.write(profile!.settings, { persist: 'disk' });
        expect(readFileSync(written.file, 'utf8')).toMatch(/^ETHTOOL_OPTS="-K bond0 tso off"$/m);
        expect(written.settings).toEqual(profile!.settings);
      } finally {
        to.cleanup();
      }
    } finally {
      s.cleanup();
    }
  });
});

describe('rewriting a file', () => {
  const FILE = ['# hand-written', 'TYPE=Ethernet', 'DEVICE=eth6', 'BOOTPROTO=dhcp', "ETHTOOL_OPTS='-s eth6 msglvl 0x0f wol d'", 'USERCTL=no', ''].join('\n');

  async function loadOne(s: ReturnType<typeof scratchDir>) {
    const loaded = await s.source.load();
    expect(loaded.errors).toEqual([]);
    return loaded.profiles[0]!;
  }

  it('keeps ETHTOOL_OPTS as written while what it says is unchanged', async () => {
    const s = scratchDir();
    try {
      writeFileSync(join(s.dir, 'ifcfg-eth6'), FILE);
      const profile = await loadOne(s);
      expect(profile.settings['802-3-ethernet']).toEqual({ 'wake-on-lan': 0 });
      const settings = structuredClone(profile.settings);
      settings.connection!['autoconnect-priority'] = 5;
      await s.source.write(settings, { persist: 'disk' }, profile);
      const text = readFileSync(profile.file, 'utf8');
      expect(text).toContain("\nETHTOOL_OPTS='-s eth6 msglvl 0x0f wol d'\n");
      expect(text).not.toContain('ETHTOOL_WAKE_ON_LAN');
    } finally {
      s.cleanup();
    }
  });

  it('writes NetworkManager\'s form when a value it holds changes, and removes both variables at the defaults', async () => {
    const s = scratchDir();
    try {
      writeFileSync(join(s.dir, 'ifcfg-eth6'), FILE);
      const profile = await loadOne(s);
      const magic = structuredClone(profile.settings);
      magic['802-3-ethernet']!['wake-on-lan'] = WAKE_ON_LAN.MAGIC;
      const written = await s.source.write(magic, { persist: 'disk' }, profile);
      // In place of the old line: the option NetworkManager does not read goes, as with its writer.
      const lines = readFileSync(profile.file, 'utf8').split('\n');
      expect(lines.slice(0, 6)).toEqual(['# hand-written', 'TYPE=Ethernet', 'DEVICE=eth6', 'BOOTPROTO=dhcp', 'ETHTOOL_OPTS="wol g"', 'USERCTL=no']);
      expect(lines.filter((l) => l.startsWith('ETHTOOL'))).toEqual(['ETHTOOL_OPTS="wol g"']);
      expect(written.settings['802-3-ethernet']).toEqual({ 'wake-on-lan': WAKE_ON_LAN.MAGIC });

      const ignore = structuredClone(written.settings);
      ignore['802-3-ethernet']!['wake-on-lan'] = WAKE_ON_LAN.IGNORE;
      const again = await s.source.write(ignore, { persist: 'disk' }, written);
      // A variable the file did not have goes at its end.
      expect(readFileSync(profile.file, 'utf8')).toMatch(/\nONBOOT=yes\nETHTOOL_WAKE_ON_LAN=ignore\n$/);
      expect(readFileSync(profile.file, 'utf8')).not.toContain('ETHTOOL_OPTS');

      const plain = structuredClone(again.settings);
      delete plain['802-3-ethernet']!['wake-on-lan'];
      await s.source.write(plain, { persist: 'disk' }, again);
      expect(readFileSync(profile.file, 'utf8')).not.toContain('ETHTOOL');
    } finally {
      s.cleanup();
    }
  });
});
