/**
 * VXLAN options (IFLA_VXLAN_*). "remote" is IFLA_VXLAN_GROUP: a multicast
 * group or a unicast remote, IPv4 or IPv6 by the address; the parent goes in
 * IFLA_VXLAN_LINK. The source port range (one attribute holding two ports)
 * has no row yet.
 */
import { OptionTable, type OptionRow } from './option-row.js';

export const IFLA_VXLAN_LINK = 3;

// prettier-ignore
export const vxlanOptions: readonly OptionRow[] = [
  { name: 'id',               type: 'number', width: 'u32',  min: 0, max: 0xffffff, attr: 1 },
  { name: 'remote',           type: 'ip',                                        attr: 2, attr6: 16 },
  { name: 'local',            type: 'ip',                                        attr: 4, attr6: 17 },
  { name: 'ttl',              type: 'number', width: 'u8',   min: 0, max: 255,   attr: 5 },
  { name: 'tos',              type: 'number', width: 'u8',   min: 0, max: 255,   attr: 6 },
  { name: 'learning',         type: 'bool',   width: 'u8',                       attr: 7 },
  { name: 'ageing',           type: 'number', width: 'u32',                      attr: 8 },
  { name: 'limit',            type: 'number', width: 'u32',                      attr: 9 },
  { name: 'proxy',            type: 'bool',   width: 'u8',                       attr: 11 },
  { name: 'rsc',              type: 'bool',   width: 'u8',                       attr: 12 },
  { name: 'l2_miss',          type: 'bool',   width: 'u8',                       attr: 13 },
  { name: 'l3_miss',          type: 'bool',   width: 'u8',                       attr: 14 },
  { name: 'destination_port', type: 'number', width: 'be16', min: 0, max: 65535, attr: 15 },
];

export const vxlanTable = new OptionTable('vxlan', vxlanOptions);
