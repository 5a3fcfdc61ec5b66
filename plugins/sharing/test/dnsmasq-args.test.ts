/** dnsmasq's command line: NetworkManager 1.42's options for IPv4, nmk's additions, IPv6 router advertisements. */
import { describe, expect, it } from 'vitest';
import type { SharingRequest } from '../../../sdk/index.js';
import { dnsmasqArgs } from '../dnsmasq-args.js';

const files = { pidFile: '/r/run/nmk/dnsmasq-eth1.pid', leaseFile: '/r/run/nmk/dnsmasq-eth1.leases', resolvFile: '/r/etc/resolv.conf' };
const v4: SharingRequest = {
  ifindex: 4,
  ifname: 'eth1',
  uuid: '5a0c1f44-1111-4222-8333-444455556666',
  ipv4: { address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254', leaseTime: 3600 },
};
const v6 = { prefix: 'fd12:3456:789a:1::', prefixlen: 64, address: 'fd12:3456:789a:1::1' };

describe('dnsmasqArgs', () => {
  it("gives NetworkManager's IPv4 options in its order, then nmk's binding, log and resolv.conf", () => {
    expect(dnsmasqArgs(v4, files)).toEqual([
      '--conf-file=/dev/null',
      '--no-hosts',
      '--keep-in-foreground',
      '--bind-interfaces',
      '--except-interface=lo',
      '--clear-on-reload',
      '--strict-order',
      '--listen-address=10.42.0.1',
      '--dhcp-range=10.42.0.10,10.42.0.254,3600',
      '--dhcp-leasefile=/r/run/nmk/dnsmasq-eth1.leases',
      '--pid-file=/r/run/nmk/dnsmasq-eth1.pid',
      '--interface=eth1',
      '--log-facility=-',
      '--resolv-file=/r/etc/resolv.conf',
    ]);
  });

  it.each([
    [0, '3600'],
    [120, '120'],
    [86400, '86400'],
    [0x7fffffff, 'infinite'],
    [0xffffffff, 'infinite'],
  ])('lease time %i is written %s', (leaseTime, text) => {
    const args = dnsmasqArgs({ ...v4, ipv4: { ...v4.ipv4!, leaseTime } }, files);
    expect(args).toContain(`--dhcp-range=10.42.0.10,10.42.0.254,${text}`);
  });

  it('forwards DNS nowhere when there is no resolv.conf folder (dnsmasq would not start)', () => {
    const { resolvFile: _r, ...noResolv } = files;
    const args = dnsmasqArgs(v4, noResolv);
    expect(args.at(-1)).toBe('--no-resolv');
    expect(args.some((a) => a.startsWith('--resolv-file'))).toBe(false);
  });

  it('logs DHCP and queries when debugging, and reads the conf dir when there is one', () => {
    const args = dnsmasqArgs(v4, { ...files, confDir: '/r/etc/nmk/dnsmasq-shared.d' }, { debug: true });
    expect(args.slice(0, 2)).toEqual(['--log-dhcp', '--log-queries']);
    expect(args.at(-1)).toBe('--conf-dir=/r/etc/nmk/dnsmasq-shared.d');
  });

  it('advertises the IPv6 prefix (SLAAC, stateless DHCPv6) with the router as DNS server', () => {
    const args = dnsmasqArgs({ ...v4, ipv6: v6 }, files);
    const at = args.indexOf('--listen-address=fd12:3456:789a:1::1');
    expect(at).toBeGreaterThan(args.indexOf('--dhcp-range=10.42.0.10,10.42.0.254,3600'));
    expect(args.slice(at, at + 4)).toEqual([
      '--listen-address=fd12:3456:789a:1::1',
      '--enable-ra',
      '--dhcp-range=fd12:3456:789a:1::,ra-stateless,64',
      '--dhcp-option=option6:dns-server,[fd12:3456:789a:1::1]',
    ]);
  });

  it('serves IPv6 alone with no DHCPv4 range', () => {
    const { ipv4: _none, ...rest } = v4;
    const args = dnsmasqArgs({ ...rest, ipv6: v6 }, files);
    expect(args.filter((a) => a.startsWith('--dhcp-range='))).toEqual(['--dhcp-range=fd12:3456:789a:1::,ra-stateless,64']);
    expect(args.filter((a) => a.startsWith('--listen-address='))).toEqual(['--listen-address=fd12:3456:789a:1::1']);
  });
});
