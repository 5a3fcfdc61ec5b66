/**
 * A profile's `default` Wake-on-LAN asks the config's `[connection*]`
 * defaults for the device it activates on (core answers in NetworkManager's
 * order; here a stand-in that gives eth1 its own section), and the debug line
 * names the section that answered.
 */
import { describe, expect, it } from 'vitest';
import { type ConfigView, type ConnectionDefaults, type ConnectionSettings, type DeviceMatch, type DeviceView, type KindConfigureContext, type Logger } from '../../sdk/index.js';
import { FakePlatform } from '../platform-fake/fake-platform.js';
import { makeEthernetKind } from './index.js';

const asked: Array<DeviceMatch | undefined> = [];
const defaults: ConnectionDefaults = {
  lookup: (key, device) => {
    asked.push(device);
    if (key !== 'ethernet.wake-on-lan') return undefined;
    return device?.name === 'eth1' ? { value: '0x40', section: 'connection-eth1' } : { value: '2', section: 'connection' };
  },
  get: (key, device) => defaults.lookup(key, device)?.value,
  getInteger: (_k, _d, f) => f,
};
const config = { get: () => undefined, origin: () => undefined, connectionDefaults: defaults } as unknown as ConfigView;

describe('ethernet.wake-on-lan from the device\'s [connection*] section', () => {
  it('each device gets the value of the section that matches it', async () => {
    const platform = new FakePlatform();
    const lines: string[] = [];
    const log = (msg: string) => void lines.push(msg);
    const logger: Logger = { trace: log, debug: log, info: log, warn: log, error: log, child: () => logger, isEnabled: () => true };
    const kind = makeEthernetKind(config);
    const settings = { connection: { id: 'lan', type: '802-3-ethernet' }, '802-3-ethernet': {} } as ConnectionSettings;
    for (const [name, mac] of [['eth0', '52:54:00:00:00:01'], ['eth1', '52:54:00:00:00:02']] as const) {
      const link = platform.injectExternal({ type: 'add-link', link: { name, mac } })!;
      const device = { ifindex: link.ifindex, name, kind: 'ethernet', link } as unknown as DeviceView;
      await kind.configure!({ device, settings, reapply: false, platform, logger } as KindConfigureContext);
    }
    expect(asked.map((d) => d && { name: d.name, mac: d.mac, type: d.type })).toEqual([
      { name: 'eth0', mac: '52:54:00:00:00:01', type: 'ethernet' },
      { name: 'eth1', mac: '52:54:00:00:00:02', type: 'ethernet' },
    ]);
    expect((await platform.wakeOnLan(platform.calls.find((c) => c.op === 'setWakeOnLan')!.args[0] as number)).modes).toEqual(['phy']);
    expect(lines).toContain('setting 802-3-ethernet.wake-on-lan=magic (from [connection-eth1] ethernet.wake-on-lan) on eth1');
    expect(lines).toContain('setting 802-3-ethernet.wake-on-lan=phy (from [connection] ethernet.wake-on-lan) on eth0');
  });
});
