/**
 * fast-check generators of valid profiles: each kind with random valid
 * values in canonical form, sometimes without the settings normalisation
 * adds, so that normalizeConnection has work to do.
 */
import fc from 'fast-check';
import { formatIp } from '../ip-address.js';
import { BOND_MODES } from '../tables/bond-options.js';
import type { ConnectionSettings, IpAddress, IpRoute, SettingValues } from '../types.js';

export const ifname = fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/);
const text = fc.string({ minLength: 1, maxLength: 20 });
const v4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((b) => b.join('.'));
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).filter((b) => b.some((x) => x !== 0)).map((b) => formatIp(b));
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':'));

function ipSetting(family: 4 | 6): fc.Arbitrary<SettingValues> {
  const addr = family === 4 ? v4 : v6;
  const max = family === 4 ? 32 : 128;
  const address: fc.Arbitrary<IpAddress> = fc.record({ address: addr, prefix: fc.integer({ min: 1, max }) });
  const route: fc.Arbitrary<IpRoute> = fc.record(
    { dest: addr, prefix: fc.integer({ min: 0, max }), nextHop: addr, metric: fc.nat(5000), attributes: fc.constant({ table: 100 }) },
    { requiredKeys: ['dest', 'prefix'] },
  );
  const common = {
    dns: fc.array(addr, { minLength: 1, maxLength: 3 }),
    'dns-search': fc.array(fc.stringMatching(/^[a-z]{1,8}\.example$/), { minLength: 1, maxLength: 2 }),
    'route-data': fc.array(route, { maxLength: 3 }),
    'route-metric': fc.integer({ min: -1, max: 65535 }),
    'never-default': fc.boolean(),
    'ignore-auto-dns': fc.boolean(),
    'dhcp-timeout': fc.nat(3600),
  };
  const auto = fc.record({ method: fc.constant('auto'), ...common }, { requiredKeys: ['method'] });
  const manual = fc
    .record({ method: fc.constant('manual'), 'address-data': fc.array(address, { minLength: 1, maxLength: 3 }), gateway: addr, ...common }, { requiredKeys: ['method', 'address-data'] })
    .map((s) => {
      // NetworkManager drops a gateway with never-default; generate only what it keeps.
      if (s['never-default']) delete s['gateway'];
      return s;
    });
  return fc.oneof(auto, manual) as fc.Arbitrary<SettingValues>;
}

/** ipv4, ipv6 and proxy, each sometimes left for normalisation to add. */
const ipSettings = fc.record({ ipv4: ipSetting(4), ipv6: ipSetting(6), proxy: fc.constant({}) }, { requiredKeys: [] });

/** connection setting of `type`; `extra` properties are always present. */
const connection = (type: string, extra: Record<string, fc.Arbitrary<unknown>> = {}) =>
  fc
    .tuple(
      fc.record(
        {
          id: text,
          uuid: fc.uuid({ version: 4 }),
          type: fc.constant(type),
          'interface-name': ifname,
          autoconnect: fc.boolean(),
          'autoconnect-priority': fc.integer({ min: -999, max: 999 }),
          metered: fc.constantFrom(0, 1, 2),
          timestamp: fc.nat(),
          zone: text,
        },
        { requiredKeys: ['id', 'type', 'interface-name'] },
      ),
      fc.record(extra),
    )
    .map(([base, more]) => ({ ...base, ...more }));

const bondOptions = fc.constantFrom(...BOND_MODES).chain((mode) => {
  const extra: Record<string, fc.Arbitrary<string>> = { miimon: fc.integer({ min: 1, max: 1000 }).map(String), min_links: fc.nat(8).map(String) };
  if (mode === '802.3ad') {
    extra['lacp_rate'] = fc.constantFrom('slow', 'fast');
    extra['ad_select'] = fc.constantFrom('stable', 'bandwidth', 'count');
  }
  if (mode === 'active-backup') extra['primary'] = ifname;
  if (['balance-xor', '802.3ad', 'balance-tlb'].includes(mode)) extra['xmit_hash_policy'] = fc.constantFrom('layer2', 'layer3+4', 'layer2+3');
  return fc.record({ mode: fc.constant(mode), ...extra }, { requiredKeys: ['mode'] });
});

