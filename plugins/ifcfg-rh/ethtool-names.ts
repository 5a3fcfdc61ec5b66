/**
 * The ethtool options NetworkManager 1.42's ifcfg-rh plugin reads from and
 * writes to ETHTOOL_OPTS (nms-ifcfg-rh-utils.c, _nm_ethtool_ifcfg_names and
 * the *_by_name tables), as rows: the ethtool command they follow, the word
 * in the file, and the property of the "ethtool" setting. Rows are in
 * NetworkManager's NMEthtoolID order, which is the order its writer lists
 * them in within one command.
 */
import { ETHTOOL_COALESCE_NAMES, ETHTOOL_FEATURE_NAMES, ETHTOOL_PAUSE_NAMES, ETHTOOL_RING_NAMES } from '../../sdk/index.js';

/** The four ethtool commands NetworkManager reads into the "ethtool" setting. */
export type EthtoolGroup = 'feature' | 'coalesce' | 'ring' | 'pause';

/** What kind of value an option takes: on/off, or a decimal uint32. */
export const GROUP_VALUE: Readonly<Record<EthtoolGroup, 'onoff' | 'uint32'>> = {
  feature: 'onoff',
  coalesce: 'uint32',
  ring: 'uint32',
  pause: 'onoff',
};

/** The command word that starts each group in ETHTOOL_OPTS (long and short forms). */
export const GROUP_BY_COMMAND: Readonly<Record<string, EthtoolGroup>> = {
  '-K': 'feature',
  '--features': 'feature',
  '--offload': 'feature',
  '-C': 'coalesce',
  '--coalesce': 'coalesce',
  '-G': 'ring',
  '--set-ring': 'ring',
  '-A': 'pause',
  '--pause': 'pause',
};

/** The short flag NetworkManager's writer uses for each group, in the order it writes the groups. */
export const WRITE_ORDER: readonly (readonly [EthtoolGroup, string])[] = [
  ['feature', '-K'],
  ['coalesce', '-C'],
  ['ring', '-G'],
  ['pause', '-A'],
];

export interface EthtoolOptionRow {
  group: EthtoolGroup;
  /** The word in ETHTOOL_OPTS (what NetworkManager's writer writes). */
  name: string;
  /** The property of the "ethtool" setting. */
  property: string;
}

const PAUSE = ETHTOOL_PAUSE_NAMES.map((n) => `pause-${n}`);

export const ETHTOOL_OPTION_ROWS: readonly EthtoolOptionRow[] = [
  ...ETHTOOL_COALESCE_NAMES.map((n): EthtoolOptionRow => ({ group: 'coalesce', name: n, property: `coalesce-${n}` })),
  ...ETHTOOL_FEATURE_NAMES.map((n): EthtoolOptionRow => ({ group: 'feature', name: n, property: `feature-${n}` })),
  ...PAUSE.map((n): EthtoolOptionRow => ({ group: 'pause', name: n, property: n })),
  ...ETHTOOL_RING_NAMES.map((n): EthtoolOptionRow => ({ group: 'ring', name: n, property: `ring-${n}` })),
];

/**
 * The kernel's names of features that ethtool also accepts on its command
 * line; NetworkManager reads them as the feature they stand for (and writes
 * the ethtool name).
 */
const FEATURE_ALIASES: Readonly<Record<string, string>> = {
  'rx-checksum': 'rx',
  'rx-gro': 'gro',
  'rx-hashing': 'rxhash',
  'rx-lro': 'lro',
  'rx-ntuple-filter': 'ntuple',
  'rx-vlan-hw-parse': 'rxvlan',
  'tx-generic-segmentation': 'gso',
  'tx-vlan-hw-insert': 'txvlan',
};

const BY_GROUP_AND_NAME = new Map(ETHTOOL_OPTION_ROWS.map((r) => [`${r.group}\0${r.name}`, r]));

/** The row a word of a command stands for, or undefined when NetworkManager does not know it. */
export function findEthtoolOption(group: EthtoolGroup, word: string): EthtoolOptionRow | undefined {
  const name = group === 'feature' && Object.hasOwn(FEATURE_ALIASES, word) ? FEATURE_ALIASES[word]! : word;
  return BY_GROUP_AND_NAME.get(`${group}\0${name}`);
}
