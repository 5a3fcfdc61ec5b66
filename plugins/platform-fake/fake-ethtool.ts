/**
 * Offload features, coalescing, rings and pause in the fake platform.
 *
 * Every link starts with the same features, a subset of what Linux 6.x
 * shows for a veth (`ethtool -k`): changeable ones on (rx-gro and
 * tx-nocache-copy off), fixed ones off, vlan-challenged never changing.
 * Asking a fixed feature to change is silently kept, as the kernel does;
 * an unknown name is EOPNOTSUPP, as the kernel answers it.
 *
 * Only a physical NIC (kind "") has coalescing, rings and pause, with
 * the values below; every other kind answers EOPNOTSUPP, as a veth does.
 * A value the driver does not support is EOPNOTSUPP, a ring above its
 * maximum EINVAL, as Linux answers. Kept by ifindex, never reused.
 */
import { Errno, type EthtoolFeatureStates, type EthtoolParamGroup, type EthtoolParams, type Link } from '../../sdk/index.js';
import { fail } from './fake-values.js';

/** [kernel name, on, changeable]. */
const FEATURES: ReadonlyArray<[string, boolean, boolean]> = [
  ['tx-scatter-gather', true, true],
  ['tx-checksum-ipv4', false, false],
  ['tx-checksum-ip-generic', true, true],
  ['tx-checksum-ipv6', false, false],
  ['highdma', true, true],
  ['tx-scatter-gather-fraglist', true, true],
  ['tx-generic-segmentation', true, true],
  ['rx-gro', false, true],
  ['rx-lro', false, false],
  ['tx-tcp-segmentation', true, true],
  ['tx-tcp-ecn-segmentation', true, true],
  ['tx-tcp-mangleid-segmentation', true, true],
  ['tx-tcp6-segmentation', true, true],
  ['tx-checksum-fcoe-crc', false, false],
  ['tx-checksum-sctp', true, true],
  ['rx-ntuple-filter', false, false],
  ['rx-checksum', true, true],
  ['tx-nocache-copy', false, true],
  ['vlan-challenged', false, false],
];
const NEVER_CHANGED = new Set(['vlan-challenged']);

/** What a fake NIC's driver reports, and so supports. */
const NIC_PARAMS: Readonly<Record<EthtoolParamGroup, EthtoolParams>> = {
  coalesce: { 'rx-usecs': 3, 'rx-frames': 0, 'tx-usecs': 0, 'tx-frames': 0, 'adaptive-rx': 0, 'adaptive-tx': 0 },
  ring: { rx: 256, tx: 256 },
  pause: { autoneg: true, rx: true, tx: true },
};
const RING_MAX = 4096;

interface Entry {
  features: EthtoolFeatureStates;
  params: Record<EthtoolParamGroup, EthtoolParams>;
}

export class FakeEthtool {
  private readonly state = new Map<number, Entry>();

  features(link: Link | undefined, op: string): EthtoolFeatureStates {
    const f = this.entry(link, op).features;
    return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, { ...v }]));
  }

  setFeatures(link: Link | undefined, wanted: Readonly<Record<string, boolean>>, op: string): void {
    const f = this.entry(link, op).features;
    for (const name of Object.keys(wanted)) if (!f[name]) throw fail(Errno.EOPNOTSUPP, op, `no feature named ${name}`);
    for (const [name, on] of Object.entries(wanted)) {
      const s = f[name]!;
      if (s.neverChanged) continue;
      s.requested = on;
      if (s.available) s.active = on;
    }
  }

  params(link: Link | undefined, group: EthtoolParamGroup, op: string): EthtoolParams {
    return { ...this.group(link, group, op) };
  }

  setParams(link: Link | undefined, group: EthtoolParamGroup, values: Readonly<EthtoolParams>, op: string): void {
    const current = this.group(link, group, op);
    for (const [name, v] of Object.entries(values)) {
      if (!(name in current)) throw fail(Errno.EOPNOTSUPP, op, `${name} is not supported`);
      if (typeof v !== typeof current[name]) throw fail(Errno.EINVAL, op, `${name}: ${String(v)}`);
      if (group === 'ring' && (v as number) > RING_MAX) throw fail(Errno.EINVAL, op, `requested ring size exceeds maximum`);
    }
    Object.assign(current, values);
  }

  private group(link: Link | undefined, group: EthtoolParamGroup, op: string): EthtoolParams {
    const entry = this.entry(link, op);
    if (link!.kind !== '') throw fail(Errno.EOPNOTSUPP, op);
    const values = entry.params[group];
    if (!values) throw fail(Errno.EINVAL, op, `'${String(group)}' is not an ethtool group`);
    return values;
  }

  private entry(link: Link | undefined, op: string): Entry {
    if (!link) throw fail(Errno.ENODEV, op);
    let e = this.state.get(link.ifindex);
    if (!e) {
      const features: EthtoolFeatureStates = {};
      for (const [name, on, changeable] of FEATURES) features[name] = { active: on, requested: on, available: changeable, neverChanged: NEVER_CHANGED.has(name) };
      e = { features, params: { coalesce: { ...NIC_PARAMS.coalesce }, ring: { ...NIC_PARAMS.ring }, pause: { ...NIC_PARAMS.pause } } };
      this.state.set(link.ifindex, e);
    }
    return e;
  }
}
