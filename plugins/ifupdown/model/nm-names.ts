/**
 * NetworkManager's setting and property names this plugin reads and writes,
 * in one place. The controller/port pair uses the names NetworkManager 1.42
 * (the nmcli we test against) puts on D-Bus: connection.master and
 * connection.slave-type.
 */
import { INTERFACE_CONNECTION_TYPES, type InterfaceKind } from '../../../sdk/index.js';

export const Setting = {
  connection: 'connection',
  ethernet: '802-3-ethernet',
  ipv4: 'ipv4',
  ipv6: 'ipv6',
  bond: 'bond',
  bridge: 'bridge',
  bridgePort: 'bridge-port',
  vlan: 'vlan',
} as const;

export const Prop = {
  id: 'id',
  uuid: 'uuid',
  type: 'type',
  interfaceName: 'interface-name',
  autoconnect: 'autoconnect',
  controller: 'master',
  portType: 'slave-type',
  method: 'method',
  addressData: 'address-data',
  gateway: 'gateway',
  dns: 'dns',
  dnsSearch: 'dns-search',
  routeData: 'route-data',
  routeMetric: 'route-metric',
  mtu: 'mtu',
  clonedMac: 'cloned-mac-address',
  bondOptions: 'options',
  vlanId: 'id',
  vlanParent: 'parent',
} as const;

/** connection.type for each kind of profile this plugin handles. */
export const ConnectionType = INTERFACE_CONNECTION_TYPES;

export type ProfileKind = InterfaceKind;

export function kindOfType(type: unknown): ProfileKind | undefined {
  return (Object.keys(ConnectionType) as ProfileKind[]).find((k) => ConnectionType[k] === type);
}
