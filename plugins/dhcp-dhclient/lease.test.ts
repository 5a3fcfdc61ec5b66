/** dhclient's script environment to a DhcpLease, as NetworkManager 1.42 reads it. */
import { describe, expect, it } from 'vitest';
import { LeaseError, leaseFromEnv, optionsFromEnv, parseClasslessRoutes } from './lease.js';
import { reasonAction } from './reasons.js';

/** What dhclient 4.4 hands its script on BOUND (dnsmasq as server). */
const BOUND: Record<string, string> = {
  reason: 'BOUND',
  interface: 'eth0',
  pid: '4242',
  new_ip_address: '10.46.0.64',
  new_subnet_mask: '255.255.255.0',
  new_network_number: '10.46.0.0',
  new_broadcast_address: '10.46.0.255',
  new_routers: '10.46.0.1 10.46.0.2',
  new_domain_name_servers: '10.46.0.1 0.0.0.0 10.46.0.3',
  new_domain_name: 'lan.test',
  new_domain_search: 'corp.test. lan.test. x\\032y.test.',
  new_rfc3442_classless_static_routes: '16 10 9 10 46 0 1 0 10 46 0 1',
  new_dhcp_lease_time: '120',
  new_dhcp_renewal_time: '5',
  new_dhcp_rebinding_time: '8',
  new_dhcp_server_identifier: '10.46.0.1',
  new_dhcp_message_type: '5',
  new_expiry: '1796649924',
  new_host_name: 'myhost',
  new_interface_mtu: '1400',
  new_ntp_servers: '10.46.0.5',
  old_ip_address: '10.46.0.63',
  requested_subnet_mask: '1',
  requested_routers: '1',
  NMK_DHCP_SOCKET: '/run/nmk/dhclient-helper.sock',
};

describe('optionsFromEnv', () => {
  it('strips new_, drops old_, bookkeeping and nmk\'s own variables; keeps requested_*', () => {
    const o = optionsFromEnv(BOUND, 4);
    expect(o.ip_address).toBe('10.46.0.64');
    expect(o.requested_subnet_mask).toBe('1');
    expect(o.expiry).toBe('1796649924');
    // NetworkManager drops dhclient's bookkeeping by its own name only: new_dhcp_message_type stays (as dhcp_message_type).
    expect(o.dhcp_message_type).toBe('5');
    for (const gone of ['reason', 'interface', 'pid', 'old_ip_address', 'NMK_DHCP_SOCKET', 'new_ip_address']) expect(o).not.toHaveProperty(gone);
  });

  it('shows the client id nmk sent, normalised, unless dhclient reports one; non-ASCII as ?', () => {
    expect(optionsFromEnv({}, 4, '01:AA:0B').dhcp_client_identifier).toBe('01:aa:0b');
    expect(optionsFromEnv({ new_dhcp_client_identifier: '1:2:3' }, 4, '01:aa').dhcp_client_identifier).toBe('01:02:03');
    expect(optionsFromEnv({ new_dhcp_client_identifier: 'garbage' }, 4, '01:aa').dhcp_client_identifier).toBe('01:aa');
    expect(optionsFromEnv({ new_host_name: 'caf\u00e9' }, 4).host_name).toBe('caf?');
  });
});

