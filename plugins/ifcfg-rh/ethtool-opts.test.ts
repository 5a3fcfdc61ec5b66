/**
 * ETHTOOL_OPTS text, read and written. Expected values are NetworkManager
 * 1.42's: test-ifcfg-rh.c (test_read_wired_wake_on_lan,
 * test_read_wired_auto_negotiate_on, test_read_wired_unknown_ethtool_opt,
 * test_roundtrip_ethtool, test_write_wired_*) and the ETHTOOL_OPTS lines of
 * its *.cexpected files.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyDefinition, settingDefinition, WAKE_ON_LAN, type SettingValues } from '../../sdk/index.js';
import { ETHTOOL_OPTION_ROWS, GROUP_VALUE } from './ethtool-names.js';
import { commandInterface, defaultEthtoolOpts, formatEthtoolOpts, parseEthtoolOpts, type EthtoolOpts } from './ethtool-opts.js';

const { PHY, UNICAST, MULTICAST, BROADCAST, ARP, MAGIC, IGNORE } = WAKE_ON_LAN;

function parse(text: string): { read: EthtoolOpts; warnings: string[] } {
  const warnings: string[] = [];
  const read = parseEthtoolOpts(text, (w) => warnings.push(w));
  return { read, warnings };
}

describe('the option table', () => {
  it('names every property of the model\'s "ethtool" setting once, with the matching value type', () => {
    const model = settingDefinition('ethtool')!.properties.map((p) => p.name).sort();
    expect(ETHTOOL_OPTION_ROWS.map((r) => r.property).sort()).toEqual(model);
    for (const row of ETHTOOL_OPTION_ROWS) {
      expect(propertyDefinition('ethtool', row.property)?.type, row.property).toBe(GROUP_VALUE[row.group] === 'onoff' ? 'boolean' : 'uint32');
    }
  });
});

describe('reading ETHTOOL_OPTS', () => {
  it('ifcfg-test-wired-wake-on-lan: speed, duplex, wol apgs and its password, autoneg off', () => {
    const { read, warnings } = parse('speed 100 duplex full wol apgs sopass 00:11:22:33:44:55 autoneg off');
    expect(read).toEqual({ ...defaultEthtoolOpts(), wakeOnLan: ARP | PHY | MAGIC, password: '00:11:22:33:44:55', speed: 100, duplex: 'full' });
    expect(warnings).toEqual([]);
  });

  it('ifcfg-test-wired-auto-negotiate-on: autoneg on (the lone speed is the model\'s to drop)', () => {
    const { read } = parse('wol apgs sopass 00:11:22:33:44:55 autoneg on speed 100');
    expect(read).toMatchObject({ autoNegotiate: true, wakeOnLan: ARP | PHY | MAGIC, password: '00:11:22:33:44:55' });
  });

  it('ifcfg-test-wired-unknown-ethtool-opt: unknown words are skipped, each named in a warning', () => {
    const { read, warnings } = parse('unknown1 wol apgs sopass 00:11:22:33:44:55 unkwnown2 opt2 unknown3');
    expect(read).toEqual({ ...defaultEthtoolOpts(), wakeOnLan: ARP | PHY | MAGIC, password: '00:11:22:33:44:55' });
    expect(warnings).toEqual([
      "unknown ethtool option 'unknown1'; ignored",
      "unknown ethtool option 'unkwnown2 opt2'; ignored",
      "unknown ethtool option 'unknown3'; ignored",
    ]);
  });

  it('an empty value is Wake-on-LAN ignore; d clears the letters before it; s needs no flag', () => {
    expect(parse('').read.wakeOnLan).toBe(IGNORE);
    expect(parse('wol gd').read.wakeOnLan).toBe(0);
    expect(parse('wol dub').read.wakeOnLan).toBe(UNICAST | BROADCAST);
    expect(parse('wol ms').read.wakeOnLan).toBe(MULTICAST);
    // The last wol wins; a repeated sopass replaces the first.
    expect(parse('wol p ; wol g sopass 00:00:00:00:00:01 sopass aa:bb:cc:dd:ee:ff').read).toMatchObject({ wakeOnLan: MAGIC, password: 'aa:bb:cc:dd:ee:ff' });
  });

  it('-K/-C/-G/-A and their long forms fill the "ethtool" setting; kernel feature names are aliases', () => {
    const { read, warnings } = parse('-K eth0 rxvlan off tx on;--offload eth0 rx-checksum off ; -C eth0 rx-usecs 50 ; --set-ring eth0 rx-jumbo 64 ; -A eth0 pause-autoneg off ; --features eth0 tx-vlan-hw-insert on');
    expect(read.ethtool).toEqual({ 'feature-rxvlan': false, 'feature-tx': true, 'feature-rx': false, 'coalesce-rx-usecs': 50, 'ring-rx-jumbo': 64, 'pause-autoneg': false, 'feature-txvlan': true });
    expect(warnings).toEqual([]);
    // A command with its interface and no option still makes the setting, as NetworkManager's empty "-A net0".
    expect(parse('-A net0').read.ethtool).toEqual({});
    expect(parse('wol g').read.ethtool).toBeUndefined();
  });

  it('words NetworkManager skips are skipped the same way, and named', () => {
    const { read, warnings } = parse('-K eth1 gro maybe foo on sg off ; -A eth1 autoneg off ; -C eth1 rx-usecs many tx-usecs 9 ; -G ; -L eth1 combined 4 wol g ; -s eth1 msglvl 0x0f');
    expect(read.ethtool).toEqual({ 'feature-sg': false, 'coalesce-tx-usecs': 9 });
    // NetworkManager reads the -s words wherever they are, even after another command.
    expect(read.wakeOnLan).toBe(MAGIC);
    expect(warnings).toEqual([
      "ethtool option 'gro' wants on or off, not 'maybe'; ignored",
      "unknown ethtool option 'foo on' after '-K'; ignored",
      // ethtool's own pause words are not NetworkManager's (pause-autoneg...).
      "unknown ethtool option 'autoneg off' after '-A'; ignored",
      "ethtool option 'rx-usecs' wants a number from 0 to 4294967295, not 'many'; ignored",
      "ethtool command '-G' names no interface; ignored",
      "ethtool command '-L eth1 combined 4 wol g' is not one NetworkManager or nmk reads; ignored",
      "unknown ethtool option 'msglvl 0x0f'; ignored",
    ]);
  });

  it('bad values are warnings and leave the default', () => {
    const { read, warnings } = parse('autoneg maybe speed -1 duplex quarter sopass 11:22 wol pxg speed');
    expect(read).toEqual({ ...defaultEthtoolOpts(), wakeOnLan: PHY | MAGIC });
    expect(warnings).toEqual([
      "'maybe' is not on or off for ethtool option 'autoneg'; ignored",
      "'-1' is not a number from 0 to 4294967295 for ethtool option 'speed'; ignored",
      "'quarter' is not half or full for ethtool option 'duplex'; ignored",
      "'11:22' is not a password in MAC address form for ethtool option 'sopass'; ignored",
      "unknown Wake-on-LAN mode 'x' in 'wol pxg'; ignored",
      "ethtool option 'speed' has no value; ignored",
    ]);
  });

  it('control characters in a warning are escaped', () => {
    expect(parse('bad\u001bword').warnings).toEqual(["unknown ethtool option 'bad\\x1bword'; ignored"]);
  });
});

describe('writing ETHTOOL_OPTS as NetworkManager does', () => {
  const cases: [string, SettingValues | undefined, SettingValues | undefined, string | undefined][] = [
    ['test_roundtrip_ethtool-1', {}, undefined, undefined],
    ['test_roundtrip_ethtool-2', {}, {}, '-A net0'],
    ['test_roundtrip_ethtool-3', { 'auto-negotiate': true }, undefined, 'autoneg on'],
    ['test_roundtrip_ethtool-4', {}, { 'feature-rx': true }, '-K net0 rx on'],
    ['test_roundtrip_ethtool-5', { 'auto-negotiate': true }, { 'feature-rx': true }, 'autoneg on ; -K net0 rx on'],
    ['test_roundtrip_ethtool-6', { 'auto-negotiate': true }, { 'pause-autoneg': false }, 'autoneg on ; -A net0 pause-autoneg off'],
    ['test_roundtrip_ethtool-7', { 'auto-negotiate': true }, { 'ring-rx': 512 }, 'autoneg on ; -G net0 rx 512'],
    ['test_roundtrip_ethtool-8', { 'auto-negotiate': true }, {}, 'autoneg on ; -A net0'],
    ['test_roundtrip_ethtool-9', { 'auto-negotiate': true }, { 'pause-autoneg': false, 'ring-rx': 512 }, 'autoneg on ; -G net0 rx 512 ; -A net0 pause-autoneg off'],
    ['Test_Write_Wired_Wake-on-LAN', { 'wake-on-lan': MULTICAST | UNICAST | MAGIC, 'wake-on-lan-password': '00:00:00:11:22:33' }, undefined, 'wol umgs sopass 00:00:00:11:22:33'],
    ['Test_Write_Wired_Auto-Negotiate', { duplex: 'half', speed: 10 }, undefined, 'autoneg off speed 10 duplex half'],
    ['test_write_wired_auto_negotiate_on', { 'auto-negotiate': true }, { 'feature-tx': true, 'feature-rxvlan': false }, 'autoneg on ; -K net0 rxvlan off tx on'],
  ];
  it.each(cases)('%s', (_name, wired, ethtool, text) => {
    expect(formatEthtoolOpts(wired, ethtool, undefined)).toBe(text);
  });

  it('lists groups -K, -C, -G, -A, options in NetworkManager\'s order, on the profile\'s interface', () => {
    const ethtool = { 'pause-rx': true, 'ring-tx': 9, 'coalesce-tx-usecs': 3, 'coalesce-adaptive-rx': 1, 'feature-tso': false, 'feature-gro': true };
    expect(formatEthtoolOpts(undefined, ethtool, 'enp1s0')).toBe('-K enp1s0 gro on tso off ; -C enp1s0 adaptive-rx 1 tx-usecs 3 ; -G enp1s0 tx 9 ; -A enp1s0 pause-rx on');
  });

  it('wol d for no mode, nothing for default or ignore; the password only with magic packets', () => {
    expect(formatEthtoolOpts({ 'wake-on-lan': 0 }, undefined, 'eth0')).toBe('wol d');
    expect(formatEthtoolOpts({ 'wake-on-lan': IGNORE }, undefined, 'eth0')).toBeUndefined();
    expect(formatEthtoolOpts({ 'wake-on-lan': WAKE_ON_LAN.DEFAULT }, undefined, 'eth0')).toBeUndefined();
    expect(formatEthtoolOpts({ 'wake-on-lan': PHY | ARP, 'wake-on-lan-password': '00:11:22:33:44:55' }, undefined, 'eth0')).toBe('wol pa');
    expect(formatEthtoolOpts({ speed: 1000, duplex: 'full', 'auto-negotiate': true, 'wake-on-lan': MAGIC }, undefined, 'eth0')).toBe('autoneg on speed 1000 duplex full wol g');
  });

  it('names the interface only when it is letters, digits and _ (else net0)', () => {
    expect([commandInterface('eth0'), commandInterface('my_nic2'), commandInterface('br-lan'), commandInterface('eth0.5'), commandInterface(''), commandInterface(undefined)]).toEqual(['eth0', 'my_nic2', 'net0', 'net0', 'net0', 'net0']);
  });
});

describe('write, then read (as test_roundtrip_ethtool does with random profiles)', () => {
  const wolArb = fc.oneof(fc.integer({ min: 0, max: 0x7e }).map((n) => n & ~1), fc.constantFrom(WAKE_ON_LAN.DEFAULT, IGNORE));
  const ethtoolArb = fc.option(
    fc.uniqueArray(fc.constantFrom(...ETHTOOL_OPTION_ROWS), { selector: (r) => r.property }).chain((rows) =>
      fc.tuple(...rows.map((r) => (GROUP_VALUE[r.group] === 'onoff' ? fc.boolean() : fc.nat({ max: 0xffffffff })).map((v) => [r.property, v] as const))).map((pairs) => Object.fromEntries(pairs)),
    ),
    { nil: undefined },
  );
  const wiredArb = fc.record({
    'auto-negotiate': fc.boolean(),
    link: fc.option(fc.tuple(fc.constant(1000), fc.constantFrom('full', 'half')), { nil: undefined }),
    'wake-on-lan': wolArb,
    password: fc.boolean(),
  });

  it('reads back every value written', () => {
    fc.assert(
      fc.property(wiredArb, ethtoolArb, fc.constantFrom('eth0', 'br-lan', undefined), (w, ethtool, iface) => {
        const wired: SettingValues = { 'auto-negotiate': w['auto-negotiate'], 'wake-on-lan': w['wake-on-lan'] };
        if (w.link) [wired.speed, wired.duplex] = w.link;
        if (w.password && w['wake-on-lan'] & MAGIC) wired['wake-on-lan-password'] = 'aa:bb:cc:dd:ee:ff';
        const text = formatEthtoolOpts(wired, ethtool, iface);
        const warnings: string[] = [];
        const read = text === undefined ? defaultEthtoolOpts() : parseEthtoolOpts(text, (x) => warnings.push(x));
        // IGNORE lives in ETHTOOL_WAKE_ON_LAN, not in this text.
        const wol = w['wake-on-lan'] === IGNORE ? WAKE_ON_LAN.DEFAULT : w['wake-on-lan'];
        expect(warnings).toEqual([]);
        expect(read).toEqual({
          wakeOnLan: wol,
          password: wired['wake-on-lan-password'],
          autoNegotiate: w['auto-negotiate'],
          speed: w.link?.[0] ?? 0,
          duplex: w.link?.[1],
          ethtool,
        });
      }),
      { numRuns: 500 },
    );
  });
});
