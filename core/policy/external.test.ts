/**
 * The generated profile of an externally configured bridge port carries the
 * port's options as the kernel holds them, defaults included, as
 * NetworkManager 1.42's does (nm-device-bridge.c master_update_slave_connection
 * reads brport/priority, path_cost and hairpin_mode into bridge-port). On the
 * fake platform, whose ports report what the kernel would.
 */
import { describe, expect, it } from 'vitest';
import { bridgeKind } from '../../plugins/device-bridge/index.js';
import { ethernetKind, vethKind } from '../../plugins/device-ethernet/index.js';
import { loopbackKind } from '../../plugins/device-loopback/index.js';
import { FakePlatform } from '../../plugins/platform-fake/fake-platform.js';
import { MergedConfig } from '../config/merged-config.js';
import type { Device } from '../devices/device.js';
import { DeviceManager } from '../devices/device-manager.js';
import { KindRegistry } from '../devices/kind-registry.js';
import { LocalEventBus } from '../events/event-bus.js';
import { createLogger, LogSink } from '../log/logger.js';
import { LiveNetworkModel } from '../model/network-model.js';
import { configuredExternally, generateProfile } from './external.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));

/** A bridge with two veth ports made by "another tool"; vp0 gets port options, vq0 keeps the kernel's. */
async function world() {
  const platform = new FakePlatform();
  const br = await platform.createLink({ name: 'brx', kind: 'bridge', up: true });
  for (const [a, b] of [['vp0', 'vp1'], ['vq0', 'vq1']]) {
    const v = await platform.createLink({ name: a!, kind: 'veth', peer: { name: b! }, up: true });
    await platform.setLink(v.ifindex, { master: br.ifindex });
  }
  await platform.setLink((await platform.link('vp0'))!.ifindex, { portOptions: { kind: 'bridge', info: { priority: 7, path_cost: 42, hairpin_mode: true } } });

  const events = new LocalEventBus(logger);
  const kinds = new KindRegistry();
  kinds.load([ethernetKind, vethKind, loopbackKind, bridgeKind], () => undefined);
  const devices = new DeviceManager(kinds, events, logger, new MergedConfig());
  const model = new LiveNetworkModel(events, logger);
  model.load(await platform.start((ev) => model.apply(ev)));
  for (const l of model.links()) devices.addLink(l);
  const device = (name: string) => devices.byName(name) as Device;
  const generate = (name: string) => generateProfile(device(name), model, (ifindex) => devices.byIfindex(ifindex));
  return { platform, model, devices, device, generate };
}

describe('the generated profile of an external bridge port', () => {
  it("has the port's priority, path cost and hairpin mode from the kernel", async () => {
    const w = await world();
    expect(configuredExternally(w.device('vp0'), w.model, w.devices)).toBe(true);
    const p = w.generate('vp0')!;
    expect(p.connection).toMatchObject({ id: 'vp0', type: '802-3-ethernet', master: 'brx', 'slave-type': 'bridge', autoconnect: false });
    expect(p['bridge-port']).toEqual({ priority: 7, 'path-cost': 42, 'hairpin-mode': true });
    expect(p.ipv4).toBeUndefined();
    await w.platform.stop();
  });

  it("has the kernel's defaults for a port nobody set options on, as NetworkManager shows them", async () => {
    const w = await world();
    // The fake's default cost is 100; a real veth's is 2 (its speed): whatever the kernel says is taken.
    expect(w.generate('vq0')!['bridge-port']).toEqual({ priority: 32, 'path-cost': 100, 'hairpin-mode': false });
    await w.platform.stop();
  });

  it('has no port setting when the link is not a port', async () => {
    const w = await world();
    const p = w.generate('brx')!;
    expect(p['bridge-port']).toBeUndefined();
    expect(p.connection?.master).toBeUndefined();
    await w.platform.stop();
  });
});
