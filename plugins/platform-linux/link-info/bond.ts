/**
 * Bond options (IFLA_BOND_*, linux/if_link.h), named and typed as in
 * NetworkManager's bond option table (nm-setting-bond.c): integers stay
 * integers, options NetworkManager accepts by name or number are enums that
 * decode to the name, and primary/active_slave are links.
 */
import { OptionTable, type OptionRow } from './option-row.js';

const INT_MAX = 0x7fffffff;

export const BOND_MODES = {
  'balance-rr': 0,
  'active-backup': 1,
  'balance-xor': 2,
  broadcast: 3,
  '802.3ad': 4,
  'balance-tlb': 5,
  'balance-alb': 6,
} as const;

export const BOND_XMIT_HASH_POLICIES = {
  layer2: 0,
  'layer3+4': 1,
  'layer2+3': 2,
  'encap2+3': 3,
  'encap3+4': 4,
  'vlan+srcmac': 5,
} as const;

const ARP_VALIDATE = { none: 0, active: 1, backup: 2, all: 3, filter: 4, filter_active: 5, filter_backup: 6 } as const;

// prettier-ignore
export const bondOptions: readonly OptionRow[] = [
  // mode first: the kernel checks later options against it.
  { name: 'mode',              type: 'enum',      width: 'u8',  values: BOND_MODES,                        attr: 1,  sysfs: 'bonding/mode' },
  { name: 'active_slave',      type: 'ifindex',   width: 'u32',                                            attr: 2,  sysfs: 'bonding/active_slave' },
  { name: 'miimon',            type: 'number',    width: 'u32', min: 0, max: INT_MAX,                      attr: 3,  sysfs: 'bonding/miimon' },
  { name: 'updelay',           type: 'number',    width: 'u32', min: 0, max: INT_MAX,                      attr: 4,  sysfs: 'bonding/updelay' },
  { name: 'downdelay',         type: 'number',    width: 'u32', min: 0, max: INT_MAX,                      attr: 5,  sysfs: 'bonding/downdelay' },
  { name: 'use_carrier',       type: 'number',    width: 'u8',  min: 0, max: 1,                            attr: 6,  sysfs: 'bonding/use_carrier' },
  { name: 'arp_interval',      type: 'number',    width: 'u32', min: 0, max: INT_MAX,                      attr: 7,  sysfs: 'bonding/arp_interval' },
  { name: 'arp_ip_target',     type: 'ipv4-list', max: 16,                                                 attr: 8,  sysfs: 'bonding/arp_ip_target' },
  { name: 'arp_validate',      type: 'enum',      width: 'u32', values: ARP_VALIDATE,                      attr: 9,  sysfs: 'bonding/arp_validate' },
  { name: 'arp_all_targets',   type: 'enum',      width: 'u32', values: { any: 0, all: 1 },                attr: 10, sysfs: 'bonding/arp_all_targets' },
  { name: 'primary',           type: 'ifindex',   width: 'u32',                                            attr: 11, sysfs: 'bonding/primary' },
  { name: 'primary_reselect',  type: 'enum',      width: 'u8',  values: { always: 0, better: 1, failure: 2 }, attr: 12, sysfs: 'bonding/primary_reselect' },
  { name: 'fail_over_mac',     type: 'enum',      width: 'u8',  values: { none: 0, active: 1, follow: 2 }, attr: 13, sysfs: 'bonding/fail_over_mac' },
  { name: 'xmit_hash_policy',  type: 'enum',      width: 'u8',  values: BOND_XMIT_HASH_POLICIES,           attr: 14, sysfs: 'bonding/xmit_hash_policy' },
  { name: 'resend_igmp',       type: 'number',    width: 'u32', min: 0, max: 255,                          attr: 15, sysfs: 'bonding/resend_igmp' },
  { name: 'num_grat_arp',      type: 'number',    width: 'u8',  min: 0, max: 255,                          attr: 16, sysfs: 'bonding/num_grat_arp' },
  { name: 'all_slaves_active', type: 'number',    width: 'u8',  min: 0, max: 1,                            attr: 17, sysfs: 'bonding/all_slaves_active' },
  { name: 'min_links',         type: 'number',    width: 'u32', min: 0, max: INT_MAX,                      attr: 18, sysfs: 'bonding/min_links' },
  { name: 'lp_interval',       type: 'number',    width: 'u32', min: 1, max: INT_MAX,                      attr: 19, sysfs: 'bonding/lp_interval' },
  { name: 'packets_per_slave', type: 'number',    width: 'u32', min: 0, max: 65535,                        attr: 20, sysfs: 'bonding/packets_per_slave' },
  { name: 'lacp_rate',         type: 'enum',      width: 'u8',  values: { slow: 0, fast: 1 },              attr: 21, sysfs: 'bonding/lacp_rate' },
  { name: 'ad_select',         type: 'enum',      width: 'u8',  values: { stable: 0, bandwidth: 1, count: 2 }, attr: 22, sysfs: 'bonding/ad_select' },
  { name: 'ad_actor_sys_prio', type: 'number',    width: 'u16', min: 1, max: 65535,                        attr: 24, sysfs: 'bonding/ad_actor_sys_prio' },
  { name: 'ad_user_port_key',  type: 'number',    width: 'u16', min: 0, max: 1023,                         attr: 25, sysfs: 'bonding/ad_user_port_key' },
  { name: 'ad_actor_system',   type: 'mac',                                                                attr: 26, sysfs: 'bonding/ad_actor_system' },
  { name: 'tlb_dynamic_lb',    type: 'number',    width: 'u8',  min: 0, max: 1,                            attr: 27, sysfs: 'bonding/tlb_dynamic_lb' },
  { name: 'peer_notif_delay',  type: 'number',    width: 'u32', min: 0, max: INT_MAX,                      attr: 28, sysfs: 'bonding/peer_notif_delay' },
  { name: 'lacp_active',       type: 'enum',      width: 'u8',  values: { off: 0, on: 1 },                 attr: 29, sysfs: 'bonding/lacp_active' },
  { name: 'arp_missed_max',    type: 'number',    width: 'u8',  min: 0, max: 255,                          attr: 30, sysfs: 'bonding/arp_missed_max' },
  { name: 'ns_ip6_target',     type: 'ipv6-list', max: 16,                                                 attr: 31, sysfs: 'bonding/ns_ip6_target' },
];

export const bondTable = new OptionTable('bond', bondOptions);
