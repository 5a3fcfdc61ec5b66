/**
 * Bonding options as NetworkManager knows them (nm-setting-bond.c): one row
 * per option with its type, range or words and default, which modes accept
 * it, and the rules between options that make a profile invalid. BONDING_OPTS
 * is read against these rows; bond.options keeps the text as written.
 */
import { isInterfaceName, parseIPv4, parseIPv6, parseMac, ETH_ALEN } from './scalars.js';

/** Mode names in kernel order: "mode=1" is active-backup. */
export const BOND_MODES = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'] as const;
export type BondMode = (typeof BOND_MODES)[number];

type OptionType =
  | { kind: 'int'; min: number; max: number }
  /** A word from the list, or its index. */
  | { kind: 'word'; words: readonly string[] }
  | { kind: 'ip4-list' }
  | { kind: 'ip6-list' }
  | { kind: 'mac' }
  | { kind: 'ifname' };

export interface BondOption {
  name: string;
  type: OptionType;
  default?: string;
  /** The only modes the option applies to (all when absent). */
  modes?: readonly BondMode[];
  /** Modes the option does not apply to. */
  notModes?: readonly BondMode[];
}

const INT_MAX = 0x7fffffff;
const AB_TLB_ALB: readonly BondMode[] = ['active-backup', 'balance-tlb', 'balance-alb'];
const NOT_ARP: readonly BondMode[] = ['802.3ad', 'balance-tlb', 'balance-alb'];

export const BOND_OPTIONS: readonly BondOption[] = [
  { name: 'mode', type: { kind: 'word', words: BOND_MODES }, default: 'balance-rr' },
  { name: 'active_slave', type: { kind: 'ifname' }, modes: AB_TLB_ALB },
  { name: 'ad_actor_sys_prio', type: { kind: 'int', min: 1, max: 65535 }, default: '65535', modes: ['802.3ad'] },
  { name: 'ad_actor_system', type: { kind: 'mac' }, modes: ['802.3ad'] },
  { name: 'ad_select', type: { kind: 'word', words: ['stable', 'bandwidth', 'count'] }, default: 'stable' },
  { name: 'ad_user_port_key', type: { kind: 'int', min: 0, max: 1023 }, default: '0', modes: ['802.3ad'] },
  { name: 'all_slaves_active', type: { kind: 'int', min: 0, max: 1 }, default: '0' },
  { name: 'arp_all_targets', type: { kind: 'word', words: ['any', 'all'] }, default: 'any' },
  { name: 'arp_interval', type: { kind: 'int', min: 0, max: INT_MAX }, default: '0', notModes: NOT_ARP },
  { name: 'arp_ip_target', type: { kind: 'ip4-list' }, default: '', notModes: NOT_ARP },
  { name: 'arp_missed_max', type: { kind: 'int', min: 0, max: 255 }, default: '2' },
  {
    name: 'arp_validate',
    type: { kind: 'word', words: ['none', 'active', 'backup', 'all', 'filter', 'filter_active', 'filter_backup'] },
    default: 'none',
    notModes: NOT_ARP,
  },
  { name: 'balance_slb', type: { kind: 'int', min: 0, max: 1 }, default: '0' },
  { name: 'downdelay', type: { kind: 'int', min: 0, max: INT_MAX }, default: '0' },
  { name: 'fail_over_mac', type: { kind: 'word', words: ['none', 'active', 'follow'] }, default: 'none' },
  { name: 'lacp_active', type: { kind: 'word', words: ['off', 'on'] }, default: 'on' },
  { name: 'lacp_rate', type: { kind: 'word', words: ['slow', 'fast'] }, default: 'slow', modes: ['802.3ad'] },
  { name: 'lp_interval', type: { kind: 'int', min: 1, max: INT_MAX }, default: '1' },
  { name: 'miimon', type: { kind: 'int', min: 0, max: INT_MAX }, default: '100' },
  { name: 'min_links', type: { kind: 'int', min: 0, max: INT_MAX }, default: '0' },
  { name: 'ns_ip6_target', type: { kind: 'ip6-list' }, default: '' },
  { name: 'num_grat_arp', type: { kind: 'int', min: 0, max: 255 }, default: '1' },
  { name: 'num_unsol_na', type: { kind: 'int', min: 0, max: 255 }, default: '1' },
  { name: 'packets_per_slave', type: { kind: 'int', min: 0, max: 65535 }, default: '1', modes: ['balance-rr'] },
  { name: 'peer_notif_delay', type: { kind: 'int', min: 0, max: INT_MAX }, default: '0' },
  { name: 'primary', type: { kind: 'ifname' }, default: '', modes: AB_TLB_ALB },
  { name: 'primary_reselect', type: { kind: 'word', words: ['always', 'better', 'failure'] }, default: 'always' },
  { name: 'resend_igmp', type: { kind: 'int', min: 0, max: 255 }, default: '1' },
  { name: 'tlb_dynamic_lb', type: { kind: 'int', min: 0, max: 1 }, default: '1', modes: ['balance-tlb', 'balance-alb'] },
  { name: 'updelay', type: { kind: 'int', min: 0, max: INT_MAX }, default: '0' },
  { name: 'use_carrier', type: { kind: 'int', min: 0, max: 1 }, default: '1' },
  {
    name: 'xmit_hash_policy',
    type: { kind: 'word', words: ['layer2', 'layer3+4', 'layer2+3', 'encap2+3', 'encap3+4', 'vlan+srcmac'] },
    default: 'layer2',
  },
];

