/**
 * fast-check generators of valid keyfile profiles (ethernet, bond, vlan,
 * wifi, vpn with addresses, routes and secrets), shared by the keyfile
 * property tests.
 */
import fc from 'fast-check';
import type { ConnectionSettings, IpRoute, SettingValues } from '../../../sdk/index.js';
import { canonicalAddress } from '../ip-text.js';
import { settingForGroup } from '../model.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text a keyfile can hold: no NUL, no lone surrogate, no leading form feed. */
export const text = (min = 0, max = 24) =>
  fc.string({ unit: fc.oneof(fc.constantFrom(';', '#', '=', '\\', ' ', '\t', '\n', '[', ']', 'é', '☕'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: min, maxLength: max })
    .filter((s) => !s.includes('\0') && !LONE_SURROGATE.test(s) && !s.startsWith('\f'));

const ifname = fc.stringMatching(/^[a-z][a-z0-9_-]{0,14}$/);
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':'));
const uint32 = fc.integer({ min: 0, max: 0xffffffff });

const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6().map((a) => canonicalAddress(a, 6)!);

/** A network address of `prefix` bits (host bits cleared), as a route destination. */
function network(family: 4 | 6) {
  const bytes = family === 4 ? 4 : 16;
  return fc.tuple(fc.uint8Array({ minLength: bytes, maxLength: bytes }), fc.integer({ min: 0, max: bytes * 8 })).map(([b, prefix]) => {
    const masked = Array.from(b, (x, i) => {
      const keep = Math.max(0, Math.min(8, prefix - i * 8));
      return x & (0xff << (8 - keep)) & 0xff;
    });
    const addr = family === 4 ? masked.join('.') : canonicalAddress(Array.from({ length: 8 }, (_, i) => ((masked[2 * i]! << 8) | masked[2 * i + 1]!).toString(16)).join(':'), 6)!;
    return { dest: addr, prefix };
  });
}

function ipSetting(family: 4 | 6) {
  const address = family === 4 ? ipv4 : ipv6;
  const addresses = fc.array(fc.record({ address, prefix: fc.integer({ min: 1, max: family === 4 ? 32 : 128 }) }), { minLength: 1, maxLength: 3 });
  const attributes = fc.record(
    {
      table: fc.integer({ min: 1, max: 0xffffffff }),
      onlink: fc.boolean(),
      mtu: fc.integer({ min: 1280, max: 9000 }),
      ...(family === 4 ? { src: ipv4, tos: fc.integer({ min: 0, max: 255 }) } : {}),
    },
    { requiredKeys: [] },
  );
  const route = fc.record(
    { dest: network(family), nextHop: address, metric: uint32, attributes },
    { requiredKeys: ['dest'] },
  ).map(({ dest, nextHop, metric, attributes: a }) => {
    const r: IpRoute = { ...dest };
    if (nextHop !== undefined && nextHop !== '0.0.0.0' && nextHop !== '::') r.nextHop = nextHop;
    if (metric !== undefined) r.metric = metric;
    if (a && Object.keys(a).length > 0) r.attributes = a;
    return r;
  });
  const manual = fc.record(
    {
      method: fc.constant('manual'),
      'address-data': addresses,
      gateway: address,
      dns: fc.array(address, { minLength: 1, maxLength: 3 }),
      'dns-search': fc.array(fc.domain(), { minLength: 1, maxLength: 3 }),
      'route-data': fc.array(route, { minLength: 1, maxLength: 3 }),
      'never-default': fc.boolean(),
      'route-metric': fc.integer({ min: -1, max: 0xffffffff }),
      'dns-priority': fc.integer({ min: -100, max: 100 }),
    },
    { requiredKeys: ['method', 'address-data'] },
  );
  const auto = fc.record({ method: fc.constant('auto'), 'ignore-auto-dns': fc.boolean(), 'dhcp-timeout': fc.integer({ min: 0, max: 3600 }) }, { requiredKeys: ['method'] });
  const base = fc.oneof(manual, auto) as fc.Arbitrary<SettingValues>;
  if (family === 4) return base;
  return fc.tuple(base, fc.constantFrom(0, 1, 2, 3)).map(([s, mode]) => ({ ...s, 'addr-gen-mode': mode }));
}

const connection = (type: string) =>
  fc.record(
    {
      id: text(1, 30),
      uuid: fc.uuid(),
      type: fc.constant(type),
      'interface-name': ifname,
      autoconnect: fc.boolean(),
      'autoconnect-priority': fc.integer({ min: -999, max: 999 }),
      permissions: fc.array(fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/).map((u) => `user:${u}:`), { minLength: 1, maxLength: 2 }),
      zone: text(1, 12),
      'stable-id': text(1, 12),
    },
    { requiredKeys: ['id', 'uuid', 'type', 'interface-name'] },
  ) as fc.Arbitrary<SettingValues>;

const ipBlock = fc.record({ ipv4: ipSetting(4), ipv6: ipSetting(6), proxy: fc.constant({}) });

const ethernet = fc
  .tuple(
    connection('802-3-ethernet'),
    fc.record({ mtu: fc.integer({ min: 68, max: 9000 }), 'mac-address': mac, 'cloned-mac-address': fc.oneof(mac, fc.constantFrom('preserve', 'permanent', 'random', 'stable')) }, { requiredKeys: [] }),
    ipBlock,
  )
  .map(([c, e, ip]): ConnectionSettings => ({ connection: c, '802-3-ethernet': e, ...ip }));

const bond = fc
  .tuple(connection('bond'), fc.constantFrom('balance-rr', 'active-backup', '802.3ad'), fc.integer({ min: 0, max: 1000 }), ipBlock)
  .map(([c, mode, miimon, ip]): ConnectionSettings => ({ connection: c, bond: { options: { mode, miimon: String(miimon) } }, ...ip }));

const vlan = fc
  .tuple(connection('vlan'), fc.integer({ min: 0, max: 4094 }), ifname, fc.integer({ min: 0, max: 15 }), ipBlock)
  .map(([c, id, parent, flags, ip]): ConnectionSettings => ({ connection: c, '802-3-ethernet': {}, vlan: { id, parent, flags }, ...ip }));

const wifi = fc
  .tuple(
    connection('802-11-wireless'),
    fc.uint8Array({ minLength: 1, maxLength: 32 }),
    fc.constantFrom('infrastructure', 'ap', 'adhoc'),
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 8, maxLength: 63 }),
    ipBlock,
  )
  .map(([c, ssid, mode, psk, ip]): ConnectionSettings => ({
    connection: c,
    '802-11-wireless': { ssid, mode },
    '802-11-wireless-security': { 'key-mgmt': 'wpa-psk', psk },
    ...ip,
  }));

const vpnProperties = new Set(settingForGroup('vpn')?.properties.map((p) => p.name) ?? []);
const dictKey = text(1, 16).filter((k) => !vpnProperties.has(k) && !k.endsWith('-flags'));
const vpn = fc
  .tuple(connection('vpn'), fc.dictionary(dictKey, text(0, 20), { minKeys: 1, maxKeys: 4 }), fc.dictionary(dictKey, text(1, 20), { minKeys: 1, maxKeys: 2 }), ipBlock)
  .map(([c, data, secrets, ip]): ConnectionSettings => {
    const { ['interface-name']: _ignored, ...rest } = c;
    return { connection: rest, vpn: { 'service-type': 'org.freedesktop.NetworkManager.openvpn', data, secrets }, ...ip };
  });

export const profile = fc.oneof(ethernet, bond, vlan, wifi, vpn);
