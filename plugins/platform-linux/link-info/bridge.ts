/**
 * Bridge options (IFLA_BR_*). Times NetworkManager gives in seconds
 * (forward_delay, hello_time, max_age, ageing_time) are centiseconds
 * (clock_t) in netlink and in sysfs, hence scale 100; the multicast
 * intervals are centiseconds on both sides already.
 */
import { OptionTable, type OptionRow } from './option-row.js';

const VLAN_PROTOCOLS = { '802.1Q': 0x8100, '802.1ad': 0x88a8 } as const;

// prettier-ignore
export const bridgeOptions: readonly OptionRow[] = [
  { name: 'stp',                               type: 'bool',   width: 'u32',                              attr: 5,  sysfs: 'bridge/stp_state' },
  { name: 'priority',                          type: 'number', width: 'u16', min: 0, max: 65535,          attr: 6,  sysfs: 'bridge/priority' },
  { name: 'forward_delay',                     type: 'number', width: 'u32', min: 2, max: 30, scale: 100, attr: 1,  sysfs: 'bridge/forward_delay' },
  { name: 'hello_time',                        type: 'number', width: 'u32', min: 1, max: 10, scale: 100, attr: 2,  sysfs: 'bridge/hello_time' },
  { name: 'max_age',                           type: 'number', width: 'u32', min: 6, max: 40, scale: 100, attr: 3,  sysfs: 'bridge/max_age' },
  { name: 'ageing_time',                       type: 'number', width: 'u32', min: 0, max: 1000000, scale: 100, attr: 4, sysfs: 'bridge/ageing_time' },
  { name: 'vlan_filtering',                    type: 'bool',   width: 'u8',                               attr: 7,  sysfs: 'bridge/vlan_filtering' },
  { name: 'vlan_protocol',                     type: 'enum',   width: 'be16', values: VLAN_PROTOCOLS,     attr: 8,  sysfs: 'bridge/vlan_protocol' },
  { name: 'group_forward_mask',                type: 'number', width: 'u16', min: 0, max: 65535,          attr: 9,  sysfs: 'bridge/group_fwd_mask' },
  { name: 'group_address',                     type: 'mac',                                               attr: 20, sysfs: 'bridge/group_addr' },
  { name: 'multicast_router',                  type: 'enum',   width: 'u8',  values: { disabled: 0, auto: 1, enabled: 2 }, attr: 22, sysfs: 'bridge/multicast_router' },
  { name: 'multicast_snooping',                type: 'bool',   width: 'u8',                               attr: 23, sysfs: 'bridge/multicast_snooping' },
  { name: 'multicast_query_use_ifaddr',        type: 'bool',   width: 'u8',                               attr: 24, sysfs: 'bridge/multicast_query_use_ifaddr' },
  { name: 'multicast_querier',                 type: 'bool',   width: 'u8',                               attr: 25, sysfs: 'bridge/multicast_querier' },
  { name: 'multicast_hash_max',                type: 'number', width: 'u32',                              attr: 27, sysfs: 'bridge/hash_max' },
  { name: 'multicast_last_member_count',       type: 'number', width: 'u32',                              attr: 28, sysfs: 'bridge/multicast_last_member_count' },
  { name: 'multicast_startup_query_count',     type: 'number', width: 'u32',                              attr: 29, sysfs: 'bridge/multicast_startup_query_count' },
  { name: 'multicast_last_member_interval',    type: 'number', width: 'u64',                              attr: 30, sysfs: 'bridge/multicast_last_member_interval' },
  { name: 'multicast_membership_interval',     type: 'number', width: 'u64',                              attr: 31, sysfs: 'bridge/multicast_membership_interval' },
  { name: 'multicast_querier_interval',        type: 'number', width: 'u64',                              attr: 32, sysfs: 'bridge/multicast_querier_interval' },
  { name: 'multicast_query_interval',          type: 'number', width: 'u64',                              attr: 33, sysfs: 'bridge/multicast_query_interval' },
  { name: 'multicast_query_response_interval', type: 'number', width: 'u64',                              attr: 34, sysfs: 'bridge/multicast_query_response_interval' },
  { name: 'multicast_startup_query_interval',  type: 'number', width: 'u64',                              attr: 35, sysfs: 'bridge/multicast_startup_query_interval' },
  { name: 'vlan_default_pvid',                 type: 'number', width: 'u16', min: 0, max: 4094,           attr: 39, sysfs: 'bridge/default_pvid' },
  { name: 'vlan_stats_enabled',                type: 'bool',   width: 'u8',                               attr: 41, sysfs: 'bridge/vlan_stats_enabled' },
];

export const bridgeTable = new OptionTable('bridge', bridgeOptions);