export function bondOption(name: string): BondOption | undefined {
  return BOND_OPTIONS.find((o) => o.name === name);
}

/** Whether `value` is valid for the option (_nm_setting_bond_validate_option). */
export function isValidBondValue(option: BondOption, value: string): boolean {
  const t = option.type;
  switch (t.kind) {
    case 'int':
      return isIntIn(value, t.min, t.max);
    case 'word':
      return t.words.includes(value) || isIntIn(value, 0, t.words.length - 1);
    case 'ip4-list':
    case 'ip6-list': {
      const items = value.split(/[, ]+/).filter((x) => x !== '');
      const parse = t.kind === 'ip4-list' ? parseIPv4 : parseIPv6;
      return items.length > 0 && items.every((x) => parse(x) !== undefined);
    }
    case 'mac':
      return parseMac(value, ETH_ALEN) !== undefined;
    case 'ifname':
      return isInterfaceName(value);
  }
}

function isIntIn(value: string, min: number, max: number): boolean {
  if (!/^[0-9]+$/.test(value)) return false;
  const n = Number(value);
  return n >= min && n <= max;
}

/** The mode's name ("4" → "802.3ad"), or undefined when it is not a mode. */
export function bondModeName(value: string): BondMode | undefined {
  if ((BOND_MODES as readonly string[]).includes(value)) return value as BondMode;
  return /^[0-6]$/.test(value) ? BOND_MODES[Number(value)] : undefined;
}

/** Whether the option applies to the mode (_nm_setting_bond_option_supported). */
export function appliesToMode(option: BondOption, mode: BondMode): boolean {
  return (!option.modes || option.modes.includes(mode)) && !option.notModes?.includes(mode);
}

/**
 * Rules between options that make NetworkManager refuse a bond (its
 * verify()). Each returns the problem, or undefined. `opts` holds the
 * options as given; `num` reads one as a number, with its default.
 */
type Rule = (opts: Readonly<Record<string, string>>, mode: BondMode, num: (name: string) => number) => string | undefined;

export const BOND_RULES: readonly Rule[] = [
  (o, mode, num) =>
    (mode === 'balance-tlb' || mode === 'balance-alb') && num('arp_interval') > 0 ? `arp_interval > 0 does not work with mode ${mode}` : undefined,
  (o, mode) =>
    NOT_ARP.includes(mode) && Number(o.arp_missed_max ?? 0) > 0 ? `arp_missed_max > 0 does not work with mode ${mode}` : undefined,
  (o, mode) => (o.primary !== undefined && !AB_TLB_ALB.includes(mode) ? `primary needs mode active-backup, balance-tlb or balance-alb` : undefined),
  (o, mode, num) => (num('miimon') === 0 && num('updelay') > 0 ? 'updelay needs miimon' : undefined),
  (o, mode, num) => (num('miimon') === 0 && num('downdelay') > 0 ? 'downdelay needs miimon' : undefined),
  (o, mode, num) => (num('peer_notif_delay') > 0 && num('miimon') === 0 ? 'peer_notif_delay needs miimon' : undefined),
  (o, mode, num) =>
    num('peer_notif_delay') > 0 && num('miimon') > 0 && num('arp_interval') === 0 && num('peer_notif_delay') % num('miimon') !== 0
      ? 'peer_notif_delay must be a multiple of miimon'
      : undefined,
  (o, mode, num) =>
    num('arp_interval') > 0 && o.arp_ip_target === undefined && o.ns_ip6_target === undefined
      ? 'arp_interval needs arp_ip_target or ns_ip6_target'
      : undefined,
  (o, mode, num) => (num('arp_interval') === 0 && o.arp_ip_target !== undefined ? 'arp_ip_target needs arp_interval' : undefined),
  (o, mode, num) => (num('arp_interval') === 0 && o.ns_ip6_target !== undefined ? 'ns_ip6_target needs arp_interval' : undefined),
  (o, mode) =>
    o.lacp_rate !== undefined && mode !== '802.3ad' && o.lacp_rate !== '0' && o.lacp_rate !== 'slow' ? 'lacp_rate needs mode 802.3ad' : undefined,
  (o, mode) => (o.lacp_active !== undefined && mode !== '802.3ad' ? 'lacp_active needs mode 802.3ad' : undefined),
  (o) =>
    o.num_grat_arp !== undefined && o.num_unsol_na !== undefined && Number(o.num_grat_arp) !== Number(o.num_unsol_na)
      ? 'num_grat_arp and num_unsol_na cannot differ'
      : undefined,
  (o, mode, num) => (num('balance_slb') > 0 && mode !== 'balance-xor' ? 'balance_slb needs mode balance-xor' : undefined),
  (o, mode, num) =>
    num('balance_slb') > 0 && o.xmit_hash_policy !== undefined && o.xmit_hash_policy !== 'vlan+srcmac' && o.xmit_hash_policy !== '5'
      ? 'balance_slb needs xmit_hash_policy vlan+srcmac'
      : undefined,
];
