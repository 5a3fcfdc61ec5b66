/**
 * The real nmkd, a private D-Bus and the real nmcli inside the VM, on a
 * kernel with bonding, 8021q and dummy (the host has none). One boot runs
 * scenarios/nmk-daemon.ts (three nmkd starts shared by every case; its
 * profiles are in seed-profiles.ts); each assertion reads what it reported:
 * - take-over of an `ip`-made 802.3ad bond with a VLAN and a bridge over it at
 *   start, after SIGTERM and after kill -9, with nothing seen by `ip monitor`;
 * - activation through nmcli of a bond, two dummy ports, a VLAN on the bond,
 *   and a bridge with VLAN filtering;
 * - the ifcfg seed: a bond from BONDING_OPTS, `nmcli connection modify
 *   bond.options` + up, and a NM_CONTROLLED=no device never touched.
 * See test/harness/vm.ts for how the guest runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInVm, type ScenarioResult } from '../harness/vm.js';
import { ACTIVE_AT_START, BOND3_OPTS } from './seed-profiles.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let results: Record<string, ScenarioResult>;

/** One section of the scenario's report; a section that threw fails here with its stack. */
function part(name: string): any {
  const report = results['nmk-daemon']?.report as any;
  if (!report) throw new Error('scenario nmk-daemon reported nothing');
  const p = report[name];
  if (p === undefined) throw new Error(`the scenario never reached '${name}'`);
  if (p.error) throw new Error(`section '${name}' failed in the guest:\n${p.error}`);
  return p;
}

const ok = (r: { code: number; stderr: string; stdout: string }) => expect(r.code, `${r.stderr}${r.stdout}`).toBe(0);
const TAKE_OVER = /\b(bond7|dummy7[01]|br7)\b|192\.0\.2\.7\b/;

beforeAll(async () => {
  results = await runInVm({ scenarios: [path.join(here, 'scenarios/nmk-daemon.ts')], daemon: true, timeoutMs: 540_000 });
  // The whole report, for reading when an assertion below fails.
  writeFileSync(path.join(here, '../../.cache/vm/last-nmk-daemon.json'), JSON.stringify(results['nmk-daemon']?.report ?? {}, null, 2));
});

describe('take-over of an ip-made 802.3ad bond, a VLAN on it and a bridge over it', () => {
  it('at start, assumes the five matching profiles with no kernel change on those links', () => {
    const start = part('start');
    expect(start.active).toEqual(ACTIVE_AT_START);
    expect(start.changes.filter((l: string) => TAKE_OVER.test(l))).toEqual([]);
    expect(start.takeOverLogs.join('\n')).toMatch(/bond7/);
  });

  it('after SIGTERM and after kill -9 re-adopts everything, and ip monitor sees nothing at all', () => {
    const before = part('activeBeforeRestarts');
    for (const how of ['afterSigterm', 'afterSigkill']) {
      const r = part(how);
      expect(r.active, how).toEqual(before);
      expect(r.changes, how).toEqual([]);
      expect(r.after, how).toEqual(r.before);
    }
    expect(part('afterSigterm').exit).toBe(0);
  });

  it('the bond, its ports, the VLAN and the bridge address are as ip left them', () => {
    const before = part('before');
    const after = part('after');
    expect(after.takeOver).toEqual(before.takeOver);
    expect(after.bond7).toEqual(before.bond7);
    expect(before.bond7).toMatchObject({ mode: '802.3ad 4', miimon: '100' });
    expect(before.takeOver.br7.addrs).toContain('192.0.2.7/24');
    expect(part('messages').filter((l: string) => TAKE_OVER.test(l))).toEqual([]);
  });
});

