/**
 * Bridge VLANs on this host's kernel, whose bridge has no VLAN filtering
 * (EOPNOTSUPP; the kernel lane, test/kernel/bridge-vlans.test.ts, shows the
 * same profiles working). NetworkManager applies bridge.vlans and
 * bridge-port.vlans only on a bridge that filters VLANs, so here:
 * - a bridge asking for VLANs (vlan-filtering yes, bridge.vlans) is refused
 *   through nmcli naming what the kernel refused and the errno, and no link
 *   is left behind;
 * - a bridge without filtering comes up with its port, whose
 *   bridge-port.vlans are left out (the log names the property), and the
 *   daemon keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const NO_IP = '\n[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=disabled\n';
const keyfile = (id: string, n: number, body: string) => [`etc/nmk/system-connections/${id}.nmconnection`, `[connection]\nid=${id}\nuuid=5b3c1a00-0000-4000-8000-00000000000${n}\nautoconnect=false\n${body}`];

const FILES = Object.fromEntries([
  keyfile('brv', 1, `type=bridge\ninterface-name=brv\n\n[bridge]\nstp=false\nvlan-filtering=true\nvlans=1 pvid untagged,100-101\n${NO_IP}`),
  keyfile('brn', 2, `type=bridge\ninterface-name=brn\n\n[bridge]\nstp=false\n${NO_IP}`),
  keyfile('brn-port', 3, 'type=ethernet\ninterface-name=vb0\nmaster=brn\nslave-type=bridge\n\n[bridge-port]\nvlans=1 pvid untagged,10,20-22\n'),
]);

describe('bridge VLANs on a kernel without bridge VLAN filtering (real nmcli, real daemon)', () => {
  let ns: Netns;
  let d: Daemon;

  beforeAll(async () => {
    ns = await Netns.create('nmkbv');
    await ns.addVeth('vb0', 'vb1');
    for (const l of ['vb0', 'vb1']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({ ns, profile: 'server', config: '[keyfile]\nunmanaged-devices=interface-name:vb1\n', files: FILES });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  const active = async () => parseTerse((await d.nmcli(['-t', '-f', 'NAME,DEVICE,STATE', 'connection', 'show', '--active'])).stdout).sort();

  it('a bridge with bridge.vlans (and the vlan-filtering they need) fails naming the refused option and EOPNOTSUPP; nothing is left', async () => {
    const r = await d.nmcli(['connection', 'up', 'brv'], { timeoutMs: 30_000 });
    expect(r.code).not.toBe(0);
    const error = r.stderr.split('\n').find((l) => l.startsWith('Error: '));
    expect(error).toMatch(/^Error: Connection activation failed: .*brv.*vlan_filtering.*EOPNOTSUPP/);
    expect((await ns.tryExec('ip', ['link', 'show', 'brv'])).code).not.toBe(0);
    expect(await active()).toEqual([]);
  });

  it('a bridge without VLAN filtering comes up with its port; the port VLANs are left out and the log names bridge-port.vlans', async () => {
    for (const id of ['brn', 'brn-port']) {
      const r = await d.nmcli(['connection', 'up', id], { timeoutMs: 30_000 });
      expect(r.code, r.stderr + r.stdout).toBe(0);
    }
    await expect.poll(active, { timeout: 10_000 }).toEqual([
      ['brn', 'brn', 'activated'],
      ['brn-port', 'vb0', 'activated'],
    ]);
    expect((await ns.ipJson<any[]>(['link', 'show', 'vb0']))[0].master).toBe('brn');
    expect(d.logs.map((l) => l.msg)).toContain('bridge-port.vlans of vb0 not applied: brn does not filter VLANs (bridge.vlan-filtering)');
    expect(JSON.parse((await ns.exec('bridge', ['-j', 'vlan', 'show'])).stdout || '[]')).toEqual([]);
  });

  it('the daemon keeps serving after the refusal', async () => {
    const r = await d.nmcli(['-t', '-f', 'RUNNING', 'general', 'status']);
    expect(r.stdout.trim()).toBe('running');
    expect(d.logs.filter((l) => l.level === 'error' || l.level === 'fatal' || l.level === 'raw')).toEqual([]);
  });
});
