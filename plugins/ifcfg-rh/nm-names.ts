/**
 * NetworkManager's setting names (D-Bus names) this plugin reads and writes,
 * in one place. The port's controller uses NetworkManager 1.42's names
 * ("master", "slave-type"), which 1.46 keeps as aliases of "controller" and
 * "port-type"; change them here if the model moves to the new names.
 */
export const Setting = {
  connection: 'connection',
  wired: '802-3-ethernet',
  infiniband: 'infiniband',
  bond: 'bond',
  bondPort: 'bond-port',
  bridge: 'bridge',
  bridgePort: 'bridge-port',
  vlan: 'vlan',
  ipv4: 'ipv4',
  ipv6: 'ipv6',
  dot1x: '802-1x',
  ethtool: 'ethtool',
} as const;

export const CONTROLLER_PROPERTY = 'master';
export const PORT_TYPE_PROPERTY = 'slave-type';
