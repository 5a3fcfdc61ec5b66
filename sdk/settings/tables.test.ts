import { describe, expect, it } from 'vitest';
import {
  fromDBus,
  isValueOfType,
  propertyDefinition,
  SETTINGS,
  toDBus,
  type PropertyDefinition,
  type SettingValue,
} from './index.js';

/** A value of the row's type that respects its range and allowed values. */
function sampleValue(row: PropertyDefinition): SettingValue {
  const pick = <T>(list: readonly T[]): T => list[list.length - 1]!;
  switch (row.type) {
    case 'string':
      if (row.values) return pick(row.values) as string;
      if (row.name === 'cloned-mac-address') return '02:00:00:00:00:01';
      return `text-${row.name}`;
    case 'boolean':
      return row.default === undefined ? true : !row.default;
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64':
      if (row.values) return pick(row.values) as number;
      if (row.flags !== undefined) return row.flags;
      return row.max !== undefined && row.max < 100 ? row.max : Math.max(row.min ?? 0, 7);
    case 'bytes':
      return Uint8Array.from([1, 2, 3, 250]);
    case 'mac':
      return row.macLength === 20 ? Array(20).fill('A0').join(':') : '00:11:22:AA:BB:CC';
    case 'strings':
      return row.values ? [row.values[0] as string, pick(row.values) as string] : ['one', 'two'];
    case 'uint32s':
      return [1, 2];
    case 'dict':
      return row.setting === 'bond' ? { mode: '802.3ad', miimon: '100' } : { key: 'value', other: 'x y' };
    case 'addresses':
      return row.setting === 'ipv4'
        ? [{ address: '192.0.2.10', prefix: 24, attributes: { label: 'eth0:1' } }, { address: '198.51.100.1', prefix: 32 }]
        : [{ address: '2001:db8::10', prefix: 64 }];
    case 'routes':
      return row.setting === 'ipv4'
        ? [{ dest: '10.0.0.0', prefix: 8, nextHop: '192.0.2.1', metric: 50, attributes: { table: 100, onlink: true, scope: 253 } }, { dest: '0.0.0.0', prefix: 0 }]
        : [{ dest: '2001:db8:1::', prefix: 48, nextHop: '2001:db8::1', attributes: { from: '2001:db8::/32' } }];
    case 'dns':
      return row.setting === 'ipv4' ? ['192.0.2.53', '198.51.100.53'] : ['2001:db8::53'];
    case 'records':
      if (row.name === 'vlans') return ['10-20 untagged', '30 pvid'];
      if (row.name === 'routing-rules') return row.setting === 'ipv4' ? ['priority 5 from 10.0.0.0/8 table 100'] : ['priority 6 from 2001:db8::/32 table 200'];
      if (row.name === 'qdiscs') return ['root handle 1234: fq_codel ecn true limit 10', 'ingress', 'parent 1234:2 tbf burst 10 rate 1000000000000'];
      if (row.name === 'tfilters') return ['parent ffff: matchall action simple sdata hello\\ world', 'root handle 2: u32 action mirred dev eth1 egress redirect'];
      if (row.name === 'vfs') return ['0 mac=00:11:22:33:44:55 max-tx-rate=1000 trust=false vlans=1.2.ad;3', '2 spoof-check=true'];
      if (row.name === 'trunks') return ['10-20', '30'];
      if (row.name === 'peers') {
        return [
          'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg= allowed-ips=10.0.0.0/8;2001:db8::1 endpoint=[2001:db8::2]:51820 persistent-keepalive=25 preshared-key=E2SdUsh/h2TemrIlMqPx4YoVVEpnhB2rkfm/2QzMdNA= preshared-key-flags=0',
          'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0= preshared-key-flags=1',
        ];
      }
      return ['name=ethtool delay-up=5', 'name=arp_ping interval=100 target-host=192.0.2.1'];
  }
}

const ALL_ROWS = SETTINGS.flatMap((s) => s.properties);

