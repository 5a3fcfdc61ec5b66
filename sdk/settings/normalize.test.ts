import { describe, expect, it } from 'vitest';
import { cloneSettings, isValidConnection, normalizeConnection, verifyConnection, type ConnectionSettings } from './index.js';
import { PROFILES } from './test/profiles.js';

/** Normalise, check the result is valid and stable, and return it. */
function normalized(p: ConnectionSettings, options?: Parameters<typeof normalizeConnection>[1]): ConnectionSettings {
  const before = JSON.stringify(p, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v));
  const n = normalizeConnection(p, options);
  expect(JSON.stringify(p, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v)), 'input untouched').toBe(before);
  expect(verifyConnection(n)).toEqual([]);
  expect(normalizeConnection(n, options)).toEqual(n);
  return n;
}

const UUID = '11111111-2222-4333-8444-555555555555';

describe('normalizeConnection', () => {
  it('gives a bond without mode mode=balance-rr, and adds ipv4/ipv6/proxy', () => {
    const n = normalized({ connection: { id: 'b', uuid: UUID, type: 'bond', 'interface-name': 'bond0' }, bond: { options: { miimon: '100' } } });
    expect(n['bond']).toEqual({ options: { mode: 'balance-rr', miimon: '100' } });
    expect(n['ipv4']).toEqual({ method: 'auto' });
    expect(n['ipv6']).toEqual({ method: 'auto' });
    expect(n['proxy']).toEqual({});
  });

  it('adds the bond setting for type bond, with mode', () => {
    const n = normalized({ connection: { id: 'b', uuid: UUID, type: 'bond', 'interface-name': 'bond0' } });
    expect(n['bond']).toEqual({ options: { mode: 'balance-rr' } });
  });

  it('names a numeric bond mode and drops options the mode does not support', () => {
    const n = normalized({
      connection: { id: 'b', uuid: UUID, type: 'bond', 'interface-name': 'bond0' },
      bond: { options: { mode: '4', miimon: '100', arp_interval: '0', ad_actor_sys_prio: '100', tlb_dynamic_lb: '1', packets_per_slave: '2' } },
    });
    expect(n['bond']!['options']).toEqual({ mode: '802.3ad', miimon: '100', ad_actor_sys_prio: '100' });
  });

  it('keeps arp_interval with its target in active-backup but drops lacp_rate=slow', () => {
    const n = normalized({
      connection: { id: 'b', uuid: UUID, type: 'bond', 'interface-name': 'bond0' },
      bond: { options: { mode: 'active-backup', arp_interval: '100', arp_ip_target: '192.0.2.1', lacp_rate: 'slow', primary: 'eth0' } },
    });
    expect(n['bond']!['options']).toEqual({ mode: 'active-backup', arp_interval: '100', arp_ip_target: '192.0.2.1', primary: 'eth0' });
  });

  it('takes the IP settings off a bond port, and adds no bond-port (as NetworkManager 1.42)', () => {
    const n = normalized({ connection: { id: 'p', uuid: UUID, type: '802-3-ethernet', 'interface-name': 'eth1', master: 'bond0', 'slave-type': 'bond' }, ipv4: { method: 'auto' }, ipv6: { method: 'auto' }, proxy: {} });
    expect(Object.keys(n).sort()).toEqual(['802-3-ethernet', 'connection']);
    const kept = normalized({ connection: { id: 'p', uuid: UUID, type: '802-3-ethernet', master: 'bond0', 'slave-type': 'bond' }, 'bond-port': { 'queue-id': 3 } });
    expect(kept['bond-port']).toEqual({ 'queue-id': 3 });
  });

  it('drops a bond-port left on a profile that is no port', () => {
    const n = normalized({ connection: { id: 'p', uuid: UUID, type: '802-3-ethernet' }, 'bond-port': {} });
    expect(n['bond-port']).toBeUndefined();
  });

  it('gives a bridge port a bridge-port setting', () => {
    const n = normalized({ connection: { id: 'p', uuid: UUID, type: '802-3-ethernet', master: 'br0', 'slave-type': 'bridge' } });
    expect(n['bridge-port']).toEqual({});
    expect(n['bond-port']).toBeUndefined();
  });

  it('detects slave-type from the port setting and drops port settings of other controllers', () => {
    const n = normalized({ connection: { id: 'p', uuid: UUID, type: '802-3-ethernet', master: 'team0' }, 'team-port': { prio: 5 } });
    expect(n['connection']!['slave-type']).toBe('team');
    const m = normalized({ connection: { id: 'q', uuid: UUID, type: '802-3-ethernet' }, 'bond-port': {}, 'bridge-port': {} });
    expect(m['bond-port']).toBeUndefined();
    expect(m['bridge-port']).toBeUndefined();
  });

  it('gives a vlan an ethernet setting', () => {
    const n = normalized({ connection: { id: 'v', uuid: UUID, type: 'vlan' }, vlan: { id: 10, parent: 'eth0' } });
    expect(n['802-3-ethernet']).toEqual({});
    expect(n['ipv4']).toEqual({ method: 'auto' });
  });

  it('gives dummy devices disabled IP, and honours the method options', () => {
    const n = normalized({ connection: { id: 'd', uuid: UUID, type: 'dummy', 'interface-name': 'dummy0' } });
    expect([n['ipv4'], n['ipv6']]).toEqual([{ method: 'disabled' }, { method: 'disabled' }]);
    const m = normalized({ connection: { id: 'e', uuid: UUID, type: '802-3-ethernet' } }, { ipv4Method: 'disabled', ipv6Method: 'ignore' });
    expect([m['ipv4'], m['ipv6']]).toEqual([{ method: 'disabled' }, { method: 'ignore' }]);
  });

  it('fills connection.uuid and connection.type, and lowers UUID case', () => {
    const n = normalized({ connection: { id: 'e' }, '802-3-ethernet': {} });
    expect(n['connection']!['type']).toBe('802-3-ethernet');
    expect(n['connection']!['uuid']).toMatch(/^[0-9a-f-]{36}$/);
    const m = normalized({ connection: { id: 'e', uuid: UUID.toUpperCase(), type: '802-3-ethernet' } });
    expect(m['connection']!['uuid']).toBe(UUID);
  });

  it('cleans secondaries: invalid dropped, duplicates removed, case lowered', () => {
    const n = normalized({ connection: { id: 'e', uuid: UUID, type: '802-3-ethernet', secondaries: ['bad', UUID.toUpperCase(), UUID] } });
    expect(n['connection']!['secondaries']).toEqual([UUID]);
  });

  it('repairs the IP settings as NetworkManager does', () => {
    const n = normalized({
      connection: { id: 'e', uuid: UUID, type: '802-3-ethernet' },
      ipv4: { method: 'shared', 'address-data': [{ address: '10.0.0.1', prefix: 24 }, { address: '10.0.1.1', prefix: 24 }] },
      ipv6: { method: 'manual', 'address-data': [{ address: '2001:db8::1', prefix: 64 }], gateway: '2001:db8::ff', 'never-default': true },
    });
    expect(n['ipv4']!['address-data']).toEqual([{ address: '10.0.0.1', prefix: 24 }]);
    expect(n['ipv6']!['gateway']).toBeUndefined();
    const m = normalized({ connection: { id: 'e', uuid: UUID, type: '802-3-ethernet' }, ipv4: { method: 'disabled', 'may-fail': false }, ipv6: { method: 'ignore', 'may-fail': false } });
    expect([m['ipv4']!['may-fail'], m['ipv6']!['may-fail']]).toEqual([true, true]);
  });

  it('writes addresses, gateways, MACs and tokens in canonical form', () => {
    const n = normalized({
      connection: { id: 'e', uuid: UUID, type: '802-3-ethernet' },
      '802-3-ethernet': { 'mac-address': '0-1a-2b-3c-4d-5e', 'cloned-mac-address': 'aa:bb:cc:dd:ee:ff' },
      ipv4: { method: 'auto', 'route-data': [{ dest: '10.0.0.0', prefix: 8, nextHop: '0.0.0.0', metric: -1 }] },
      ipv6: {
        method: 'manual',
        'address-data': [{ address: '2001:DB8:0:0::1', prefix: 64 }],
        gateway: '::',
        dns: ['2001:DB8::53'],
        'addr-gen-mode': 0,
        token: '::0:0:0:1',
      },
    });
    expect(n['802-3-ethernet']).toEqual({ 'mac-address': '00:1A:2B:3C:4D:5E', 'cloned-mac-address': 'AA:BB:CC:DD:EE:FF' });
    expect(n['ipv4']!['route-data']).toEqual([{ dest: '10.0.0.0', prefix: 8 }]);
    expect(n['ipv6']).toEqual({ method: 'manual', 'address-data': [{ address: '2001:db8::1', prefix: 64 }], dns: ['2001:db8::53'], 'addr-gen-mode': 0, token: '::1' });
  });

  it('clears a speed without duplex, clamps InfiniBand MTU, sorts bridge VLANs', () => {
    const e = normalized({ connection: { id: 'e', uuid: UUID, type: '802-3-ethernet' }, '802-3-ethernet': { speed: 1000, mtu: 1500 } });
    expect(e['802-3-ethernet']).toEqual({ mtu: 1500 });
    const ib = normalized({ connection: { id: 'i', uuid: UUID, type: 'infiniband' }, infiniband: { 'transport-mode': 'connected', mtu: 70000 } });
    expect(ib['infiniband']!['mtu']).toBe(65520);
    const br = normalized({ connection: { id: 'b', uuid: UUID, type: 'bridge', 'interface-name': 'br0' }, bridge: { vlans: ['100', '1  untagged   pvid', '10-20'] } });
    expect(br['bridge']!['vlans']).toEqual(['1 pvid untagged', '10-20', '100']);
  });

  it('drops empty team configs and empty 802.1X strings, and syncs Wi-Fi MAC randomisation', () => {
    const t = normalized({ connection: { id: 't', uuid: UUID, type: 'team', 'interface-name': 'team0' }, team: { config: '' } });
    expect(t['team']).toEqual({});
    const w = normalized({
      connection: { id: 'w', uuid: UUID, type: '802-11-wireless' },
      '802-11-wireless': { ssid: Uint8Array.of(97), 'cloned-mac-address': 'permanent', 'mac-address-randomization': 2 },
      '802-11-wireless-security': { 'key-mgmt': 'wpa-eap' },
      '802-1x': { eap: ['tls'], identity: 'me', 'client-cert': Uint8Array.of(1), 'private-key': Uint8Array.of(2), 'domain-match': '' },
    });
    expect(w['802-11-wireless']!['mac-address-randomization']).toBe(1);
    expect(w['802-1x']!['domain-match']).toBeUndefined();
  });

  it('keeps every valid value of the fixture profiles', () => {
    for (const p of Object.values(PROFILES)) expect(normalizeConnection(cloneSettings(p))).toEqual(p);
  });

  it('leaves what it cannot repair for verification, and never throws', () => {
    const bad = { connection: { id: 'v', uuid: UUID, type: 'vlan' }, vlan: { id: 9999 } };
    const n = normalizeConnection(bad);
    expect(isValidConnection(verifyConnection(n))).toBe(false);
    expect(n['vlan']).toEqual({ id: 9999 });
    for (const junk of [null, 5, 'x', [], { connection: 7 }, { bond: { options: 'mode=1' } }, { ipv4: { 'address-data': [1, 2] } }]) {
      expect(() => normalizeConnection(junk as unknown as ConnectionSettings)).not.toThrow();
    }
  });
});
