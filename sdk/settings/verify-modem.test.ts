/**
 * Verification and normalisation of the modem, PPP, Bluetooth, 802.15.4
 * and rarer Wi-Fi settings, as NetworkManager 1.42's verify functions
 * (nm-setting-gsm.c, -cdma.c, -ppp.c, -pppoe.c, -adsl.c, -bluetooth.c,
 * -wpan.c, -6lowpan.c, -wifi-p2p.c, -olpc-mesh.c, -wimax.c) and
 * nm_connection_normalize treat them.
 */
import { describe, expect, it } from 'vitest';
import { cloneSettings, normalizeConnection, verifyConnection, type ConnectionSettings, type IssueSeverity } from './index.js';

const ip = { ipv4: { method: 'auto' }, ipv6: { method: 'auto' }, proxy: {} };
const con = (type: string, extra: Record<string, unknown> = {}) => ({ id: type, uuid: '33333333-3333-4333-8333-333333333333', type, ...extra });

/** One valid, normalised profile per type. */
const VALID: Record<string, ConnectionSettings> = {
  pppoe: { connection: con('pppoe'), pppoe: { username: 'u', parent: 'eth0', password: 'p' }, ppp: { mru: 1400, 'lcp-echo-failure': 3, 'lcp-echo-interval': 10 }, ...ip },
  gsm: { connection: con('gsm'), gsm: { apn: 'internet.example-1_x', 'network-id': '26201', 'sim-operator-id': '310260', username: 'u' }, serial: { parity: 0x45 }, ...ip },
  cdma: { connection: con('cdma'), cdma: { number: '#777' }, ...ip },
  adsl: { connection: con('adsl'), adsl: { username: 'u', protocol: 'pppoe', encapsulation: 'llc' }, ...ip },
  panu: { connection: con('bluetooth'), bluetooth: { bdaddr: '00:11:22:33:44:55', type: 'panu' }, ...ip },
  dun: { connection: con('bluetooth'), gsm: { apn: 'internet' }, bluetooth: { bdaddr: '00:11:22:33:44:55', type: 'dun' }, ...ip },
  nap: { connection: con('bluetooth', { 'interface-name': 'pan0' }), '802-3-ethernet': {}, bridge: { stp: false }, bluetooth: { type: 'nap' }, ...ip },
  wpan: { connection: con('wpan'), wpan: { 'mac-address': '00:11:22:33:44:55:66:77', page: 0, channel: 26 } },
  lowpan: { connection: con('6lowpan'), '6lowpan': { parent: 'wpan0' }, ipv6: { method: 'auto' }, proxy: {} },
  p2p: { connection: con('wifi-p2p'), 'wifi-p2p': { peer: '00:11:22:33:44:55', 'wps-method': 8 }, ...ip },
  mesh: { connection: con('802-11-olpc-mesh'), '802-11-olpc-mesh': { ssid: Uint8Array.from([0x6f]), channel: 13 }, ...ip },
  wimax: { connection: con('wimax'), wimax: { 'network-name': 'NSP', 'mac-address': '00:11:22:33:44:55' }, ...ip },
};

describe('valid profiles of the modem, PPP, Bluetooth, 802.15.4 and rare Wi-Fi types', () => {
  it.each(Object.keys(VALID))('%s verifies without issues and is normalised', (name) => {
    expect(verifyConnection(VALID[name]!)).toEqual([]);
    expect(normalizeConnection(VALID[name]!)).toEqual(VALID[name]);
  });
});

type Mutate = (p: ConnectionSettings) => void;
const set = (setting: string, values: Record<string, unknown>): Mutate => (p) => void Object.assign((p[setting] ??= {}), values);
const unset = (setting: string, property: string): Mutate => (p) => void delete p[setting]![property];

