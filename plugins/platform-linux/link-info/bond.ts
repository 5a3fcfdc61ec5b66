/**
 * Bond options (IFLA_BOND_*, linux/if_link.h), named and typed as in
 * NetworkManager's bond option table (nm-setting-bond.c): integers stay
 * integers, options NetworkManager accepts by name or number are enums that
 * decode to the name, and primary/active_slave are links.
 */
import { bondOption } from '../../../sdk/index.js';
import { OptionTable, type OptionRow, type ValueType, type Width } from './option-row.js';

/**
 * The wire facts of an option NetworkManager knows: its IFLA_BOND_* number,
 * how it is encoded and the payload width. Range, choices (whose index is the
 * kernel number) and sysfs file come from the SDK's bond option table, so the
 * two tables cannot disagree.
 */
function fromSdk(name: string, type: ValueType, attr: number, width?: Width, extra: Partial<OptionRow> = {}): OptionRow {
  const def = bondOption(name);
  if (!def) throw new Error(`bond option ${name} is not in the SDK's bond option table`);
  const row: OptionRow = { name, type, attr, sysfs: `bonding/${def.sysfs ?? name}`, ...extra };
  if (width) row.width = width;
  if (type === 'number') Object.assign(row, { min: def.min, max: def.max });
  if (type === 'enum') row.values = Object.fromEntries((def.choices ?? []).map((c, i) => [c, i]));
  return row;
}

// prettier-ignore
export const bondOptions: readonly OptionRow[] = [
  // mode first: the kernel checks later options against it.
  fromSdk('mode',              'enum',      1,  'u8'),
  fromSdk('active_slave',      'ifindex',   2,  'u32'),
  fromSdk('miimon',            'number',    3,  'u32'),
  fromSdk('updelay',           'number',    4,  'u32'),
  fromSdk('downdelay',         'number',    5,  'u32'),
  fromSdk('use_carrier',       'number',    6,  'u8'),
  fromSdk('arp_interval',      'number',    7,  'u32'),
  fromSdk('arp_ip_target',     'ipv4-list', 8,  undefined, { max: 16 }),
  fromSdk('arp_validate',      'enum',      9,  'u32'),
  fromSdk('arp_all_targets',   'enum',      10, 'u32'),
  fromSdk('primary',           'ifindex',   11, 'u32'),
  fromSdk('primary_reselect',  'enum',      12, 'u8'),
  fromSdk('fail_over_mac',     'enum',      13, 'u8'),
  fromSdk('xmit_hash_policy',  'enum',      14, 'u8'),
  fromSdk('resend_igmp',       'number',    15, 'u32'),
  fromSdk('num_grat_arp',      'number',    16, 'u8'),
  fromSdk('all_slaves_active', 'number',    17, 'u8'),
  fromSdk('min_links',         'number',    18, 'u32'),
  fromSdk('lp_interval',       'number',    19, 'u32'),
  fromSdk('packets_per_slave', 'number',    20, 'u32'),
  fromSdk('lacp_rate',         'enum',      21, 'u8'),
  fromSdk('ad_select',         'enum',      22, 'u8'),
  fromSdk('ad_actor_sys_prio', 'number',    24, 'u16'),
  fromSdk('ad_user_port_key',  'number',    25, 'u16'),
  fromSdk('ad_actor_system',   'mac',       26),
  fromSdk('tlb_dynamic_lb',    'number',    27, 'u8'),
  fromSdk('peer_notif_delay',  'number',    28, 'u32'),
  // Newer kernels' options NetworkManager 1.42 does not know: described here only.
  { name: 'lacp_active',       type: 'enum',      width: 'u8',  values: { off: 0, on: 1 }, attr: 29, sysfs: 'bonding/lacp_active' },
  { name: 'arp_missed_max',    type: 'number',    width: 'u8',  min: 0, max: 255,          attr: 30, sysfs: 'bonding/arp_missed_max' },
  { name: 'ns_ip6_target',     type: 'ipv6-list', max: 16,                                 attr: 31, sysfs: 'bonding/ns_ip6_target' },
];

export const bondTable = new OptionTable('bond', bondOptions);
