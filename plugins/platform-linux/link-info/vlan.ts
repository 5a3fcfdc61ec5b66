/**
 * VLAN options (IFLA_VLAN_*). The parent goes in IFLA_LINK. The kernel has
 * no sysfs files for these (it shows them in /proc/net/vlan/NAME).
 */
import { OptionTable, type OptionRow } from './option-row.js';

export const VLAN_PROTOCOLS = { '802.1Q': 0x8100, '802.1ad': 0x88a8 } as const;

// prettier-ignore
export const vlanOptions: readonly OptionRow[] = [
  { name: 'id',                   type: 'number',     width: 'u16', min: 0, max: 4094,    attr: 1 },
  { name: 'protocol',             type: 'enum',       width: 'be16', values: VLAN_PROTOCOLS, attr: 5 },
  // VLAN_FLAG_*: 1 reorder headers, 2 GVRP, 4 loose binding, 8 MVRP, 16 bridge binding.
  { name: 'flags',                type: 'vlan-flags',                                     attr: 2 },
  // skb priority -> 802.1p priority.
  { name: 'egress_priority_map',  type: 'qos-map', keyMax: 0xffffffff, max: 7,            attr: 3 },
  // 802.1p priority -> skb priority.
  { name: 'ingress_priority_map', type: 'qos-map', keyMax: 7, max: 0xffffffff,            attr: 4 },
];

export const vlanTable = new OptionTable('vlan', vlanOptions);
