/**
 * The "ethtool" setting's options as NetworkManager 1.42 applies them, as
 * data and pure plans (ethtool-apply.ts does the platform calls):
 * - which kernel features each feature-* option stands for
 *   (nm-platform-utils.c _ethtool_feature_infos): "tso" is four kernel
 *   features, "sg" two, "tx" five, a few are ethtool's short names ("gro" is
 *   rx-gro), the rest are the kernel's own names;
 * - what is asked of the kernel for the options a profile sets, and what
 *   puts back the values they replaced (nmp_utils_ethtool_set_features,
 *   nm-device.c _ethtool_*_set).
 */
import type { EthtoolFeatureStates, EthtoolParamGroup, EthtoolParams } from './platform.js';
import type { ConnectionSettings } from './settings/types.js';
import { ETHTOOL_COALESCE_NAMES, ETHTOOL_FEATURE_NAMES, ETHTOOL_PAUSE_NAMES, ETHTOOL_RING_NAMES } from './settings/tables/ethtool.js';

/**
 * NetworkManager's feature options in its NMEthtoolID order, which decides
 * between two options naming the same kernel feature: the later one wins
 * ("feature-tx-tcp-segmentation" over "feature-tso"). The settings table's list.
 */
export const ETHTOOL_FEATURE_OPTIONS: readonly string[] = ETHTOOL_FEATURE_NAMES;

/** The options whose kernel names differ from their own (`ethtool -K` aliases). */
const KERNEL_ALIASES: Readonly<Record<string, readonly string[]>> = {
  sg: ['tx-scatter-gather', 'tx-scatter-gather-fraglist'],
  tso: ['tx-tcp-segmentation', 'tx-tcp-ecn-segmentation', 'tx-tcp-mangleid-segmentation', 'tx-tcp6-segmentation'],
  tx: ['tx-checksum-ipv4', 'tx-checksum-ip-generic', 'tx-checksum-ipv6', 'tx-checksum-fcoe-crc', 'tx-checksum-sctp'],
  gro: ['rx-gro'],
  gso: ['tx-generic-segmentation'],
  lro: ['rx-lro'],
  ntuple: ['rx-ntuple-filter'],
  rx: ['rx-checksum'],
  rxhash: ['rx-hashing'],
  rxvlan: ['rx-vlan-hw-parse'],
  txvlan: ['tx-vlan-hw-insert'],
};

/** One feature option and the kernel features (`ethtool -k` names) it sets. */
export interface EthtoolFeatureRow {
  option: string;
  kernel: readonly string[];
}

export const ETHTOOL_FEATURES: readonly EthtoolFeatureRow[] = ETHTOOL_FEATURE_OPTIONS.map((option) => ({ option, kernel: KERNEL_ALIASES[option] ?? [option] }));

/** The value options of each group, in NMEthtoolID order; the setting's properties are "<group>-<name>". */
export const ETHTOOL_PARAM_NAMES: Readonly<Record<EthtoolParamGroup, readonly string[]>> = {
  coalesce: ETHTOOL_COALESCE_NAMES,
  pause: ETHTOOL_PAUSE_NAMES,
  ring: ETHTOOL_RING_NAMES,
};

/** The groups in the order NetworkManager applies and restores them, after the features. */
export const ETHTOOL_PARAM_GROUPS: readonly EthtoolParamGroup[] = ['coalesce', 'ring', 'pause'];

/** What a profile's ethtool setting asks, by group. */
export interface EthtoolAsk {
  /** [option, on], in ETHTOOL_FEATURE_OPTIONS order. */
  features: Array<[option: string, on: boolean]>;
  params: Record<EthtoolParamGroup, EthtoolParams>;
}

