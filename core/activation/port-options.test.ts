/**
 * Port options on the fake platform: a bridge port's three go in one link
 * change after the attach (no sysfs write), unset ones and 0 as
 * NetworkManager's defaults; a reapply sends only what changed; rows
 * without a platform option (a bond's queue_id) stay sysfs writes; and a
 * refusal names every option of the message.
 */
import { describe, expect, it } from 'vitest';
import { Errno, NmkError, type ConnectionSettings, type PortOptionRow, type SettingValues } from '../../sdk/index.js';
import { bondKind } from '../../plugins/device-bond/index.js';
import { bridgeKind } from '../../plugins/device-bridge/index.js';
import { FakePlatform } from '../../plugins/platform-fake/fake-platform.js';
import { applyPortOptions, portOptionValue } from './port-options.js';

/** A controller of `kind` with a veth attached to it (unless `attach` is false). */
async function bed(kind: 'bridge' | 'bond', attach = true) {
  const platform = new FakePlatform();
  const link = await platform.createLink({ name: `${kind}0`, kind, up: true });
  const controller = { ifindex: link.ifindex, name: link.name, link };
  const port = await platform.createLink({ name: 'veth0', kind: 'veth', peer: { name: 'veth1' } });
  if (attach) await platform.setLink(port.ifindex, { master: controller.ifindex });
  platform.calls.splice(0);
  const brport = async () => Promise.all(['priority', 'path_cost', 'hairpin_mode'].map((f) => platform.readSysfs('veth0', `brport/${f}`)));
  return { platform, controller, port, brport };
}

const bridgePort = (values: SettingValues): ConnectionSettings => ({ connection: { id: 'p', type: '802-3-ethernet', master: 'bridge0', 'slave-type': 'bridge' }, 'bridge-port': values });
const rows = bridgeKind.portOptions!;

