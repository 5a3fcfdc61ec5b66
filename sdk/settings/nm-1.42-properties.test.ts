/**
 * The model against NetworkManager 1.42's own list of properties
 * (test/nm-1.42-properties.txt, taken from `man 5 nm-settings-dbus`): every
 * property NetworkManager has must be a row of the registry with the same
 * D-Bus signature, or one of the few D-Bus-only forms the dbus/ layer
 * handles beside a row (legacy twins and deprecated aliases).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromDBus, propertyDefinition, settingDefinition, toDBus, type ConnectionSettings } from './index.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test', 'nm-1.42-properties.txt');

interface NmProperty {
  setting: string;
  property: string;
  signature: string;
}

function readFixture(): NmProperty[] {
  return fs
    .readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [key, signature] = line.trim().split(/\s+/);
      const dot = key!.indexOf('.');
      return { setting: key!.slice(0, dot), property: key!.slice(dot + 1), signature: signature! };
    });
}

/**
 * Properties that exist on D-Bus only: the legacy form of a model property
 * (sent beside it for old clients) or a deprecated alias NetworkManager
 * still accepts. The value is what the model holds instead.
 */
const DBUS_ONLY: Readonly<Record<string, string>> = {
  'ipv4.addresses': 'ipv4.address-data (and gateway)',
  'ipv4.routes': 'ipv4.route-data',
  'ipv4.dns-data': 'ipv4.dns',
  'ipv6.addresses': 'ipv6.address-data (and gateway)',
  'ipv6.routes': 'ipv6.route-data',
  'ipv6.dns-data': 'ipv6.dns',
  '802-3-ethernet.assigned-mac-address': '802-3-ethernet.cloned-mac-address',
  '802-11-wireless.assigned-mac-address': '802-11-wireless.cloned-mac-address',
  '802-11-wireless.security': 'nothing: sent when 802-11-wireless-security is present, ignored when received',
  'bond.interface-name': 'connection.interface-name',
  'bridge.interface-name': 'connection.interface-name',
  'team.interface-name': 'connection.interface-name',
  'vlan.interface-name': 'connection.interface-name',
};

/** The D-Bus-only forms toDBus sends, from a profile that fills their model properties. */
const SENDS_TWINS: ConnectionSettings = {
  ipv4: {
    method: 'manual',
    'address-data': [{ address: '192.0.2.1', prefix: 24 }],
    'route-data': [{ dest: '10.0.0.0', prefix: 8 }],
    dns: ['192.0.2.53'],
  },
  ipv6: {
    method: 'manual',
    'address-data': [{ address: '2001:db8::1', prefix: 64 }],
    'route-data': [{ dest: '2001:db8:1::', prefix: 48 }],
    dns: ['2001:db8::53'],
  },
  '802-3-ethernet': { 'cloned-mac-address': 'stable' },
  '802-11-wireless': { 'cloned-mac-address': 'random' },
  '802-11-wireless-security': { 'key-mgmt': 'wpa-psk' },
};

/** A value of a D-Bus-only signature that fromDBus must take without complaint. */
const SAMPLE_BY_SIGNATURE: Readonly<Record<string, unknown>> = { s: 'x', as: [], aau: [], 'a(ayuay)': [], 'a(ayuayu)': [] };

/** Settings nm-settings-dbus(5) lists with no property (ethtool's options are D-Bus keys it does not list). */
const SETTINGS_WITHOUT_PROPERTIES = ['dummy', 'ethtool', 'generic'];

const NM = readFixture();

describe('NetworkManager 1.42 properties', () => {
  it('the fixture holds the whole list', () => {
    // 459 properties in 51 settings of nm-settings-dbus(5), NetworkManager 1.42.4; 3 more settings have none.
    expect(NM).toHaveLength(459);
    expect(new Set(NM.map((p) => p.setting)).size).toBe(51);
  });

  it('every setting is in the registry, those without D-Bus properties too', () => {
    const missing = [...new Set(NM.map((p) => p.setting)), ...SETTINGS_WITHOUT_PROPERTIES].filter((s) => settingDefinition(s)?.name !== s);
    expect(missing, `settings of NetworkManager 1.42 the registry lacks: ${missing.join(', ')}`).toEqual([]);
  });

  it('every one is in the registry with the same D-Bus signature (or is a D-Bus-only form)', () => {
    const missing = NM.filter((p) => !propertyDefinition(p.setting, p.property) && !DBUS_ONLY[`${p.setting}.${p.property}`]).map(
      (p) => `${p.setting}.${p.property} ${p.signature}`,
    );
    const wrong = NM.flatMap((p) => {
      const row = propertyDefinition(p.setting, p.property);
      return row && row.dbus !== p.signature ? [`${p.setting}.${p.property}: NetworkManager ${p.signature}, registry ${row.dbus}`] : [];
    });
    expect(missing, `properties of NetworkManager 1.42 the registry lacks:\n${missing.join('\n')}`).toEqual([]);
    expect(wrong, `properties whose D-Bus signature differs:\n${wrong.join('\n')}`).toEqual([]);
  });

  it('the D-Bus-only forms are not rows, and the dbus layer sends or accepts them with their signature', () => {
    const sent = toDBus(SENDS_TWINS);
    for (const p of NM.filter((q) => DBUS_ONLY[`${q.setting}.${q.property}`])) {
      const where = `${p.setting}.${p.property}`;
      expect(propertyDefinition(p.setting, p.property), where).toBeUndefined();
      const wire = sent[p.setting]?.[p.property];
      if (wire) expect(wire.signature, where).toBe(p.signature);
      const back = fromDBus({ connection: { id: 'x' }, [p.setting]: { [p.property]: { signature: p.signature, value: SAMPLE_BY_SIGNATURE[p.signature] } } });
      expect(back.issues.filter((i) => i.property === p.property), where).toEqual([]);
    }
    // The legacy twins are really sent (not only accepted).
    for (const key of ['ipv4.addresses', 'ipv4.routes', 'ipv4.dns-data', 'ipv6.addresses', 'ipv6.routes', 'ipv6.dns-data', '802-3-ethernet.assigned-mac-address', '802-11-wireless.assigned-mac-address', '802-11-wireless.security']) {
      const [setting, property] = key.split('.') as [string, string];
      expect(sent[setting]?.[property], key).toBeDefined();
    }
    expect(sent['802-11-wireless']!['security']).toEqual({ signature: 's', value: '802-11-wireless-security' });
  });

  it('accepts and ignores the deprecated gsm options NetworkManager 1.42 still takes (allowed-bands, network-type)', () => {
    const back = fromDBus({
      connection: { id: 'g', uuid: '44444444-4444-4444-8444-444444444444', type: 'gsm' },
      gsm: { apn: 'internet', 'allowed-bands': { signature: 'u', value: 1 }, 'network-type': { signature: 'i', value: -1 } },
    });
    expect(back.issues).toEqual([]);
    expect(back.settings['gsm']).toEqual({ apn: 'internet' });
  });
});
