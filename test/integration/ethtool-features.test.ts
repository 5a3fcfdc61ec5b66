/**
 * The ethtool setting applied to a real veth with the real nmcli, and put
 * back at deactivation, as NetworkManager 1.42 does; then NetworkManager
 * itself on the same profile, in a namespace of its own, for the kernel's
 * view after up and after down.
 *
 * A veth made by `ip` (so `connection down` keeps it) carries an ethernet
 * profile with feature-tso off (four kernel features, on by default on a
 * veth) and feature-gro on (rx-gro, off by default), and ring-rx 100, which
 * a veth refuses (it has no ring parameters: EOPNOTSUPP): the activation
 * still completes, and the warning names the option.
 *
 * The kernel's features are read with `ethtool -k` when the binary is
 * installed (scripts/bootstrap.sh installs it; NMK_TEST_ETHTOOL names
 * another binary), else through nmk's own Linux platform in a separate
 * process.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns, REPO_ROOT } from '../harness/netns.js';
import { NETWORKMANAGER, startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';
import type { ExecResult } from '../harness/netns.js';

const ETHTOOL = [process.env.NMK_TEST_ETHTOOL ?? '', '/usr/sbin/ethtool', '/sbin/ethtool'].find((p) => p !== '' && existsSync(p));
const TSO = ['tx-tcp-segmentation', 'tx-tcp-ecn-segmentation', 'tx-tcp-mangleid-segmentation', 'tx-tcp6-segmentation'];
const WATCHED = [...TSO, 'rx-gro', 'tx-generic-segmentation'];
const PROFILE = ['type', 'ethernet', 'con-name', 'et', 'ifname', 'veth0', 'autoconnect', 'no', 'ipv4.method', 'disabled', 'ipv6.method', 'ignore', 'ethtool.feature-tso', 'off', 'ethtool.feature-gro', 'on', 'ethtool.ring-rx', '100'];

/** `ethtool -k` prints a group of one kernel feature under ethtool's long name only. */
const LONG_NAMES: Record<string, string> = {
  'rx-checksumming': 'rx-checksum',
  'generic-segmentation-offload': 'tx-generic-segmentation',
  'generic-receive-offload': 'rx-gro',
  'large-receive-offload': 'rx-lro',
  'rx-vlan-offload': 'rx-vlan-hw-parse',
  'tx-vlan-offload': 'tx-vlan-hw-insert',
  'ntuple-filters': 'rx-ntuple-filter',
  'receive-hashing': 'rx-hashing',
};

type Nmcli = (args: string[], opts?: { timeoutMs?: number }) => Promise<ExecResult>;

