/**
 * Profiles of the types NetworkManager 1.42 has beyond Ethernet, Wi-Fi and
 * the software links: pppoe (with ppp), gsm and cdma (with serial and ppp),
 * adsl, bluetooth (panu, dun, nap), wpan, 6lowpan, wifi-p2p, olpc-mesh and
 * wimax. Each file in fixtures/corpus-b/ was printed by
 * `nmcli --offline connection add type X ...` of NetworkManager 1.42.4
 * (wimax, which nmcli can no longer create, by `connection modify` of a
 * hand-written file), and together they set every property of those
 * settings. nmk must read each to the values written here by hand, write it
 * back byte for byte, and carry it through toDBus/fromDBus unchanged.
 * Broken variants must be refused by nmk and by NetworkManager itself
 * (nmcli --offline, from Debian's network-manager package) alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromDBus, NmkError, settingDefinition, toDBus, type ConnectionSettings } from '../../../sdk/index.js';
import { parseProfile, serializeProfile } from '../profile-codec.js';
import { nmcliOffline } from './support.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures/corpus-b');

const uuid = (n: number) => `22222222-2222-4222-8222-2222222222${String(n).padStart(2, '0')}`;
const bytes = (...b: number[]) => Uint8Array.from(b);
const ip = { ipv4: { method: 'auto' }, ipv6: { method: 'auto', 'addr-gen-mode': 3 }, proxy: {} };

/** What nmk must read from each fixture. */
const EXPECTED: Record<string, ConnectionSettings> = {
  'pppoe-full': {
    connection: { id: 'pppoe-full', uuid: uuid(1), type: 'pppoe', 'interface-name': 'ppp0' },
    '802-3-ethernet': {},
    ppp: {
      baud: 115200, crtscts: true, 'lcp-echo-failure': 5, 'lcp-echo-interval': 30, 'mppe-stateful': true, mru: 1400, mtu: 1492,
      'no-vj-comp': true, noauth: false, nobsdcomp: true, nodeflate: true, 'refuse-chap': true, 'refuse-eap': true,
      'refuse-mschap': true, 'refuse-mschapv2': true, 'refuse-pap': true, 'require-mppe': true, 'require-mppe-128': true,
    },
    pppoe: { parent: 'eth0', password: 'se;cret', service: 'isp svc', username: 'user1' },
    ...ip,
  },
  // The password was given with flags 2 (not saved): NetworkManager leaves it out of the file.
  'pppoe-min': { connection: { id: 'pppoe-min', uuid: uuid(2), type: 'pppoe' }, '802-3-ethernet': {}, pppoe: { 'password-flags': 2, username: 'u2' }, ...ip },
  'gsm-full': {
    connection: { id: 'gsm-full', uuid: uuid(3), type: 'gsm', 'interface-name': 'cdc-wdm0' },
    gsm: {
      apn: 'internet.example_1', 'device-id': 'dev 1', 'home-only': true, mtu: 1430, 'network-id': '26201', number: '*99#',
      password: 'pw', pin: '1234', 'sim-id': '8949', 'sim-operator-id': '310260', username: 'guser',
    },
    serial: { baud: 115200, bits: 7, parity: 0x45, 'send-delay': 500, stopbits: 2 },
    ppp: { 'lcp-echo-interval': 10 },
    ...ip,
  },
  'gsm-auto': {
    connection: { id: 'gsm-auto', uuid: uuid(4), type: 'gsm' },
    gsm: { 'auto-config': true, 'password-flags': 1, 'pin-flags': 4 },
    serial: { parity: 0x6f },
    ...ip,
  },
  'cdma-full': {
    connection: { id: 'cdma-full', uuid: uuid(5), type: 'cdma' },
    cdma: { mtu: 1200, number: '#777', password: 'cpw', username: 'cuser' },
    serial: { baud: 9600 },
    ...ip,
  },
  'adsl-full': {
    connection: { id: 'adsl-full', uuid: uuid(6), type: 'adsl', 'interface-name': 'nas0' },
    adsl: { encapsulation: 'vcmux', password: 'apw', protocol: 'pppoa', username: 'auser', vci: 35, vpi: 8 },
    ...ip,
  },
  'adsl-ipoatm': {
    connection: { id: 'adsl-ipoatm', uuid: uuid(7), type: 'adsl' },
    adsl: { encapsulation: 'llc', 'password-flags': 1, protocol: 'ipoatm', username: 'a2' },
    ...ip,
  },
  'bt-panu': { connection: { id: 'bt-panu', uuid: uuid(8), type: 'bluetooth' }, bluetooth: { bdaddr: '00:1A:7D:DA:71:13', type: 'panu' }, ...ip },
  'bt-dun': {
    connection: { id: 'bt-dun', uuid: uuid(9), type: 'bluetooth' },
    gsm: { apn: 'internet' },
    bluetooth: { bdaddr: '00:1A:7D:DA:71:14', type: 'dun' },
    ...ip,
  },
  // NAP: normalisation added the bridge (without STP) and, for the bridge, the ethernet setting.
  'bt-nap': {
    connection: { id: 'bt-nap', uuid: uuid(10), type: 'bluetooth', 'interface-name': 'pan1' },
    '802-3-ethernet': {},
    bridge: { stp: false },
    bluetooth: { type: 'nap' },
    ...ip,
  },
  'bt-cdma': {
    connection: { id: 'bt-cdma', uuid: uuid(11), type: 'bluetooth' },
    cdma: { number: '#777', 'password-flags': 1, username: 'cu' },
    bluetooth: { bdaddr: '00:1A:7D:DA:71:15', type: 'dun' },
    ...ip,
  },
  // A WPAN device carries no IP settings at all.
  'wpan-full': {
    connection: { id: 'wpan-full', uuid: uuid(12), type: 'wpan', 'interface-name': 'wpan0' },
    wpan: { channel: 11, 'mac-address': '0A:1B:22:33:44:55:66:7F', page: 0, 'pan-id': 0xabcd, 'short-address': 0x1234 },
  },
  // 6LoWPAN is IPv6 only.
  lowpan: {
    connection: { id: 'lowpan', uuid: uuid(13), type: '6lowpan', 'interface-name': 'lowpan0' },
    '6lowpan': { parent: 'wpan0' },
    ipv6: ip.ipv6,
    proxy: {},
  },
  p2p: {
    connection: { id: 'p2p', uuid: uuid(14), type: 'wifi-p2p' },
    'wifi-p2p': { peer: '00:11:22:33:44:55', 'wfd-ies': bytes(0, 0, 6, 0, 17, 16, 0, 28, 0, 50), 'wps-method': 4 },
    ...ip,
  },
  // The mesh SSID is written as a byte list even when it is printable (unlike a Wi-Fi SSID).
  mesh: {
    connection: { id: 'mesh', uuid: uuid(15), type: '802-11-olpc-mesh' },
    '802-11-olpc-mesh': { channel: 6, 'dhcp-anycast-address': 'C0:27:C0:27:C0:27', ssid: bytes(...Buffer.from('olpc;mesh')) },
    ...ip,
  },
  wimax: {
    connection: { id: 'wimax', uuid: uuid(16), type: 'wimax', autoconnect: false },
    wimax: { 'mac-address': '00:1D:E1:00:00:01', 'network-name': 'Example NSP' },
    ...ip,
  },
};

