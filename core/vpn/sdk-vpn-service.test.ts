import { describe, expect, it } from 'vitest';
import type { VpnPluginDefinition } from '../../sdk/index.js';
import { chooseVpnPlugin } from './sdk-plugins.js';
import { reportToDicts } from './sdk-vpn-service.js';
import { parseGeneric, parseIpConfig } from './vpn-config.js';
import type { VpnPluginInfo } from './plugin-info.js';

describe('an SDK plugin\'s report as the classic Config/Ip4Config/Ip6Config', () => {
  it('reads back through the classic parser unchanged', () => {
    const d = reportToDicts({
      tundev: 'tun0', gateway: '192.0.2.1', mtu: 1400, banner: 'hello',
      ipv4: { address: '10.8.0.2', prefix: 24, gateway: '10.8.0.1', routes: [{ dest: '198.51.100.0', prefix: 24, nextHop: '10.8.0.1' }], dns: ['10.8.0.1'], domains: ['corp.example'] },
      ipv6: { address: '2001:db8::2', prefix: 64, dns: ['2001:db8::53'], routes: [{ dest: '2001:db8:5::', prefix: 48 }], neverDefault: true },
    });
    expect(parseGeneric(d.config)).toEqual({ tundev: 'tun0', gateway4: '192.0.2.1', mtu: 1400, banner: 'hello', hasIp4: true, hasIp6: true });
    expect(parseIpConfig(4, d.ip4!, '192.0.2.1')).toMatchObject({ address: '10.8.0.2', prefix: 24, internalGateway: '10.8.0.1', nameservers: ['10.8.0.1'], domains: ['corp.example'], routes: [{ dst: '198.51.100.0', dstLen: 24, gateway: '10.8.0.1' }], neverDefault: false });
    expect(parseIpConfig(6, d.ip6!)).toMatchObject({ address: '2001:db8::2', prefix: 64, nameservers: ['2001:db8::53'], routes: [{ dst: '2001:db8:5::', dstLen: 48 }], neverDefault: true });
  });

  it('a bad address is an error naming the field', () => {
    expect(() => reportToDicts({ gateway: '192.0.2.1', ipv4: { address: '10.8.0.300', prefix: 24 } })).toThrow("reportConfig: ipv4.address '10.8.0.300' is not an IPv4 address");
    expect(() => reportToDicts({ gateway: 'vpn.example', ipv4: { address: '10.8.0.2', prefix: 24 } })).toThrow("reportConfig: gateway 'vpn.example' is not an IP address");
    expect(() => reportToDicts({ gateway: '192.0.2.1' })).toThrow('neither ipv4 nor ipv6');
  });
});

describe('choosing the TypeScript plugin or the classic service', () => {
  const classic: VpnPluginInfo = { name: 'openvpn', service: 'org.freedesktop.NetworkManager.openvpn', program: '/usr/lib/nm-openvpn-service', supportsMultiple: true, supportsHints: true, file: 'x.name' };
  const sdk = { name: 'openvpn', serviceType: 'org.freedesktop.NetworkManager.openvpn' } as VpnPluginDefinition;
  it.each([
    [[classic], [sdk], undefined, 'sdk'],
    [[classic], [sdk], 'sdk', 'sdk'],
    [[classic], [sdk], 'classic', 'classic'],
    [[], [sdk], 'classic', 'sdk'],
    [[classic], [], undefined, 'classic'],
  ] as const)('classic %#: prefer=%s', (c, s, prefer, want) => {
    const choice = chooseVpnPlugin(c, s, 'org.freedesktop.NetworkManager.openvpn', prefer);
    expect(choice?.sdk ? 'sdk' : 'classic').toBe(want);
  });
  it('the short name finds it too; an unknown type finds nothing', () => {
    expect(chooseVpnPlugin([], [sdk], 'openvpn', undefined)?.sdk).toBe(sdk);
    expect(chooseVpnPlugin([classic], [sdk], 'org.freedesktop.NetworkManager.vpnc', undefined)).toBeUndefined();
  });
});
