/**
 * Bonding and VLANs on a real kernel (the host's has neither): one VM boot runs
 * the kernel canary and the bond-vlan scenario, then each assertion reads what
 * the guest reported. See test/harness/vm.ts for how the guest runs.
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

beforeAll(async () => {
  results = await runInVm({
    scenarios: [path.join(here, 'scenarios/kernel-modules.ts'), path.join(here, 'scenarios/bond-vlan.ts')],
    timeoutMs: 480_000,
  });
});

describe('the guest kernel (canary, iproute2 only)', () => {
  it('loads bonding and 8021q and makes a bond with a VLAN', () => {
    const r = reportOf('kernel-modules');
    expect(r.mode).toBe('802.3ad 4');
    expect(r.slaves).toBe('kdummy0');
    expect(r.vlan).toMatchObject({ protocol: '802.1Q', id: 7 });
  });
});

describe('LinuxPlatform: 802.3ad bond of two dummies with VLAN 10', () => {
  it('sets the bond mode and miimon the kernel reports in sysfs', () => {
    const { sysfs } = reportOf('bond-vlan');
    expect(sysfs.mode).toBe('802.3ad 4');
    expect(sysfs.miimon).toBe('100');
  });

  it('enslaves both dummies', () => {
    const r = reportOf('bond-vlan');
    expect(r.sysfs.slaves).toBe('dummy0 dummy1');
    expect(r.ip.bond0.linkinfo).toMatchObject({ info_kind: 'bond', info_data: { mode: '802.3ad', miimon: 100 } });
  });

  it('creates VLAN 10 on bond0', () => {
    const r = reportOf('bond-vlan');
    expect(r.procVlan.vid).toBe(10);
    expect(r.procVlan.device).toBe('bond0');
    expect(r.ip.vlan.link).toBe('bond0');
    expect(r.ip.vlan.linkinfo).toMatchObject({ info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 10 } });
  });

  it("decodes bond mode and VLAN id in the platform's own dump", () => {
    const { platform, created } = reportOf('bond-vlan');
    const bondIndex = created.bond.ifindex;
    expect(platform.bond0).toMatchObject({ kind: 'bond', info: { mode: '802.3ad', miimon: 100 } });
    expect(platform.vlan).toMatchObject({ kind: 'vlan', parent: bondIndex, info: { id: 10 } });
    for (const port of [platform.dummy0, platform.dummy1]) {
      expect(port).toMatchObject({ kind: 'dummy', master: bondIndex, portKind: 'bond' });
    }
  });

  it('reads bonding attributes through readSysfs', () => {
    expect(reportOf('bond-vlan').platformSysfsMode).toBe('802.3ad 4');
  });
});
