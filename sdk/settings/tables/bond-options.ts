/**
 * Bond options, one row per option: the keys of bond.options. Facts from
 * NetworkManager 1.42 (nm-setting-bond.c: names, kinds, ranges, defaults and
 * the modes where each option is not supported) and from the kernel's
 * bonding driver (sysfs file names under /sys/class/net/<bond>/bonding/ and
 * IFLA_BOND_* netlink attributes), so the platform can apply an option from
 * the same row that verification checks it with.
 */

/** Bond modes in kernel numbering: index = mode number. */
export const BOND_MODES = [
  'balance-rr',
  'active-backup',
  'balance-xor',
  'broadcast',
  '802.3ad',
  'balance-tlb',
  'balance-alb',
] as const;
export type BondMode = (typeof BOND_MODES)[number];

/**
 * How an option's value is read:
 *   int     decimal digits in min..max
 *   choice  a name from `choices`, or its index (decimal) — NetworkManager's "both"
 *   ip      comma-separated IPv4 addresses
 *   mac     a 6-byte MAC address
 *   ifname  an interface name
 */
export type BondOptionKind = 'int' | 'choice' | 'ip' | 'mac' | 'ifname';

export interface BondOptionDefinition {
  readonly name: string;
  readonly kind: BondOptionKind;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  /** NetworkManager's default (undefined: none, e.g. primary). */
  readonly default?: string;
  /** Modes in which NetworkManager does not support the option (normalisation drops it there). */
  readonly unsupportedModes: readonly BondMode[];
  /** File under /sys/class/net/<bond>/bonding/, when the kernel has one. */
  readonly sysfs?: string;
  /** IFLA_BOND_* attribute name, when the kernel has one. */
  readonly netlink?: string;
  readonly description: string;
}

const G_MAXINT = 2147483647;
const ALL_BUT = (...keep: BondMode[]): BondMode[] => BOND_MODES.filter((m) => !keep.includes(m));