const read = (name: string) => fs.readFileSync(path.join(FIXTURES, `${name}.nmconnection`), 'utf8');

describe('keyfiles of NetworkManager 1.42 for modem, PPP, Bluetooth, 802.15.4 and rare Wi-Fi types', () => {
  it('the fixtures are exactly the cases of the table', () => {
    const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.nmconnection')).map((f) => f.slice(0, -'.nmconnection'.length));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('together they set every property of the settings they cover', () => {
    const covered = ['ppp', 'pppoe', 'gsm', 'cdma', 'serial', 'adsl', 'bluetooth', 'wpan', '6lowpan', 'wifi-p2p', '802-11-olpc-mesh', 'wimax'];
    const unset = covered.flatMap((s) =>
      settingDefinition(s)!.properties.filter((p) => !Object.values(EXPECTED).some((c) => c[s]?.[p.name] !== undefined)).map((p) => `${s}.${p.name}`),
    );
    expect(unset).toEqual([]);
  });

  it.each(Object.keys(EXPECTED))('%s: read to the expected values', (name) => {
    const parsed = parseProfile(read(name), `${name}.nmconnection`);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.settings).toEqual(EXPECTED[name]);
  });

  it.each(Object.keys(EXPECTED))('%s: written back byte for byte', (name) => {
    expect(serializeProfile(EXPECTED[name]!)).toBe(read(name));
  });

  it.each(Object.keys(EXPECTED))('%s: unchanged through toDBus and fromDBus', (name) => {
    const settings = EXPECTED[name]!;
    for (const legacy of [true, false]) {
      const back = fromDBus(toDBus(settings, { withSecrets: true, legacy }));
      expect(back.issues).toEqual([]);
      expect(back.settings).toEqual(settings);
    }
  });

  it('sends the D-Bus types NetworkManager does', () => {
    const gsm = toDBus(EXPECTED['gsm-full']!, { withSecrets: true });
    expect(gsm['serial']!['parity']).toEqual({ signature: 'y', value: 0x45 });
    expect(gsm['serial']!['send-delay']).toEqual({ signature: 't', value: 500n });
    expect(gsm['gsm']!['pin']).toEqual({ signature: 's', value: '1234' });
    // Secrets only when asked for.
    expect(toDBus(EXPECTED['gsm-full']!)['gsm']!['pin']).toBeUndefined();
    expect(toDBus(EXPECTED['bt-panu']!)['bluetooth']!['bdaddr']).toEqual({ signature: 'ay', value: bytes(0x00, 0x1a, 0x7d, 0xda, 0x71, 0x13) });
    expect(toDBus(EXPECTED['wpan-full']!)['wpan']!['mac-address']).toEqual({ signature: 's', value: '0A:1B:22:33:44:55:66:7F' });
  });
});