/** [profile, change, severity, "setting.property", part of the message]. */
const CASES: Record<string, [string, Mutate, IssueSeverity, string, string]> = {
  'ppp mru below 128': ['pppoe', set('ppp', { mru: 100 }), 'error', 'ppp.mru', '100 is out of valid range <128-16384>'],
  'ppp lcp-echo-failure without interval': ['pppoe', set('ppp', { 'lcp-echo-interval': 0 }), 'error', 'ppp.lcp-echo-failure', "requires non-zero 'lcp-echo-interval'"],
  'pppoe username missing': ['pppoe', unset('pppoe', 'username'), 'error', 'pppoe.username', 'property is missing'],
  'pppoe username empty': ['pppoe', set('pppoe', { username: '' }), 'error', 'pppoe.username', 'property is empty'],
  'pppoe service empty': ['pppoe', set('pppoe', { service: '' }), 'error', 'pppoe.service', 'property is empty'],
  'pppoe parent invalid': ['pppoe', set('pppoe', { parent: 'eth/0' }), 'error', 'pppoe.parent', "'eth/0': interface name contains an invalid character"],
  'pppoe password empty': ['pppoe', set('pppoe', { password: '' }), 'error', 'pppoe.password', 'property is empty'],
  'gsm apn with a space': ['gsm', set('gsm', { apn: 'my apn' }), 'error', 'gsm.apn', "'my apn' contains invalid char(s) (use [A-Za-z._-])"],
  'gsm apn too long': ['gsm', set('gsm', { apn: 'a'.repeat(65) }), 'error', 'gsm.apn', 'is empty or too long (>64)'],
  'gsm apn with spaces around': ['gsm', set('gsm', { apn: ' internet ' }), 'normalizable', 'gsm.apn', "' internet ' is kept as 'internet'"],
  'gsm network-id length': ['gsm', set('gsm', { 'network-id': '1234' }), 'error', 'gsm.network-id', "'1234' length is invalid (should be 5 or 6 digits)"],
  'gsm network-id letters': ['gsm', set('gsm', { 'network-id': '2620a' }), 'error', 'gsm.network-id', "'2620a' is not a number"],
  'gsm sim-operator-id size': ['gsm', set('gsm', { 'sim-operator-id': '1234567' }), 'error', 'gsm.sim-operator-id', 'property is empty or wrong size'],
  'gsm sim-operator-id letters': ['gsm', set('gsm', { 'sim-operator-id': '31026x' }), 'error', 'gsm.sim-operator-id', 'property must contain only digits'],
  'gsm username empty': ['gsm', set('gsm', { username: '' }), 'error', 'gsm.username', 'property is empty'],
  'gsm number empty': ['gsm', set('gsm', { number: '' }), 'error', 'gsm.number', 'property is empty'],
  'gsm device-id empty': ['gsm', set('gsm', { 'device-id': '' }), 'error', 'gsm.device-id', 'property is empty'],
  'gsm sim-id empty': ['gsm', set('gsm', { 'sim-id': '' }), 'error', 'gsm.sim-id', 'property is empty'],
  'gsm auto-config with an apn': ['gsm', set('gsm', { 'auto-config': true }), 'normalizable-error', 'gsm.auto-config', "can't be enabled when manual configuration is present"],
  'serial parity not E, o or n': ['gsm', set('serial', { parity: 0x4e }), 'error', 'serial.parity', '78 is not one of 69, 110, 111'],
  'serial bits below 5': ['gsm', set('serial', { bits: 4 }), 'error', 'serial.bits', '4 is out of range 5..8'],
  'serial stopbits 3': ['gsm', set('serial', { stopbits: 3 }), 'error', 'serial.stopbits', '3 is out of range 1..2'],
  'cdma number missing': ['cdma', unset('cdma', 'number'), 'error', 'cdma.number', 'property is missing'],
  'cdma number empty': ['cdma', set('cdma', { number: '' }), 'error', 'cdma.number', 'property is empty'],
  'adsl username missing': ['adsl', unset('adsl', 'username'), 'error', 'adsl.username', 'property is missing'],
  'adsl protocol missing': ['adsl', unset('adsl', 'protocol'), 'error', 'adsl.protocol', '(null) is not a valid value'],
  'adsl protocol unknown': ['adsl', set('adsl', { protocol: 'atm' }), 'error', 'adsl.protocol', "'atm' is not a valid value"],
  'adsl protocol upper case': ['adsl', set('adsl', { protocol: 'PPPoE' }), 'normalizable', 'adsl.protocol', "'PPPoE' is kept as 'pppoe'"],
  'adsl encapsulation unknown': ['adsl', set('adsl', { encapsulation: 'aal5' }), 'error', 'adsl.encapsulation', "'aal5' is not a valid value"],
  'adsl vpi above 65536': ['adsl', set('adsl', { vpi: 65537 }), 'error', 'adsl.vpi', '65537 is out of range 0..65536'],
  'bluetooth bdaddr invalid': ['panu', set('bluetooth', { bdaddr: '00:11:22' }), 'error', 'bluetooth.bdaddr', "'00:11:22' is not a valid MAC address"],
  'bluetooth bdaddr missing for panu': ['panu', unset('bluetooth', 'bdaddr'), 'error', 'bluetooth.bdaddr', "property is missing (needed for type 'panu')"],
  'bluetooth type missing': ['panu', unset('bluetooth', 'type'), 'error', 'bluetooth.type', 'property is missing'],
  'bluetooth type unknown': ['panu', set('bluetooth', { type: 'hid' }), 'error', 'bluetooth.type', "'hid' is not one of dun, nap, panu"],
  'bluetooth dun without modem': ['panu', set('bluetooth', { type: 'dun' }), 'error', 'bluetooth.type', "'dun' connection requires 'gsm' or 'cdma' setting"],
  'bluetooth nap without bridge': ['nap', (p) => { delete p['bridge']; delete p['802-3-ethernet']; }, 'normalizable-error', 'bluetooth.type', "'nap' connection requires 'bridge' setting"],
  'bluetooth nap without interface name': ['nap', unset('connection', 'interface-name'), 'error', 'connection.interface-name', 'a Bluetooth NAP needs an interface name'],
  'bluetooth panu with a modem': ['panu', set('gsm', { apn: 'internet' }), 'normalizable', 'bluetooth.type', "'panu' becomes 'dun'"],
  'wpan address of 6 bytes': ['wpan', set('wpan', { 'mac-address': '00:11:22:33:44:55' }), 'error', 'wpan.mac-address', "'00:11:22:33:44:55' is not an IEEE 802.15.4 address"],
  'wpan address lower case': ['wpan', set('wpan', { 'mac-address': 'aa:11:22:33:44:55:66:77' }), 'normalizable', 'wpan.mac-address', "is kept as 'AA:11:22:33:44:55:66:77'"],
  'wpan page without channel': ['wpan', set('wpan', { channel: -1 }), 'error', 'wpan.page', 'page must be defined along with a channel'],
  'wpan page above 31': ['wpan', set('wpan', { page: 32 }), 'error', 'wpan.page', '32: page must be between -1 and 31'],
  'wpan channel above 26': ['wpan', set('wpan', { channel: 27 }), 'error', 'wpan.channel', '27: channel must be between -1 and 26'],
  'wpan pan-id above 16 bits': ['wpan', set('wpan', { 'pan-id': 0x10000 }), 'error', 'wpan.pan-id', '65536 is out of range 0..65535'],
  'wpan with ipv4': ['wpan', set('ipv4', { method: 'auto' }), 'normalizable-error', 'ipv4:', 'setting not allowed in a wpan connection'],
  '6lowpan parent missing': ['lowpan', unset('6lowpan', 'parent'), 'error', '6lowpan.parent', 'property is not specified'],
  '6lowpan parent invalid': ['lowpan', set('6lowpan', { parent: 'a/b' }), 'error', '6lowpan.parent', "'a/b' is neither an UUID nor an interface name"],
  '6lowpan with ipv4': ['lowpan', set('ipv4', { method: 'auto' }), 'normalizable-error', 'ipv4:', 'setting not allowed in a 6lowpan connection'],
  'wifi-p2p peer missing': ['p2p', unset('wifi-p2p', 'peer'), 'error', 'wifi-p2p.peer', 'property is missing'],
  'wifi-p2p peer invalid': ['p2p', set('wifi-p2p', { peer: 'peer' }), 'error', 'wifi-p2p.peer', "'peer' is not a MAC address"],
  'wifi-p2p wps disabled': ['p2p', set('wifi-p2p', { 'wps-method': 1 }), 'error', 'wifi-p2p.wps-method', '1: WPS is required'],
  'wifi-p2p wps disabled and enabled': ['p2p', set('wifi-p2p', { 'wps-method': 5 }), 'error', 'wifi-p2p.wps-method', "5: can't be simultaneously disabled and enabled"],
  'wifi-p2p wps unknown bit': ['p2p', set('wifi-p2p', { 'wps-method': 16 }), 'error', 'wifi-p2p.wps-method', '16: property is invalid'],
  'olpc-mesh ssid missing': ['mesh', unset('802-11-olpc-mesh', 'ssid'), 'error', '802-11-olpc-mesh.ssid', 'property is missing'],
  'olpc-mesh ssid too long': ['mesh', set('802-11-olpc-mesh', { ssid: new Uint8Array(33) }), 'error', '802-11-olpc-mesh.ssid', '33 bytes: SSID length is out of range <1-32> bytes'],
  'olpc-mesh channel 0': ['mesh', set('802-11-olpc-mesh', { channel: 0 }), 'error', '802-11-olpc-mesh.channel', "'0' is not a valid channel"],
  'olpc-mesh channel 14': ['mesh', set('802-11-olpc-mesh', { channel: 14 }), 'error', '802-11-olpc-mesh.channel', "'14' is not a valid channel"],
  'olpc-mesh anycast address invalid': ['mesh', set('802-11-olpc-mesh', { 'dhcp-anycast-address': 'xx' }), 'error', '802-11-olpc-mesh.dhcp-anycast-address', "'xx' is not a valid MAC address"],
  'wimax network-name missing': ['wimax', unset('wimax', 'network-name'), 'error', 'wimax.network-name', 'property is missing'],
  'wimax network-name empty': ['wimax', set('wimax', { 'network-name': '' }), 'error', 'wimax.network-name', 'property is empty'],
};