/** Sorted by name, except mode first (NetworkManager keeps mode first too). */
export const BOND_OPTIONS: readonly BondOptionDefinition[] = [
  { name: 'mode', kind: 'choice', choices: BOND_MODES, default: 'balance-rr', unsupportedModes: [], sysfs: 'mode', netlink: 'IFLA_BOND_MODE', description: 'Bonding policy.' },
  { name: 'active_slave', kind: 'ifname', unsupportedModes: ALL_BUT('active-backup', 'balance-tlb', 'balance-alb'), sysfs: 'active_slave', netlink: 'IFLA_BOND_ACTIVE_SLAVE', description: 'Deprecated alias of primary: the port to make active.' },
  { name: 'ad_actor_sys_prio', kind: 'int', min: 1, max: 65535, default: '65535', unsupportedModes: ALL_BUT('802.3ad'), sysfs: 'ad_actor_sys_prio', netlink: 'IFLA_BOND_AD_ACTOR_SYS_PRIO', description: 'LACP system priority.' },
  { name: 'ad_actor_system', kind: 'mac', unsupportedModes: ALL_BUT('802.3ad'), sysfs: 'ad_actor_system', netlink: 'IFLA_BOND_AD_ACTOR_SYSTEM', description: 'LACP system MAC address (default 00:00:00:00:00:00 in 802.3ad).' },
  { name: 'ad_select', kind: 'choice', choices: ['stable', 'bandwidth', 'count'], default: 'stable', unsupportedModes: [], sysfs: 'ad_select', netlink: 'IFLA_BOND_AD_SELECT', description: '802.3ad aggregator selection logic.' },
  { name: 'ad_user_port_key', kind: 'int', min: 0, max: 1023, default: '0', unsupportedModes: ALL_BUT('802.3ad'), sysfs: 'ad_user_port_key', netlink: 'IFLA_BOND_AD_USER_PORT_KEY', description: 'Upper 10 bits of the LACP port key.' },
  { name: 'all_slaves_active', kind: 'int', min: 0, max: 1, default: '0', unsupportedModes: [], sysfs: 'all_slaves_active', netlink: 'IFLA_BOND_ALL_SLAVES_ACTIVE', description: 'Deliver duplicate frames received on inactive ports (1) or drop them (0).' },
  { name: 'arp_all_targets', kind: 'choice', choices: ['any', 'all'], default: 'any', unsupportedModes: [], sysfs: 'arp_all_targets', netlink: 'IFLA_BOND_ARP_ALL_TARGETS', description: 'Whether any or all ARP targets must answer for a port to be up.' },
  { name: 'arp_interval', kind: 'int', min: 0, max: G_MAXINT, default: '0', unsupportedModes: ['802.3ad', 'balance-tlb', 'balance-alb'], sysfs: 'arp_interval', netlink: 'IFLA_BOND_ARP_INTERVAL', description: 'ARP link monitoring interval in milliseconds; 0 disables.' },
  { name: 'arp_ip_target', kind: 'ip', default: '', unsupportedModes: ['802.3ad', 'balance-tlb', 'balance-alb'], sysfs: 'arp_ip_target', netlink: 'IFLA_BOND_ARP_IP_TARGET', description: 'Comma-separated IPv4 addresses probed by ARP monitoring.' },
  { name: 'arp_validate', kind: 'choice', choices: ['none', 'active', 'backup', 'all', 'filter', 'filter_active', 'filter_backup'], default: 'none', unsupportedModes: ['802.3ad', 'balance-tlb', 'balance-alb'], sysfs: 'arp_validate', netlink: 'IFLA_BOND_ARP_VALIDATE', description: 'Which ARP probes and replies are validated.' },
  { name: 'balance-slb', kind: 'int', min: 0, max: 1, default: '0', unsupportedModes: [], description: 'Source-load-balancing for balance-xor, done by NetworkManager with nftables (not a kernel option).' },
  { name: 'downdelay', kind: 'int', min: 0, max: G_MAXINT, default: '0', unsupportedModes: [], sysfs: 'downdelay', netlink: 'IFLA_BOND_DOWNDELAY', description: 'Milliseconds before disabling a port after link failure; needs miimon.' },
  { name: 'fail_over_mac', kind: 'choice', choices: ['none', 'active', 'follow'], default: 'none', unsupportedModes: [], sysfs: 'fail_over_mac', netlink: 'IFLA_BOND_FAIL_OVER_MAC', description: 'How active-backup sets port MAC addresses on failover.' },
  { name: 'lacp_rate', kind: 'choice', choices: ['slow', 'fast'], default: 'slow', unsupportedModes: ALL_BUT('802.3ad'), sysfs: 'lacp_rate', netlink: 'IFLA_BOND_AD_LACP_RATE', description: 'Rate of LACPDUs asked of the partner.' },
  { name: 'lp_interval', kind: 'int', min: 1, max: G_MAXINT, default: '1', unsupportedModes: [], sysfs: 'lp_interval', netlink: 'IFLA_BOND_LP_INTERVAL', description: 'Seconds between learning packets sent to the peer switch.' },
  { name: 'miimon', kind: 'int', min: 0, max: G_MAXINT, default: '100', unsupportedModes: [], sysfs: 'miimon', netlink: 'IFLA_BOND_MIIMON', description: 'MII link monitoring interval in milliseconds; 0 disables.' },
  { name: 'min_links', kind: 'int', min: 0, max: G_MAXINT, default: '0', unsupportedModes: [], sysfs: 'min_links', netlink: 'IFLA_BOND_MIN_LINKS', description: 'Ports that must be up for the bond to report carrier.' },
  { name: 'num_grat_arp', kind: 'int', min: 0, max: 255, default: '1', unsupportedModes: [], sysfs: 'num_grat_arp', netlink: 'IFLA_BOND_NUM_PEER_NOTIF', description: 'Peer notifications after a failover (same kernel value as num_unsol_na).' },
  { name: 'num_unsol_na', kind: 'int', min: 0, max: 255, default: '1', unsupportedModes: [], sysfs: 'num_unsol_na', netlink: 'IFLA_BOND_NUM_PEER_NOTIF', description: 'Unsolicited IPv6 neighbour advertisements after a failover (same kernel value as num_grat_arp).' },
  { name: 'packets_per_slave', kind: 'int', min: 0, max: 65535, default: '1', unsupportedModes: ALL_BUT('balance-rr'), sysfs: 'packets_per_slave', netlink: 'IFLA_BOND_PACKETS_PER_SLAVE', description: 'Packets sent through a port before moving to the next; 0 random.' },
  { name: 'peer_notif_delay', kind: 'int', min: 0, max: G_MAXINT, default: '0', unsupportedModes: [], sysfs: 'peer_notif_delay', netlink: 'IFLA_BOND_PEER_NOTIF_DELAY', description: 'Milliseconds between peer notifications; needs miimon and must be a multiple of it.' },
  { name: 'primary', kind: 'ifname', default: '', unsupportedModes: ALL_BUT('active-backup', 'balance-tlb', 'balance-alb'), sysfs: 'primary', netlink: 'IFLA_BOND_PRIMARY', description: 'Port preferred as the active one.' },
  { name: 'primary_reselect', kind: 'choice', choices: ['always', 'better', 'failure'], default: 'always', unsupportedModes: [], sysfs: 'primary_reselect', netlink: 'IFLA_BOND_PRIMARY_RESELECT', description: 'When the primary port becomes active again after recovering.' },
  { name: 'resend_igmp', kind: 'int', min: 0, max: 255, default: '1', unsupportedModes: [], sysfs: 'resend_igmp', netlink: 'IFLA_BOND_RESEND_IGMP', description: 'IGMP membership reports sent after a failover.' },
  { name: 'tlb_dynamic_lb', kind: 'int', min: 0, max: 1, default: '1', unsupportedModes: ALL_BUT('balance-tlb', 'balance-alb'), sysfs: 'tlb_dynamic_lb', netlink: 'IFLA_BOND_TLB_DYNAMIC_LB', description: 'Dynamic flow shuffling in balance-tlb.' },
  { name: 'updelay', kind: 'int', min: 0, max: G_MAXINT, default: '0', unsupportedModes: [], sysfs: 'updelay', netlink: 'IFLA_BOND_UPDELAY', description: 'Milliseconds before enabling a port after link recovery; needs miimon.' },
  { name: 'use_carrier', kind: 'int', min: 0, max: 1, default: '1', unsupportedModes: [], sysfs: 'use_carrier', netlink: 'IFLA_BOND_USE_CARRIER', description: 'miimon reads netif_carrier (1) or MII/ethtool ioctls (0).' },
  { name: 'xmit_hash_policy', kind: 'choice', choices: ['layer2', 'layer3+4', 'layer2+3', 'encap2+3', 'encap3+4', 'vlan+srcmac'], default: 'layer2', unsupportedModes: [], sysfs: 'xmit_hash_policy', netlink: 'IFLA_BOND_XMIT_HASH_POLICY', description: 'Hash used to pick a port in balance-xor, 802.3ad and balance-tlb.' },
];

