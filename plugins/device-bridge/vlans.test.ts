import { describe, expect, it } from 'vitest';
import { Errno, NmkError, type ConnectionSettings, type DeviceView, type Logger } from '../../sdk/index.js';
import { FakePlatform } from '../platform-fake/fake-platform.js';
import { configureBridge, configurePort } from './configure.js';
import { describeVlans, sameVlans, vlansOf, withDefaultPvid } from './vlans.js';

const v = (vidStart: number, vidEnd = vidStart, pvid = false, untagged = false) => ({ vidStart, vidEnd, pvid, untagged });

function recordingLogger(lines: string[]): Logger {
  const log = (msg: string) => void lines.push(msg);
  const l: Logger = { trace: log, debug: log, info: log, warn: log, error: log, child: () => l, isEnabled: () => true };
  return l;
}

/** A bridge and a veth attached to it on the fake platform, with the bridge's kernel options. */
async function bed(bridgeInfo: Record<string, boolean | number>) {
  const platform = new FakePlatform();
  const br = await platform.createLink({ name: 'br0', kind: 'bridge', info: bridgeInfo, up: true });
  const port = await platform.createLink({ name: 'veth0', kind: 'veth', peer: { name: 'veth1' } });
  await platform.setLink(port.ifindex, { master: br.ifindex });
  const view = (l: { ifindex: number; name: string }) => ({ ifindex: l.ifindex, name: l.name }) as DeviceView;
  const lines: string[] = [];
  return { platform, br: view(br), port: view(port), logger: recordingLogger(lines), lines };
}

const bridgeProfile = (bridge: Record<string, unknown>): ConnectionSettings => ({ connection: { id: 'br0', type: 'bridge', 'interface-name': 'br0' }, bridge }) as ConnectionSettings;
const portProfile = (vlans?: string[]): ConnectionSettings =>
  ({ connection: { id: 'p', type: 'ethernet', 'interface-name': 'veth0', master: 'br0', 'slave-type': 'bridge' }, 'bridge-port': vlans ? { vlans } : {} }) as ConnectionSettings;

