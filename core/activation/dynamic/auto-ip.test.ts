/**
 * What the automatic methods ask the DHCP client and router discovery for,
 * from the profile and the config as NetworkManager 1.42 resolves them:
 * timeouts, hostname, vendor class, rejected servers, lease file names, ARP
 * probing, the address generation mode and the route metric context.
 */
import { describe, expect, it } from 'vitest';
import { NMDeviceType, type ConnectionSettings, type Family } from '../../../sdk/index.js';
import { FakePlatform } from '../../../plugins/platform-fake/fake-platform.js';
import { MergedConfig } from '../../config/merged-config.js';
import type { Device } from '../../devices/device.js';
import { createLogger, LogSink } from '../../log/logger.js';
import { GENERATED_SOURCE } from '../../settings/settings-store.js';
import { ActiveConnection } from '../active-connection.js';
import { planIp } from '../ip-plan.js';
import { FakeDhcp, FakeNdisc, FakeSharing } from '../test/fake-ip-services.js';
import { dhcpRequest, l3Context, startAutoIp, type AutoIpServices } from './auto-ip.js';
import type { DynamicIpHost } from './dynamic-ip.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));
const UUID = '0b8c6d3e-54b1-4d0e-9f0a-7f3a1d2c9e11';

const device = { ifindex: 7, name: 'eth0', deviceType: NMDeviceType.ETHERNET, link: { mac: '02:00:00:00:00:07' } } as unknown as Device;

function connection(ipv4: Record<string, unknown> = {}, ipv6: Record<string, unknown> = {}): ActiveConnection {
  const settings: ConnectionSettings = { connection: { id: 'wired', uuid: UUID, type: '802-3-ethernet', 'interface-name': 'eth0' }, ipv4: { method: 'auto', ...ipv4 }, ipv6: { method: 'auto', ...ipv6 } };
  return new ActiveConnection(1, { uuid: UUID, id: 'wired', path: '/p/1', settings, source: GENERATED_SOURCE, stored: { settings, file: '' }, version: 1 }, structuredClone(settings), device);
}