const BY_NAME = new Map(BOND_OPTIONS.map((o) => [o.name, o]));

/** The row of one bond option, or undefined for an unknown name. */
export function bondOption(name: string): BondOptionDefinition | undefined {
  return BY_NAME.get(name);
}

/** A mode name from its name or kernel number ("4" → "802.3ad"); undefined when unknown. */
export function bondModeFromString(value: string | undefined): BondMode | undefined {
  if (value === undefined) return undefined;
  if (/^[0-6]$/.test(value)) return BOND_MODES[Number(value)];
  return (BOND_MODES as readonly string[]).includes(value) ? (value as BondMode) : undefined;
}

/** Whether NetworkManager supports `option` in `mode` (unknown options: true). */
export function bondOptionSupported(option: string, mode: BondMode): boolean {
  return !(bondOption(option)?.unsupportedModes.includes(mode) ?? false);
}

/**
 * Read a choice option as its index ("fast" or "1" → 1); undefined when the
 * value is neither a listed name nor an index in range.
 */
export function bondChoiceIndex(option: BondOptionDefinition, value: string): number | undefined {
  const choices = option.choices ?? [];
  const named = choices.indexOf(value);
  if (named >= 0) return named;
  if (/^\d+$/.test(value) && Number(value) < choices.length) return Number(value);
  return undefined;
}
