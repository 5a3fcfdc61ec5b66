import { describe, expect, it } from 'vitest';
import { netmaskToPrefix } from '../ip4.js';
import { parseEnv0, reportFromEnv } from '../up-env.js';

describe('the tunnel config from the --up environment', () => {
  it('subnet topology with a pushed route, DNS and domain', () => {
    const env = parseEnv0(['dev=tun0', 'trusted_ip=192.0.2.1', 'ifconfig_local=10.8.0.2', 'ifconfig_netmask=255.255.255.0', 'route_vpn_gateway=10.8.0.1',
      'route_network_1=198.51.100.0', 'route_netmask_1=255.255.255.0', 'route_gateway_1=10.8.0.1', 'foreign_option_1=dhcp-option DNS 10.8.0.1',
      'foreign_option_2=dhcp-option DOMAIN corp.example', 'foreign_option_3=dhcp-option DNS6 2001:db8::53', 'tun_mtu=1500', 'script_type=up', ''].join('\0'));
    expect(reportFromEnv(env)).toEqual({
      tundev: 'tun0', gateway: '192.0.2.1', mtu: 1500,
      ipv4: { address: '10.8.0.2', prefix: 24, gateway: '10.8.0.1', routes: [{ dest: '198.51.100.0', prefix: 24, nextHop: '10.8.0.1' }], dns: ['10.8.0.1'], domains: ['corp.example'] },
    });
  });

  it('net30/p2p: the peer; IPv6 address and routes', () => {
    const r = reportFromEnv({ dev: 'tun1', trusted_ip: '192.0.2.1', ifconfig_local: '10.8.0.6', ifconfig_remote: '10.8.0.5', ifconfig_ipv6_local: '2001:db8:1::2', ifconfig_ipv6_netbits: '64', ifconfig_ipv6_remote: '2001:db8:1::1', route_ipv6_network_1: '2001:db8:2::/48' });
    expect(r.ipv4).toEqual({ address: '10.8.0.6', prefix: 32, peer: '10.8.0.5' });
    expect(r.ipv6).toEqual({ address: '2001:db8:1::2', prefix: 64, routes: [{ dest: '2001:db8:2::', prefix: 48, nextHop: '2001:db8:1::1' }] });
  });

  it('netmask in ifconfig_remote (older topology subnet) is the prefix', () => {
    expect(reportFromEnv({ dev: 'tun0', trusted_ip: '192.0.2.1', ifconfig_local: '10.8.0.2', ifconfig_remote: '255.255.255.0' }).ipv4?.prefix).toBe(24);
  });

  it.each([
    [{ trusted_ip: '1.2.3.4', ifconfig_local: '10.0.0.2' }, 'openvpn gave no tunnel device (dev)'],
    [{ dev: 'tun0', ifconfig_local: '10.0.0.2' }, 'openvpn gave no VPN gateway (trusted_ip)'],
    [{ dev: 'tun0', trusted_ip: '1.2.3.4' }, 'openvpn gave the tunnel no address'],
    [{ dev: 'tun0', trusted_ip: '1.2.3.4', ifconfig_local: '10.0.0.300' }, "ifconfig_local '10.0.0.300' is not an IPv4 address"],
    [{ dev: 'tun0', trusted_ip: '1.2.3.4', ifconfig_local: '10.0.0.2', ifconfig_netmask: '255.0.255.0' }, "ifconfig_netmask '255.0.255.0' is not a netmask"],
  ])('names what is missing or wrong (%#)', (env, message) => {
    expect(() => reportFromEnv(env as Record<string, string>)).toThrow(message);
  });

  it('netmasks', () => {
    expect([netmaskToPrefix('255.255.255.255'), netmaskToPrefix('255.255.128.0'), netmaskToPrefix('0.0.0.0'), netmaskToPrefix('255.0.255.0')]).toEqual([32, 17, 0, undefined]);
  });
});
