/**
 * D-Bus property rows that several device kinds share, so a kind's table
 * lists them by name instead of repeating the getter.
 */
import type { DeviceDBusProperty } from './device.js';

export const DeviceProps = {
  /** "HwAddress" (s): the MAC, upper case as NetworkManager prints it. */
  hwAddress: { name: 'HwAddress', signature: 's', get: (d) => d.link.mac.toUpperCase() },
  /** "PermHwAddress" (s): nmk does not read the permanent MAC yet; the current one stands in. */
  permHwAddress: { name: 'PermHwAddress', signature: 's', get: (d) => d.link.mac.toUpperCase() },
  /** "Carrier" (b). */
  carrier: { name: 'Carrier', signature: 'b', get: (d) => d.link.carrier },
  /** "Slaves" (ao): the ports enslaved to this controller. */
  slaves: { name: 'Slaves', signature: 'ao', get: (d, l) => l.portsOf(d.ifindex).map((p) => p.path) },
  /** "Parent" (o): the lower link (vlan, macvlan, vxlan). */
  parent: { name: 'Parent', signature: 'o', get: (d, l) => l.pathOf(d.link.parent) },
  /** "Speed" (u) in Mb/s; 0 when unknown. */
  speed: { name: 'Speed', signature: 'u', get: () => 0 },
  /** "S390Subchannels" (as). */
  s390Subchannels: { name: 'S390Subchannels', signature: 'as', get: () => [] as string[] },
} as const satisfies Record<string, DeviceDBusProperty>;

/** The Device.Wired interface, shared by ethernet and veth. */
export const WIRED_INTERFACE = {
  interface: 'org.freedesktop.NetworkManager.Device.Wired',
  properties: [DeviceProps.hwAddress, DeviceProps.permHwAddress, DeviceProps.speed, DeviceProps.s390Subchannels, DeviceProps.carrier],
} as const;