describe('verification', () => {
  it.each(Object.entries(CASES))('%s', (_name, [from, mutate, severity, where, says]) => {
    const profile = cloneSettings(VALID[from]!);
    mutate(profile);
    const issues = verifyConnection(profile);
    const issue = issues.find((i) => i.message.startsWith(where.endsWith(':') ? where : `${where}:`) && i.message.includes(says));
    expect(issue, `no issue "${where}: …${says}…" among ${JSON.stringify(issues.map((i) => i.message))}`).toBeDefined();
    expect(issue!.severity).toBe(severity);
  });
});

describe('normalisation', () => {
  it('gives a Bluetooth NAP its bridge (without STP) and the bridge its ethernet setting', () => {
    const p = cloneSettings(VALID['nap']!);
    delete p['bridge'];
    delete p['802-3-ethernet'];
    expect(normalizeConnection(p)).toEqual(VALID['nap']);
  });

  it('turns gsm.auto-config off when an APN, user name or password is set', () => {
    const p = cloneSettings(VALID['gsm']!);
    p['gsm']!['auto-config'] = true;
    const n = normalizeConnection(p);
    expect(n['gsm']!['auto-config']).toBe(false);
    expect(verifyConnection(n)).toEqual([]);
  });

  it('sets the Bluetooth type the other settings imply, as NetworkManager 1.42 does', () => {
    const p = cloneSettings(VALID['panu']!);
    p['cdma'] = { number: '#777' };
    expect(normalizeConnection(p)['bluetooth']).toEqual({ bdaddr: '00:11:22:33:44:55', type: 'dun' });
  });

  it('removes ipv4 (and for wpan ipv6 and proxy) where the type has none, and adds only what it has', () => {
    expect(normalizeConnection({ ...cloneSettings(VALID['wpan']!), ...ip })).toEqual(VALID['wpan']);
    expect(normalizeConnection({ ...cloneSettings(VALID['lowpan']!), ipv4: { method: 'auto' } })).toEqual(VALID['lowpan']);
    const bare = cloneSettings(VALID['lowpan']!);
    delete bare['ipv6'];
    delete bare['proxy'];
    expect(normalizeConnection(bare)).toEqual(VALID['lowpan']);
  });

  it('keeps strings in the form NetworkManager keeps them', () => {
    const p = cloneSettings(VALID['adsl']!);
    Object.assign(p['adsl']!, { protocol: 'PPPoE', encapsulation: 'LLC' });
    const g = cloneSettings(VALID['gsm']!);
    Object.assign(g['gsm']!, { apn: '\tinternet.example-1_x ', 'network-id': ' 26201' });
    const w = cloneSettings(VALID['wpan']!);
    w['wpan']!['mac-address'] = '00-11-22-33-44-55-66-77';
    expect(normalizeConnection(p)).toEqual(VALID['adsl']);
    expect(normalizeConnection(g)).toEqual(VALID['gsm']);
    expect(normalizeConnection(w)).toEqual(VALID['wpan']);
  });
});
