/**
 * The rules between bonding options that make NetworkManager refuse a bond
 * (nm-setting-bond.c, verify()), checked while reading BONDING_OPTS so the
 * refusal names its line and key. The options themselves (names, kinds,
 * ranges, defaults, modes) are the SDK's rows: BOND_OPTIONS.
 */
import { bondOption, type BondMode } from '../../sdk/index.js';

/**
 * One rule: the problem, or undefined. `opts` holds the options as given;
 * `num` reads one as a number, with its default.
 */
type Rule = (opts: Readonly<Record<string, string>>, mode: BondMode, num: (name: string) => number) => string | undefined;

const AB_TLB_ALB: readonly BondMode[] = ['active-backup', 'balance-tlb', 'balance-alb'];

export const BOND_RULES: readonly Rule[] = [
  (o, mode, num) =>
    (mode === 'balance-tlb' || mode === 'balance-alb') && num('arp_interval') > 0 ? `arp_interval > 0 does not work with mode ${mode}` : undefined,
  (o, mode) => (o.primary !== undefined && !AB_TLB_ALB.includes(mode) ? `primary needs mode active-backup, balance-tlb or balance-alb` : undefined),
  (o, mode, num) => (num('miimon') === 0 && num('updelay') > 0 ? 'updelay needs miimon' : undefined),
  (o, mode, num) => (num('miimon') === 0 && num('downdelay') > 0 ? 'downdelay needs miimon' : undefined),
  (o, mode, num) => (num('peer_notif_delay') > 0 && num('miimon') === 0 ? 'peer_notif_delay needs miimon' : undefined),
  (o, mode, num) =>
    num('peer_notif_delay') > 0 && num('miimon') > 0 && num('arp_interval') === 0 && num('peer_notif_delay') % num('miimon') !== 0
      ? 'peer_notif_delay must be a multiple of miimon'
      : undefined,
  (o, mode, num) => (num('arp_interval') > 0 && o.arp_ip_target === undefined ? 'arp_interval needs arp_ip_target' : undefined),
  (o, mode, num) => (num('arp_interval') === 0 && o.arp_ip_target !== undefined ? 'arp_ip_target needs arp_interval' : undefined),
  (o, mode) =>
    o.lacp_rate !== undefined && mode !== '802.3ad' && o.lacp_rate !== '0' && o.lacp_rate !== 'slow' ? 'lacp_rate needs mode 802.3ad' : undefined,
  (o) =>
    o.num_grat_arp !== undefined && o.num_unsol_na !== undefined && Number(o.num_grat_arp) !== Number(o.num_unsol_na)
      ? 'num_grat_arp and num_unsol_na cannot differ'
      : undefined,
  (o, mode, num) => (num('balance-slb') > 0 && mode !== 'balance-xor' ? 'balance-slb needs mode balance-xor' : undefined),
  (o, mode, num) =>
    num('balance-slb') > 0 && o.xmit_hash_policy !== undefined && o.xmit_hash_policy !== 'vlan+srcmac' && o.xmit_hash_policy !== '5'
      ? 'balance-slb needs xmit_hash_policy vlan+srcmac'
      : undefined,
];

/** Each rule's problem for these options, in order. */
export function bondRuleProblems(options: Readonly<Record<string, string>>, mode: BondMode): string[] {
  const num = (name: string): number => Number(options[name] ?? bondOption(name)?.default ?? 0);
  return BOND_RULES.map((rule) => rule(options, mode, num)).filter((p): p is string => p !== undefined);
}