describe('activation through nmcli: bond, dummy ports, VLAN, VLAN-filtering bridge', () => {
  it('nmcli connection up brings up the bond, both dummy ports and the VLAN', () => {
    const a = part('activation');
    for (const id of ['bond0', 'bond0-port0', 'bond0-port1', 'bond0.10']) ok(a.up[id]);
    expect(a.active).toEqual([
      ['bond0', 'bond0', 'activated'],
      ['bond0-port0', 'dummy0', 'activated'],
      ['bond0-port1', 'dummy1', 'activated'],
      ['bond0.10', 'bond0.10', 'activated'],
    ]);
  });

  it('the bond has the profile options, and primary once its port is attached', () => {
    const a = part('activation');
    expect(a.bond0).toMatchObject({ mode: 'active-backup 1', miimon: '100', updelay: '200', primary: 'dummy1', active_slave: 'dummy1', slaves: expect.any(String) });
    expect(a.bond0.slaves.split(' ').sort()).toEqual(['dummy0', 'dummy1']);
    expect(a.kernel.bond0.linkinfo.info_data).toMatchObject({ mode: 'active-backup', miimon: 100, primary: 'dummy1' });
    expect([a.kernel.dummy0.master, a.kernel.dummy1.master]).toEqual(['bond0', 'bond0']);
    expect(a.bondPorts.split(/[ ,]+/).sort()).toEqual(['dummy0', 'dummy1']);
  });

  it('the VLAN sits on the bond with its id and address', () => {
    const a = part('activation');
    expect(a.kernel.vlan.link).toBe('bond0');
    expect(a.kernel.vlan.linkinfo).toMatchObject({ info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 10 } });
    expect(a.vlanAddrs).toContain('203.0.113.1/24');
  });

  it('a bridge added with vlan-filtering=yes comes up filtering, with its default PVID', () => {
    const b = part('bridgeVlanFiltering');
    ok(b.add);
    ok(b.up);
    expect({ filtering: b.filtering, pvid: b.pvid, stp: b.stp }).toEqual({ filtering: '1', pvid: '5', stp: '0' });
    expect(b.link.linkinfo.info_data).toMatchObject({ vlan_filtering: 1, vlan_default_pvid: 5 });
  });

  it('taking the bond down removes the links nmk created for it, its ports and the VLAN on it', () => {
    const r = part('bond0Down');
    ok(r.down);
    expect(r.linksLeft).toEqual([]);
    expect(r.active).toEqual([]);
  });
});

describe('ifcfg: BONDING_OPTS, bond.options modified through nmcli, NM_CONTROLLED=no', () => {
  it('the bond from ifcfg comes up at start with every BONDING_OPTS option in sysfs', () => {
    const start = part('start');
    const sysfsOf: Record<string, string> = {
      mode: 'active-backup 1',
      miimon: '100',
      updelay: '200',
      downdelay: '300',
      primary: 'p2',
      primary_reselect: 'better 1',
      fail_over_mac: 'active 1',
      num_grat_arp: '3',
      resend_igmp: '2',
      all_slaves_active: '1',
    };
    // Every option BONDING_OPTS names is checked.
    expect(Object.keys(sysfsOf).sort()).toEqual(BOND3_OPTS.split(' ').map((o) => o.split('=')[0]).sort());
    expect(start.bond3).toMatchObject(sysfsOf);
    expect(start.bond3.slaves.split(' ').sort()).toEqual(['p1', 'p2']);
    expect(start.bond3Addrs).toContain('192.0.2.33/24');
  });

  it('nmcli connection modify bond.options rewrites BONDING_OPTS, and up puts the new options in sysfs', () => {
    const m = part('modifyBond3');
    ok(m.modify);
    expect(m.ifcfg).toMatch(/^BONDING_OPTS="mode=802\.3ad .*miimon=250/m);
    ok(m.up);
    expect(m.sysfs).toMatchObject({ mode: '802.3ad 4', miimon: '250', lacp_rate: 'fast 1', xmit_hash_policy: 'layer3+4 1' });
    // What the new options leave out is back at its default, as NetworkManager does it.
    expect(m.sysfs).toMatchObject({ updelay: '0', downdelay: '0', primary: '', primary_reselect: 'always 0', fail_over_mac: 'none 0', num_grat_arp: '1', resend_igmp: '1', all_slaves_active: '0' });
    expect(m.sysfs.slaves.split(' ').sort()).toEqual(['p1', 'p2']);
    expect(m.active).toEqual(ACTIVE_AT_START.filter((r) => r[0]!.startsWith('bond3')));
    expect(m.addrs).toContain('192.0.2.33/24');
  });

  it('a device with NM_CONTROLLED=no is unmanaged and never touched, even with a profile that would autoconnect on it', () => {
    expect(part('start').devices).toContainEqual(['dummy9', 'unmanaged', '']);
    const u = part('unmanaged');
    expect(u.up.code).not.toBe(0);
    expect(u.up.stderr).toMatch(/dummy9/);
    expect(part('messages').filter((l: string) => /dummy9|198\.18\./.test(l))).toEqual([]);
    expect(part('after').dummy9).toEqual(part('before').dummy9);
    expect(part('before').dummy9.dummy9.addrs).toContain('198.18.0.9/24');
  });
});
