/**
 * The ethtool setting through the ethernet and veth kinds' configure and
 * deconfigure slots (withEthtool), on the fake platform: a physical NIC
 * (features, coalescing, rings, pause) and a veth (features only, as Linux).
 */
import { describe, expect, it } from 'vitest';
import { withEthtool, type ConnectionSettings, type DeviceKind, type DeviceView, type KindConfigureContext, type Logger } from '../../sdk/index.js';
import { FakePlatform } from '../platform-fake/fake-platform.js';
import { makeEthernetKind, vethKind as plainVeth } from './index.js';

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (msg: string) => void lines.push(`${level}: ${msg}`);
  const l: Logger = { trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => l, isEnabled: () => true };
  return l;
}

const profile = (ethtool?: Record<string, unknown>): ConnectionSettings =>
  ({ connection: { id: 'lan', type: '802-3-ethernet', 'interface-name': 'eth0' }, ...(ethtool ? { ethtool } : {}) }) as ConnectionSettings;

async function bed() {
  const platform = new FakePlatform();
  const eth = platform.injectExternal({ type: 'add-link', link: { name: 'eth0', mac: '52:54:00:12:34:56' } })!;
  const veth = await platform.createLink({ name: 'veth0', kind: 'veth', peer: { name: 'veth1' } });
  const lines: string[] = [];
  const logger = recordingLogger(lines);
  const view = (l: { ifindex: number; name: string }) => ({ ifindex: l.ifindex, name: l.name }) as DeviceView;
  const ctx = (device: DeviceView, settings: ConnectionSettings, previous?: ConnectionSettings): KindConfigureContext => ({ device, settings, reapply: previous !== undefined, ...(previous ? { previous } : {}), platform, logger });
  const down = (device: DeviceView, settings: ConnectionSettings) => ({ device, settings, platform, logger });
  const features = async (d: DeviceView, ...names: string[]) => {
    const f = await platform.ethtoolFeatures(d.ifindex);
    return Object.fromEntries(names.map((n) => [n, f[n]!.active]));
  };
  const writes = () => platform.calls.filter((c) => c.op.startsWith('set') && c.op !== 'setWakeOnLan').map((c) => [c.op, ...c.args.slice(1)]);
  // The kinds as the plugin provides them, each with its own memory of what to put back.
  const kinds: { veth: DeviceKind; eth: DeviceKind } = { veth: withEthtool(plainVeth), eth: withEthtool(makeEthernetKind()) };
  return { platform, eth: view(eth), veth: view(veth), lines, ctx, down, features, writes, kinds };
}

const TSO = ['tx-tcp-segmentation', 'tx-tcp-ecn-segmentation', 'tx-tcp-mangleid-segmentation', 'tx-tcp6-segmentation'];

