/**
 * Link kinds the platform knows options for, keyed by IFLA_INFO_KIND, and
 * where each kind takes its parent link. A kind not listed here is still
 * created (bridge-less kinds like ifb need nothing) but takes no options.
 */
import { bondTable } from './bond.js';
import { bridgeTable } from './bridge.js';
import { bridgePortTable } from './bridge-port.js';
import { macvlanTable, macvtapTable } from './macvlan.js';
import type { OptionTable } from './option-row.js';
import { vlanTable } from './vlan.js';
import { IFLA_VXLAN_LINK, vxlanTable } from './vxlan.js';

export interface KindCodec {
  table: OptionTable;
  /** Attribute inside IFLA_INFO_DATA that carries the parent; absent means IFLA_LINK. */
  parentInInfoData?: number;
  /** Options of a port of a link of this kind (IFLA_INFO_SLAVE_DATA), when the platform sets any. */
  portTable?: OptionTable;
}

export const KIND_CODECS: ReadonlyMap<string, KindCodec> = new Map<string, KindCodec>([
  ['bond', { table: bondTable }],
  ['bridge', { table: bridgeTable, portTable: bridgePortTable }],
  ['vlan', { table: vlanTable }],
  ['macvlan', { table: macvlanTable }],
  ['macvtap', { table: macvtapTable }],
  ['vxlan', { table: vxlanTable, parentInInfoData: IFLA_VXLAN_LINK }],
]);
