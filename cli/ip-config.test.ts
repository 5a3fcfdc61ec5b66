/**
 * `nmk device show` and `nmk dns` formatting, from D-Bus values shaped as
 * NetworkManager 1.42 sends them; the expected lines are what the real
 * nmcli printed for the same objects (see the test names).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deviceShowRows } from './commands/device-show.js';
import { formatRows, printBlocks, selectRows } from './fields.js';
import { dhcpRows, dnsRows, ipConfigRows, ipv6FromBytes } from './ip-config.js';

const v6 = (s: string) => {
  // Expand a short IPv6 text form to 16 bytes (test input only).
  const [head, tail = ''] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  return Buffer.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
};

const IP4 = {
  AddressData: [{ address: '10.42.0.88', prefix: 24 }],
  Gateway: '10.42.0.1',
  RouteData: [{ dest: '10.42.0.0', prefix: 24, metric: 100 }, { dest: '0.0.0.0', prefix: 0, 'next-hop': '10.42.0.1', metric: 100 }],
  NameserverData: [{ address: '10.42.0.1' }, { address: '10.42.0.2' }],
  Domains: ['lan.example'],
  Searches: ['extra.example'],
};
const IP6 = {
  AddressData: [{ address: 'fe80::54e5:6aff:fe27:c8c1', prefix: 64 }, { address: '2001:db8::10', prefix: 64 }],
  Gateway: '2001:db8::1',
  RouteData: [{ dest: '2001:db8::', prefix: 64, metric: 101 }, { dest: '::', prefix: 0, 'next-hop': '2001:db8::1', metric: 101 }],
  Nameservers: [v6('2001:db8::53')],
  Domains: [],
  Searches: [],
};

afterEach(() => vi.restoreAllMocks());

describe('device show rows', () => {
  it('IP4 as nmcli prints a DHCP device (NetworkManager 1.42, dnsmasq peer)', () => {
    expect(formatRows(ipConfigRows(4, IP4), false)).toEqual([
      'IP4.ADDRESS[1]:                         10.42.0.88/24',
      'IP4.GATEWAY:                            10.42.0.1',
      'IP4.ROUTE[1]:                           dst = 10.42.0.0/24, nh = 0.0.0.0, mt = 100',
      'IP4.ROUTE[2]:                           dst = 0.0.0.0/0, nh = 10.42.0.1, mt = 100',
      'IP4.DNS[1]:                             10.42.0.1',
      'IP4.DNS[2]:                             10.42.0.2',
      'IP4.DOMAIN[1]:                          lan.example',
      'IP4.SEARCHES[1]:                        extra.example',
    ]);
  });

  it('IP6 with DNS servers from Nameservers (aay), terse as nmcli -t (no escaping)', () => {
    expect(formatRows(ipConfigRows(6, IP6), true)).toEqual([
      'IP6.ADDRESS[1]:fe80::54e5:6aff:fe27:c8c1/64',
      'IP6.ADDRESS[2]:2001:db8::10/64',
      'IP6.GATEWAY:2001:db8::1',
      'IP6.ROUTE[1]:dst = 2001:db8::/64, nh = ::, mt = 101',
      'IP6.ROUTE[2]:dst = ::/0, nh = 2001:db8::1, mt = 101',
      'IP6.DNS[1]:2001:db8::53',
    ]);
  });

  it('a device without IP config shows an empty gateway ("--")', () => {
    expect(formatRows(ipConfigRows(4, undefined), false)).toEqual(['IP4.GATEWAY:                            --']);
    expect(formatRows(ipConfigRows(6, undefined), true)).toEqual(['IP6.GATEWAY:']);
  });

  it('DHCP4 options sorted by name, "name = value"', () => {
    const rows = dhcpRows(4, { Options: { routers: '10.42.0.1', domain_name_servers: '10.42.0.1 10.42.0.2', broadcast_address: '10.42.0.255', dhcp_lease_time: '3600' } });
    expect(formatRows(rows, false)).toEqual([
      'DHCP4.OPTION[1]:                        broadcast_address = 10.42.0.255',
      'DHCP4.OPTION[2]:                        dhcp_lease_time = 3600',
      'DHCP4.OPTION[3]:                        domain_name_servers = 10.42.0.1 10.42.0.2',
      'DHCP4.OPTION[4]:                        routers = 10.42.0.1',
    ]);
  });

  it('the whole device: GENERAL, WIRED-PROPERTIES, IP4, DHCP4, IP6', () => {
    const rows = deviceShowRows({
      device: { Interface: 'veth0', DeviceType: 20, HwAddress: 'C6:63:F3:86:5E:DB', Mtu: 1500, State: 100, ActiveConnection: '/org/freedesktop/NetworkManager/ActiveConnection/2' },
      wired: { Carrier: true },
      connectionId: 'dyn',
      ip4: IP4,
      dhcp4: { Options: { routers: '10.42.0.1' } },
      ip6: IP6,
    });
    const lines = formatRows(rows, false);
    expect(lines.slice(0, 8)).toEqual([
      'GENERAL.DEVICE:                         veth0',
      'GENERAL.TYPE:                           ethernet',
      'GENERAL.HWADDR:                         C6:63:F3:86:5E:DB',
      'GENERAL.MTU:                            1500',
      'GENERAL.STATE:                          100 (connected)',
      'GENERAL.CONNECTION:                     dyn',
      'GENERAL.CON-PATH:                       /org/freedesktop/NetworkManager/ActiveConnection/2',
      'WIRED-PROPERTIES.CARRIER:               on',
    ]);
    expect(rows.map(([n]) => n.split('.')[0]).filter((g, i, a) => a.indexOf(g) === i)).toEqual(['GENERAL', 'WIRED-PROPERTIES', 'IP4', 'DHCP4', 'IP6']);
  });

  it('a disconnected device: empty connection and path', () => {
    const lines = formatRows(deviceShowRows({ device: { Interface: 'veth2', DeviceType: 1, State: 30, ActiveConnection: '/' } }), true);
    expect(lines).toContain('GENERAL.STATE:30 (disconnected)');
    expect(lines).toContain('GENERAL.CONNECTION:');
    expect(lines).toContain('GENERAL.CON-PATH:');
  });
});

describe('field selection (-f)', () => {
  const rows = [...ipConfigRows(4, IP4), ...dhcpRows(4, { Options: { a: '1' } })];
  const groups = ['GENERAL', 'IP4', 'DHCP4'];

  it('picks groups and group.field, any case, ignoring the index', () => {
    expect(selectRows(rows, ['ip4.address', 'DHCP4'], groups).map(([n]) => n)).toEqual(['IP4.ADDRESS[1]', 'DHCP4.OPTION[1]']);
    expect(selectRows(rows, ['all'], groups)).toHaveLength(rows.length);
  });

  it('names the allowed groups for an unknown field', () => {
    expect(() => selectRows(rows, ['IP5'], groups)).toThrow("invalid field 'IP5'; allowed fields: GENERAL,IP4,DHCP4");
  });

  it('prints several devices separated by an empty line', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    printBlocks({ terse: true }, [[['GENERAL.DEVICE', 'a']], [['GENERAL.DEVICE', 'b']]], groups);
    expect(log.mock.calls.map((c) => c[0])).toEqual(['GENERAL.DEVICE:a\n\nGENERAL.DEVICE:b']);
  });
});

describe('nmk dns rows', () => {
  it('mode, rc-manager, then one block per Configuration entry', () => {
    const blocks = dnsRows({
      Mode: 'default',
      RcManager: 'symlink',
      Configuration: [
        { nameservers: ['192.0.2.53', '198.51.100.53'], domains: ['a.example', 'b.example'], interface: 'veth2', priority: 100, vpn: false },
        { nameservers: ['2001:db8::53'], interface: 'veth2', priority: 100, vpn: false },
      ],
    });
    expect(blocks.map((b) => formatRows(b, true))).toEqual([
      ['DNS.MODE:default', 'DNS.RC-MANAGER:symlink'],
      ['CONFIG[1].INTERFACE:veth2', 'CONFIG[1].SERVERS:192.0.2.53 198.51.100.53', 'CONFIG[1].DOMAINS:a.example b.example', 'CONFIG[1].PRIORITY:100', 'CONFIG[1].VPN:no'],
      ['CONFIG[2].INTERFACE:veth2', 'CONFIG[2].SERVERS:2001:db8::53', 'CONFIG[2].DOMAINS:', 'CONFIG[2].PRIORITY:100', 'CONFIG[2].VPN:no'],
    ]);
    expect(formatRows(dnsRows({ Mode: 'none', RcManager: 'unmanaged', Configuration: [] })[0]!, false)[0]).toBe('DNS.MODE:                               none');
  });
});

describe('ipv6FromBytes', () => {
  it('writes the compressed form', () => {
    for (const a of ['2001:db8::53', 'fe80::54e5:6aff:fe27:c8c1', '::', '::1', '2001:db8:0:1:1:1:1:1', '1::', '2001:0:0:1::1']) expect(ipv6FromBytes(v6(a))).toBe(a);
    expect(ipv6FromBytes([1, 2])).toBe('');
  });
});
