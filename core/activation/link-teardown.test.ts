/**
 * What a deactivation does to the link itself, on the fake platform, as
 * NetworkManager 1.42 does it (checked side by side): a cloned MAC address
 * (literal, stable) goes back to the address the link had before the
 * activation, also when another tool changed it meanwhile or the activation
 * failed; a taken-over link keeps its address; a software link nmk created
 * (in this run or, `owned`, before a restart) is deleted, also when only
 * described as external; any other link is kept.
 */
import { describe, expect, it } from 'vitest';
import { Errno, NMActiveConnectionState as AC, type ConnectionSettings } from '../../sdk/index.js';
import { bridgeKind } from '../../plugins/device-bridge/index.js';
import { ethernetKind, vethKind } from '../../plugins/device-ethernet/index.js';
import { loopbackKind } from '../../plugins/device-loopback/index.js';
import { createLogger, LogSink } from '../log/logger.js';
import { GENERATED_SOURCE, SettingsStore } from '../settings/settings-store.js';
import type { Profile } from '../settings/profile.js';
import { ActivationManager, type ActivateOptions } from './activation-manager.js';
import type { ActiveConnection } from './active-connection.js';
import type { AutoIpServices } from './dynamic/auto-ip.js';
import { stableMac } from './cloned-mac.js';
import { StableType } from '../ip/dhcp-identity.js';
import { drain, fakeCore, FakeDhcp, FakeNdisc, FakeSharing, until, managersTakenDownAfterEach } from './test/fake-ip-services.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));
const ORIGINAL = '52:54:00:12:34:56';
const LITERAL = '02:11:22:33:44:55';
const HOST_ID = new Uint8Array(32).fill(7);

const live = managersTakenDownAfterEach();

let nextUuid = 1;
function profile(connection: Record<string, unknown>, more: ConnectionSettings = {}): Profile {
  const uuid = `6a1b2c3d-0000-4000-8000-${String(nextUuid++).padStart(12, '0')}`;
  const settings: ConnectionSettings = {
    connection: { id: `p${uuid.slice(-3)}`, uuid, type: '802-3-ethernet', 'interface-name': 'eth0', ...connection },
    ipv4: { method: 'manual', 'address-data': [{ address: '192.0.2.7', prefix: 24 }] },
    ipv6: { method: 'ignore' },
    ...more,
  };
  return { uuid, id: String(settings.connection!.id), path: `/org/freedesktop/NetworkManager/Settings/${uuid.slice(-3)}`, settings, source: GENERATED_SOURCE, stored: { settings, file: '' }, version: 1 };
}
const wired = (cloned: string) => ({ '802-3-ethernet': { 'cloned-mac-address': cloned } });