describe('ethtool features on a veth', () => {
  it('are set at activation and put back at deactivation', async () => {
    const b = await bed();
    const settings = profile({ 'feature-tso': false, 'feature-gro': true });
    await b.kinds.veth.configure!(b.ctx(b.veth, settings));
    expect(await b.features(b.veth, ...TSO, 'rx-gro')).toEqual({ ...Object.fromEntries(TSO.map((k) => [k, false])), 'rx-gro': true });
    expect(b.lines).toContain('debug: ethtool: offload features successfully set on veth0 (ethtool.feature-gro=on, ethtool.feature-tso=off)');
    // Only the veth changed.
    const veth1 = (await b.platform.link('veth1'))!;
    expect((await b.platform.ethtoolFeatures(veth1.ifindex))['rx-gro']!.active).toBe(false);

    await b.kinds.veth.deconfigure!(b.down(b.veth, settings));
    expect(await b.features(b.veth, ...TSO, 'rx-gro')).toEqual({ ...Object.fromEntries(TSO.map((k) => [k, true])), 'rx-gro': false });
    expect(b.lines).toContain('debug: ethtool: offload features successfully reset on veth0');
    // A second deactivation has nothing left to put back.
    const before = b.writes().length;
    await b.kinds.veth.deconfigure!(b.down(b.veth, settings));
    expect(b.writes()).toHaveLength(before);
  });

  it('a fixed feature or one the kernel lacks is a warning naming the option; the rest is set and nothing throws', async () => {
    const b = await bed();
    const settings = profile({ 'feature-ntuple': true, 'feature-hw-tc-offload': true, 'feature-gso': false });
    await b.kinds.veth.configure!(b.ctx(b.veth, settings));
    expect(await b.features(b.veth, 'tx-generic-segmentation', 'rx-ntuple-filter')).toEqual({ 'tx-generic-segmentation': false, 'rx-ntuple-filter': false });
    expect(b.lines.filter((l) => l.startsWith('warn'))).toEqual([
      'warn: ethtool: failure setting one or more offload features on veth0: ethtool.feature-hw-tc-offload=on: this kernel has no such feature; ethtool.feature-ntuple=on: rx-ntuple-filter is fixed (off)',
    ]);
    await b.kinds.veth.deconfigure!(b.down(b.veth, settings));
  });

  it('ring, coalesce and pause options are refused by a veth: a warning naming them, the activation goes on, nothing to restore', async () => {
    const b = await bed();
    const settings = profile({ 'ring-rx': 100, 'coalesce-rx-usecs': 5, 'pause-tx': true, 'feature-gro': true });
    await expect(b.kinds.veth.configure!(b.ctx(b.veth, settings))).resolves.toBeUndefined();
    expect(b.lines.filter((l) => l.startsWith('warn'))).toEqual([
      `warn: ethtool: failure getting coalesce settings (cannot read) on veth0: ethtool.coalesce-rx-usecs=5 not applied: read coalesce of veth0 (ifindex ${b.veth.ifindex}): EOPNOTSUPP`,
      `warn: ethtool: failure setting ring options (cannot read existing setting) on veth0: ethtool.ring-rx=100 not applied: read ring of veth0 (ifindex ${b.veth.ifindex}): EOPNOTSUPP`,
      `warn: ethtool: failure setting pause options (cannot read existing setting) on veth0: ethtool.pause-tx=on, ethtool.pause-autoneg=off not applied: read pause of veth0 (ifindex ${b.veth.ifindex}): EOPNOTSUPP`,
    ]);
    expect((await b.features(b.veth, 'rx-gro'))['rx-gro']).toBe(true);
    await b.kinds.veth.deconfigure!(b.down(b.veth, settings));
    expect(b.writes().map(([op]) => op)).toEqual(['setEthtoolFeatures', 'setEthtoolFeatures']);
  });

  it('a profile without an ethtool setting asks nothing of the kernel', async () => {
    const b = await bed();
    await b.kinds.veth.configure!(b.ctx(b.veth, profile()));
    await b.kinds.veth.deconfigure!(b.down(b.veth, profile()));
    expect(b.platform.calls.filter((c) => c.op.toLowerCase().includes('ethtool'))).toEqual([]);
  });
});

