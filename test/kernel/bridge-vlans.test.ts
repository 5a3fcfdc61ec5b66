/**
 * Bridge VLANs on a kernel that filters them (the host's answers
 * EOPNOTSUPP: test/integration/bridge-vlans-host.test.ts). One VM boot runs
 * scenarios/bridge-vlans.ts: nmcli brings up a VLAN-filtering bridge with
 * bridge.vlans and a dummy port with bridge-port.vlans, then modify +
 * `nmcli device reapply` changes the port's VLANs in place. Each assertion
 * reads what the guest reported (`bridge -j vlan show`, ip monitor).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInVm, type ScenarioResult } from '../harness/vm.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let results: Record<string, ScenarioResult>;

function report(): any {
  const r = results['bridge-vlans']?.report as any;
  if (!r) throw new Error('scenario bridge-vlans reported nothing');
  if (r.error) throw new Error(`the scenario failed in the guest:\n${r.error}\nsteps:\n${(r.steps ?? []).join('\n')}`);
  return r;
}

/**
 * One link's VLANs from `bridge -j vlan show` in bridge.vlans words
 * ("1 pvid untagged, 10, 20-22"): entries listed per VID or as ranges
 * (vlan..vlanEnd) read the same, consecutive VIDs with the same flags join.
 */
function vlansOf(show: any[], ifname: string): string {
  const vids: Array<[number, string]> = [];
  for (const e of show.find((x) => x.ifname === ifname)?.vlans ?? []) {
    const flags = `${e.flags?.includes('PVID') ? ' pvid' : ''}${e.flags?.includes('Egress Untagged') ? ' untagged' : ''}`;
    for (let v = e.vlan; v <= (e.vlanEnd ?? e.vlan); v++) vids.push([v, flags]);
  }
  const out: Array<{ from: number; to: number; flags: string }> = [];
  for (const [v, flags] of vids.sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && last.to === v - 1 && last.flags === flags && !flags.includes('pvid')) last.to = v;
    else out.push({ from: v, to: v, flags });
  }
  return out.map((r) => `${r.from === r.to ? r.from : `${r.from}-${r.to}`}${r.flags}`).join(', ');
}

const ok = (r: { code: number; stderr: string; stdout: string }) => expect(r.code, `${r.stderr}${r.stdout}`).toBe(0);

beforeAll(async () => {
  results = await runInVm({ scenarios: [path.join(here, 'scenarios/bridge-vlans.ts')], daemon: true, timeoutMs: 480_000 });
  // The whole report, for reading when an assertion below fails.
  writeFileSync(path.join(here, '../../.cache/vm/last-bridge-vlans.json'), JSON.stringify(results['bridge-vlans']?.report ?? {}, null, 2));
});

describe('bridge.vlans and bridge-port.vlans on a VLAN-filtering bridge (real nmkd, nmcli, kernel)', () => {
  it('nmcli up gives the bridge and its port exactly the profile VLANs (the bridge also its default PVID)', () => {
    const { atUp } = report();
    ok(atUp.upBridge);
    ok(atUp.upPort);
    expect(atUp.active).toEqual([
      ['brv', 'brv', 'activated'],
      ['brv-port', 'dummyv', 'activated'],
    ]);
    expect({ filtering: atUp.filtering, master: atUp.master }).toEqual({ filtering: 1, master: 'brv' });
    expect(vlansOf(atUp.vlans, 'dummyv')).toBe('1 pvid untagged, 10, 20-22');
    expect(vlansOf(atUp.vlans, 'brv')).toBe('1 pvid untagged, 100-101');
  });

  it('modify + nmcli device reapply changes the port VLANs without the port leaving the bridge', () => {
    const { afterReapply: r } = report();
    ok(r.modify);
    ok(r.reapply);
    // The bridge's default PVID (1) stays untagged on the port; the profile's PVID is 5 now.
    expect(vlansOf(r.vlans, 'dummyv')).toBe('1 untagged, 5 pvid untagged, 10, 30-31');
    expect(vlansOf(r.vlans, 'brv')).toBe('1 pvid untagged, 100-101');
    expect(r.master).toBe('brv');
    expect(r.active).toContainEqual(['brv-port', 'dummyv', 'activated']);
    // Every kernel message about the port during the reapply still names its bridge: it was never released.
    const aboutPort = (r.changes as string[]).filter((l) => /\bdummyv\b/.test(l));
    expect(aboutPort.filter((l) => !/master brv\b/.test(l) || /^\[\d+ ms\] Deleted/.test(l))).toEqual([]);
  });
});