const sortedVlans = fc.uniqueArray(fc.integer({ min: 1, max: 4094 }), { maxLength: 4 }).map((ids) => ids.sort((a, b) => a - b).map((id) => `${id}`));

const port = (slaveType: string, portSetting: string, portValues: fc.Arbitrary<SettingValues>) =>
  fc.record({
    connection: connection('802-3-ethernet', { master: ifname, 'slave-type': fc.constant(slaveType) }),
    '802-3-ethernet': fc.constant({}),
    [portSetting]: portValues,
  });

/** Profiles by kind; "ip" holds the IP settings to merge in. */
const kinds: fc.Arbitrary<Record<string, unknown>>[] = [
  fc.record({ connection: connection('802-3-ethernet'), '802-3-ethernet': fc.record({ 'mac-address': mac, mtu: fc.integer({ min: 576, max: 9000 }), 'auto-negotiate': fc.boolean() }, { requiredKeys: [] }), ip: ipSettings }),
  fc.record({ connection: connection('bond'), bond: fc.record({ options: bondOptions }), ip: ipSettings }),
  fc.record({
    connection: connection('bridge'),
    '802-3-ethernet': fc.constant({}),
    bridge: fc.record({ stp: fc.boolean(), priority: fc.nat(65535), 'forward-delay': fc.integer({ min: 2, max: 30 }), 'vlan-filtering': fc.boolean(), vlans: sortedVlans }, { requiredKeys: [] }),
    ip: ipSettings,
  }),
  fc.record({
    connection: connection('vlan'),
    '802-3-ethernet': fc.constant({}),
    vlan: fc.record({ id: fc.integer({ min: 0, max: 4094 }), parent: ifname, flags: fc.nat(15), protocol: fc.constantFrom('802.1Q', '802.1ad') }, { requiredKeys: ['id', 'parent'] }),
    ip: ipSettings,
  }),
  port('bond', 'bond-port', fc.record({ 'queue-id': fc.nat(65535) }, { requiredKeys: [] })),
  port('bridge', 'bridge-port', fc.record({ priority: fc.nat(63), 'path-cost': fc.nat(65535), 'hairpin-mode': fc.boolean(), vlans: sortedVlans }, { requiredKeys: [] })),
  fc.record({
    connection: connection('802-11-wireless'),
    '802-11-wireless': fc.record({ ssid: fc.uint8Array({ minLength: 1, maxLength: 32 }), hidden: fc.boolean(), 'cloned-mac-address': fc.oneof(mac, fc.constantFrom('preserve', 'stable')) }, { requiredKeys: ['ssid'] }),
    '802-11-wireless-security': fc.record({ 'key-mgmt': fc.constant('wpa-psk'), psk: fc.stringMatching(/^[ -~]{8,63}$/), 'psk-flags': fc.constantFrom(0, 1, 2) }),
    ip: ipSettings,
  }),
  fc.record({
    connection: connection('vpn'),
    vpn: fc.record({ 'service-type': fc.constant('org.freedesktop.NetworkManager.openvpn'), data: fc.dictionary(fc.stringMatching(/^[a-z-]{1,10}$/), text), secrets: fc.dictionary(fc.stringMatching(/^[a-z]{1,10}$/), text) }),
    ip: ipSettings,
  }),
  fc.record({ connection: connection('dummy'), dummy: fc.constant({}) }),
];

/** A valid profile (possibly missing settings normalisation adds). */
export const validProfile: fc.Arbitrary<ConnectionSettings> = fc.oneof(...kinds).map((p) => {
  const { ip, ...rest } = p;
  return { ...rest, ...(ip as ConnectionSettings | undefined) } as ConnectionSettings;
});