describe('ethtool coalescing, rings and pause on a NIC', () => {
  it('set only the values named (pause rx or tx turns autoneg off) and put back exactly those', async () => {
    const b = await bed();
    const kind = b.kinds.eth;
    const settings = profile({ 'ring-rx': 1024, 'coalesce-rx-usecs': 50, 'coalesce-adaptive-rx': 1, 'pause-rx': false });
    await kind.configure!(b.ctx(b.eth, settings));
    expect(await b.platform.ethtoolParams(b.eth.ifindex, 'ring')).toEqual({ rx: 1024, tx: 256 });
    expect(await b.platform.ethtoolParams(b.eth.ifindex, 'coalesce')).toMatchObject({ 'rx-usecs': 50, 'adaptive-rx': 1, 'tx-usecs': 0 });
    expect(await b.platform.ethtoolParams(b.eth.ifindex, 'pause')).toEqual({ autoneg: false, rx: false, tx: true });
    expect(b.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
    await kind.deconfigure!(b.down(b.eth, settings));
    expect(b.writes()).toEqual([
      ['setEthtoolParams', 'coalesce', { 'adaptive-rx': 1, 'rx-usecs': 50 }],
      ['setEthtoolParams', 'ring', { rx: 1024 }],
      ['setEthtoolParams', 'pause', { rx: false, autoneg: false }],
      ['setEthtoolParams', 'coalesce', { 'adaptive-rx': 0, 'rx-usecs': 3 }],
      ['setEthtoolParams', 'ring', { rx: 256 }],
      ['setEthtoolParams', 'pause', { rx: true, autoneg: true }],
    ]);
    expect(await b.platform.ethtoolParams(b.eth.ifindex, 'pause')).toEqual({ autoneg: true, rx: true, tx: true });
  });

  it('a value the driver refuses is a warning naming it; the other groups still go', async () => {
    const b = await bed();
    const kind = b.kinds.eth;
    const settings = profile({ 'ring-rx': 100000, 'coalesce-tx-usecs-irq': 3, 'pause-autoneg': false });
    await kind.configure!(b.ctx(b.eth, settings));
    expect(b.lines.filter((l) => l.startsWith('warn'))).toEqual([
      `warn: ethtool: failure setting coalesce settings on eth0: ethtool.coalesce-tx-usecs-irq=3 not applied: set coalesce of eth0 (ifindex ${b.eth.ifindex}): tx-usecs-irq 3: EOPNOTSUPP (tx-usecs-irq is not supported)`,
      `warn: ethtool: failure setting ring settings on eth0: ethtool.ring-rx=100000 not applied: set ring of eth0 (ifindex ${b.eth.ifindex}): rx 100000: EINVAL (requested ring size exceeds maximum)`,
    ]);
    expect((await b.platform.ethtoolParams(b.eth.ifindex, 'pause')).autoneg).toBe(false);
    await kind.deconfigure!(b.down(b.eth, settings));
    // Only pause was changed, so only pause goes back.
    expect(b.writes().slice(-1)).toEqual([['setEthtoolParams', 'pause', { autoneg: true }]]);
  });
});

describe('Reapply', () => {
  it('with the same ethtool options touches nothing; with new ones puts the old values back, then applies the new', async () => {
    const b = await bed();
    const first = profile({ 'feature-tso': false });
    await b.kinds.veth.configure!(b.ctx(b.veth, first));
    const n = b.writes().length;
    await b.kinds.veth.configure!(b.ctx(b.veth, { ...first, ipv4: { method: 'disabled' } }, first));
    expect(b.writes()).toHaveLength(n);

    const second = profile({ 'feature-gro': true });
    await b.kinds.veth.configure!(b.ctx(b.veth, second, first));
    expect(await b.features(b.veth, 'tx-tcp-segmentation', 'rx-gro')).toEqual({ 'tx-tcp-segmentation': true, 'rx-gro': true });
    await b.kinds.veth.deconfigure!(b.down(b.veth, second));
    expect(await b.features(b.veth, 'tx-tcp-segmentation', 'rx-gro')).toEqual({ 'tx-tcp-segmentation': true, 'rx-gro': false });
  });
});

describe('withEthtool', () => {
  it("applies the options before the kind's own configure, puts them back after its own deconfigure, and keeps every other slot", async () => {
    const b = await bed();
    const order: string[] = [];
    const gro = async () => (await b.features(b.veth, 'rx-gro'))['rx-gro'];
    const kind: DeviceKind = {
      ...plainVeth,
      configure: async () => void order.push(`configure sees gro ${String(await gro())}`),
      deconfigure: async () => void order.push(`deconfigure sees gro ${String(await gro())}`),
    };
    const wrapped = withEthtool(kind);
    expect({ ...wrapped, configure: undefined, deconfigure: undefined }).toEqual({ ...kind, configure: undefined, deconfigure: undefined });
    const settings = profile({ 'feature-gro': true });
    await wrapped.configure!(b.ctx(b.veth, settings));
    await wrapped.deconfigure!(b.down(b.veth, settings));
    expect(order).toEqual(['configure sees gro true', 'deconfigure sees gro true']);
    expect(await gro()).toBe(false);
  });
});
