/**
 * The autoconnect policy with the activation manager on the fake platform:
 * which of several profiles a device gets (NetworkManager's order: priority,
 * then the most recent connection.timestamp, then the UUID), and a link nmk
 * created that a restarted daemon re-adopts and deletes when it is taken
 * down, while a link another tool made is kept. A "restart" is a second set
 * of managers on the same fake kernel and the same run directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NMActiveConnectionState as AC, type ConnectionSettings, type SettingsSource } from '../../sdk/index.js';
import { bridgeKind } from '../../plugins/device-bridge/index.js';
import { ethernetKind, vethKind } from '../../plugins/device-ethernet/index.js';
import { loopbackKind } from '../../plugins/device-loopback/index.js';
import { FakePlatform } from '../../plugins/platform-fake/fake-platform.js';
import { ActivationManager } from '../activation/activation-manager.js';
import { drain } from '../activation/test/fake-ip-services.js';
import { MergedConfig } from '../config/merged-config.js';
import { DeviceManager } from '../devices/device-manager.js';
import { KindRegistry } from '../devices/kind-registry.js';
import { LocalEventBus } from '../events/event-bus.js';
import { createLogger, LogSink } from '../log/logger.js';
import { LiveNetworkModel } from '../model/network-model.js';
import { SettingsStore } from '../settings/settings-store.js';
import { AutoconnectPolicy } from './autoconnect.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));
const UA = '00000000-0000-4000-8000-00000000000a';
const UB = 'ffffffff-0000-4000-8000-00000000000b';

let run: string;
beforeEach(() => {
  run = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-policy-'));
});
const daemons: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  fs.rmSync(run, { recursive: true, force: true });
});

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await drain(1);
  if (!done()) throw new Error(`never happened: ${what}`);
}

function ethernet(uuid: string, id: string, more: Record<string, unknown> = {}): ConnectionSettings {
  return {
    connection: { id, uuid, type: '802-3-ethernet', 'interface-name': 'eth0', ...more },
    ipv4: { method: 'manual', 'address-data': [{ address: `192.0.2.${uuid.endsWith('a') ? 10 : 11}`, prefix: 24 }] },
    ipv6: { method: 'ignore' },
  };
}
function bridge(uuid: string, name: string, address: string): ConnectionSettings {
  return {
    connection: { id: name, uuid, type: 'bridge', 'interface-name': name },
    bridge: { stp: false },
    ipv4: { method: 'manual', 'address-data': [{ address, prefix: 24 }] },
    ipv6: { method: 'ignore' },
  };
}

/** nmkd's managers on `platform`, with the profiles and timestamps given; stop() lets go of everything as nmkd does at exit. */
async function daemon(platform: FakePlatform, profiles: ConnectionSettings[], times: Record<string, number> = {}) {
  const config = new MergedConfig();
  // As the server profile: a bridge without ports has no carrier.
  config.set('main', 'ignore-carrier', 'type:bridge', 'test');
  const events = new LocalEventBus(logger);
  const kinds = new KindRegistry();
  kinds.load([ethernetKind, vethKind, loopbackKind, bridgeKind], () => undefined);
  const devices = new DeviceManager(kinds, events, logger, config);
  const model = new LiveNetworkModel(events, logger);
  events.on('link.added', ({ link }) => devices.addLink(link));
  events.on('link.changed', ({ link, previous }) => devices.changeLink(link, previous));
  events.on('link.removed', ({ link }) => devices.removeLink(link));
  model.load(await platform.start((ev) => model.apply(ev)));
  for (const l of model.links()) devices.addLink(l);
  const source: SettingsSource = { name: 'test', load: async () => ({ profiles: profiles.map((settings) => ({ settings, file: '' })), errors: [] }) };
  const settings = new SettingsStore(() => [source], events, logger, config);
  await settings.loadAll();
  const am = new ActivationManager(devices, kinds, settings, () => platform, model, events, logger);
  const policy = new AutoconnectPolicy(devices, kinds, settings, am, model, events, logger, path.join(run, 'active'), {
    timestamps: { get: (uuid) => times[uuid] },
    createdLinksDir: path.join(run, 'created-links'),
  });
  policy.start();
  const d = {
    am,
    settings,
    active: (ifname: string) => [...am.all()].find((ac) => ac.device.name === ifname && ac.state === AC.ACTIVATED),
    stop: async () => {
      await policy.stop();
      await platform.stop();
    },
  };
  daemons.push(d);
  return d;
}

