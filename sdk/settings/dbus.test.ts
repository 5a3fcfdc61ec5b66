import { Variant } from 'dbus-next';
import { describe, expect, it } from 'vitest';
import { connectionsEqual, fromDBus, ipv4ToLegacyUint32, toDBus, type ConnectionSettings } from './index.js';
import { PROFILES } from './test/profiles.js';

const u32 = (a: string) => ipv4ToLegacyUint32(a)!;
const v6 = (a: string) => {
  const out = new Uint8Array(16);
  if (a === '2001:db8::1') out.set([0x20, 0x01, 0x0d, 0xb8], 0), (out[15] = 1);
  if (a === '2001:db8::fe') out.set([0x20, 0x01, 0x0d, 0xb8], 0), (out[15] = 0xfe);
  return out;
};

describe('toDBus', () => {
  it('sends values with their signatures, 64-bit values as bigint, MACs as bytes', () => {
    const wire = toDBus({
      connection: { id: 'x', timestamp: 1700000000, 'autoconnect-priority': -5 },
      '802-3-ethernet': { 'mac-address': '00:11:22:33:44:55', mtu: 1500 },
      ipv4: { method: 'auto', 'route-metric': 100 },
    });
    expect(wire['connection']!['timestamp']).toEqual({ signature: 't', value: 1700000000n });
    expect(wire['connection']!['autoconnect-priority']).toEqual({ signature: 'i', value: -5 });
    expect(wire['802-3-ethernet']!['mac-address']).toEqual({ signature: 'ay', value: Uint8Array.from([0, 0x11, 0x22, 0x33, 0x44, 0x55]) });
    expect(wire['ipv4']!['route-metric']).toEqual({ signature: 'x', value: 100n });
  });

  it('sends legacy twins beside the new forms', () => {
    const wire = toDBus(PROFILES['ethernetStatic']!);
    const ipv4 = wire['ipv4']!;
    expect(ipv4['addresses']).toEqual({ signature: 'aau', value: [[u32('192.0.2.10'), 24, u32('192.0.2.1')]] });
    expect(ipv4['routes']).toEqual({ signature: 'aau', value: [[u32('198.51.100.0'), 24, u32('192.0.2.254'), 100]] });
    expect(ipv4['dns']).toEqual({ signature: 'au', value: [u32('192.0.2.53')] });
    expect(ipv4['dns-data']).toEqual({ signature: 'as', value: ['192.0.2.53'] });
    expect(ipv4['address-data']!.value).toEqual([{ address: { signature: 's', value: '192.0.2.10' }, prefix: { signature: 'u', value: 24 } }]);
    expect(ipv4['gateway']).toEqual({ signature: 's', value: '192.0.2.1' });
    expect(wire['ipv6']!['addresses']!.signature).toBe('a(ayuay)');
    const modern = toDBus(PROFILES['ethernetStatic']!, { legacy: false });
    expect(modern['ipv4']!['addresses']).toBeUndefined();
    expect(modern['ipv4']!['dns']).toBeUndefined();
    expect(modern['ipv4']!['dns-data']).toBeDefined();
  });

  it('sends cloned-mac-address as assigned-mac-address, and as bytes when it is an address', () => {
    const random = toDBus({ '802-3-ethernet': { 'cloned-mac-address': 'random' } })['802-3-ethernet']!;
    expect(random).toEqual({ 'assigned-mac-address': { signature: 's', value: 'random' } });
    const mac = toDBus({ '802-11-wireless': { 'cloned-mac-address': '02:00:00:00:00:01' } })['802-11-wireless']!;
    expect(mac['cloned-mac-address']).toEqual({ signature: 'ay', value: Uint8Array.from([2, 0, 0, 0, 0, 1]) });
    expect(mac['assigned-mac-address']).toEqual({ signature: 's', value: '02:00:00:00:00:01' });
  });

  it('leaves secrets out unless asked, and can send only secrets', () => {
    const plain = toDBus(PROFILES['wifiPsk']!);
    expect(plain['802-11-wireless-security']!['psk']).toBeUndefined();
    expect(plain['802-11-wireless-security']!['key-mgmt']).toBeDefined();
    expect(toDBus(PROFILES['vpn']!)['vpn']!['secrets']).toBeUndefined();
    expect(toDBus(PROFILES['wifiPsk']!, { withSecrets: true })['802-11-wireless-security']!['psk']).toEqual({ signature: 's', value: 'correct horse battery' });
    expect(toDBus(PROFILES['vpn']!, { onlySecrets: true })).toEqual({ vpn: { secrets: { signature: 'a{ss}', value: { password: 'pw' } } } });
    expect(toDBus(PROFILES['wifiEap']!, { onlySecrets: true })).toEqual({ '802-1x': { password: { signature: 's', value: 'secret' } } });
  });

  it('always sends vlan.flags, because a missing one means 0 on D-Bus', () => {
    expect(toDBus({ vlan: { id: 5, parent: 'eth0' } })['vlan']!['flags']).toEqual({ signature: 'u', value: 1 });
    expect(fromDBus({ vlan: { id: ['u', 5], parent: ['s', 'eth0'] } }).settings['vlan']!['flags']).toBe(0);
  });
});

