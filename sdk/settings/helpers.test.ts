import { describe, expect, it } from 'vitest';
import {
  BOND_OPTIONS,
  BOND_MODES,
  bondChoiceIndex,
  bondModeFromString,
  bondOption,
  formatBridgeVlan,
  formatIp,
  formatLinkWatcher,
  formatMac,
  formatRoutingRule,
  interfaceNameProblem,
  ipv4FromLegacyUint32,
  ipv4ToLegacyUint32,
  isAcceptedUuid,
  isValidMac,
  keyfileAlias,
  networkAddress,
  newUuid,
  normalizeIp,
  normalizeMac,
  normalizeUuid,
  parseBridgeVlan,
  parseIp,
  parseIpPrefix,
  parseLinkWatcher,
  parseMac,
  parseRoutingRule,
  resolveSettingAlias,
  settingDefinition,
} from './index.js';

describe('MAC addresses', () => {
  it('parses NetworkManager notations and formats upper case with colons', () => {
    expect(formatMac(parseMac('00:1a:2B:3c:4d:5e')!)).toBe('00:1A:2B:3C:4D:5E');
    expect(normalizeMac('0-1a-2-3c-4d-5e')).toBe('00:1A:02:3C:4D:5E');
    expect(parseMac('00:11:22:33:44:55', 6)).toEqual(Uint8Array.from([0, 0x11, 0x22, 0x33, 0x44, 0x55]));
  });
  it('refuses mixed separators, bad groups and wrong lengths', () => {
    expect(parseMac('00:11-22:33:44:55')).toBeUndefined();
    expect(parseMac('001:11:22:33:44:55')).toBeUndefined();
    expect(parseMac('001122334455')).toBeUndefined();
    expect(isValidMac('00:11:22:33:44')).toBe(false);
    expect(isValidMac('00:11:22:33:44:55:66', 6)).toBe(false);
    expect(isValidMac(Array(20).fill('aa').join(':'), 20)).toBe(true);
  });
});