/** The on/off state of the watched features of a link, as the kernel reports them. */
async function features(ns: Netns, dev: string): Promise<Record<string, boolean>> {
  if (ETHTOOL) {
    const r = await ns.exec(ETHTOOL, ['-k', dev]);
    const all = Object.fromEntries([...r.stdout.matchAll(/^\s*([\w-]+): (on|off)/gm)].map((m) => [LONG_NAMES[m[1]!] ?? m[1]!, m[2] === 'on']));
    return Object.fromEntries(WATCHED.map((f) => [f, all[f]!]));
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nmk-ethtool-'));
  try {
    const script = path.join(dir, 'features.ts');
    await writeFile(
      script,
      `import { LinuxPlatform } from ${JSON.stringify(path.join(REPO_ROOT, 'plugins/platform-linux/linux-platform.ts'))};
const p = new LinuxPlatform();
const link = await p.link(${JSON.stringify(dev)});
const f = await p.ethtoolFeatures(link!.ifindex);
await p.stop();
console.log('RESULT ' + JSON.stringify(Object.fromEntries(${JSON.stringify(WATCHED)}.map((k: string) => [k, f[k]?.active]))));
`,
    );
    const r = await ns.runScript(script, [], { timeoutMs: 60_000 });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`reading the features of ${dev} failed: ${r.stderr}${r.stdout}`);
    return JSON.parse(line.slice(7));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function vethNamespace(prefix: string): Promise<Netns> {
  const ns = await Netns.create(prefix);
  await ns.addVeth('veth0', 'veth1');
  for (const l of ['veth0', 'veth1']) await ns.ip(['link', 'set', l, 'up']);
  return ns;
}

const ok = async (nmcli: Nmcli, args: string[]) => {
  const r = await nmcli(args, { timeoutMs: 30_000 });
  expect(r.code, `nmcli ${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout;
};
const stateOf = async (nmcli: Nmcli) => (await ok(nmcli, ['-t', '-f', 'GENERAL.STATE,GENERAL.CONNECTION', 'device', 'show', 'veth0'])).trim().split('\n');

/** What the kernel shows before, after up and after down, for the side-by-side comparison. */
const seen: Record<'nmk' | 'NetworkManager', Record<string, Record<string, boolean>>> = { nmk: {}, NetworkManager: {} };

describe('ethtool options with the real nmcli and kernel', () => {
  let ns: Netns;
  let d: Daemon;
  let nmcli: Nmcli;

  beforeAll(async () => {
    ns = await vethNamespace('nmket');
    d = await startDaemon({ ns, profile: 'server', config: '[keyfile]\nunmanaged-devices=interface-name:veth1\n' });
    nmcli = (args, opts) => d.nmcli(args, opts);
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  it('a veth starts with TSO on and GRO off (what this test changes)', async () => {
    seen.nmk.before = await features(ns, 'veth0');
    expect(seen.nmk.before).toEqual({ ...Object.fromEntries(TSO.map((k) => [k, true])), 'rx-gro': false, 'tx-generic-segmentation': true });
  });

  it('nmcli stores the options and shows them back', async () => {
    await d.nmcli(['connection', 'delete', 'et']); // a retried test starts afresh
    await ok(nmcli, ['connection', 'add', ...PROFILE]);
    expect((await ok(nmcli, ['-t', '-f', 'ethtool.feature-tso,ethtool.feature-gro,ethtool.ring-rx', 'connection', 'show', 'et'])).trim().split('\n')).toEqual([
      'ethtool.feature-tso:off',
      'ethtool.feature-gro:on',
      'ethtool.ring-rx:100',
    ]);
  });

  it('up: the features are set; the ring size a veth refuses is a warning naming it, and the device is activated', async () => {
    await ok(nmcli, ['connection', 'up', 'et']);
    expect(await stateOf(nmcli)).toEqual(['GENERAL.STATE:100 (connected)', 'GENERAL.CONNECTION:et']);
    seen.nmk.up = await features(ns, 'veth0');
    expect(seen.nmk.up).toEqual({ ...Object.fromEntries(TSO.map((k) => [k, false])), 'rx-gro': true, 'tx-generic-segmentation': true });
    // The peer is not touched.
    expect((await features(ns, 'veth1'))['tx-tcp-segmentation']).toBe(true);
    const warning = await d.waitForLog((l) => l.msg.includes('ethtool.ring-rx=100'));
    expect(warning).toMatchObject({ level: 'warn', device: 'veth0' });
    expect(warning.msg).toMatch(/^ethtool: failure setting ring options \(cannot read existing setting\) on veth0: ethtool\.ring-rx=100 not applied: read ring sizes of veth0 \(ifindex \d+\): EOPNOTSUPP$/);
    expect(d.logs.some((l) => l.msg === 'ethtool: offload features successfully set on veth0 (ethtool.feature-gro=on, ethtool.feature-tso=off)')).toBe(true);
  });

  it('down: every feature is back as it was', async () => {
    await ok(nmcli, ['connection', 'down', 'et']);
    seen.nmk.down = await features(ns, 'veth0');
    expect(seen.nmk.down).toEqual(seen.nmk.before);
    await d.waitForLog((l) => l.msg === 'ethtool: offload features successfully reset on veth0');
  });
});

describe('NetworkManager 1.42 on the same profile', () => {
  let ns: Netns;
  let nm: NetworkManagerInstance;
  let nmcli: Nmcli;

  beforeAll(async () => {
    if (!existsSync(NETWORKMANAGER)) throw new Error(`${NETWORKMANAGER} is missing: install network-manager (scripts/bootstrap.sh)`);
    ns = await vethNamespace('nmketnm');
    nm = await startNetworkManager({ ns, networking: true, extraConfig: '\n[keyfile]\nunmanaged-devices=interface-name:veth1\n' });
    nmcli = (args, opts) => nm.nmcli(args, opts);
    // NetworkManager manages the veth as soon as it sees it (no udev); wait until it lists it.
    for (let i = 0; i < 100; i++) {
      if (/^veth0:disconnected$/m.test((await nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout)) break;
      await new Promise((res) => setTimeout(res, 100));
    }
  });
  afterAll(async () => {
    await nm?.cleanup();
    await ns?.destroy();
  });

  it('leaves the kernel as nmk does, before, after up and after down, and warns about the ring size too', async () => {
    seen.NetworkManager.before = await features(ns, 'veth0');
    await ok(nmcli, ['connection', 'add', ...PROFILE]);
    await ok(nmcli, ['connection', 'up', 'et']);
    expect(await stateOf(nmcli)).toEqual(['GENERAL.STATE:100 (connected)', 'GENERAL.CONNECTION:et']);
    seen.NetworkManager.up = await features(ns, 'veth0');
    await ok(nmcli, ['connection', 'down', 'et']);
    seen.NetworkManager.down = await features(ns, 'veth0');
    expect(seen.NetworkManager).toEqual(seen.nmk);
    expect(nm.output()).toContain('ethtool: failure setting ring options (cannot read existing setting)');
  });
});
