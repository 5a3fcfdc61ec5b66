/**
 * The real nmkd, a private D-Bus and the real nmcli inside the VM, on a
 * kernel with bonding, 8021q and dummy (the host has none): activation of
 * bond, dummy ports, VLAN and a VLAN-filtering bridge; take-over of an
 * `ip`-made 802.3ad bond with a VLAN and a bridge across start, SIGTERM and
 * kill -9 with nothing seen by `ip monitor`; and the ifcfg seed case. One
 * boot runs the three scenarios (test/kernel/scenarios/nmk-*.ts); each
 * assertion reads what the guest reported. See test/harness/vm.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInVm, type ScenarioResult } from '../harness/vm.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let results: Record<string, ScenarioResult>;

function reportOf(name: string): any {
  const r = results[name];
  if (!r?.report) throw new Error(`scenario ${name} reported nothing`);
  return r.report;
}

const ok = (r: { code: number; stderr: string; stdout: string }) => expect(r.code, `${r.stderr}${r.stdout}`).toBe(0);

beforeAll(async () => {
  results = await runInVm({
    scenarios: ['nmk-activation', 'nmk-take-over', 'nmk-ifcfg'].map((s) => path.join(here, `scenarios/${s}.ts`)),
    daemon: true,
    timeoutMs: 540_000,
  });
});

describe('activation through nmcli: bond, dummy ports, VLAN, VLAN-filtering bridge', () => {
  it('nmcli connection up brings up the bond, both dummy ports and the VLAN', () => {
    const r = reportOf('nmk-activation');
    for (const id of ['bond0', 'bond0-port0', 'bond0-port1', 'bond0.10']) ok(r.up[id]);
    expect(r.activeRows).toEqual([
      ['bond0', 'bond0', 'activated'],
      ['bond0-port0', 'dummy0', 'activated'],
      ['bond0-port1', 'dummy1', 'activated'],
      ['bond0.10', 'bond0.10', 'activated'],
    ]);
  });

  it('the bond has the profile options, primary set once its port is attached', () => {
    const { bondSysfs, kernel, bondPorts } = reportOf('nmk-activation');
    expect(bondSysfs).toMatchObject({ mode: 'active-backup 1', miimon: '100', updelay: '200', primary: 'dummy1', active_slave: 'dummy1' });
    expect(bondSysfs.slaves.split(' ').sort()).toEqual(['dummy0', 'dummy1']);
    expect(kernel.bond0.linkinfo.info_data).toMatchObject({ mode: 'active-backup', miimon: 100, primary: 'dummy1' });
    expect(kernel.dummy0.master).toBe('bond0');
    expect(kernel.dummy1.master).toBe('bond0');
    expect(bondPorts.split(/[ ,]+/).sort()).toEqual(['dummy0', 'dummy1']);
  });

  it('the VLAN sits on the bond with its id and address', () => {
    const { kernel, vlanAddrs } = reportOf('nmk-activation');
    expect(kernel.vlan.link).toBe('bond0');
    expect(kernel.vlan.linkinfo).toMatchObject({ info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 10 } });
    expect(vlanAddrs[0].addr_info.map((a: any) => `${a.local}/${a.prefixlen}`)).toContain('203.0.113.1/24');
  });

  it('a bridge added with vlan-filtering=yes comes up filtering, with its default PVID', () => {
    const r = reportOf('nmk-activation');
    ok(r.bridgeAdd);
    ok(r.bridgeUp);
    expect(r.bridge).toMatchObject({ filtering: '1', pvid: '5', stp: '0' });
    expect(r.bridge.link.linkinfo.info_data).toMatchObject({ vlan_filtering: 1, vlan_default_pvid: 5 });
  });

  it('taking the bond down removes the links nmk created for it, its ports and the VLAN on it', () => {
    const r = reportOf('nmk-activation');
    ok(r.down);
    expect(r.linksLeftAfterDown).toEqual([]);
    expect(r.activeAfterDown).toEqual([['br5', 'br5', 'activated']]);
  });
});

describe('take-over of an ip-made 802.3ad bond, VLAN and bridge (the seed)', () => {
  it('assumes all five profiles at the first start, after SIGTERM and after kill -9', () => {
    const { runs } = reportOf('nmk-take-over');
    expect(runs.map((r: any) => r.how)).toEqual(['first start', 'after SIGTERM', 'after kill -9']);
    for (const run of runs) {
      expect(run.active, run.how).toEqual([
        ['bond7', 'bond7', 'activated'],
        ['bond7-p0', 'dummy70', 'activated'],
        ['bond7-p1', 'dummy71', 'activated'],
        ['bond7.20', 'bond7.20', 'activated'],
        ['br7', 'br7', 'activated'],
      ]);
    }
    expect(reportOf('nmk-take-over').exitCode).toBe(0);
  });

  it('ip monitor sees no change at all, and the bond, ports and addresses are as ip left them', () => {
    const r = reportOf('nmk-take-over');
    for (const run of r.runs) expect(run.changes, run.how).toEqual([]);
    expect(r.after).toEqual(r.before);
    expect(r.before.sysfsMode).toBe('802.3ad 4');
    expect(r.miimon).toBe('100');
    expect(r.slaves.split(' ').sort()).toEqual(['dummy70', 'dummy71']);
  });
});

describe('ifcfg: BONDING_OPTS, bond.options modified through nmcli, NM_CONTROLLED=no', () => {
  it('the bond from ifcfg comes up at start with every BONDING_OPTS option in sysfs', () => {
    const r = reportOf('nmk-ifcfg');
    expect(r.atStart).toMatchObject({
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
    });
    expect(r.atStart.slaves.split(' ').sort()).toEqual(['p1', 'p2']);
    expect(r.activeAtStart).toEqual([
      ['bond3', 'bond3', 'activated'],
      ['bond3-p1', 'p1', 'activated'],
      ['bond3-p2', 'p2', 'activated'],
    ]);
    expect(r.bondAddrs).toContain('192.0.2.33/24');
  });

  it('nmcli connection modify bond.options rewrites BONDING_OPTS, and up puts the new options in sysfs', () => {
    const r = reportOf('nmk-ifcfg');
    ok(r.modify);
    expect(r.ifcfgAfterModify).toMatch(/^BONDING_OPTS="?mode=802\.3ad .*miimon=250/m);
    ok(r.upAgain);
    expect(r.afterUp).toMatchObject({ mode: '802.3ad 4', miimon: '250', lacp_rate: 'fast 1', xmit_hash_policy: 'layer3+4 1' });
    expect(r.afterUp.slaves.split(' ').sort()).toEqual(['p1', 'p2']);
    expect(r.activeAfterUp).toEqual(r.activeAtStart);
  });

  it('a device with NM_CONTROLLED=no is unmanaged and never touched, even with a profile that would autoconnect on it', () => {
    const r = reportOf('nmk-ifcfg');
    expect(r.devices).toContainEqual(['dummy9', 'unmanaged', '']);
    expect(r.upUnmanaged.code).not.toBe(0);
    expect(r.upUnmanaged.stderr).toMatch(/dummy9/);
    expect(r.dummy9.messages).toEqual([]);
    expect(r.dummy9.after).toEqual(r.dummy9.before);
    expect(r.dummy9.before.addrs).toContain('198.18.0.9/24');
  });
});
