/**
 * The helpers settings plugins share for reading distribution formats:
 * NetworkManager's string-derived UUIDs (checked against the vectors of
 * NetworkManager's own test-general.c), the text value parsers, bond option
 * words, interface drafts and the read-profile normalisation.
 */
import { describe, expect, it } from 'vitest';
import {
  BadValue,
  bondOption,
  emptyIpDraft,
  interfaceDraftSettings,
  normalizeReadProfile,
  parseBondOptionWords,
  parseCidrValue,
  parseDomainValue,
  parseIfnameValue,
  parseIpValue,
  parseMacValue,
  parseNetmaskValue,
  parseUintValue,
  uuidFromString,
  type InterfaceDraft,
} from '../index.js';

const NS_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

/** NetworkManager's vectors for NM_UUID_TYPE_LEGACY: text → UUID. */
const LEGACY_VECTORS: ReadonlyArray<readonly [string, string]> = [
  ['', 'd41d8cd9-8f00-b204-e980-0998ecf8427e'],
  ['a\0b', '70350f60-27bc-e371-3f6b-76473084309b'],
  ['/etc/NetworkManager/system-connections/em1', '59c0547b-7fe2-1c15-2cce-e328e8bf6742'],
];

/** NetworkManager's vectors for NM_UUID_TYPE_VERSION3: text, namespace → UUID. */
const VERSION3_VECTORS: ReadonlyArray<readonly [string, string, string]> = [
  ['a\0b', '00000000-0000-0000-0000-000000000000', '8156568e-4ae6-3f34-a93e-18e2c6cbbf78'],
  ['test', NS_DNS, '45a113ac-c7f2-30b0-90a5-a399ab912716'],
  ['test123', NS_DNS.toUpperCase(), '9a75f5f2-195e-31a9-9d07-8c18b5d3b285'],
];

describe('uuidFromString (nm_uuid_generate_from_string)', () => {
  it("gives NetworkManager's legacy and version-3 UUIDs", () => {
    for (const [text, uuid] of LEGACY_VECTORS) expect(uuidFromString(text), JSON.stringify(text)).toBe(uuid);
    for (const [text, namespace, uuid] of VERSION3_VECTORS) expect(uuidFromString(text, namespace), JSON.stringify(text)).toBe(uuid);
  });

  it('hashes the text as UTF-8 and refuses a namespace that is not a UUID', () => {
    expect(uuidFromString('café')).toBe('07117fe4-a1eb-d544-965d-c19573183da2');
    expect(() => uuidFromString('x', 'not-a-uuid')).toThrow(RangeError);
  });
});

describe('text value parsers', () => {
  it('return canonical values', () => {
    expect(parseUintValue('0042', 0, 100)).toBe(42);
    expect(parseMacValue('52:54:00:ab:cd:ef')).toBe('52:54:00:AB:CD:EF');
    expect(parseIfnameValue('eth0.5')).toBe('eth0.5');
    expect(parseIpValue('2001:DB8:0:0::1', 6)).toBe('2001:db8::1');
    expect(parseNetmaskValue('255.255.255.0', 4)).toBe(24);
    expect(parseNetmaskValue('64', 6)).toBe(64);
    expect(parseCidrValue('192.0.2.1/24', 4)).toEqual({ address: '192.0.2.1', prefix: 24 });
    expect(parseCidrValue('192.0.2.1', 4)).toEqual({ address: '192.0.2.1' });
    expect(parseDomainValue('~example.com.')).toBe('~example.com.');
  });

  it.each<[() => unknown, string]>([
    [() => parseUintValue('-1', 0, 9, 'MTU'), "invalid MTU '-1': expected a whole number"],
    [() => parseUintValue('10', 0, 9), "invalid value '10': expected 0 to 9"],
    [() => parseMacValue('52:54:00'), "invalid MAC address '52:54:00'"],
    [() => parseIfnameValue('a/b'), "invalid interface name 'a/b': interface name contains an invalid character"],
    [() => parseIpValue('192.0.2.300', 4), "invalid IPv4 address '192.0.2.300'"],
    [() => parseNetmaskValue('255.0.255.0', 4), "invalid netmask '255.0.255.0': the bits are not contiguous"],
    [() => parseCidrValue('192.0.2.1/33', 4), "invalid prefix length '33': expected 0 to 32"],
    [() => parseDomainValue('a b'), "invalid DNS domain 'a b'"],
  ])('throw BadValue with the reason (%#)', (parse, reason) => {
    expect(parse).toThrow(BadValue);
    expect(parse).toThrow(reason);
  });
});

