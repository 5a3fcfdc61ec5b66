/**
 * IPv6 sharing with prefixes delegated from upstream, on the fake platform:
 * an upstream (eth0, ipv6 auto, its router advertisement and DHCPv6 client
 * driven by the test) and shared links (eth1, eth2). What is asked of the
 * upstream's DHCPv6, which /64 each shared link gets (NetworkManager's
 * numbering), what is in the kernel and handed to the sharing plugin, and
 * the moves: a prefix that arrives late, changes, expires, or an upstream
 * that goes, each back to the ULA.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NMActiveConnectionState as AC, type ConnectionSettings, type DhcpLease, type SettingValues } from '../../../sdk/index.js';
import { createLogger, LogSink } from '../../log/logger.js';
import { GENERATED_SOURCE, SettingsStore } from '../../settings/settings-store.js';
import type { Profile } from '../../settings/profile.js';
import { ActivationManager } from '../activation-manager.js';
import type { ActiveConnection } from '../active-connection.js';
import { requestPrefixes, type AutoIpServices } from './auto-ip.js';
import { PrefixDelegation } from './prefix-delegation.js';
import { drain, fakeCore, FakeDhcp, FakeNdisc, FakeSharing, lease6, ra, type FakeDhcpSession } from '../test/fake-ip-services.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));
const WAIT_MS = 5000;

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await drain(1);
  if (!done()) throw new Error(`never happened: ${what}`);
}

const live: ActivationManager[] = [];
beforeEach(() => {
  // Only the pool's wait and expiry timers are driven by hand; the activation chain runs on setImmediate.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(async () => {
  for (const am of live.splice(0)) for (const ac of [...am.all()]) await am.deactivate(ac);
  vi.useRealTimers();
});

/** A lease of the IA_PD-only client: no address, the delegated prefixes. */
function pdLease(prefixes: Array<[string, number]>, validLifetime = 7200): DhcpLease {
  return lease6({ addresses: [], nameservers: [], delegatedPrefixes: prefixes.map(([prefix, prefixlen]) => ({ prefix, prefixlen, validLifetime, preferredLifetime: validLifetime / 2 })) });
}

