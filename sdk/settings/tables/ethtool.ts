/**
 * The "ethtool" setting: one optional property per ethtool option. An absent
 * property leaves the device's value alone. Names from NetworkManager 1.42
 * (nm-ethtool-utils); features are booleans, coalesce and ring sizes uint32.
 */
import { defineSetting, UINT32_MAX, type PropertyRow } from '../schema.js';

/** NetworkManager's option names per group, in its NMEthtoolID order (the ifcfg-rh reader and the kernel plan use these too). */
export const ETHTOOL_FEATURE_NAMES: readonly string[] = [
  'esp-hw-offload', 'esp-tx-csum-hw-offload', 'fcoe-mtu', 'gro', 'gso', 'highdma', 'hw-tc-offload',
  'l2-fwd-offload', 'loopback', 'lro', 'macsec-hw-offload', 'ntuple', 'rx', 'rxhash', 'rxvlan', 'rx-all',
  'rx-fcs', 'rx-gro-hw', 'rx-gro-list', 'rx-udp-gro-forwarding', 'rx-udp_tunnel-port-offload',
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

export const ETHTOOL_COALESCE_NAMES: readonly string[] = [
  'adaptive-rx', 'adaptive-tx', 'pkt-rate-high', 'pkt-rate-low', 'rx-frames', 'rx-frames-high',
  'rx-frames-irq', 'rx-frames-low', 'rx-usecs', 'rx-usecs-high', 'rx-usecs-irq', 'rx-usecs-low',
  'sample-interval', 'stats-block-usecs', 'tx-frames', 'tx-frames-high', 'tx-frames-irq', 'tx-frames-low',
  'tx-usecs', 'tx-usecs-high', 'tx-usecs-irq', 'tx-usecs-low',
];

export const ETHTOOL_PAUSE_NAMES: readonly string[] = ['autoneg', 'rx', 'tx'];
export const ETHTOOL_RING_NAMES: readonly string[] = ['rx', 'rx-jumbo', 'rx-mini', 'tx'];

const rows: PropertyRow[] = [
  ...ETHTOOL_COALESCE_NAMES.map((n): PropertyRow => ({ name: `coalesce-${n}`, type: 'uint32', min: 0, max: UINT32_MAX, description: `Interrupt coalescing ${n} (ethtool -C).` })),
  ...ETHTOOL_FEATURE_NAMES.map((n): PropertyRow => ({ name: `feature-${n}`, type: 'boolean', description: `Offload feature ${n} on or off (ethtool -K).` })),
  ...ETHTOOL_PAUSE_NAMES.map((n): PropertyRow => ({ name: `pause-${n}`, type: 'boolean', description: `Pause frame ${n} (ethtool -A).` })),
  ...ETHTOOL_RING_NAMES.map((n): PropertyRow => ({ name: `ring-${n}`, type: 'uint32', min: 0, max: UINT32_MAX, description: `Ring size ${n} (ethtool -G).` })),
];

export const ethtoolSetting = defineSetting({
  name: 'ethtool',
  description: 'ethtool features, coalescing, pause and ring options; absent ones are left alone.',
  properties: rows,
});