describe('fromDBus', () => {
  it('reads dbus-next Variants, [signature, value] pairs and bare values', () => {
    const { settings, issues } = fromDBus({
      connection: { id: new Variant('s', 'a'), uuid: ['s', '00000000-0000-4000-8000-000000000001'], type: '802-3-ethernet', timestamp: new Variant('t', 5n) },
      '802-3-ethernet': { 'mac-address': new Variant('ay', Buffer.from([1, 2, 3, 4, 5, 6])), mtu: new Variant('u', 1400) },
    });
    expect(issues).toEqual([]);
    expect(settings).toEqual({
      connection: { id: 'a', uuid: '00000000-0000-4000-8000-000000000001', type: '802-3-ethernet', timestamp: 5 },
      '802-3-ethernet': { 'mac-address': '01:02:03:04:05:06', mtu: 1400 },
    });
  });

  it('reads legacy IPv4 addresses, routes and DNS, with the gateway from the first address', () => {
    const { settings, issues } = fromDBus({
      ipv4: {
        method: ['s', 'manual'],
        addresses: ['aau', [[u32('192.0.2.10'), 24, u32('192.0.2.1')], [u32('198.51.100.7'), 32, 0]]],
        'address-labels': ['as', ['', 'eth0:x']],
        routes: ['aau', [[u32('10.0.0.0'), 8, u32('192.0.2.254'), 0], [u32('10.1.0.0'), 16, 0, 20]]],
        dns: ['au', [u32('192.0.2.53')]],
      },
    });
    expect(issues).toEqual([]);
    expect(settings['ipv4']).toEqual({
      method: 'manual',
      'address-data': [{ address: '192.0.2.10', prefix: 24 }, { address: '198.51.100.7', prefix: 32, attributes: { label: 'eth0:x' } }],
      gateway: '192.0.2.1',
      'route-data': [{ dest: '10.0.0.0', prefix: 8, nextHop: '192.0.2.254' }, { dest: '10.1.0.0', prefix: 16, metric: 20 }],
      dns: ['192.0.2.53'],
    });
  });

  it('reads legacy IPv6 forms', () => {
    const { settings, issues } = fromDBus({
      ipv6: {
        method: ['s', 'manual'],
        addresses: ['a(ayuay)', [[v6('2001:db8::1'), 64, v6('2001:db8::fe')]]],
        routes: ['a(ayuayu)', [[v6('2001:db8::1'), 128, v6('::'), 5]]],
        dns: ['aay', [v6('2001:db8::fe')]],
      },
    });
    expect(issues).toEqual([]);
    expect(settings['ipv6']).toEqual({
      method: 'manual',
      'address-data': [{ address: '2001:db8::1', prefix: 64 }],
      gateway: '2001:db8::fe',
      'route-data': [{ dest: '2001:db8::1', prefix: 128, metric: 5 }],
      dns: ['2001:db8::fe'],
    });
  });

  it('lets the new form win over the legacy one, or the legacy one with preferLegacy', () => {
    const dict = {
      ipv4: {
        method: ['s', 'manual'],
        addresses: ['aau', [[u32('192.0.2.10'), 24, u32('192.0.2.1')]]],
        'address-data': ['aa{sv}', [{ address: ['s', '198.51.100.10'], prefix: ['u', 24] }]],
        gateway: ['s', '198.51.100.1'],
        dns: ['au', [u32('192.0.2.53')]],
        'dns-data': ['as', ['198.51.100.53']],
      },
      '802-3-ethernet': { 'cloned-mac-address': ['ay', [2, 0, 0, 0, 0, 2]], 'assigned-mac-address': ['s', 'stable'] },
    };
    const modern = fromDBus(dict);
    expect(modern.issues).toEqual([]);
    expect(modern.settings['ipv4']).toMatchObject({ 'address-data': [{ address: '198.51.100.10', prefix: 24 }], gateway: '198.51.100.1', dns: ['198.51.100.53'] });
    expect(modern.settings['802-3-ethernet']).toEqual({ 'cloned-mac-address': 'stable' });
    const legacy = fromDBus(dict, { preferLegacy: true });
    expect(legacy.settings['ipv4']).toMatchObject({ 'address-data': [{ address: '192.0.2.10', prefix: 24 }], gateway: '192.0.2.1', dns: ['192.0.2.53'] });
    expect(legacy.settings['802-3-ethernet']).toEqual({ 'cloned-mac-address': '02:00:00:00:00:02' });
  });

  it('takes connection.interface-name from the deprecated setting property when missing', () => {
    const { settings } = fromDBus({ connection: { id: ['s', 'b'] }, bond: { 'interface-name': ['s', 'bond7'], options: ['a{ss}', { mode: 'active-backup' }] } });
    expect(settings['connection']!['interface-name']).toBe('bond7');
    const both = fromDBus({ bond: { 'interface-name': ['s', 'old'] }, connection: { 'interface-name': ['s', 'new'] } });
    expect(both.settings['connection']!['interface-name']).toBe('new');
  });

  it('reports unknown settings and properties and wrong types as errors, and keeps the rest', () => {
    const { settings, issues } = fromDBus({
      connection: { id: ['s', 'x'], bogus: ['s', 'y'], autoconnect: ['s', 'yes'], mtu: 5 },
      nonsense: { a: ['s', 'b'] },
      vlan: { id: ['u', 70000000000n], flags: ['u', 1] },
    });
    expect(settings['connection']).toEqual({ id: 'x' });
    expect(issues.map((i) => [i.severity, i.message])).toEqual([
      ['error', "connection.bogus: unknown property"],
      ['error', "connection.autoconnect: can't set property of type 'b' from value of type 's'"],
      ['error', 'connection.mtu: unknown property'],
      ['error', 'nonsense: unknown setting name'],
      ['error', "vlan.id: can't set property of type 'u' from value 70000000000"],
    ]);
  });

  it('skips addresses and routes that do not read, as NetworkManager does', () => {
    const { settings, issues } = fromDBus({ ipv4: { 'address-data': ['aa{sv}', [{ address: ['s', 'nope'], prefix: ['u', 24] }, { address: ['s', '192.0.2.1'], prefix: ['u', 24] }]] } });
    expect(settings['ipv4']!['address-data']).toEqual([{ address: '192.0.2.1', prefix: 24 }]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.severity).toBe('normalizable');
    expect(issues[0]!.message).toMatch(/^ipv4\.address-data: ignoring invalid address 1/);
  });

  it('accepts the newer names connection.controller and port-type', () => {
    const { settings, issues } = fromDBus({ connection: { controller: ['s', 'br0'], 'port-type': ['s', 'bridge'] } });
    expect(issues).toEqual([]);
    expect(settings['connection']).toEqual({ master: 'br0', 'slave-type': 'bridge' });
  });

  it('round-trips every fixture profile', () => {
    for (const [name, p] of Object.entries(PROFILES)) {
      const back = fromDBus(toDBus(p, { withSecrets: true }));
      expect(back.issues, name).toEqual([]);
      expect(connectionsEqual(back.settings, p as ConnectionSettings), name).toBe(true);
    }
  });

  it('never throws on garbage', () => {
    for (const junk of [null, undefined, 1, 'x', [], [1, 2], { a: 1 }, { ipv4: [] }, { ipv4: { addresses: ['aau', 5] } }, { bond: { options: ['a{ss}', { mode: 1 }] } }]) {
      expect(() => fromDBus(junk)).not.toThrow();
    }
  });
});
