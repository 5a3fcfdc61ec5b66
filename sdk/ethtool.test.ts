import { describe, expect, it } from 'vitest';
import {
  ETHTOOL_FEATURES,
  ETHTOOL_PARAM_GROUPS,
  ETHTOOL_PARAM_NAMES,
  ethtoolAskOf,
  paramsBefore,
  planFeatureReset,
  planFeatures,
  planParams,
} from './ethtool.js';
import type { EthtoolFeatureState, EthtoolFeatureStates } from './platform.js';
import { settingDefinition } from './settings/registry.js';

const on = (o: Partial<EthtoolFeatureState> = {}): EthtoolFeatureState => ({ active: true, requested: true, available: true, neverChanged: false, ...o });
const off = (o: Partial<EthtoolFeatureState> = {}): EthtoolFeatureState => on({ active: false, requested: false, ...o });

describe('the ethtool option tables', () => {
  it('cover exactly the properties of the ethtool setting, and nothing else', () => {
    const props = settingDefinition('ethtool')!.properties.map((p) => p.name).sort();
    const ours = [
      ...ETHTOOL_FEATURES.map((r) => `feature-${r.option}`),
      ...ETHTOOL_PARAM_GROUPS.flatMap((g) => ETHTOOL_PARAM_NAMES[g].map((n) => `${g}-${n}`)),
    ].sort();
    expect(ours).toEqual(props);
    expect(new Set(ours).size).toBe(ours.length);
  });

  it("give NetworkManager's kernel names: ethtool's aliases, the kernel's own names otherwise", () => {
    const kernel = Object.fromEntries(ETHTOOL_FEATURES.map((r) => [r.option, r.kernel]));
    expect(kernel.tso).toEqual(['tx-tcp-segmentation', 'tx-tcp-ecn-segmentation', 'tx-tcp-mangleid-segmentation', 'tx-tcp6-segmentation']);
    expect(kernel.sg).toEqual(['tx-scatter-gather', 'tx-scatter-gather-fraglist']);
    expect(kernel.tx).toEqual(['tx-checksum-ipv4', 'tx-checksum-ip-generic', 'tx-checksum-ipv6', 'tx-checksum-fcoe-crc', 'tx-checksum-sctp']);
    expect([kernel.gro, kernel.gso, kernel.lro, kernel.ntuple, kernel.rx, kernel.rxhash, kernel.rxvlan, kernel.txvlan]).toEqual([
      ['rx-gro'], ['tx-generic-segmentation'], ['rx-lro'], ['rx-ntuple-filter'], ['rx-checksum'], ['rx-hashing'], ['rx-vlan-hw-parse'], ['tx-vlan-hw-insert'],
    ]);
    expect(kernel['tx-udp_tnl-segmentation']).toEqual(['tx-udp_tnl-segmentation']);
    // NetworkManager's N_ETHTOOL_KERNEL_FEATURES: one per option plus 8 for the three aliases of several.
    expect(ETHTOOL_FEATURES.reduce((n, r) => n + r.kernel.length, 0)).toBe(ETHTOOL_FEATURES.length + 8);
    for (const r of ETHTOOL_FEATURES) for (const k of r.kernel) expect(Buffer.byteLength(k)).toBeLessThan(32);
  });
});

describe('ethtoolAskOf', () => {
  it('reads the options a profile sets, features in NetworkManager order; none is undefined', () => {
    expect(ethtoolAskOf({ connection: { id: 'x' } })).toBeUndefined();
    expect(ethtoolAskOf({ ethtool: {} })).toBeUndefined();
    const ask = ethtoolAskOf({
      ethtool: { 'feature-tx-tcp-segmentation': true, 'feature-tso': false, 'feature-gro': true, 'ring-rx': 100, 'coalesce-adaptive-rx': 1, 'pause-tx': false, 'feature-bogus': true },
    });
    expect(ask).toEqual({
      features: [['gro', true], ['tso', false], ['tx-tcp-segmentation', true]],
      params: { coalesce: { 'adaptive-rx': 1 }, ring: { rx: 100 }, pause: { tx: false } },
    });
  });
});

describe('planFeatures (nmp_utils_ethtool_set_features)', () => {
  const states: EthtoolFeatureStates = {
    'tx-tcp-segmentation': on(),
    'tx-tcp-ecn-segmentation': on(),
    'tx-tcp-mangleid-segmentation': on(),
    'tx-tcp6-segmentation': on(),
    'rx-gro': off(),
    'rx-ntuple-filter': off({ available: false }),
    'rx-lro': off({ available: false }),
    'vlan-challenged': off({ available: false, neverChanged: true }),
    'tx-scatter-gather': on(),
  };

  it('sets every kernel feature of an alias; a later option wins over an earlier one', () => {
    const plan = planFeatures(ethtoolAskOf({ ethtool: { 'feature-tso': false, 'feature-tx-tcp-segmentation': true, 'feature-gro': true } })!.features, states);
    expect(plan).toEqual({
      wanted: { 'rx-gro': true, 'tx-tcp-segmentation': true, 'tx-tcp-ecn-segmentation': false, 'tx-tcp-mangleid-segmentation': false, 'tx-tcp6-segmentation': false },
      missing: [],
      fixed: [],
    });
  });

  it("counts a fixed feature asked to change, not one asked as it is; features the kernel lacks are 'missing'", () => {
    const plan = planFeatures([['lro', false], ['ntuple', true], ['sg', false], ['hw-tc-offload', true]], states);
    expect(plan.fixed).toEqual([{ option: 'ntuple', feature: 'rx-ntuple-filter', active: false }]);
    expect(plan.missing).toEqual(['hw-tc-offload']);
    // The fixed ones are still asked (the kernel keeps them); of sg's two, only the one this kernel has.
    expect(plan.wanted).toEqual({ 'rx-lro': false, 'rx-ntuple-filter': true, 'tx-scatter-gather': false });
  });

  it('leaves out a feature the kernel never changes', () => {
    expect(planFeatures([['tx-checksum-ipv4', true]], { 'tx-checksum-ipv4': off({ neverChanged: true }) })).toEqual({ wanted: {}, missing: [], fixed: [] });
  });

  it('resets each feature the options touched to what was active before', () => {
    const before: EthtoolFeatureStates = { ...states, 'tx-tcp6-segmentation': off() };
    expect(planFeatureReset([['tso', false], ['gro', true], ['hw-tc-offload', true]], before)).toEqual({
      'tx-tcp-segmentation': true,
      'tx-tcp-ecn-segmentation': true,
      'tx-tcp-mangleid-segmentation': true,
      'tx-tcp6-segmentation': false,
      'rx-gro': false,
    });
  });
});

describe('planParams', () => {
  it('asking pause rx or tx turns autonegotiation off (_ethtool_pause_set)', () => {
    expect(planParams('pause', { rx: true })).toEqual({ rx: true, autoneg: false });
    expect(planParams('pause', { tx: false, autoneg: true })).toEqual({ tx: false, autoneg: false });
    expect(planParams('pause', { autoneg: true })).toEqual({ autoneg: true });
    expect(planParams('ring', { rx: 100 })).toEqual({ rx: 100 });
  });

  it('remembers the values replaced, leaving out what the driver did not report', () => {
    expect(paramsBefore({ rx: 100, 'rx-jumbo': 9 }, { rx: 256, tx: 256 })).toEqual({ rx: 256 });
    expect(paramsBefore({ autoneg: false, rx: true }, { autoneg: true, rx: false, tx: false })).toEqual({ autoneg: true, rx: false });
  });
});