function services(configLines: Array<[string, string, string]> = [], dhcp = new FakeDhcp(), ndisc: FakeNdisc | null = new FakeNdisc()): AutoIpServices {
  const config = new MergedConfig();
  for (const [s, k, v] of configLines) config.set(s, k, v, 'test.conf:1');
  return {
    dhcpClient: (family: Family) => (dhcp.families.includes(family) ? dhcp : undefined),
    ndisc: () => ndisc ?? undefined,
    sharing: () => new FakeSharing(),
    identities: {
      clientId4: () => '01:02:00:00:00:00:07',
      iaid: (family) => (family === 4 ? 0x0a0b0c0d : 0x01020304),
      duid: () => '00:04:aa:bb',
      stableId: () => UUID,
      stableType: () => 'uuid',
      secretKey: () => new Uint8Array(32).fill(9),
    },
    config,
    stateDir: '/var/lib/nmk',
    sharedAddress4: () => ({ address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254' }),
    sharedPrefix6: () => ({ prefix: 'fd01:2::', prefixlen: 64, address: 'fd01:2::1' }),
  };
}

const host: DynamicIpHost = { platform: () => new FakePlatform(), logger, changed: () => undefined, lost: () => undefined, applyMtu: async () => undefined };

describe('dhcpRequest', () => {
  it('carries the device, the identities and NetworkManager lease file names', () => {
    const r4 = dhcpRequest(connection(), 4, services(), 'internal');
    expect(r4).toMatchObject({ family: 4, ifindex: 7, ifname: 'eth0', hwaddr: '02:00:00:00:00:07', uuid: UUID, stableId: UUID, clientId: '01:02:00:00:00:00:07', iaid: 0x0a0b0c0d, rejectServers: [] });
    expect(r4.leaseFile).toBe(`/var/lib/nmk/internal-${UUID}-eth0.lease`);
    const r6 = dhcpRequest(connection(), 6, services(), 'dhclient');
    expect(r6).toMatchObject({ family: 6, clientId: '00:04:aa:bb', iaid: 0x01020304 });
    expect(r6.leaseFile).toBe(`/var/lib/nmk/dhclient6-${UUID}-eth0.lease`);
    expect(dhcpRequest(connection(), 6, services(), 'internal').leaseFile).toBe(`/var/lib/nmk/internal6-${UUID}-eth0.lease`);
    expect(r6).not.toHaveProperty('acdTimeout');
  });

  it('dhcp-timeout: the profile, then [connection] ipv4.dhcp-timeout, then 45; infinity means 0 (forever)', () => {
    expect(dhcpRequest(connection({ 'dhcp-timeout': 10 }), 4, services([['connection', 'ipv4.dhcp-timeout', '20']]), 'internal').timeout).toBe(10);
    expect(dhcpRequest(connection({ 'dhcp-timeout': 0 }), 4, services([['connection', 'ipv4.dhcp-timeout', '20']]), 'internal').timeout).toBe(20);
    expect(dhcpRequest(connection(), 4, services(), 'internal').timeout).toBe(45);
    expect(dhcpRequest(connection({ 'dhcp-timeout': 2147483647 }), 4, services(), 'internal').timeout).toBe(0);
    expect(dhcpRequest(connection(), 4, services([['connection', 'ipv4.dhcp-timeout', '2147483647']]), 'internal').timeout).toBe(0);
    expect(dhcpRequest(connection({}, { 'dhcp-timeout': 7 }), 6, services(), 'internal').timeout).toBe(7);
    expect(dhcpRequest(connection(), 6, services([['connection', 'ipv6.dhcp-timeout', '12']]), 'internal').timeout).toBe(12);
  });

  it('hostname: none when dhcp-send-hostname is false, a dotted name as FQDN, ipv4.dhcp-fqdn as FQDN', () => {
    const none = dhcpRequest(connection({ 'dhcp-send-hostname': false, 'dhcp-hostname': 'box' }), 4, services(), 'internal');
    expect(none.hostname).toBeUndefined();
    expect(none.fqdn).toBeUndefined();
    expect(dhcpRequest(connection({ 'dhcp-hostname': 'box' }), 4, services(), 'internal')).toMatchObject({ hostname: 'box' });
    const dotted = dhcpRequest(connection({ 'dhcp-hostname': 'box.example.test' }), 4, services(), 'internal');
    expect(dotted.fqdn).toBe('box.example.test');
    expect(dotted.hostname).toBeUndefined();
    expect(dhcpRequest(connection({ 'dhcp-fqdn': 'host.example.test', 'dhcp-hostname': 'box' }), 4, services(), 'internal')).toMatchObject({ fqdn: 'host.example.test' });
    expect(dhcpRequest(connection({}, { 'dhcp-hostname': 'box6' }), 6, services(), 'internal')).toMatchObject({ hostname: 'box6' });
  });

  it('vendor class and rejected servers come from the IPv4 setting', () => {
    const r = dhcpRequest(connection({ 'dhcp-vendor-class-identifier': 'nmk-test', 'dhcp-reject-servers': ['192.0.2.9', '198.51.100.0/24'] }), 4, services(), 'internal');
    expect(r.vendorClass).toBe('nmk-test');
    expect(r.rejectServers).toEqual(['192.0.2.9', '198.51.100.0/24']);
    expect(dhcpRequest(connection(), 4, services(), 'internal')).not.toHaveProperty('vendorClass');
  });

  it('acdTimeout from ipv4.dad-timeout; -1 takes [connection] ipv4.dad-timeout, whose default is no probe', () => {
    expect(dhcpRequest(connection({ 'dad-timeout': 200 }), 4, services(), 'internal').acdTimeout).toBe(200);
    expect(dhcpRequest(connection({ 'dad-timeout': -1 }), 4, services([['connection', 'ipv4.dad-timeout', '300']]), 'internal').acdTimeout).toBe(300);
    expect(dhcpRequest(connection({ 'dad-timeout': -1 }), 4, services(), 'internal')).not.toHaveProperty('acdTimeout');
    expect(dhcpRequest(connection({ 'dad-timeout': 0 }), 4, services([['connection', 'ipv4.dad-timeout', '300']]), 'internal')).not.toHaveProperty('acdTimeout');
  });
});

describe('l3Context', () => {
  it('the device type metric unless route-metric; IPv6 metric 0 is 1024; table, never-default, ignore-auto-*, privacy', () => {
    expect(l3Context(connection(), 4)).toEqual({ family: 4, ifindex: 7, metric: 100, table: 254, neverDefault: false, ignoreAutoRoutes: false, ignoreAutoDns: false, privacy: false });
    expect(l3Context(connection({ 'route-metric': 20, 'route-table': 100, 'never-default': true, 'ignore-auto-routes': true, 'ignore-auto-dns': true }), 4)).toMatchObject({ metric: 20, table: 100, neverDefault: true, ignoreAutoRoutes: true, ignoreAutoDns: true });
    expect(l3Context(connection({}, { 'route-metric': 0 }), 6).metric).toBe(1024);
    expect(l3Context(connection({}, { 'ip6-privacy': 2 }), 6).privacy).toBe(true);
  });
});

describe('startAutoIp', () => {
  const start = (ac: ActiveConnection, family: Family, s: AutoIpServices) => startAutoIp(ac, planIp(ac.applied, family, device.deviceType, device.name, device.ifindex), s, host, logger);

  it('ipv6.method auto: router discovery with addr-gen-mode 0,2 as eui64 and 1,3 as stable-privacy', () => {
    const modes: Array<[number | undefined, string]> = [[0, 'eui64'], [1, 'stable-privacy'], [2, 'eui64'], [3, 'stable-privacy'], [undefined, 'stable-privacy']];
    for (const [mode, expected] of modes) {
      const ndisc = new FakeNdisc();
      const r = start(connection({}, mode === undefined ? {} : { 'addr-gen-mode': mode }), 6, services([], new FakeDhcp(), ndisc));
      expect('dyn' in r).toBe(true);
      expect(ndisc.sessions[0]!.request.addrGenMode, `addr-gen-mode ${mode}`).toBe(expected);
    }
  });

  it('ra-timeout: the profile, then [connection] ipv6.ra-timeout, then 30; infinity means 0; the token and identities pass', () => {
    const timeout = (ipv6: Record<string, unknown>, lines: Array<[string, string, string]> = []) => {
      const ndisc = new FakeNdisc();
      start(connection({}, ipv6), 6, services(lines, new FakeDhcp(), ndisc));
      return ndisc.sessions[0]!.request;
    };
    expect(timeout({}).timeout).toBe(30);
    expect(timeout({ 'ra-timeout': 0 }).timeout).toBe(30);
    expect(timeout({ 'ra-timeout': 10 }).timeout).toBe(10);
    expect(timeout({}, [['connection', 'ipv6.ra-timeout', '5']]).timeout).toBe(5);
    expect(timeout({ 'ra-timeout': 2147483647 }).timeout).toBe(0);
    const r = timeout({ token: '::1:2' });
    expect(r).toMatchObject({ ifindex: 7, ifname: 'eth0', hwaddr: '02:00:00:00:00:07', stableId: UUID, stableType: 'uuid', token: '::1:2' });
    expect([...r.secretKey]).toEqual(new Array(32).fill(9));
  });

  it('ipv4 auto and ipv6 dhcp start the DHCP client for their family', () => {
    const dhcp = new FakeDhcp();
    start(connection(), 4, services([], dhcp));
    start(connection({}, { method: 'dhcp' }), 6, services([], dhcp));
    expect(dhcp.sessions.map((s) => [s.request.family, s.request.infoOnly])).toEqual([[4, undefined], [6, undefined]]);
  });

  it('names what is missing: no DHCP client for the family, no router discovery, no sharing', () => {
    expect(start(connection(), 4, services([], new FakeDhcp('dhclient', [6])))).toEqual({ error: expect.stringMatching(/no DHCPv4 client plugin/) });
    expect(start(connection(), 6, services([], new FakeDhcp(), null))).toEqual({ error: expect.stringMatching(/router discovery/) });
    const s = { ...services(), sharing: () => undefined };
    expect(start(connection({ method: 'shared' }), 4, s)).toEqual({ error: expect.stringMatching(/sharing/) });
  });
});