describe('settings tables', () => {
  it('cover the settings the model promises', () => {
    const names = SETTINGS.map((s) => s.name);
    for (const required of [
      'connection', '802-3-ethernet', 'bond', 'bond-port', 'bridge', 'bridge-port', 'vlan', 'macvlan', 'veth', 'ipv4', 'ipv6',
      '802-11-wireless', '802-11-wireless-security', '802-1x', 'vpn', 'team', 'team-port', 'infiniband', 'dummy', 'vxlan',
      'generic', 'proxy', 'match', 'ethtool',
      'hostname', 'tc', 'sriov', 'dcb', 'user', 'ip-tunnel', 'tun', 'macsec', 'vrf', 'loopback', 'wireguard',
      'ovs-bridge', 'ovs-port', 'ovs-interface', 'ovs-patch', 'ovs-dpdk', 'ovs-external-ids', 'ovs-other-config',
    ]) expect(names).toContain(required);
    // Counts from NetworkManager 1.42's metadata (man 5 nm-settings-dbus).
    const counts: Record<string, number> = {
      hostname: 4, tc: 2, sriov: 3, dcb: 15, user: 1, 'ip-tunnel': 14, tun: 6, macsec: 9, vrf: 1, loopback: 1, wireguard: 9,
      'ovs-bridge': 5, 'ovs-port': 7, 'ovs-interface': 2, 'ovs-patch': 1, 'ovs-dpdk': 4, 'ovs-external-ids': 1, 'ovs-other-config': 1, veth: 1,
    };
    for (const [name, n] of Object.entries(counts)) expect(SETTINGS.find((s) => s.name === name)!.properties, name).toHaveLength(n);
    // Counts from NetworkManager 1.42's metadata, less the D-Bus-only twins kept in dbus/ (addresses, routes, ...).
    expect(SETTINGS.find((s) => s.name === 'connection')!.properties).toHaveLength(28);
    expect(SETTINGS.find((s) => s.name === 'bridge')!.properties).toHaveLength(27);
    expect(SETTINGS.find((s) => s.name === '802-1x')!.properties).toHaveLength(47);
    expect(SETTINGS.find((s) => s.name === 'ethtool')!.properties).toHaveLength(87);
  });

  it('have one well-formed row per property', () => {
    for (const row of ALL_ROWS) {
      const where = `${row.setting}.${row.name}`;
      expect(row.description.length, where).toBeGreaterThan(5);
      expect(row.dbus, where).toMatch(/^(s|b|y|i|u|x|t|ay|as|au|a\{ss\}|aa\{sv\}|aay)$/);
      if (row.default !== undefined) expect(isValueOfType(row.default, row.type), where).toBe(true);
      if (row.secret && row.type !== 'dict') expect(propertyDefinition(row.setting, row.secretFlags!)?.isSecretFlags, where).toBe(true);
      if (typeof row.default === 'number' && row.min !== undefined) expect(row.default >= row.min && row.default <= row.max!, where).toBe(true);
      if (typeof row.default === 'number' && row.values) expect(row.values, where).toContain(row.default);
    }
    const keys = ALL_ROWS.map((r) => `${r.setting}.${r.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('flag the secrets NetworkManager flags', () => {
    const secrets = ALL_ROWS.filter((r) => r.secret).map((r) => `${r.setting}.${r.name}`).sort();
    expect(secrets).toEqual([
      '802-1x.ca-cert-password', '802-1x.client-cert-password', '802-1x.password', '802-1x.password-raw',
      '802-1x.phase2-ca-cert-password', '802-1x.phase2-client-cert-password', '802-1x.phase2-private-key-password',
      '802-1x.pin', '802-1x.private-key-password',
      '802-11-wireless-security.leap-password', '802-11-wireless-security.psk',
      '802-11-wireless-security.wep-key0', '802-11-wireless-security.wep-key1', '802-11-wireless-security.wep-key2',
      '802-11-wireless-security.wep-key3', 'vpn.secrets',
      'adsl.password', 'cdma.password', 'gsm.password', 'gsm.pin', 'pppoe.password',
      'macsec.mka-cak', 'wireguard.private-key',
    ].sort());
  });

  it.each(ALL_ROWS.map((r) => [`${r.setting}.${r.name}`, r] as const))('%s round-trips through toDBus and fromDBus', (_name, row) => {
    const value = sampleValue(row);
    expect(isValueOfType(value, row.type)).toBe(true);
    const profile = { [row.setting]: { [row.name]: value } };
    const wire = toDBus(profile, { withSecrets: true });
    expect(wire[row.setting]).toBeDefined();
    const back = fromDBus(wire);
    expect(back.issues).toEqual([]);
    expect(back.settings[row.setting]![row.name]).toEqual(value);
    // And without the legacy twins, as a new client would send it.
    const modern = fromDBus(toDBus(profile, { withSecrets: true, legacy: false }));
    expect(modern.issues).toEqual([]);
    expect(modern.settings[row.setting]![row.name]).toEqual(value);
  });
});
