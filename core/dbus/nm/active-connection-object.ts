/**
 * An active connection's object, /org/freedesktop/NetworkManager/ActiveConnection/N:
 * org.freedesktop.NetworkManager.Connection.Active as NetworkManager 1.42
 * defines it (Controller and its older name Master both present).
 */
import { NMActiveConnectionState } from '../../../sdk/index.js';
import type { ActiveConnection } from '../../activation/active-connection.js';
import type { InterfaceDef, PropertyRow } from '../rows.js';
import { NO_OBJECT } from './paths.js';

export const ACTIVE_IFACE = 'org.freedesktop.NetworkManager.Connection.Active';
/** Properties that follow the connection's state. */
export const ACTIVE_STATE_PROPERTIES = ['State', 'StateFlags', 'Default', 'Default6', 'Ip4Config', 'Ip6Config', 'Dhcp4Config', 'Dhcp6Config', 'Devices'] as const;

const ro = (name: string, signature: string, get: (ac: ActiveConnection) => unknown): PropertyRow<ActiveConnection> => ({ name, signature, access: 'read', get });

/** IP config objects exist from IP configuration on, as in NetworkManager, and go when the connection ends. */
export function hasIpConfig(ac: ActiveConnection): boolean {
  return ac.state >= NMActiveConnectionState.ACTIVATING && ac.state < NMActiveConnectionState.DEACTIVATED;
}

/** The Connection.Active interface, shared by every active connection's object (each one's target). */
export function activeConnectionInterface(bestDefault: (family: 4 | 6) => ActiveConnection | undefined): InterfaceDef<ActiveConnection> {
  // A port's controller device (NetworkManager names the device, not the active connection).
  const controller = (ac: ActiveConnection) => (ac.controller && !ac.done ? ac.controller.device.path : NO_OBJECT);
  return {
    name: ACTIVE_IFACE,
    properties: [
      ro('Connection', 'o', (ac) => ac.profile.path),
      ro('SpecificObject', 'o', () => NO_OBJECT),
      ro('Id', 's', (ac) => ac.profile.id),
      ro('Uuid', 's', (ac) => ac.uuid),
      ro('Type', 's', (ac) => ac.type),
      ro('Devices', 'ao', (ac) => (ac.done ? [] : [ac.device.path])),
      ro('State', 'u', (ac) => ac.state),
      ro('StateFlags', 'u', (ac) => ac.stateFlags),
      ro('Default', 'b', (ac) => bestDefault(4) === ac),
      ro('Ip4Config', 'o', (ac) => (hasIpConfig(ac) ? ac.ip4Path : NO_OBJECT)),
      ro('Dhcp4Config', 'o', (ac) => (ac.dynamic.get(4)?.leases.has('dhcp4') ? ac.dhcpPath(4) : NO_OBJECT)),
      ro('Default6', 'b', (ac) => bestDefault(6) === ac),
      ro('Ip6Config', 'o', (ac) => (hasIpConfig(ac) ? ac.ip6Path : NO_OBJECT)),
      ro('Dhcp6Config', 'o', (ac) => (ac.dynamic.get(6)?.leases.has('dhcp6') ? ac.dhcpPath(6) : NO_OBJECT)),
      ro('Vpn', 'b', () => false),
      ro('Controller', 'o', controller),
      ro('Master', 'o', controller),
    ],
    signals: [{ name: 'StateChanged', args: [['state', 'u'], ['reason', 'u']] }],
  };
}
