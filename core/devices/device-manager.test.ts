/**
 * The device manager and the live model on the fake platform: kinds claim
 * links, config decides managed-ness, carrier drives the idle state, and a
 * lost-events resync leaves devices matching the kernel.
 */
import { describe, expect, it } from 'vitest';
import { NMDeviceState, NMDeviceStateReason, NMDeviceType, type DeviceView, type EventName } from '../../sdk/index.js';
import { FakePlatform } from '../../plugins/platform-fake/fake-platform.js';
import { bridgeKind } from '../../plugins/device-bridge/index.js';
import { ethernetKind, vethKind } from '../../plugins/device-ethernet/index.js';
import { loopbackKind } from '../../plugins/device-loopback/index.js';
import { MergedConfig } from '../config/merged-config.js';
import { LocalEventBus } from '../events/event-bus.js';
import { createLogger, LogSink } from '../log/logger.js';
import { LiveNetworkModel } from '../model/network-model.js';
import { DeviceManager } from './device-manager.js';
import { KindRegistry } from './kind-registry.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));
// The fake delivers events a step after the change, and the model flushes once per tick: give both a turn.
const tick = async () => { for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r)); };

async function setup(configLines: Array<[string, string, string, string?]> = []) {
  const config = new MergedConfig();
  for (const [s, k, v, origin] of configLines) config.set(s, k, v, origin ?? 'test.conf:1');
  const events = new LocalEventBus(logger);
  const seen: Array<[EventName, DeviceView, number?]> = [];
  events.on('device.added', ({ device }) => seen.push(['device.added', device]));
  events.on('device.removed', ({ device }) => seen.push(['device.removed', device]));
  events.on('device.state-changed', ({ device, state }) => seen.push(['device.state-changed', device, state]));
  const kinds = new KindRegistry();
  kinds.load([ethernetKind, vethKind, bridgeKind, loopbackKind], () => undefined);
  const devices = new DeviceManager(kinds, events, logger, config);
  const model = new LiveNetworkModel(events, logger);
  events.on('link.added', ({ link }) => devices.addLink(link));
  events.on('link.changed', ({ link, previous }) => devices.changeLink(link, previous));
  events.on('link.removed', ({ link }) => devices.removeLink(link));
  const platform = new FakePlatform();
  const snapshot = await platform.start((ev) => model.apply(ev));
  model.load(snapshot);
  for (const l of model.links()) devices.addLink(l);
  return { platform, devices, model, seen, config };
}