async function setup() {
  const core = await fakeCore([], logger);
  const { config, events, kinds, devices, model, platform } = core;
  kinds.load([ethernetKind, vethKind, loopbackKind, bridgeKind], () => undefined);
  const eth0 = platform.injectExternal({ type: 'add-link', link: { name: 'eth0', up: true, mac: ORIGINAL } })!.ifindex;
  await drain();
  const auto: AutoIpServices = {
    dhcpClient: () => new FakeDhcp(),
    ndisc: () => new FakeNdisc(),
    sharing: () => new FakeSharing(),
    identities: { clientId4: () => undefined, iaid: () => 1, duid: () => '00:04:aa:bb', stableId: (s) => String(s.connection?.uuid), stableType: () => 'uuid', secretKey: () => HOST_ID },
    config,
    stateDir: '/nonexistent',
    sharedAddress4: () => ({ address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254' }),
    sharedPrefix6: () => ({ prefix: 'fd01:2::', prefixlen: 64, address: 'fd01:2::1' }),
  };
  const settings = new SettingsStore(() => [], events, logger, config);
  const am = new ActivationManager(devices, kinds, settings, () => platform, model, events, logger, auto);
  live.push(am);
  const mac = async (name = 'eth0') => (await platform.link(name))?.mac;
  const up = async (p: Profile, options?: ActivateOptions, device = devices.byName(String(p.settings.connection?.['interface-name']))) => {
    const ac = await am.activate(p, device, options);
    await until(() => ac.state === AC.ACTIVATED || ac.done, `'${p.id}' activated`);
    return ac;
  };
  const down = (ac: ActiveConnection) => am.deactivate(ac);
  return { platform, am, devices, mac, up, down, eth0 };
}

describe('the MAC address after deactivation', () => {
  it('a literal cloned-mac-address is on the link while up, and the address from before comes back at deactivation', async () => {
    const t = await setup();
    const ac = await t.up(profile({}, wired(LITERAL)));
    expect(ac.state).toBe(AC.ACTIVATED);
    expect(await t.mac()).toBe(LITERAL);
    await t.down(ac);
    expect(await t.mac()).toBe(ORIGINAL);
  });

  it('stable: NetworkManager\'s generated address while up, the original after', async () => {
    const t = await setup();
    const p = profile({}, wired('stable'));
    const ac = await t.up(p);
    expect(await t.mac()).toBe(stableMac(StableType.Uuid, p.uuid, HOST_ID, 'eth0'));
    await t.down(ac);
    expect(await t.mac()).toBe(ORIGINAL);
  });

  it('a re-activation with another address, then down: the address from before the first one', async () => {
    const t = await setup();
    const first = profile({}, wired(LITERAL));
    await t.up(first);
    // The model has not heard of the reset yet when the second activation reads the link: it asks the kernel.
    const second = await t.up(profile({}, wired('02:aa:aa:aa:aa:aa')));
    expect(await t.mac()).toBe('02:aa:aa:aa:aa:aa');
    await t.down(second);
    expect(await t.mac()).toBe(ORIGINAL);
  });

  it('the address another tool set while the device was idle is the one restored (NetworkManager\'s initial address)', async () => {
    const t = await setup();
    t.platform.injectExternal({ type: 'set-link', ifindex: t.eth0, change: { mac: '02:bb:bb:bb:bb:bb' } });
    await drain();
    const ac = await t.up(profile({}, wired(LITERAL)));
    await t.down(ac);
    expect(await t.mac()).toBe('02:bb:bb:bb:bb:bb');
  });

  it('an address another tool set while activated is replaced by the one from before', async () => {
    const t = await setup();
    const ac = await t.up(profile({}, wired(LITERAL)));
    t.platform.injectExternal({ type: 'set-link', ifindex: t.eth0, change: { mac: '02:cc:cc:cc:cc:cc' } });
    await drain();
    await t.down(ac);
    expect(await t.mac()).toBe(ORIGINAL);
  });

  it('a failed activation puts the address back too', async () => {
    const t = await setup();
    t.platform.failNext('addAddress', Errno.EPERM);
    const ac = await t.up(profile({}, wired(LITERAL)));
    await until(() => ac.done, 'failed');
    expect(ac.failed).toBe(true);
    expect(await t.mac()).toBe(ORIGINAL);
  });

  it('without a cloned address (preserve) nothing is written, and an address the link had stays', async () => {
    const t = await setup();
    const ac = await t.up(profile({}));
    await t.down(ac);
    expect(t.platform.calls.filter((c) => c.op === 'setLink' && (c.args[1] as { mac?: string }).mac !== undefined)).toEqual([]);
    expect(await t.mac()).toBe(ORIGINAL);
  });

  it('taken over after a restart, the link keeps the address it has when taken down (NetworkManager forgets the one from before)', async () => {
    const t = await setup();
    t.platform.injectExternal({ type: 'set-link', ifindex: t.eth0, change: { mac: LITERAL } });
    t.platform.injectExternal({ type: 'add-address', address: { family: 4, ifindex: t.eth0, address: '192.0.2.7', prefixlen: 24 } });
    await drain();
    const ac = await t.up(profile({}, wired(LITERAL)), { assume: true });
    await t.down(ac);
    expect(await t.mac()).toBe(LITERAL);
  });
});

describe('software links at deactivation', () => {
  const bridge = (more: Record<string, unknown> = {}) => profile({ type: 'bridge', 'interface-name': 'br0', ...more }, { bridge: { stp: false } });
  const links = async (t: Awaited<ReturnType<typeof setup>>) => (await t.platform.links()).map((l) => l.name);

  it('a bridge nmk created is deleted when taken down', async () => {
    const t = await setup();
    const ac = await t.up(bridge());
    expect(ac.createdLink).toBe(true);
    expect(await links(t)).toContain('br0');
    await t.down(ac);
    expect(await links(t)).not.toContain('br0');
  });

  it('a bridge nmk created before a restart (owned), taken over, is deleted when taken down', async () => {
    const t = await setup();
    t.platform.injectExternal({ type: 'add-link', link: { name: 'br0', kind: 'bridge', up: true } });
    await drain();
    const ac = await t.up(bridge(), { assume: true, owned: true });
    await t.down(ac);
    expect(await links(t)).not.toContain('br0');
  });

  it('the same bridge, made by another tool, is kept', async () => {
    const t = await setup();
    t.platform.injectExternal({ type: 'add-link', link: { name: 'br0', kind: 'bridge', up: true } });
    await drain();
    const taken = await t.up(bridge(), { assume: true });
    await t.down(taken);
    const activated = await t.up(bridge());
    expect(activated.createdLink).toBe(false);
    await t.down(activated);
    expect(await links(t)).toContain('br0');
  });

  it('described as external, a bridge nmk created before a restart is deleted, another tool\'s is kept', async () => {
    const t = await setup();
    t.platform.injectExternal({ type: 'add-link', link: { name: 'br0', kind: 'bridge', up: true } });
    t.platform.injectExternal({ type: 'add-link', link: { name: 'br1', kind: 'bridge', up: true } });
    await drain();
    const ours = await t.up(bridge({ autoconnect: false }), { external: true, owned: true });
    const theirs = await t.up(profile({ type: 'bridge', 'interface-name': 'br1' }), { external: true });
    await t.down(ours);
    await t.down(theirs);
    expect(await links(t)).not.toContain('br0');
    expect(await links(t)).toContain('br1');
  });

  it('a re-activation keeps the link nmk created, and the last deactivation deletes it', async () => {
    const t = await setup();
    const first = await t.up(bridge());
    const second = await t.up(bridge());
    expect(first.done).toBe(true);
    expect(await links(t)).toContain('br0');
    await t.down(second);
    expect(await links(t)).not.toContain('br0');
  });
});