describe('bridge VLAN lists', () => {
  it('read the records of bridge.vlans and bridge-port.vlans as nmcli and keyfiles write them', () => {
    expect(vlansOf(portProfile(['1 pvid untagged', '10', '20-22']), 'bridge-port')).toEqual([v(1, 1, true, true), v(10), v(20, 22)]);
    expect(vlansOf(bridgeProfile({ vlans: '100,  5 untagged' }), 'bridge')).toEqual([v(100), v(5, 5, false, true)]);
    expect(vlansOf(bridgeProfile({}), 'bridge')).toEqual([]);
  });

  it('refuse an entry that does not parse, naming the property and the entry', () => {
    const err = (() => {
      try {
        vlansOf(portProfile(['10', '20-5']), 'bridge-port');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NmkError);
    expect((err as Error).message).toBe("key 'bridge-port.vlans': '20-5': invalid VLAN id range 20-5, start VLAN id must be less than end VLAN id");
  });

  it("merge the bridge's default PVID as the kernel leaves it: added untagged where no entry covers it, the PVID only if none is", () => {
    expect(withDefaultPvid([v(10), v(20, 22)], 1)).toEqual([v(1, 1, true, true), v(10), v(20, 22)]);
    // Another entry is the PVID: the default VID stays, untagged, without the PVID flag.
    expect(withDefaultPvid([v(5, 5, true, false)], 1)).toEqual([v(1, 1, false, true), v(5, 5, true, false)]);
    // An entry that covers the default VID decides its flags.
    expect(withDefaultPvid([v(1, 4)], 1)).toEqual([v(1, 4)]);
    expect(withDefaultPvid([v(10)], 0)).toEqual([v(10)]);
    expect(describeVlans(withDefaultPvid([v(10), v(20, 22)], 1))).toBe('1 pvid untagged, 10, 20-22');
    expect(sameVlans([v(10), v(1)], [v(1), v(10)])).toBe(true);
    expect(sameVlans([v(10)], [v(10, 10, false, true)])).toBe(false);
  });
});

describe('configure and configurePort on the fake platform', () => {
  it("give the bridge its own VLANs with the default PVID merged in, only with VLAN filtering on", async () => {
    const b = await bed({ vlan_filtering: true, vlan_default_pvid: 1 });
    await configureBridge({ device: b.br, settings: bridgeProfile({ 'vlan-filtering': true, vlans: ['10-12', '30 untagged'] }), reapply: false, platform: b.platform, logger: b.logger });
    expect(await b.platform.bridgeVlans(b.br.ifindex)).toEqual([v(1, 1, true, true), v(10), v(11), v(12), v(30, 30, false, true)]);

    const off = await bed({});
    await configureBridge({ device: off.br, settings: bridgeProfile({ vlans: ['10'] }), reapply: false, platform: off.platform, logger: off.logger });
    expect(off.platform.calls.filter((c) => c.op === 'setBridgeVlans')).toEqual([]);
  });

  it("give a port its VLANs with its bridge's default PVID, from the kernel's view of the bridge", async () => {
    const b = await bed({ vlan_filtering: true, vlan_default_pvid: 7 });
    await configurePort({ port: b.port, controller: b.br, settings: portProfile(['1 pvid untagged', '10', '20-22']), reapply: false, platform: b.platform, logger: b.logger });
    expect(await b.platform.bridgeVlans(b.port.ifindex)).toEqual([v(1, 1, true, true), v(7, 7, false, true), v(10), v(20), v(21), v(22)]);
    expect(b.lines).toContain('bridge VLANs of port veth0: 1 pvid untagged, 7 untagged, 10, 20-22');
  });

  it('leave a port without VLANs as the kernel attached it, and skip a bridge that does not filter (logged)', async () => {
    const b = await bed({ vlan_filtering: true });
    await configurePort({ port: b.port, controller: b.br, settings: portProfile(), reapply: false, platform: b.platform, logger: b.logger });
    const off = await bed({ vlan_filtering: false });
    await configurePort({ port: off.port, controller: off.br, settings: portProfile(['10']), reapply: false, platform: off.platform, logger: off.logger });
    expect([...b.platform.calls, ...off.platform.calls].filter((c) => c.op === 'setBridgeVlans')).toEqual([]);
    expect(off.lines).toContain('bridge-port.vlans of veth0 not applied: br0 does not filter VLANs (bridge.vlan-filtering)');
  });

  it('on reapply change the VLANs only when the property changed', async () => {
    const b = await bed({ vlan_filtering: true, vlan_default_pvid: 1 });
    const before = portProfile(['1 pvid untagged', '10', '20-22']);
    await configurePort({ port: b.port, controller: b.br, settings: before, reapply: false, platform: b.platform, logger: b.logger });
    await configurePort({ port: b.port, controller: b.br, settings: portProfile(['1 pvid untagged', '10', '20-22']), previous: before, reapply: true, platform: b.platform, logger: b.logger });
    expect(b.platform.calls.filter((c) => c.op === 'setBridgeVlans')).toHaveLength(1);
    await configurePort({ port: b.port, controller: b.br, settings: portProfile(['10', '30 pvid']), previous: before, reapply: true, platform: b.platform, logger: b.logger });
    expect(await b.platform.bridgeVlans(b.port.ifindex)).toEqual([v(1, 1, false, true), v(10), v(30, 30, true, false)]);

    const bridgeBefore = bridgeProfile({ 'vlan-filtering': true, vlans: ['10'] });
    await configureBridge({ device: b.br, settings: bridgeBefore, reapply: false, platform: b.platform, logger: b.logger });
    const n = b.platform.calls.length;
    await configureBridge({ device: b.br, settings: bridgeProfile({ 'vlan-filtering': true, vlans: ['10'], stp: false }), previous: bridgeBefore, reapply: true, platform: b.platform, logger: b.logger });
    expect(b.platform.calls.length).toBe(n);
    // Filtering turned off: the option goes off on the link (linkSpec leaves it out then).
    await configureBridge({ device: b.br, settings: bridgeProfile({ vlans: ['10'] }), previous: bridgeBefore, reapply: true, platform: b.platform, logger: b.logger });
    expect((await b.platform.link(b.br.ifindex))?.info?.['vlan_filtering']).toBe(false);
  });

  it('fail naming the property, the link and the errno when the kernel refuses (no VLAN filtering: EOPNOTSUPP)', async () => {
    const b = await bed({ vlan_filtering: true });
    b.platform.failNext('setBridgeVlans', Errno.EOPNOTSUPP, 2);
    await expect(configurePort({ port: b.port, controller: b.br, settings: portProfile(['10']), reapply: false, platform: b.platform, logger: b.logger })).rejects.toThrow(
      /^key 'bridge-port\.vlans': cannot give veth0 the VLANs 1 pvid untagged, 10: set bridge VLANs of veth0 \(ifindex \d+\): EOPNOTSUPP/,
    );
    await expect(configureBridge({ device: b.br, settings: bridgeProfile({ 'vlan-filtering': true, vlans: ['10'] }), reapply: false, platform: b.platform, logger: b.logger })).rejects.toThrow(
      /^key 'bridge\.vlans': cannot give br0 the VLANs 1 pvid untagged, 10: .*EOPNOTSUPP/,
    );
  });
});