/** A gsm profile with one [serial] parity= line. */
const withParity = (text: string) =>
  `[connection]\nid=p\nuuid=${uuid(40)}\ntype=gsm\n\n[gsm]\napn=internet\n\n[serial]\nparity=${text}\n\n[ipv4]\nmethod=auto\n\n[ipv6]\naddr-gen-mode=default\nmethod=auto\n\n[proxy]\n`;

describe('values NetworkManager reads in more than one form', () => {
  it.each([
    ['1', 0x45], ['2', 0x6f], ['0', 0x6e], ['E', 0x45], ['e', 0x45], ['o', 0x6f], ['O', 0x6f], ['n', 0x6e], ['N', 0x6e],
    ['69', 0x45], ['101', 0x45], ['111', 0x6f], ['79', 0x6f], ['110', 0x6e], ['78', 0x6e], ['0x45', 0x45],
  ])('serial parity=%s reads as %d', (text, value) => {
    const parsed = parseProfile(withParity(text), 'p.nmconnection');
    expect(parsed.settings['serial']).toEqual({ parity: value });
  });

  it('writes parity as NetworkManager does: its enum number, none left out', () => {
    expect(serializeProfile(parseProfile(withParity('E'), 'p.nmconnection').settings)).toBe(withParity('1'));
    expect(serializeProfile(parseProfile(withParity('o'), 'p.nmconnection').settings)).toContain('[serial]\nparity=2\n');
    expect(serializeProfile(parseProfile(withParity('n'), 'p.nmconnection').settings)).toContain('[serial]\n\n');
  });

  it.each(['3', 'x', 'even', '-1', '65605'])('refuses parity=%s, naming the file, line and key', (text) => {
    let error: unknown;
    try {
      parseProfile(withParity(text), 'p.nmconnection');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NmkError);
    expect((error as NmkError).message).toContain(`invalid parity value '${text}'`);
    expect((error as NmkError).origin).toMatchObject({ file: 'p.nmconnection', line: 10, key: 'serial.parity' });
  });

  it('keeps what NetworkManager canonicalises when it is set: stripped APN, lower-case ADSL words, upper-case WPAN address', () => {
    const gsm = parseProfile(withParity('1').replace('apn=internet', 'apn=\\sinternet\\t'), 'p.nmconnection');
    expect(gsm.settings['gsm']!['apn']).toBe('internet');
    const adsl = parseProfile(read('adsl-full').replace('protocol=pppoa', 'protocol=PPPoA').replace('encapsulation=vcmux', 'encapsulation=VCMux'), 'a.nmconnection');
    expect(adsl.settings['adsl']).toMatchObject({ protocol: 'pppoa', encapsulation: 'vcmux' });
    expect(serializeProfile(adsl.settings)).toBe(read('adsl-full'));
    const wpan = parseProfile(read('wpan-full').replace('0A:1B:22:33:44:55:66:7F', '0a-1b-22-33-44-55-66-7f'), 'w.nmconnection');
    expect(serializeProfile(wpan.settings)).toBe(read('wpan-full'));
  });

  it.each([
    ['gsm-full', 'apn=internet.example_1', 'apn=inter net', 'gsm.apn', "'inter net' contains invalid char(s)"],
    ['gsm-full', 'network-id=26201', 'network-id=2620', 'gsm.network-id', "'2620' length is invalid"],
    ['pppoe-full', 'username=user1', 'username=', 'pppoe.username', 'property is empty'],
    ['bt-panu', 'type=panu', 'type=pan', 'bluetooth.type', "'pan' is not one of dun, nap, panu"],
    ['wpan-full', 'page=0', 'page=-1', 'wpan.page', 'page must be defined along with a channel'],
    ['p2p', 'peer=00:11:22:33:44:55', 'peer=00:11:22:33:44', 'wifi-p2p.peer', 'is not a MAC address'],
    ['mesh', 'channel=6', 'channel=14', '802-11-olpc-mesh.channel', "'14' is not a valid channel"],
    ['adsl-full', 'protocol=pppoa', 'protocol=atm', 'adsl.protocol', "'atm' is not a valid value"],
  ])('%s with %s → %s is refused naming %s, by nmk and by NetworkManager', async (name, from, to, key, reason) => {
    const text = read(name);
    expect(text).toContain(from);
    const broken = text.replace(from, to);
    let error: unknown;
    try {
      parseProfile(broken, `${name}.nmconnection`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NmkError);
    expect((error as NmkError).message).toContain(reason);
    expect((error as NmkError).origin.key).toBe(key);
    // NetworkManager's own verification refuses the same file for the same property.
    await expect(nmcliOffline(['connection', 'modify'], broken)).rejects.toThrow(`Error writing connection: ${key}: `);
  });
});