async function kernelWith(...links: Array<{ name: string; kind?: string }>): Promise<FakePlatform> {
  const platform = new FakePlatform();
  for (const l of links) platform.injectExternal({ type: 'add-link', link: { up: true, ...l } });
  return platform;
}

describe('which profile autoconnects', () => {
  it('equal priorities: the most recently used profile, whichever UUID and load order', async () => {
    for (const [times, winner] of [
      [{ [UA]: 1000, [UB]: 2000 }, UB],
      [{ [UA]: 2000, [UB]: 1000 }, UA],
    ] as const) {
      const d = await daemon(await kernelWith({ name: 'eth0' }), [ethernet(UA, 'a'), ethernet(UB, 'b')], times);
      await until(() => d.active('eth0') !== undefined, 'eth0 activated');
      expect(d.active('eth0')!.uuid).toBe(winner);
      await d.stop();
    }
  });

  it('a profile with a timestamp beats one never used; without timestamps the smaller UUID', async () => {
    const used = await daemon(await kernelWith({ name: 'eth0' }), [ethernet(UA, 'a'), ethernet(UB, 'b')], { [UB]: 0 });
    await until(() => used.active('eth0') !== undefined, 'eth0 activated');
    expect(used.active('eth0')!.uuid).toBe(UB);
    await used.stop();
    const fresh = await daemon(await kernelWith({ name: 'eth0' }), [ethernet(UB, 'b'), ethernet(UA, 'a')]);
    await until(() => fresh.active('eth0') !== undefined, 'eth0 activated');
    expect(fresh.active('eth0')!.uuid).toBe(UA);
  });

  it('a higher priority wins over a more recent use', async () => {
    const d = await daemon(await kernelWith({ name: 'eth0' }), [ethernet(UA, 'a', { 'autoconnect-priority': 1 }), ethernet(UB, 'b')], { [UA]: 1, [UB]: 2000 });
    await until(() => d.active('eth0') !== undefined, 'eth0 activated');
    expect(d.active('eth0')!.uuid).toBe(UA);
  });

  it('a profile for any interface and one naming the device, equal priority: the more recent one', async () => {
    const any = ethernet(UB, 'any');
    delete any.connection!['interface-name'];
    const d = await daemon(await kernelWith({ name: 'eth0' }), [ethernet(UA, 'named'), any], { [UA]: 10, [UB]: 20 });
    await until(() => d.active('eth0') !== undefined, 'eth0 activated');
    expect(d.active('eth0')!.uuid).toBe(UB);
  });
});

describe('links nmk created, after a restart', () => {
  const BR0 = '11111111-0000-4000-8000-000000000000';
  const BR1 = '22222222-0000-4000-8000-000000000000';

  it('a bridge nmk created is re-adopted by the next daemon and deleted when taken down; a bridge another tool made is kept', async () => {
    // br1 was made by another tool; br0 does not exist yet.
    const platform = await kernelWith({ name: 'br1', kind: 'bridge' });
    const profiles = [bridge(BR0, 'br0', '198.51.100.1'), bridge(BR1, 'br1', '198.51.100.2')];
    const first = await daemon(platform, profiles);
    await until(() => first.active('br0') !== undefined && first.active('br1') !== undefined, 'both bridges activated');
    expect(first.active('br0')!.createdLink).toBe(true);
    expect(first.active('br1')!.createdLink).toBe(false);
    const br0 = (await platform.link('br0'))!.ifindex;
    // Written after the tick, off the event loop.
    await until(() => fs.existsSync(path.join(run, 'created-links', String(br0))), 'the record of br0 written');
    expect(fs.readFileSync(path.join(run, 'created-links', String(br0)), 'utf8')).toBe('br0\n');
    // The daemon goes away leaving the kernel as it is (as after SIGTERM or kill -9).
    await first.stop();
    daemons.splice(daemons.indexOf(first), 1);

    const second = await daemon(platform, profiles);
    await until(() => second.active('br0') !== undefined && second.active('br1') !== undefined, 'both bridges re-adopted');
    expect(second.active('br0')!.assumed).toBe(true);
    await second.am.deactivate(second.active('br0')!);
    await second.am.deactivate(second.active('br1')!);
    const names = (await platform.links()).map((l) => l.name);
    expect(names).not.toContain('br0');
    expect(names).toContain('br1');
    await until(() => !fs.existsSync(path.join(run, 'created-links', String(br0))), 'the record of br0 removed');
  });
});