async function setup() {
  const { config, events, kinds, devices, model, platform, links } = await fakeCore(['eth0', 'eth1', 'eth2'], logger);

  const dhcp = new FakeDhcp();
  const ndisc = new FakeNdisc();
  const sharing = new FakeSharing();
  let clock = 1_000_000;
  const pool = new PrefixDelegation({ logger, waitMs: WAIT_MS, now: () => clock, requestPrefixes: (up, dyn) => requestPrefixes(up, dyn, auto, logger) });
  const auto: AutoIpServices = {
    dhcpClient: () => dhcp,
    ndisc: () => ndisc,
    sharing: () => sharing,
    identities: { clientId4: () => undefined, iaid: () => 7, duid: () => '00:04:aa:bb', stableId: (s) => String(s.connection?.uuid), stableType: () => 'uuid', secretKey: () => new Uint8Array(32) },
    config,
    stateDir: '/var/lib/nmk',
    sharedAddress4: () => ({ address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254' }),
    // A ULA per link, as chooseSharedIpv6Ula gives one.
    sharedPrefix6: (ac) => ({ prefix: `fd01:2:3:${ac.device.ifindex}::`, prefixlen: 64, address: `fd01:2:3:${ac.device.ifindex}::1` }),
    delegation: pool,
  };
  const settings = new SettingsStore(() => [], events, logger, config);
  const am = new ActivationManager(devices, kinds, settings, () => platform, model, events, logger, auto, { set: () => undefined, remove: () => undefined });
  live.push(am);

  let n = 0;
  const activate = async (ifname: string, ipv6: SettingValues): Promise<ActiveConnection> => {
    const uuid = `6a1b2c3d-0000-4000-8000-00000000b00${++n}`;
    const s: ConnectionSettings = {
      connection: { id: ifname, uuid, type: '802-3-ethernet', 'interface-name': ifname },
      ipv4: { method: 'disabled' },
      ipv6,
    };
    const profile: Profile = { uuid, id: ifname, path: `/org/freedesktop/NetworkManager/Settings/${n}`, settings: s, source: GENERATED_SOURCE, stored: { settings: s, file: '' }, version: 1 };
    return am.activate(profile);
  };
  /** eth0 activated with an IPv6 default route from its router (no M flag: no DHCPv6 of its own). */
  const upstream = async () => {
    const ac = await activate('eth0', { method: 'auto' });
    await until(() => ndisc.sessions.length > 0, 'router discovery started');
    ndisc.advertise(ra());
    await until(() => ac.state === AC.ACTIVATED && ac.defaultMetric6 !== undefined, 'upstream activated');
    return ac;
  };
  const pdSessions = () => dhcp.sessions.filter((s) => s.request.prefixDelegation);
  const pdSession = async (): Promise<FakeDhcpSession> => {
    await until(() => pdSessions().length > 0, 'the upstream asked for a prefix');
    return pdSessions().at(-1)!;
  };
  /** Global addresses on a link, as the kernel shows them. */
  const global6 = async (ifname: string) =>
    (await platform.addresses(links[ifname]!))
      .filter((a) => a.family === 6 && !a.address.startsWith('fe80'))
      .map((a) => `${a.address}/${a.prefixlen}`)
      .sort();
  const shared = (ifname: string) => sharing.requests.filter((r) => r.ifname === ifname).map((r) => r.ipv6?.prefix);
  return { am, dhcp, ndisc, sharing, pool, activate, upstream, pdSession, pdSessions, global6, shared, links, tick: (ms: number) => (clock += ms) };
}

const activated = (ac: ActiveConnection) => ac.state === AC.ACTIVATED;

describe('IPv6 sharing with a delegated prefix', () => {
  it('asks the upstream for a prefix (IA_PD only, no timeout) and shares its first /64', async () => {
    const t = await setup();
    const up = await t.upstream();
    const sh = await t.activate('eth1', { method: 'shared' });
    const pd = await t.pdSession();
    expect(pd.request).toMatchObject({ family: 6, ifname: 'eth0', uuid: up.uuid, infoOnly: true, prefixDelegation: true, timeout: 0, iaid: 7, clientId: '00:04:aa:bb' });
    expect(pd.request.leaseFile).toBe(`/var/lib/nmk/internal6-pd-${up.uuid}-eth0.lease`);
    // Still waiting: nothing shared yet.
    await drain(10);
    expect(sh.state).toBe(AC.ACTIVATING);
    expect(t.sharing.requests).toEqual([]);

    pd.events.onLease(pdLease([['2001:db8:0:100::', 56]]));
    await until(() => activated(sh), 'shared activated');
    expect(t.sharing.requests).toEqual([{ ifindex: t.links.eth1, ifname: 'eth1', uuid: sh.uuid, ipv6: { prefix: '2001:db8:0:100::', prefixlen: 64, address: '2001:db8:0:100::1' } }]);
    expect(await t.global6('eth1')).toEqual(['2001:db8:0:100::1/64']);
    // The prefix is not configured on the upstream itself.
    expect(await t.global6('eth0')).toEqual(['fd42:1::5054:ff:fe12:3456/64']);
  });

  it('without an answer within the wait shares the ULA, then moves to the prefix that comes later', async () => {
    const t = await setup();
    await t.upstream();
    const sh = await t.activate('eth1', { method: 'shared' });
    const pd = await t.pdSession();
    vi.advanceTimersByTime(WAIT_MS);
    await until(() => activated(sh), 'shared activated');
    const ula = `fd01:2:3:${t.links.eth1}::`;
    expect(t.shared('eth1')).toEqual([ula]);
    expect(await t.global6('eth1')).toEqual([`${ula}1/64`]);

    pd.events.onLease(pdLease([['2001:db8:5::', 48]]));
    await until(() => t.shared('eth1').length === 2, 'moved');
    expect(t.shared('eth1')).toEqual([ula, '2001:db8:5::']);
    expect(t.sharing.stopped).toBe(1);
    await drain(10);
    expect(await t.global6('eth1')).toEqual(['2001:db8:5::1/64']);
    expect(sh.state).toBe(AC.ACTIVATED);
  });

  it('stops waiting when the upstream\'s IA_PD client gives up, and the upstream stays up', async () => {
    const t = await setup();
    const up = await t.upstream();
    const sh = await t.activate('eth1', { method: 'shared' });
    (await t.pdSession()).events.onFailure('error', 'NoPrefixAvail');
    // No timer advanced: the failure itself ends the wait.
    await until(() => activated(sh), 'shared activated');
    expect(t.shared('eth1')).toEqual([`fd01:2:3:${t.links.eth1}::`]);
    expect(up.state).toBe(AC.ACTIVATED);
  });

  it('uses the prefixes the upstream DHCPv6 lease already delegates, without a client of its own', async () => {
    const t = await setup();
    const up = await t.activate('eth0', { method: 'auto' });
    await until(() => t.ndisc.sessions.length > 0, 'router discovery started');
    // The router's M flag starts the upstream's own DHCPv6, whose server delegates a prefix unasked.
    t.ndisc.advertise(ra({ managed: true }));
    await until(() => t.dhcp.sessions.length > 0, 'DHCPv6 started');
    t.dhcp.lease(6, lease6({ delegatedPrefixes: [{ prefix: '2001:db8:7:40::', prefixlen: 60, validLifetime: 3600, preferredLifetime: 1800 }] }));
    await until(() => activated(up) && up.defaultMetric6 !== undefined, 'upstream activated');
    const sh = await t.activate('eth1', { method: 'shared' });
    await until(() => activated(sh), 'shared activated');
    expect(t.shared('eth1')).toEqual(['2001:db8:7:40::']);
    expect(t.pdSessions()).toEqual([]);
  });

  it("hands out /64s in NetworkManager's order: waiting links newest first, each link keeps its number", async () => {
    const t = await setup();
    await t.upstream();
    const a = await t.activate('eth1', { method: 'shared' });
    const pd = await t.pdSession();
    const b = await t.activate('eth2', { method: 'shared' });
    await drain(10);
    expect(t.pdSessions()).toHaveLength(1);
    pd.events.onLease(pdLease([['2001:db8:0:100::', 56]]));
    await until(() => activated(a) && activated(b), 'both activated');
    expect(t.shared('eth2')).toEqual(['2001:db8:0:100::']);
    expect(t.shared('eth1')).toEqual(['2001:db8:0:101::']);
    // A renewal with the same prefix moves nothing; eth1 re-activated gets its /64 back.
    pd.events.onLease(pdLease([['2001:db8:0:100::', 56]], 9000));
    await t.am.deactivate(a);
    const again = await t.activate('eth1', { method: 'shared' });
    await until(() => activated(again), 'eth1 again');
    expect(t.shared('eth1')).toEqual(['2001:db8:0:101::', '2001:db8:0:101::']);
    expect(t.shared('eth2')).toEqual(['2001:db8:0:100::']);
  });

  it('a /64 delegation serves one link; the next one shares its ULA', async () => {
    const t = await setup();
    await t.upstream();
    const a = await t.activate('eth1', { method: 'shared' });
    (await t.pdSession()).events.onLease(pdLease([['2001:db8:9:9::', 64]]));
    await until(() => activated(a), 'eth1 activated');
    const b = await t.activate('eth2', { method: 'shared' });
    // No wait: the upstream was asked already and its prefix is full.
    await until(() => activated(b), 'eth2 activated');
    expect(t.shared('eth1')).toEqual(['2001:db8:9:9::']);
    expect(t.shared('eth2')).toEqual([`fd01:2:3:${t.links.eth2}::`]);
  });

  it('a changed prefix moves the link; an expired one and a lost upstream put it back on the ULA', async () => {
    const t = await setup();
    const up = await t.upstream();
    const sh = await t.activate('eth1', { method: 'shared' });
    const pd = await t.pdSession();
    pd.events.onLease(pdLease([['2001:db8:1::', 48]], 600));
    await until(() => activated(sh), 'activated');
    const ula = `fd01:2:3:${t.links.eth1}::`;

    pd.events.onLease(pdLease([['2001:db8:2::', 48]], 600));
    await until(() => t.shared('eth1').length === 2, 'moved to the new prefix');
    await drain(10);
    expect(await t.global6('eth1')).toEqual(['2001:db8:2::1/64']);

    // The valid lifetime runs out with no renewal.
    t.tick(601_000);
    vi.advanceTimersByTime(601_000);
    await until(() => t.shared('eth1').length === 3, 'back on the ULA');
    expect(t.shared('eth1')).toEqual(['2001:db8:1::', '2001:db8:2::', ula]);

    // A new delegation, then the upstream goes down.
    pd.events.onLease(pdLease([['2001:db8:3::', 48]]));
    await until(() => t.shared('eth1').length === 4, 'on the new prefix');
    await t.am.deactivate(up);
    await until(() => t.shared('eth1').length === 5, 'back on the ULA after the upstream left');
    expect(t.shared('eth1').at(-1)).toBe(ula);
    await drain(10);
    expect(await t.global6('eth1')).toEqual([`${ula}1/64`]);
    expect(t.pdSessions()[0]!.stops).toEqual([false]);
    expect(sh.state).toBe(AC.ACTIVATED);

    // Deactivating the shared link stops its share and removes its address.
    const stoppedBefore = t.sharing.stopped;
    await t.am.deactivate(sh);
    expect(t.sharing.stopped).toBe(stoppedBefore + 1);
    expect(await t.global6('eth1')).toEqual([]);
  });

  it('does not start a second DHCPv6 client next to the upstream\'s own (M flag) one, and shares the ULA at once', async () => {
    const t = await setup();
    const up = await t.activate('eth0', { method: 'auto' });
    await until(() => t.ndisc.sessions.length > 0, 'router discovery started');
    t.ndisc.advertise(ra({ managed: true }));
    await until(() => t.dhcp.sessions.length > 0, 'DHCPv6 started');
    t.dhcp.lease(6, lease6());
    await until(() => activated(up) && up.defaultMetric6 !== undefined, 'upstream activated');
    const sh = await t.activate('eth1', { method: 'shared' });
    await until(() => activated(sh), 'shared activated');
    expect(t.shared('eth1')).toEqual([`fd01:2:3:${t.links.eth1}::`]);
    expect(t.dhcp.sessions).toHaveLength(1);
    expect(t.pdSessions()).toEqual([]);
  });

  it('without an upstream shares the ULA at once', async () => {
    const t = await setup();
    const sh = await t.activate('eth1', { method: 'shared' });
    await until(() => activated(sh), 'activated');
    expect(t.shared('eth1')).toEqual([`fd01:2:3:${t.links.eth1}::`]);
    expect(t.pdSessions()).toEqual([]);
  });
});