describe('bridge port options', () => {
  it('go in one link change on the port, by the platform option names, and no sysfs write', async () => {
    const b = await bed('bridge');
    await applyPortOptions({ platform: b.platform, port: b.port, controller: b.controller, rows, settings: bridgePort({ priority: 7, 'path-cost': 42, 'hairpin-mode': true }) });
    expect(b.platform.calls).toEqual([{ op: 'setLink', args: [b.port.ifindex, { portOptions: { kind: 'bridge', info: { priority: 7, path_cost: 42, hairpin_mode: true } } }] }]);
    expect(await b.brport()).toEqual(['7', '42', '1']);
  });

  it("set NetworkManager's defaults for unset properties, and for a priority or path cost of 0", async () => {
    const b = await bed('bridge');
    await b.platform.setLink(b.port.ifindex, { portOptions: { kind: 'bridge', info: { priority: 9, path_cost: 9, hairpin_mode: true } } });
    await applyPortOptions({ platform: b.platform, port: b.port, controller: b.controller, rows, settings: bridgePort({ priority: 0, 'path-cost': 0 }) });
    expect(await b.brport()).toEqual(['32', '100', '0']);
    expect(portOptionValue(rows[0]!, bridgePort({}))).toBe(32);
  });

  it('on reapply, send only what changed, and nothing when nothing did', async () => {
    const b = await bed('bridge');
    const before = bridgePort({ priority: 7, 'path-cost': 42, 'hairpin-mode': true });
    await applyPortOptions({ platform: b.platform, port: b.port, controller: b.controller, rows, settings: before });
    b.platform.calls.splice(0);
    await applyPortOptions({ platform: b.platform, port: b.port, controller: b.controller, rows, settings: bridgePort({ priority: 7, 'path-cost': 42, 'hairpin-mode': true, vlans: [] }), previous: before });
    expect(b.platform.calls).toEqual([]);
    await applyPortOptions({ platform: b.platform, port: b.port, controller: b.controller, rows, settings: bridgePort({ priority: 9, 'path-cost': 42 }), previous: before });
    expect(b.platform.calls).toEqual([{ op: 'setLink', args: [b.port.ifindex, { portOptions: { kind: 'bridge', info: { priority: 9, hairpin_mode: false } } }] }]);
    expect(await b.brport()).toEqual(['9', '42', '0']);
  });

  it('a refusal names every option the message carried; a single one is also the error key', async () => {
    const b = await bed('bridge', false);
    const err = await applyPortOptions({ platform: b.platform, port: b.port, controller: b.controller, rows, settings: bridgePort({ priority: 7, 'path-cost': 42, 'hairpin-mode': true }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NmkError);
    expect((err as NmkError).code).toBe('PLATFORM');
    expect((err as Error).message).toMatch(/^bridge-port\.priority = 7, bridge-port\.path-cost = 42, bridge-port\.hairpin-mode = true: .*EOPNOTSUPP/);

    const attached = await bed('bridge');
    const before = bridgePort({});
    const one = await applyPortOptions({ platform: attached.platform, port: attached.port, controller: attached.controller, rows, settings: bridgePort({ priority: 64 }), previous: before }).catch((e: unknown) => e);
    expect((one as Error).message).toMatch(/^key 'bridge-port\.priority': bridge-port\.priority = 64: /);
  });
});

describe('port options without a platform option', () => {
  it("a bond's queue-id is still written to the controller's bonding/queue_id", async () => {
    const b = await bed('bond');
    b.platform.injectExternal({ type: 'sysfs', ifname: 'bond0', attribute: 'bonding/queue_id', value: '' });
    await applyPortOptions({ platform: b.platform, port: b.port, controller: b.controller, rows: bondKind.portOptions!, settings: { connection: { id: 'p' }, 'bond-port': { 'queue-id': 3 } } });
    expect(b.platform.calls).toEqual([{ op: 'writeSysfs', args: ['bond0', 'bonding/queue_id', 'veth0:3'] }]);
  });

  it('a kind mixing both sends one link change for the rows that have an option and writes the rest', async () => {
    const b = await bed('bridge');
    b.platform.injectExternal({ type: 'sysfs', ifname: 'veth0', attribute: 'brport/isolated', value: '0' });
    const mixed: PortOptionRow[] = [...rows, { setting: 'bridge-port', property: 'isolated', on: 'port', file: 'brport/isolated' }];
    await applyPortOptions({ platform: b.platform, port: b.port, controller: b.controller, rows: mixed, settings: { 'bridge-port': { priority: 5, isolated: true } } });
    expect(b.platform.calls.map((c) => c.op)).toEqual(['setLink', 'writeSysfs']);
    expect(b.platform.calls[1]!.args).toEqual(['veth0', 'brport/isolated', '1']);
    expect(await b.brport()).toEqual(['5', '100', '0']);
  });
});

describe('the fake kernel', () => {
  it('starts a port at the defaults on each attach, and shows the options in brport/ files only while attached', async () => {
    const b = await bed('bridge');
    await b.platform.setLink(b.port.ifindex, { portOptions: { kind: 'bridge', info: { priority: 7 } } });
    await b.platform.setLink(b.port.ifindex, { master: 0 });
    await expect(b.platform.readSysfs('veth0', 'brport/priority')).rejects.toMatchObject({ errno: Errno.ENOENT });
    await b.platform.setLink(b.port.ifindex, { master: b.controller.ifindex });
    expect(await b.brport()).toEqual(['32', '100', '0']);
    await b.platform.writeSysfs('veth0', 'brport/path_cost', '12');
    expect(await b.brport()).toEqual(['32', '12', '0']);
    // Out of the kernel's range, an option ports do not have, another controller kind.
    await expect(b.platform.setLink(b.port.ifindex, { portOptions: { kind: 'bridge', info: { priority: 64 } } })).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(b.platform.setLink(b.port.ifindex, { portOptions: { kind: 'bridge', info: { nosuch: 1 } } })).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(b.platform.setLink(b.port.ifindex, { portOptions: { kind: 'bond', info: { priority: 1 } } })).rejects.toMatchObject({ errno: Errno.EOPNOTSUPP });
  });

  it('takes port options from the controller the link had before the change, as the kernel does', async () => {
    const b = await bed('bridge', false);
    await expect(b.platform.setLink(b.port.ifindex, { master: b.controller.ifindex, portOptions: { kind: 'bridge', info: { priority: 7 } } })).rejects.toMatchObject({ errno: Errno.EOPNOTSUPP });
  });
});