describe('IP addresses', () => {
  it('formats IPv6 as glibc inet_ntop does', () => {
    // Expected strings are Python socket.inet_ntop (glibc) output for the same inputs.
    const cases: [string, string][] = [
      ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
      ['::1.2.3.4', '::1.2.3.4'],
      ['::1', '::1'],
      ['::', '::'],
      ['1::', '1::'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:0:0:1::1', '2001:0:0:1::1'],
      ['0:0:0:0:0:1:0:0', '::1:0:0'],
      ['::ffff:0:0', '::ffff:0.0.0.0'],
      ['::0.0.0.2', '::2'],
      ['::ffff:1:2', '::ffff:0.1.0.2'],
      ['2001:DB8::A', '2001:db8::a'],
    ];
    for (const [input, want] of cases) expect(normalizeIp(input), input).toBe(want);
  });
  it('accepts only dotted-quad IPv4 and IPv6 without zone', () => {
    expect(parseIp('10')).toBeUndefined();
    expect(parseIp('0x0a.0.0.1')).toBeUndefined();
    expect(parseIp('192.168.1.010')).toBeUndefined();
    expect(parseIp('fe80::1%eth0')).toBeUndefined();
    expect(parseIp('1.2.3.4', 6)).toBeUndefined();
    expect(parseIp('1.2.3.4')?.family).toBe(4);
    expect(formatIp([192, 0, 2, 1])).toBe('192.0.2.1');
  });
  it('reads prefixes and networks', () => {
    expect(parseIpPrefix('10.1.2.3/8')).toEqual({ family: 4, address: '10.1.2.3', prefix: 8 });
    expect(parseIpPrefix('2001:db8::/129')).toBeUndefined();
    expect(networkAddress('10.1.2.3', 8)).toBe('10.0.0.0');
    expect(networkAddress('2001:db8::ffff', 120)).toBe('2001:db8::ff00');
  });
  it('converts legacy uint32 addresses with the bytes in network order', () => {
    const u = ipv4ToLegacyUint32('192.168.1.1')!;
    // On a little-endian host the first byte is the low byte.
    expect(new Uint8Array(Uint32Array.of(u).buffer)).toEqual(Uint8Array.from([192, 168, 1, 1]));
    expect(ipv4FromLegacyUint32(u)).toBe('192.168.1.1');
  });
});

describe('UUIDs', () => {
  it('makes random v4 UUIDs in normal form', () => {
    const u = newUuid();
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(normalizeUuid(u)).toBe(u);
  });
  it('lowers case and hashes legacy forms deterministically into v5 UUIDs', () => {
    expect(normalizeUuid('ABCDEF01-2345-4678-89AB-CDEF01234567')).toBe('abcdef01-2345-4678-89ab-cdef01234567');
    const legacy = normalizeUuid('0123456789ABCDEF0123456789abcdef01234567')!;
    expect(legacy).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(normalizeUuid('0123456789abcdef0123456789abcdef01234567')).toBe(legacy);
    expect(isAcceptedUuid('not-a-uuid')).toBe(false);
    expect(normalizeUuid('1234')).toBeUndefined();
  });
});

describe('interface names', () => {
  it('follows the kernel rules', () => {
    expect(interfaceNameProblem('eth0')).toBeUndefined();
    expect(interfaceNameProblem('123456789012345')).toBeUndefined();
    expect(interfaceNameProblem('1234567890123456')).toMatch(/longer than 15/);
    expect(interfaceNameProblem('')).toMatch(/too short/);
    expect(interfaceNameProblem('..')).toMatch(/reserved/);
    expect(interfaceNameProblem('a/b')).toMatch(/invalid character/);
    expect(interfaceNameProblem('a b')).toMatch(/invalid character/);
    expect(interfaceNameProblem('eth0:1')).toMatch(/invalid character/);
  });
});

describe('setting aliases', () => {
  it('maps keyfile aliases both ways', () => {
    expect(resolveSettingAlias('ethernet')).toBe('802-3-ethernet');
    expect(resolveSettingAlias('wifi')).toBe('802-11-wireless');
    expect(resolveSettingAlias('wifi-security')).toBe('802-11-wireless-security');
    expect(resolveSettingAlias('bond')).toBe('bond');
    expect(keyfileAlias('802-3-ethernet')).toBe('ethernet');
    expect(keyfileAlias('802-11-wireless-security')).toBe('wifi-security');
    expect(keyfileAlias('ipv4')).toBe('ipv4');
    expect(settingDefinition('wifi')?.name).toBe('802-11-wireless');
  });
});

describe('record text forms', () => {
  it('bridge VLANs parse, refuse and print as NetworkManager writes them', () => {
    const v = parseBridgeVlan('  10-20   untagged ');
    expect(v.ok && formatBridgeVlan(v.value)).toBe('10-20 untagged');
    const p = parseBridgeVlan('5 untagged pvid');
    expect(p.ok && formatBridgeVlan(p.value)).toBe('5 pvid untagged');
    expect(parseBridgeVlan('10-20 pvid')).toEqual({ ok: false, reason: "a VLAN range can't be a PVID" });
    expect(parseBridgeVlan('4095')).toMatchObject({ ok: false });
    expect(parseBridgeVlan('20-10')).toMatchObject({ ok: false });
  });
  it('routing rules round-trip through their text', () => {
    for (const text of [
      'priority 5 from 10.0.0.0/8 table 100',
      'priority 10 not from 0.0.0.0/0 fwmark 0x10/0xff table 200',
      'priority 7 to 192.0.2.0/24 iif eth0 type blackhole',
      'priority 1 from 0.0.0.0/0 sport 80-90 dport 443 uidrange 1000-2000 suppress_prefixlength 0 table 254',
    ]) {
      const r = parseRoutingRule(text, 4);
      expect(r.ok && formatRoutingRule(r.value), text).toBe(text);
    }
    const lookup = parseRoutingRule('pref 3 from all lookup main', 4);
    expect(lookup.ok && formatRoutingRule(lookup.value)).toBe('priority 3 from 0.0.0.0/0 table 254');
    expect(parseRoutingRule('from 10.0.0.0/8 table 5', 4)).toEqual({ ok: false, reason: 'missing priority' });
    expect(parseRoutingRule('priority 1 from 2001:db8::/32 table 5', 4)).toMatchObject({ ok: false });
  });
  it('link watchers parse with typed values', () => {
    const w = parseLinkWatcher('name=arp_ping interval=100 target-host=192.0.2.1 validate-active=true');
    expect(w).toEqual({ ok: true, value: { name: 'arp_ping', interval: 100, 'target-host': '192.0.2.1', 'validate-active': true } });
    expect(w.ok && formatLinkWatcher(w.value)).toBe('name=arp_ping interval=100 target-host=192.0.2.1 validate-active=true');
    expect(parseLinkWatcher('name=ethtool bogus=1')).toMatchObject({ ok: false });
    expect(parseLinkWatcher('name=arp_ping')).toMatchObject({ ok: false });
  });
});

describe('bond option table', () => {
  it('holds consistent rows', () => {
    for (const o of BOND_OPTIONS) {
      if (o.kind === 'choice') expect(o.choices!.includes(o.default!), o.name).toBe(true);
      if (o.kind === 'int') expect(Number(o.default) >= o.min! && Number(o.default) <= o.max!, o.name).toBe(true);
      for (const m of o.unsupportedModes) expect(BOND_MODES).toContain(m);
    }
    expect(BOND_OPTIONS.map((o) => o.name)).toHaveLength(29);
  });
  it('reads modes and choices by name or number', () => {
    expect(bondModeFromString('4')).toBe('802.3ad');
    expect(bondModeFromString('active-backup')).toBe('active-backup');
    expect(bondModeFromString('7')).toBeUndefined();
    expect(bondChoiceIndex(bondOption('lacp_rate')!, 'fast')).toBe(1);
    expect(bondChoiceIndex(bondOption('xmit_hash_policy')!, '5')).toBe(5);
    expect(bondChoiceIndex(bondOption('xmit_hash_policy')!, '6')).toBeUndefined();
  });
});
