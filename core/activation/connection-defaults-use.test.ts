/**
 * The activation's readers of `[connection*]` defaults ask for the device the
 * profile activates on: two devices under one config, a section that matches
 * only eth1 and a plain [connection], give each device its own value
 * (DHCP and DAD timeouts, DHCP identities, the cloned MAC); multi-connect,
 * which cannot depend on a device, reads only sections without match-device.
 */
import { describe, expect, it } from 'vitest';
import { NMDeviceType, type ConnectionSettings, type Family } from '../../sdk/index.js';
import { MergedConfig } from '../config/merged-config.js';
import type { Device } from '../devices/device.js';
import type { HostIdentity } from '../ip/host-identity.js';
import { createLogger, LogSink } from '../log/logger.js';
import { GENERATED_SOURCE } from '../settings/settings-store.js';
import { ActiveConnection } from './active-connection.js';
import { clonedMacFor } from './cloned-mac.js';
import { dhcpRequest, type AutoIpServices } from './dynamic/auto-ip.js';
import { dhcpIdentities } from './dynamic/identities.js';
import { MultiConnect, multiConnectOf } from './multi-connect.js';
import { FakeDhcp } from './test/fake-ip-services.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));
const UUID = '0b8c6d3e-54b1-4d0e-9f0a-7f3a1d2c9e11';

const device = (name: string, mac: string, ifindex: number) =>
  ({ ifindex, name, kind: 'ethernet', deviceType: NMDeviceType.ETHERNET, link: { mac } }) as unknown as Device;
const eth0 = device('eth0', '02:00:00:00:00:07', 7);
const eth1 = device('eth1', '02:00:00:00:00:08', 8);

const CONF: Array<[string, string, string]> = [
  ['connection-eth1', 'match-device', 'interface-name:eth1'],
  ['connection-eth1', 'ipv4.dhcp-timeout', '11'],
  ['connection-eth1', 'ipv4.dad-timeout', '300'],
  ['connection-eth1', 'ipv4.dhcp-client-id', 'mac'],
  ['connection-eth1', 'ethernet.cloned-mac-address', '02:11:11:11:11:11'],
  ['connection-eth1', 'connection.multi-connect', '3'],
  ['connection', 'ipv4.dhcp-timeout', '22'],
  ['connection', 'ethernet.cloned-mac-address', '02:22:22:22:22:22'],
  ['connection', 'connection.multi-connect', '2'],
];

function config(lines = CONF): MergedConfig {
  const c = new MergedConfig();
  for (const [s, k, v] of lines) c.set(s, k, v, '/etc/nmk/conf.d/test.conf:1');
  return c;
}

const settings = (): ConnectionSettings => ({ connection: { id: 'wired', uuid: UUID, type: '802-3-ethernet' }, ipv4: { method: 'auto' }, ipv6: { method: 'ignore' } });

function activation(d: Device): ActiveConnection {
  const s = settings();
  return new ActiveConnection(1, { uuid: UUID, id: 'wired', path: '/p/1', settings: s, source: GENERATED_SOURCE, stored: { settings: s, file: '' }, version: 1 }, structuredClone(s), d);
}

const host: HostIdentity = {
  machineId: Buffer.alloc(16, 1),
  machineIdText: '01'.repeat(16),
  machineIdIsFake: false,
  bootId: '00000000-0000-0000-0000-000000000000',
  hostId: Buffer.alloc(32, 9),
  hostIdGood: true,
  hostIdTimestamp: 0,
} as HostIdentity;

function services(c: MergedConfig): AutoIpServices {
  const dhcp = new FakeDhcp();
  return {
    dhcpClient: (family: Family) => (dhcp.families.includes(family) ? dhcp : undefined),
    ndisc: () => undefined,
    sharing: () => undefined,
    identities: dhcpIdentities(host, c, logger),
    config: c,
    stateDir: '/var/lib/nmk',
    sharedAddress4: () => ({ address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254' }),
    sharedPrefix6: () => ({ prefix: 'fd01:2::', prefixlen: 64, address: 'fd01:2::1' }),
  };
}

describe('[connection*] defaults at the activation call sites', () => {
  it('DHCP timeout and ARP probe: each device its own section', () => {
    const s = services(config());
    expect(dhcpRequest(activation(eth1), 4, s, 'internal')).toMatchObject({ timeout: 11, acdTimeout: 300 });
    const r0 = dhcpRequest(activation(eth0), 4, s, 'internal');
    expect(r0.timeout).toBe(22);
    expect(r0).not.toHaveProperty('acdTimeout');
  });

  it('ipv4.dhcp-client-id: "mac" from [connection-eth1] on eth1 only; eth0 keeps the internal client default', () => {
    const ids = dhcpIdentities(host, config(), logger);
    expect(ids.clientId4(settings(), eth1, 'dhclient')).toBe('01:02:00:00:00:00:08');
    // dhclient sends no client id by default: eth0 has no config value.
    expect(ids.clientId4(settings(), eth0, 'dhclient')).toBeUndefined();
  });

  it('ethernet.cloned-mac-address: the address of the device\'s section', () => {
    const s = services(config());
    expect(clonedMacFor(settings(), eth1, s)).toBe('02:11:11:11:11:11');
    expect(clonedMacFor(settings(), eth0, s)).toBe('02:22:22:22:22:22');
  });

  it('connection.multi-connect: only sections without match-device, whatever the device', () => {
    expect(multiConnectOf(settings(), config())).toBe(MultiConnect.MANUAL_MULTIPLE);
    expect(multiConnectOf(settings(), config(CONF.filter(([s]) => s !== 'connection')))).toBe(MultiConnect.SINGLE);
  });

  it('only [connection]: both devices get the same values as before', () => {
    const s = services(config(CONF.filter(([s]) => s === 'connection')));
    for (const d of [eth0, eth1]) {
      expect(dhcpRequest(activation(d), 4, s, 'internal').timeout).toBe(22);
      expect(clonedMacFor(settings(), d, s)).toBe('02:22:22:22:22:22');
    }
  });
});
