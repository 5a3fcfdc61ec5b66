/**
 * Facts about a profile's shape that verification and normalisation both
 * need: its type, whether it is a port, and which IP settings it may have.
 */
import { isBaseType, resolveSettingAlias } from './registry.js';
import { PORT_TYPES } from './tables/connection.js';
import type { ConnectionSettings } from './types.js';

/** Port settings and the controller type each one implies, in NetworkManager's detection order. */
export const PORT_SETTINGS: readonly (readonly [portSetting: string, controllerType: string])[] = [
  ['bridge-port', 'bridge'],
  ['bond-port', 'bond'],
  ['team-port', 'team'],
  ['ovs-port', 'ovs-bridge'],
  ['ovs-interface', 'ovs-port'],
];

function connectionString(settings: ConnectionSettings, property: string): string | undefined {
  const v = settings['connection']?.[property];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The base setting present in the profile when exactly one is (or, when
 * several are, the one connection.type names); undefined otherwise.
 */
export function detectBaseType(settings: ConnectionSettings): string | undefined {
  const present = Object.keys(settings).filter((s) => isBaseType(s) && resolveSettingAlias(s) === s);
  if (present.length === 1) return present[0];
  const type = connectionString(settings, 'type');
  return type !== undefined && present.includes(type) ? type : undefined;
}

/**
 * The profile's type: connection.type (keyfile aliases resolved), else the
 * single base setting present; undefined when neither says.
 */
export function connectionType(settings: ConnectionSettings): string | undefined {
  const type = connectionString(settings, 'type');
  return type ? resolveSettingAlias(type) : detectBaseType(settings);
}

/** The controller type implied by the port settings present (exactly one), else undefined. */
export function detectPortType(settings: ConnectionSettings): { portType: string; portSetting: string } | undefined {
  const found = PORT_SETTINGS.filter(([s]) => settings[s] !== undefined);
  return found.length === 1 ? { portSetting: found[0]![0], portType: found[0]![1] } : undefined;
}

/** The port setting a slave-type needs (bond-port for bond...); undefined when it needs none. */
export function portSettingFor(slaveType: string): string | undefined {
  return PORT_TYPES[slaveType];
}

/** Whether the profile is a port (has connection.master). */
export function isPort(settings: ConnectionSettings): boolean {
  return connectionString(settings, 'master') !== undefined;
}

/**
 * Whether the profile may carry an "ipv4" (family 4), "ipv6" (6) or "proxy"
 * (no family) setting (NetworkManager's _supports_addr_family): a wpan
 * device has no IP at all, 6LoWPAN only IPv6; ports have none, except VRF
 * ports.
 */
export function supportsIp(settings: ConnectionSettings, family?: 4 | 6): boolean {
  const type = connectionType(settings);
  // An OVS interface is a port of an ovs-port and still has IP configuration.
  if (type === 'ovs-interface') return true;
  if (type === 'wpan') return false;
  if (type === '6lowpan') return family !== 4;
  if (connectionString(settings, 'slave-type') === 'vrf') return true;
  return !isPort(settings);
}

/** The method NetworkManager gives an added ipv4/ipv6 setting for a profile of `type`. */
export function defaultIpMethod(type: string | undefined): 'auto' | 'disabled' {
  return type === 'dummy' || type === 'wireguard' ? 'disabled' : 'auto';
}