describe('leaseFromEnv, IPv4', () => {
  it('address, routes (121 with its default route), routers, DNS, domains, NTP, MTU', () => {
    const lease = leaseFromEnv(BOUND, 4, { clientId: '01:02:03' });
    expect(lease).toMatchObject({
      family: 4,
      addresses: [{ address: '10.46.0.64', prefixlen: 24, validLifetime: 120, preferredLifetime: 120 }],
      gateways: ['10.46.0.1', '10.46.0.2'],
      routes: [
        { dest: '10.9.0.0', prefixlen: 16, gateway: '10.46.0.1' },
        { dest: '0.0.0.0', prefixlen: 0, gateway: '10.46.0.1' },
      ],
      nameservers: ['10.46.0.1', '10.46.0.3'],
      domains: ['lan.test', 'corp.test', 'x', 'y.test'], // \032 separates too
      ntpServers: ['10.46.0.5'],
      mtu: 1400,
      hostname: 'myhost',
      serverId: '10.46.0.1',
      leaseTime: 120,
    });
    expect(lease.options.dhcp_client_identifier).toBe('01:02:03');
  });

  it('without 121: static routes (33) with classful prefixes, host routes as /32', () => {
    const lease = leaseFromEnv({ new_ip_address: '192.168.1.5', new_static_routes: '10.0.0.0 192.168.1.1 10.1.2.3 192.168.1.2 172.16.0.0 192.168.1.3' }, 4);
    expect(lease.routes).toEqual([
      { dest: '10.0.0.0', prefixlen: 8, gateway: '192.168.1.1' },
      { dest: '10.1.2.3', prefixlen: 32, gateway: '192.168.1.2' },
      { dest: '172.16.0.0', prefixlen: 16, gateway: '192.168.1.3' },
    ]);
    // No mask: the address's class; no lease time: forever.
    expect(lease.addresses).toEqual([{ address: '192.168.1.5', prefixlen: 24, validLifetime: 0xffffffff, preferredLifetime: 0xffffffff }]);
    expect(lease.leaseTime).toBeUndefined();
  });

  it('121 wins over 33; malformed 121 falls back to 33', () => {
    const env = { new_ip_address: '10.0.0.5', new_static_routes: '10.0.0.0 10.0.0.1', new_rfc3442_classless_static_routes: '8 11 10 0 0 1' };
    expect(leaseFromEnv(env, 4).routes).toEqual([{ dest: '11.0.0.0', prefixlen: 8, gateway: '10.0.0.1' }]);
    expect(leaseFromEnv({ ...env, new_rfc3442_classless_static_routes: '33 1 2 3 4 5 6 7 8' }, 4).routes).toEqual([{ dest: '10.0.0.0', prefixlen: 8, gateway: '10.0.0.1' }]);
  });

  it('a malformed route ends the list: the routes before it stay (and 33 is ignored), with a warning', () => {
    const warnings: string[] = [];
    const env = { new_ip_address: '10.0.0.5', new_static_routes: '10.0.0.0 10.0.0.1', new_rfc3442_classless_static_routes: '8 11 10 0 0 1 1 2' };
    expect(leaseFromEnv(env, 4, { invalid: (w) => warnings.push(w) }).routes).toEqual([{ dest: '11.0.0.0', prefixlen: 8, gateway: '10.0.0.1' }]);
    expect(warnings).toEqual(["ignoring invalid classless static routes '8 11 10 0 0 1 1 2': route 2 is malformed; keeping the 1 before it"]);
    warnings.length = 0;
    expect(leaseFromEnv({ ...env, new_rfc3442_classless_static_routes: '1 2' }, 4, { invalid: (w) => warnings.push(w) }).routes).toEqual([{ dest: '10.0.0.0', prefixlen: 8, gateway: '10.0.0.1' }]);
    expect(warnings).toEqual(["ignoring invalid classless static routes '1 2': too short or not octets"]);
  });

  it.each([
    ['24 192 168 10 192 168 1 1 8 10 10 17 66 41', [{ dest: '192.168.10.0', prefixlen: 24, gateway: '192.168.1.1' }, { dest: '10.0.0.0', prefixlen: 8, gateway: '10.17.66.41' }]],
    ['192.168.10.0/24 192.168.1.1 10.0.0.0/8 10.17.66.41', [{ dest: '192.168.10.0', prefixlen: 24, gateway: '192.168.1.1' }, { dest: '10.0.0.0', prefixlen: 8, gateway: '10.17.66.41' }]],
    ['0 192.168.0.113 25.129.210.177.132 192.168.0.113', [{ dest: '0.0.0.0', prefixlen: 0, gateway: '192.168.0.113' }, { dest: '129.210.177.128', prefixlen: 25, gateway: '192.168.0.113' }]],
    ['24 192 168', undefined],
    ['24 192 168 10 192 168 1', undefined],
    ['24 a b c d e f g', undefined],
  ])('classless routes %j', (text, routes) => {
    expect(parseClasslessRoutes(text)).toEqual(routes);
  });

  it.each([
    [{}, 'no new_ip_address in the event'],
    [{ new_ip_address: '0.0.0.0' }, 'new_ip_address "0.0.0.0" is not a usable IPv4 address'],
    [{ new_ip_address: '300.1.2.3' }, 'new_ip_address "300.1.2.3" is not a usable IPv4 address'],
  ])('%j gives no lease: %s', (env, message) => {
    expect(() => leaseFromEnv(env, 4)).toThrow(new LeaseError(message));
  });

  it('garbage in other options is dropped, the lease stands', () => {
    const lease = leaseFromEnv({ new_ip_address: '10.0.0.5', new_subnet_mask: '255.0.255.0', new_routers: 'x 10.0.0.1', new_domain_name_servers: 'nope', new_interface_mtu: '100', new_domain_search: 'a\\b' }, 4);
    expect(lease).toMatchObject({ addresses: [{ address: '10.0.0.5', prefixlen: 8 }], gateways: ['10.0.0.1'], nameservers: [], domains: [] });
    expect(lease.mtu).toBeUndefined();
  });
});

