/**
 * The activation manager's automatic methods on the fake platform, with a
 * DHCP client and router discovery driven by the test: when an auto/auto
 * profile is activated (may-fail), why it fails (no lease, no client, an
 * expired lease), what a deactivation stops and removes, and what DNS and
 * D-Bus hear.
 */
import { describe, expect, it } from 'vitest';
import {
  NMActiveConnectionState as AC,
  NMActivationStateFlags as Flags,
  NMDeviceState as DS,
  NMDeviceStateReason as Reason,
  type ConnectionSettings,
  type DnsConfig,
  type Family,
} from '../../sdk/index.js';
import { createLogger, LogSink } from '../log/logger.js';
import { GENERATED_SOURCE, SettingsStore } from '../settings/settings-store.js';
import type { Profile } from '../settings/profile.js';
import { ActivationManager } from './activation-manager.js';
import type { ActiveConnection } from './active-connection.js';
import type { AutoIpServices } from './dynamic/auto-ip.js';
import { drain, fakeCore, FakeDhcp, FakeNdisc, FakeSharing, lease4, ra, until, managersTakenDownAfterEach } from './test/fake-ip-services.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));
const UUID = '6a1b2c3d-0000-4000-8000-00000000a001';

const live = managersTakenDownAfterEach();

async function setup() {
  const { config, events, kinds, devices, model, platform, links } = await fakeCore(['eth0'], logger);
  const eth = { ifindex: links.eth0! };

  const dhcp = new FakeDhcp();
  const ndisc = new FakeNdisc();
  const sharing = new FakeSharing();
  const auto: AutoIpServices = {
    dhcpClient: () => dhcp,
    ndisc: () => ndisc,
    sharing: () => sharing,
    identities: { clientId4: () => undefined, iaid: () => 1, duid: () => '00:04:aa:bb', stableId: () => UUID, stableType: () => 'uuid', secretKey: () => new Uint8Array(32) },
    config,
    stateDir: '/nonexistent',
    sharedAddress4: () => ({ address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254' }),
    sharedPrefix6: () => ({ prefix: 'fd01:2::', prefixlen: 64, address: 'fd01:2::1' }),
  };
  const dnsState = new Map<string, DnsConfig[]>();
  const dns = { set: (key: string, configs: DnsConfig[]) => void dnsState.set(key, configs), remove: (key: string) => void dnsState.delete(key) };
  const settings = new SettingsStore(() => [], events, logger, config);
  const am = new ActivationManager(devices, kinds, settings, () => platform, model, events, logger, auto, dns);
  live.push(am);

  const deviceStates: Array<[number, number]> = [];
  events.on('device.state-changed', ({ device, state, reason }) => device.name === 'eth0' && deviceStates.push([state, reason]));
  const configChanged: Array<[string, Family]> = [];
  events.on('ip.config-changed', ({ path, family }) => configChanged.push([path, family]));

  const activate = async (ipv4: Record<string, unknown> = {}, ipv6: Record<string, unknown> = {}) => {
    const s: ConnectionSettings = {
      connection: { id: 'wired', uuid: UUID, type: '802-3-ethernet', 'interface-name': 'eth0' },
      ipv4: { method: 'auto', ...ipv4 },
      ipv6: { method: 'auto', ...ipv6 },
    };
    const profile: Profile = { uuid: UUID, id: 'wired', path: '/org/freedesktop/NetworkManager/Settings/1', settings: s, source: GENERATED_SOURCE, stored: { settings: s, file: '' }, version: 1 };
    const ac = await am.activate(profile);
    // The clients are asked once the link is configured.
    await until(() => dhcp.sessions.length + ndisc.sessions.length + sharing.requests.length > 0 || ac.done, 'a client started');
    return ac;
  };
  const kernelAddresses = async () => (await platform.addresses(eth.ifindex)).filter((a) => a.scope === 0).map((a) => `${a.address}/${a.prefixlen}`).sort();
  return { platform, am, dhcp, ndisc, sharing, dnsState, deviceStates, configChanged, activate, kernelAddresses, ifindex: eth.ifindex, devices };
}

const activated = (ac: ActiveConnection) => ac.state === AC.ACTIVATED;

describe('activation of automatic methods', () => {
  it('auto/auto with both may-fail is activated by the first family, the other goes on', async () => {
    const t = await setup();
    const ac = await t.activate();
    expect(t.ndisc.sessions).toHaveLength(1);
    t.dhcp.lease(4, lease4({ mtu: 1400 }));
    await until(() => activated(ac), 'activated');
    expect(ac.stateFlags & Flags.IP4_READY).toBeTruthy();
    expect(ac.stateFlags & Flags.IP6_READY).toBeFalsy();
    expect(t.devices.byName('eth0')!.state).toBe(DS.ACTIVATED);
    expect(await t.kernelAddresses()).toEqual(['192.0.2.50/24']);
    expect((await t.platform.link(t.ifindex))!.mtu).toBe(1400);
    expect(ac.defaultMetric4).toBe(100);
    // IPv6 joins later.
    t.ndisc.advertise(ra());
    await until(() => (ac.stateFlags & Flags.IP6_READY) !== 0, 'IPv6 ready');
    expect(await t.kernelAddresses()).toEqual(['192.0.2.50/24', 'fd42:1::5054:ff:fe12:3456/64']);
  });

  it('with ipv4.may-fail=false it waits for the DHCP lease even when IPv6 is ready', async () => {
    const t = await setup();
    const ac = await t.activate({ 'may-fail': false });
    t.ndisc.advertise(ra());
    await until(() => (ac.stateFlags & Flags.IP6_READY) !== 0, 'IPv6 ready');
    await drain();
    expect(ac.state).toBe(AC.ACTIVATING);
    expect(t.devices.byName('eth0')!.state).toBe(DS.IP_CONFIG);
    t.dhcp.lease(4, lease4());
    await until(() => activated(ac), 'activated');
  });

  it('a DHCP timeout with may-fail=false fails the device with IP_CONFIG_UNAVAILABLE', async () => {
    const t = await setup();
    const ac = await t.activate({ 'may-fail': false });
    t.ndisc.advertise(ra());
    t.dhcp.fail(4, 'timeout', 'no lease within 45 seconds');
    await until(() => ac.done, 'deactivated');
    expect(t.deviceStates).toContainEqual([DS.FAILED, Reason.IP_CONFIG_UNAVAILABLE]);
    expect(ac.failed).toBe(true);
    // What IPv6 had configured is gone with it, and discovery stopped.
    expect(await t.kernelAddresses()).toEqual([]);
    expect(t.ndisc.sessions[0]!.stopped).toBe(1);
  });

  it('a DHCP client that cannot start gives DHCP_START_FAILED', async () => {
    const t = await setup();
    t.dhcp.startError = new Error('dhclient: No such file or directory');
    const ac = await t.activate({ 'may-fail': false });
    await until(() => ac.done, 'deactivated');
    expect(t.deviceStates).toContainEqual([DS.FAILED, Reason.DHCP_START_FAILED]);
  });

  it('a lease expiring after activation with may-fail=false fails the device with IP_CONFIG_EXPIRED', async () => {
    const t = await setup();
    const ac = await t.activate({ 'may-fail': false });
    t.dhcp.lease(4, lease4());
    t.ndisc.advertise(ra());
    await until(() => activated(ac) && (ac.stateFlags & Flags.IP6_READY) !== 0, 'activated with both families');
    t.dhcp.fail(4, 'expired', 'no renewal');
    await until(() => ac.done, 'deactivated');
    expect(t.deviceStates).toContainEqual([DS.FAILED, Reason.IP_CONFIG_EXPIRED]);
    expect(await t.kernelAddresses()).toEqual([]);
  });

  it('a lease expiring with may-fail=true while IPv6 works keeps the connection, without the IPv4 address', async () => {
    const t = await setup();
    const ac = await t.activate();
    t.dhcp.lease(4, lease4());
    t.ndisc.advertise(ra());
    await until(() => activated(ac) && (ac.stateFlags & Flags.IP6_READY) !== 0, 'activated with both families');
    t.dhcp.fail(4, 'expired', 'no renewal');
    await drain(10);
    expect(ac.state).toBe(AC.ACTIVATED);
    expect(t.deviceStates.some(([s]) => s === DS.FAILED)).toBe(false);
    expect(await t.kernelAddresses()).toEqual(['fd42:1::5054:ff:fe12:3456/64']);
    expect(ac.defaultMetric4).toBeUndefined();
    expect(t.dnsState.get(ac.path)?.some((c) => c.family === 4)).toBe(false);
  });

  it('ipv4.method shared puts the router address on the link, starts sharing with its range and stops it on deactivation', async () => {
    const t = await setup();
    const ac = await t.activate({ method: 'shared' }, { method: 'ignore' });
    await until(() => activated(ac), 'activated');
    expect(t.sharing.requests).toEqual([{ ifindex: t.ifindex, ifname: 'eth0', uuid: UUID, ipv4: { address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254', leaseTime: 3600 } }]);
    expect(await t.kernelAddresses()).toEqual(['10.42.0.1/24']);
    await t.am.deactivate(ac);
    expect(t.sharing.stopped).toBe(1);
    expect(await t.kernelAddresses()).toEqual([]);
  });

  it('deactivation stops the clients, removes the lease address and clears DNS; DNS and D-Bus heard the lease', async () => {
    const t = await setup();
    const ac = await t.activate();
    t.dhcp.lease(4, lease4({ nameservers: ['192.0.2.53', '192.0.2.54'], domains: ['lan.test'] }));
    await until(() => activated(ac), 'activated');
    const v4 = t.dnsState.get(ac.path)?.find((c) => c.family === 4);
    expect(v4).toMatchObject({ nameservers: ['192.0.2.53', '192.0.2.54'], searches: ['lan.test'], ifname: 'eth0', connectionUuid: UUID, priority: 100, isDefault: true });
    expect(t.configChanged).toContainEqual([ac.path, 4]);

    await t.am.deactivate(ac);
    expect(ac.state).toBe(AC.DEACTIVATED);
    expect(t.dhcp.session(4).stops).toEqual([false]);
    expect(t.ndisc.sessions[0]!.stopped).toBe(1);
    expect(await t.kernelAddresses()).toEqual([]);
    expect(t.dnsState.has(ac.path)).toBe(false);
    // A late lease from the stopped client changes nothing.
    t.dhcp.lease(4, lease4());
    await drain();
    expect(await t.kernelAddresses()).toEqual([]);
  });
});
