/**
 * 802-3-ethernet.wake-on-lan on NICs whose drivers answer for real: one VM
 * boot with an Intel 82559ER (e100 driver; Wake-on-LAN by magic packet only)
 * and a virtio-net (none), running scenarios/wake-on-lan.ts with the real nmkd
 * and nmcli. NetworkManager 1.42's rules: the profile's modes are set
 * exactly at activation and on Reapply, `ignore` leaves them, `default`
 * takes `[connection] ethernet.wake-on-lan`, a driver's refusal never fails
 * the activation, and nothing is restored on deactivation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInVm, type ScenarioResult } from '../harness/vm.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let results: Record<string, ScenarioResult>;

const report = (): any => {
  const r = results['wake-on-lan']?.report;
  if (!r) throw new Error('scenario wake-on-lan reported nothing');
  return r;
};
const stepOf = (name: string): any => {
  const s = report().steps?.[name];
  if (!s) throw new Error(`the scenario never reached '${name}' (steps: ${Object.keys(report().steps ?? {}).join(', ')})`);
  return s;
};
const ACTIVATED = '100 (connected)';

beforeAll(async () => {
  results = await runInVm({
    scenarios: [path.join(here, 'scenarios/wake-on-lan.ts')],
    daemon: true,
    timeoutMs: 540_000,
    qemuArgs: [
      '-netdev', 'user,id=wol0,restrict=on', '-device', 'i82559er,netdev=wol0',
      '-netdev', 'user,id=wol1,restrict=on', '-device', 'virtio-net-pci,netdev=wol1',
    ],
  });
  // The whole report, for reading when an assertion below fails.
  writeFileSync(path.join(here, '../../.cache/vm/last-wake-on-lan.json'), JSON.stringify(results['wake-on-lan']?.report ?? {}, null, 2));
});

describe('wake-on-lan on an e100 and a virtio-net (VM, real nmkd and nmcli)', () => {
  it('starts with Wake-on-LAN off on the e100, and none at all on virtio-net', () => {
    const { before } = report();
    expect(before.e100).toMatchObject({ wol: { modes: [], supported: ['magic'] }, wakeup: 'disabled' });
    expect(before.virtio.wol.error).toMatch(/: EOPNOTSUPP$/);
  });

  it('sets magic at activation (the device may wake the machine now)', () => {
    expect(stepOf('e100 up with magic')).toMatchObject({ codes: [0], state: ACTIVATED, wol: { modes: ['magic'] }, wakeup: 'enabled' });
  });

  it('a mode the driver lacks is refused by the kernel, and the reapply still succeeds', () => {
    expect(stepOf('e100 reapply phy (refused)')).toMatchObject({ codes: [0, 0], state: ACTIVATED, wol: { modes: ['magic'] }, wakeup: 'enabled' });
  });

  it('ignore leaves the modes as they are', () => {
    expect(stepOf('e100 reapply ignore')).toMatchObject({ codes: [0, 0], state: ACTIVATED, wol: { modes: ['magic'] }, wakeup: 'enabled' });
  });

  it('default takes [connection] ethernet.wake-on-lan (0: off) and clears the modes', () => {
    expect(stepOf('e100 up with default (config 0: off)')).toMatchObject({ codes: [0, 0], state: ACTIVATED, wol: { modes: [] }, wakeup: 'disabled' });
  });

  it('deactivation restores nothing', () => {
    const s = stepOf('e100 down');
    expect(s.codes).toEqual([0, 0, 0]);
    expect(s.state).not.toBe(ACTIVATED);
    expect(s).toMatchObject({ wol: { modes: ['magic'] }, wakeup: 'enabled' });
  });

  it('a driver without Wake-on-LAN does not stop the activation', () => {
    expect(stepOf('virtio up with magic (refused)')).toMatchObject({ codes: [0], state: ACTIVATED, wol: { error: expect.stringMatching(/EOPNOTSUPP$/) } });
  });

  it('nmkd stopped cleanly', () => {
    expect(report().exit).toBe(0);
  });
});