describe('leaseFromEnv, IPv6', () => {
  const BOUND6 = {
    reason: 'BOUND6',
    new_ip6_address: 'fd46::1:2',
    new_ip6_prefixlen: '128',
    new_max_life: '600',
    new_preferred_life: '300',
    new_dhcp6_name_servers: 'fd46::1',
    new_dhcp6_domain_search: 'six.test.',
    new_dhcp6_server_id: '0:1:0:1:2b:2c:4d:1d:0:0:0:0:0:0',
    new_ip6_prefix: 'fd47:1::/56',
  };

  it('the IA_NA address as /128 with its lifetimes, DNS, search list, delegated prefix', () => {
    expect(leaseFromEnv(BOUND6, 6)).toMatchObject({
      family: 6,
      addresses: [{ address: 'fd46::1:2', prefixlen: 128, validLifetime: 600, preferredLifetime: 300 }],
      delegatedPrefixes: [{ prefix: 'fd47:1::', prefixlen: 56, validLifetime: 600, preferredLifetime: 300 }],
      nameservers: ['fd46::1'],
      domains: ['six.test'],
      serverId: '0:1:0:1:2b:2c:4d:1d:0:0:0:0:0:0',
    });
  });

  it('information-only needs no address; stateful does', () => {
    expect(leaseFromEnv({ new_dhcp6_name_servers: 'fd46::1' }, 6, { infoOnly: true }).addresses).toEqual([]);
    expect(() => leaseFromEnv({ new_dhcp6_name_servers: 'fd46::1' }, 6)).toThrow('no new_ip6_address in the event (stateful DHCPv6)');
  });
});

describe('reasonAction', () => {
  it.each([
    ['PREINIT', { kind: 'ignore' }],
    ['bound', { kind: 'lease' }],
    ['RENEW', { kind: 'lease' }],
    ['REBIND6', { kind: 'lease' }],
    ['REBOOT', { kind: 'lease' }],
    ['EXPIRE', { kind: 'failure', failure: 'expired' }],
    ['FAIL', { kind: 'failure', failure: 'timeout' }],
    ['TIMEOUT', { kind: 'failure', failure: 'timeout' }],
    ['RELEASE', { kind: 'ended' }],
    ['STOP6', { kind: 'ended' }],
  ])('%s', (reason, action) => {
    expect(reasonAction(reason)).toMatchObject(action);
  });

  it('an unknown reason has no action', () => {
    expect(reasonAction('WHATEVER')).toBeUndefined();
  });
});