describe('parseBondOptionWords', () => {
  it('stores choices by name, IP lists comma-separated and other values as given', () => {
    expect(parseBondOptionWords(bondOption('mode')!, ['4'])).toBe('802.3ad');
    expect(parseBondOptionWords(bondOption('xmit_hash_policy')!, ['layer3+4'])).toBe('layer3+4');
    expect(parseBondOptionWords(bondOption('arp_ip_target')!, ['192.0.2.1', '192.0.2.2'])).toBe('192.0.2.1,192.0.2.2');
    expect(parseBondOptionWords(bondOption('miimon')!, ['100'])).toBe('100');
    expect(parseBondOptionWords(bondOption('ad_actor_system')!, ['0:1:2:3:4:5'])).toBe('0:1:2:3:4:5');
    expect(parseBondOptionWords(bondOption('primary')!, ['eth0'])).toBe('eth0');
  });

  it('refuses values outside the row', () => {
    expect(() => parseBondOptionWords(bondOption('miimon')!, ['often'])).toThrow("invalid miimon 'often': expected a whole number");
    expect(() => parseBondOptionWords(bondOption('lacp_rate')!, ['2'])).toThrow("invalid lacp_rate '2': expected one of slow, fast");
    expect(() => parseBondOptionWords(bondOption('ad_actor_system')!, ['nope'])).toThrow(BadValue);
    expect(() => parseBondOptionWords(bondOption('arp_ip_target')!, ['2001:db8::1'])).toThrow("invalid IPv4 address '2001:db8::1'");
  });
});

describe('interfaceDraftSettings', () => {
  const base = (over: Partial<InterfaceDraft>): InterfaceDraft => ({ name: 'eth0', kind: 'ethernet', autoconnect: true, ipv4: emptyIpDraft('auto'), ipv6: emptyIpDraft('ignore'), ...over });

  it('gives connection, ethernet and IP settings with only what the draft holds', () => {
    const ipv4 = { ...emptyIpDraft('manual'), addresses: [{ address: '192.0.2.1', prefix: 24 }], gateway: '192.0.2.254', metric: 50 };
    expect(interfaceDraftSettings(base({ ipv4, mtu: 9000 }), { id: 'lan', uuid: 'u' })).toEqual({
      connection: { id: 'lan', uuid: 'u', type: '802-3-ethernet', 'interface-name': 'eth0', autoconnect: true },
      '802-3-ethernet': { mtu: 9000 },
      ipv4: { method: 'manual', 'address-data': [{ address: '192.0.2.1', prefix: 24 }], gateway: '192.0.2.254', 'route-metric': 50 },
      ipv6: { method: 'ignore' },
    });
  });

  it('gives a port its controller and no IP settings, and a bridge port its options', () => {
    const s = interfaceDraftSettings(base({ controller: { name: 'br0', kind: 'bridge' }, bridgePort: { priority: 10 } }), { id: 'p', uuid: 'u' });
    expect(s.connection).toMatchObject({ master: 'br0', 'slave-type': 'bridge' });
    expect(s.ipv4).toBeUndefined();
    expect(s['bridge-port']).toEqual({ priority: 10 });
  });

  it('gives bonds, bridges and VLANs their own setting, without an empty ethernet one', () => {
    expect(interfaceDraftSettings(base({ kind: 'bond', bondOptions: { mode: 'active-backup' } }), { id: 'b', uuid: 'u' })).toMatchObject({ connection: { type: 'bond' }, bond: { options: { mode: 'active-backup' } } });
    expect(interfaceDraftSettings(base({ kind: 'vlan', vlan: { id: 5, parent: 'eth0' } }), { id: 'v', uuid: 'u' })['802-3-ethernet']).toBeUndefined();
    expect(interfaceDraftSettings(base({ kind: 'bridge' }), { id: 'br', uuid: 'u' }).bridge).toEqual({});
  });
});

describe('normalizeReadProfile', () => {
  const uuid = '0b3b1a4e-1d3e-4a7e-9a7c-2f2d3c4b5a6f';

  it('normalises a profile the model accepts', () => {
    const done = normalizeReadProfile({ connection: { id: 'x', uuid, type: '802-3-ethernet', 'interface-name': 'eth0' }, ipv4: { method: 'auto' } });
    expect('settings' in done && done.settings.ipv6?.method).toBe('auto');
  });

  it('gives the problem with a profile normalisation cannot fix', () => {
    const done = normalizeReadProfile({ connection: { id: 'x', uuid, type: 'vlan', 'interface-name': 'v' }, vlan: { id: 5000, parent: 'eth0' } });
    expect(done).toEqual({ problem: expect.stringContaining('vlan.id') });
  });
});
