/**
 * The ethtool options NetworkManager 1.42's ifcfg-rh plugin reads from and
 * writes to ETHTOOL_OPTS (nms-ifcfg-rh-utils.c, _nm_ethtool_ifcfg_names and
 * the *_by_name tables), as rows: the ethtool command they follow, the word
 * in the file, and the property of the "ethtool" setting. Rows are in
 * NetworkManager's NMEthtoolID order, which is the order its writer lists
 * them in within one command.
 */

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

const COALESCE = [
  'adaptive-rx', 'adaptive-tx', 'pkt-rate-high', 'pkt-rate-low', 'rx-frames', 'rx-frames-high',
  'rx-frames-irq', 'rx-frames-low', 'rx-usecs', 'rx-usecs-high', 'rx-usecs-irq', 'rx-usecs-low',
  'sample-interval', 'stats-block-usecs', 'tx-frames', 'tx-frames-high', 'tx-frames-irq',
  'tx-frames-low', 'tx-usecs', 'tx-usecs-high', 'tx-usecs-irq', 'tx-usecs-low',
];

const FEATURES = [
  'esp-hw-offload', 'esp-tx-csum-hw-offload', 'fcoe-mtu', 'gro', 'gso', 'highdma', 'hw-tc-offload',
  'l2-fwd-offload', 'loopback', 'lro', 'macsec-hw-offload', 'ntuple', 'rx', 'rxhash', 'rxvlan',
  'rx-all', 'rx-fcs', 'rx-gro-hw', 'rx-gro-list', 'rx-udp-gro-forwarding', 'rx-udp_tunnel-port-offload',
  'rx-vlan-filter', 'rx-vlan-stag-filter', 'rx-vlan-stag-hw-parse', 'sg', 'tls-hw-record',
  'tls-hw-rx-offload', 'tls-hw-tx-offload', 'tso', 'tx', 'txvlan', 'tx-checksum-fcoe-crc',
  'tx-checksum-ipv4', 'tx-checksum-ipv6', 'tx-checksum-ip-generic', 'tx-checksum-sctp',
  'tx-esp-segmentation', 'tx-fcoe-segmentation', 'tx-gre-csum-segmentation', 'tx-gre-segmentation',
  'tx-gso-list', 'tx-gso-partial', 'tx-gso-robust', 'tx-ipxip4-segmentation', 'tx-ipxip6-segmentation',
  'tx-nocache-copy', 'tx-scatter-gather', 'tx-scatter-gather-fraglist', 'tx-sctp-segmentation',
  'tx-tcp6-segmentation', 'tx-tcp-ecn-segmentation', 'tx-tcp-mangleid-segmentation',
  'tx-tcp-segmentation', 'tx-tunnel-remcsum-segmentation', 'tx-udp-segmentation',
  'tx-udp_tnl-csum-segmentation', 'tx-udp_tnl-segmentation', 'tx-vlan-stag-hw-insert',
];

/** NetworkManager's pause words carry the "pause-" prefix in the file (not ethtool's own autoneg/rx/tx). */
const PAUSE = ['pause-autoneg', 'pause-rx', 'pause-tx'];
const RING = ['rx', 'rx-jumbo', 'rx-mini', 'tx'];

export const ETHTOOL_OPTION_ROWS: readonly EthtoolOptionRow[] = [
  ...COALESCE.map((n): EthtoolOptionRow => ({ group: 'coalesce', name: n, property: `coalesce-${n}` })),
  ...FEATURES.map((n): EthtoolOptionRow => ({ group: 'feature', name: n, property: `feature-${n}` })),
  ...PAUSE.map((n): EthtoolOptionRow => ({ group: 'pause', name: n, property: n })),
  ...RING.map((n): EthtoolOptionRow => ({ group: 'ring', name: n, property: `ring-${n}` })),
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