/** The options a profile sets (absent ones leave the device alone); undefined when it sets none. */
export function ethtoolAskOf(settings: ConnectionSettings): EthtoolAsk | undefined {
  const s = settings.ethtool;
  if (!s) return undefined;
  const features: Array<[string, boolean]> = [];
  for (const option of ETHTOOL_FEATURE_OPTIONS) {
    const v = s[`feature-${option}`];
    if (typeof v === 'boolean') features.push([option, v]);
  }
  const params = { coalesce: {}, ring: {}, pause: {} } as Record<EthtoolParamGroup, EthtoolParams>;
  let any = features.length > 0;
  for (const group of ETHTOOL_PARAM_GROUPS) {
    for (const name of ETHTOOL_PARAM_NAMES[group]) {
      const v = s[`${group}-${name}`];
      if (group === 'pause' ? typeof v !== 'boolean' : typeof v !== 'number') continue;
      params[group][name] = v as number | boolean;
      any = true;
    }
  }
  return any ? { features, params } : undefined;
}

/** "ethtool.feature-tso=off", "ethtool.ring-rx=100". */
export const describeEthtoolOption = (group: 'feature' | EthtoolParamGroup, name: string, value: number | boolean): string =>
  `ethtool.${group}-${name}=${typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)}`;

/** What to ask of the kernel for the feature options, and which of them cannot take. */
export interface FeaturePlan {
  /** Kernel feature name → on/off. */
  wanted: Record<string, boolean>;
  /** Options for which this kernel has no feature. */
  missing: string[];
  /** Options asking a feature the driver cannot change to change: it stays as it is. */
  fixed: Array<{ option: string; feature: string; active: boolean }>;
}

const ROWS = new Map(ETHTOOL_FEATURES.map((r) => [r.option, r]));

/**
 * nmp_utils_ethtool_set_features (do_set): every kernel feature of every
 * option, later options overriding earlier ones; features the kernel never
 * changes are left out; asking a fixed one to change counts as a failure
 * (the kernel would keep it silently).
 */
export function planFeatures(asked: ReadonlyArray<readonly [string, boolean]>, states: EthtoolFeatureStates): FeaturePlan {
  const plan: FeaturePlan = { wanted: {}, missing: [], fixed: [] };
  for (const [option, on] of asked) {
    const present = (ROWS.get(option)?.kernel ?? []).filter((k) => states[k]);
    if (present.length === 0) {
      plan.missing.push(option);
      continue;
    }
    for (const feature of present) {
      const s = states[feature]!;
      if (s.neverChanged) continue;
      if (!s.available && s.active !== on) plan.fixed.push({ option, feature, active: s.active });
      plan.wanted[feature] = on;
    }
  }
  return plan;
}

/** The reset (do_set false): each feature the options touched back to what was active before. */
export function planFeatureReset(asked: ReadonlyArray<readonly [string, boolean]>, before: EthtoolFeatureStates): Record<string, boolean> {
  const wanted: Record<string, boolean> = {};
  for (const [option] of asked) {
    for (const feature of ROWS.get(option)?.kernel ?? []) {
      const s = before[feature];
      if (s && !s.neverChanged) wanted[feature] = s.active;
    }
  }
  return wanted;
}

/**
 * The values to set for one group (only the ones the profile names), and
 * pause's rule: asking rx or tx turns pause autonegotiation off
 * (_ethtool_pause_set).
 */
export function planParams(group: EthtoolParamGroup, asked: Readonly<EthtoolParams>): EthtoolParams {
  const values: EthtoolParams = { ...asked };
  if (group === 'pause' && (asked.rx !== undefined || asked.tx !== undefined)) values.autoneg = false;
  return values;
}

/** The values `planned` replaces, as read before: what a restore sets again (a value the driver did not report is left out). */
export function paramsBefore(planned: Readonly<EthtoolParams>, before: Readonly<EthtoolParams>): EthtoolParams {
  const out: EthtoolParams = {};
  for (const name of Object.keys(planned)) if (before[name] !== undefined) out[name] = before[name]!;
  return out;
}
