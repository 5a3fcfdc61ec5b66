/**
 * The order NetworkManager writes settings and properties in
 * (nm_meta_setting_types_by_priority; properties sorted by name, with
 * connection's id, uuid and type first). Files read the same in any order;
 * this keeps nmk's files identical to NetworkManager's, line for line.
 */

/** Setting names by NetworkManager's priority; settings not listed come after, by name. */
const SETTING_PRIORITY: readonly string[] = [
  'connection',
  // the base hardware settings
  '6lowpan', '802-11-olpc-mesh', '802-11-wireless', '802-3-ethernet', 'adsl', 'bond', 'bridge', 'cdma', 'dummy', 'generic',
  'geneve', 'gsm', 'hsr', 'infiniband', 'ip-tunnel', 'ipvlan', 'loopback', 'macsec', 'macvlan', 'ovs-bridge', 'ovs-dpdk',
  'ovs-interface', 'ovs-patch', 'ovs-port', 'team', 'tun', 'veth', 'vlan', 'vpn', 'vrf', 'vxlan', 'wifi-p2p', 'wimax', 'wireguard', 'wpan',
  'bluetooth',
  // auxiliary hardware settings
  '802-11-wireless-security', '802-1x', 'dcb', 'serial', 'sriov',
  // auxiliary settings
  'bond-port', 'bridge-port', 'ethtool', 'link', 'match', 'ovs-external-ids', 'ovs-other-config',
  'ppp', 'pppoe', 'team-port',
  // IP
  'hostname', 'ipv4', 'ipv6', 'prefix-delegation', 'proxy', 'tc',
  'user',
];

const RANK = new Map(SETTING_PRIORITY.map((name, i) => [name, i]));

export function compareSettings(a: string, b: string): number {
  const ra = RANK.get(a) ?? SETTING_PRIORITY.length;
  const rb = RANK.get(b) ?? SETTING_PRIORITY.length;
  return ra - rb || (a < b ? -1 : a > b ? 1 : 0);
}

const CONNECTION_FIRST = ['id', 'uuid', 'type'];

/** Orders property names (by the name NetworkManager sorts them under). */
export function compareProperties(setting: string, a: string, b: string): number {
  if (setting === 'connection') {
    const ia = CONNECTION_FIRST.indexOf(a);
    const ib = CONNECTION_FIRST.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? CONNECTION_FIRST.length : ia) - (ib < 0 ? CONNECTION_FIRST.length : ib);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