describe('DeviceManager on the fake platform', () => {
  it('lists a controller\'s ports as they are attached, moved and removed', async () => {
    const { platform, devices } = await setup();
    const br0 = await platform.createLink({ name: 'br0', kind: 'bridge' });
    const br1 = await platform.createLink({ name: 'br1', kind: 'bridge' });
    const a = await platform.createLink({ name: 'a0', kind: 'veth', peer: { name: 'a1' } });
    const b = await platform.createLink({ name: 'b0', kind: 'veth', peer: { name: 'b1' } });
    await tick();
    const ports = (c: number) => devices.portsOf(c).map((d) => d.name);
    expect(ports(br0.ifindex)).toEqual([]);
    await platform.setLink(b.ifindex, { master: br0.ifindex });
    await platform.setLink(a.ifindex, { master: br0.ifindex });
    await tick();
    expect(ports(br0.ifindex)).toEqual(['a0', 'b0']);
    await platform.setLink(a.ifindex, { master: br1.ifindex });
    await tick();
    expect(ports(br0.ifindex)).toEqual(['b0']);
    expect(ports(br1.ifindex)).toEqual(['a0']);
    await platform.setLink(a.ifindex, { master: 0 });
    await platform.deleteLink(b.ifindex);
    await tick();
    expect(ports(br0.ifindex)).toEqual([]);
    expect(ports(br1.ifindex)).toEqual([]);
  });

  it('gives every link a device of the kind that claims it, with NetworkManager types', async () => {
    const { platform, devices } = await setup();
    await platform.createLink({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
    await platform.createLink({ name: 'br0', kind: 'bridge' });
    platform.injectExternal({ type: 'add-link', link: { name: 'eth0' } });
    platform.injectExternal({ type: 'add-link', link: { name: 'ifb0', kind: 'ifb' } });
    await tick();
    const byName = (n: string) => devices.byName(n)!;
    expect(byName('lo').deviceType).toBe(NMDeviceType.LOOPBACK);
    expect(byName('v0').deviceType).toBe(NMDeviceType.VETH);
    expect(byName('br0').deviceType).toBe(NMDeviceType.BRIDGE);
    expect(byName('eth0').deviceType).toBe(NMDeviceType.ETHERNET);
    expect(byName('ifb0').deviceType).toBe(NMDeviceType.GENERIC);
    expect(new Set([...devices.all()].map((d) => d.path)).size).toBe(devices.size);
  });

  it('searches [device*] sections as NetworkManager does: later files first, [device] last; type: by NetworkManager\'s type names', async () => {
    const { platform, devices } = await setup([
      ['device', 'managed', 'false', 'a.conf:1'],
      ['device-all', 'match-device', 'interface-name:*', 'a.conf:3'],
      ['device-all', 'managed', 'true', 'a.conf:4'],
      ['device-eth', 'match-device', 'interface-name:eth*', 'b.conf:1'],
      ['device-eth', 'managed', 'false', 'b.conf:2'],
      // A veth is "ethernet" to NetworkManager 1.42: type:veth matches nothing.
      ['device-veth', 'match-device', 'type:veth', 'b.conf:4'],
      ['device-veth', 'managed', 'false', 'b.conf:5'],
      ['device-ether', 'match-device', 'type:ethernet,except:interface-name:v0', 'b.conf:7'],
      ['device-ether', 'managed', 'false', 'b.conf:8'],
    ]);
    await platform.createLink({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
    platform.injectExternal({ type: 'add-link', link: { name: 'eth0' } });
    await tick();
    // b.conf's [device-eth] comes before a.conf's [device-all].
    expect(devices.byName('eth0')!.managed).toBe(false);
    // v1 is ethernet to [device-ether]; v0 is excepted there and falls to a.conf's [device-all], before [device].
    expect(devices.byName('v1')!.managed).toBe(false);
    expect(devices.byName('v0')!.managed).toBe(true);
  });

  it('matches mac: specs against the permanent address: a NIC\'s, never a veth\'s (as NetworkManager 1.42)', async () => {
    const { platform, devices } = await setup([
      ['keyfile', 'unmanaged-devices', 'mac:52:54:00:00:00:01;mac:02:00:00:00:00:02'],
      ['device-x', 'match-device', 'mac:02:00:00:00:00:03'],
      ['device-x', 'managed', 'false'],
    ]);
    platform.injectExternal({ type: 'add-link', link: { name: 'eth0', mac: '52:54:00:00:00:01' } });
    await platform.createLink({ name: 'v0', kind: 'veth', mac: '02:00:00:00:00:02', peer: { name: 'v1' } });
    await platform.setLink((await platform.link('v1'))!.ifindex, { mac: '02:00:00:00:00:03' });
    await tick();
    expect(devices.byName('v1')!.link.mac).toBe('02:00:00:00:00:03');
    expect(devices.byName('eth0')!.managed).toBe(false);
    expect(devices.byName('v0')!.managed).toBe(true);
    expect(devices.byName('v1')!.managed).toBe(true);
  });

  it('leaves unmanaged what [keyfile] unmanaged-devices or a [device-*] section names, and loopback', async () => {
    const { platform, devices } = await setup([
      ['keyfile', 'unmanaged-devices', 'interface-name:eth1'],
      ['device-bridges', 'match-device', 'type:bridge'],
      ['device-bridges', 'managed', 'false'],
    ]);
    platform.injectExternal({ type: 'add-link', link: { name: 'eth0' } });
    platform.injectExternal({ type: 'add-link', link: { name: 'eth1' } });
    await platform.createLink({ name: 'br0', kind: 'bridge' });
    await tick();
    expect(devices.byName('eth0')!.managed).toBe(true);
    expect(devices.byName('eth1')).toMatchObject({ managed: false, state: NMDeviceState.UNMANAGED, stateReason: NMDeviceStateReason.UNMANAGED_USER_CONF });
    expect(devices.byName('br0')!.managed).toBe(false);
    expect(devices.byName('lo')!.managed).toBe(false);
  });

  it('follows the carrier: UNAVAILABLE without, DISCONNECTED with, reason CARRIER', async () => {
    const { platform, devices, seen } = await setup();
    const eth = platform.injectExternal({ type: 'add-link', link: { name: 'eth0', carrier: false, up: true } })!;
    await tick();
    expect(devices.byName('eth0')!.state).toBe(NMDeviceState.UNAVAILABLE);
    platform.injectExternal({ type: 'set-link', ifindex: eth.ifindex, change: { carrier: true } });
    await tick();
    const d = devices.byName('eth0')!;
    expect(d.state).toBe(NMDeviceState.DISCONNECTED);
    expect(d.stateReason).toBe(NMDeviceStateReason.CARRIER);
    expect(seen.filter(([e, dev]) => e === 'device.state-changed' && dev.name === 'eth0').map(([, , s]) => s)).toEqual([NMDeviceState.DISCONNECTED]);
  });

  it('a user Managed=false holds until the link goes', async () => {
    const { platform, devices } = await setup();
    const eth = platform.injectExternal({ type: 'add-link', link: { name: 'eth0' } })!;
    await tick();
    devices.setManaged(devices.byName('eth0')!, false);
    expect(devices.byName('eth0')).toMatchObject({ managed: false, stateReason: NMDeviceStateReason.UNMANAGED_USER_EXPLICIT });
    platform.injectExternal({ type: 'delete-link', ifindex: eth.ifindex });
    await tick();
    platform.injectExternal({ type: 'add-link', link: { name: 'eth0' } });
    await tick();
    expect(devices.byName('eth0')!.managed).toBe(true);
  });

  it('after lost events, devices match the kernel again', async () => {
    const { platform, devices, model } = await setup();
    await platform.createLink({ name: 'a0', kind: 'veth', peer: { name: 'a1' } });
    await tick();
    platform.simulateOverflow();
    const b = await platform.createLink({ name: 'br7', kind: 'bridge' });
    await platform.deleteLink(devices.byName('a0')!.ifindex);
    for (let i = 0; i < 5; i++) await tick();
    expect(model.stats.resyncs).toBe(1);
    expect([...devices.all()].map((d) => d.name).sort()).toEqual(['br7', 'lo']);
    expect(devices.byIfindex(b.ifindex)!.deviceType).toBe(NMDeviceType.BRIDGE);
  });
});
