/**
 * Which devices a profile may be applied to: its connection.type against the
 * device's NMDeviceType (NetworkManager's check_connection_compatible), and
 * its interface name when it names one.
 */
import { NMDeviceType, type ConnectionSettings, type DeviceView } from '../../sdk/index.js';

/** connection.type → the device types that can carry it. An ethernet profile also fits a veth, as in NetworkManager. */
const DEVICE_TYPES_OF: Record<string, readonly number[]> = {
  '802-3-ethernet': [NMDeviceType.ETHERNET, NMDeviceType.VETH],
  veth: [NMDeviceType.VETH],
  bridge: [NMDeviceType.BRIDGE],
  bond: [NMDeviceType.BOND],
  vlan: [NMDeviceType.VLAN],
  macvlan: [NMDeviceType.MACVLAN],
  vxlan: [NMDeviceType.VXLAN],
  dummy: [NMDeviceType.DUMMY],
  loopback: [NMDeviceType.LOOPBACK],
  generic: [NMDeviceType.GENERIC],
};

/** Why the device cannot carry the profile, or undefined when it can. */
export function incompatibility(settings: ConnectionSettings, device: DeviceView): string | undefined {
  const type = String(settings.connection?.type ?? '');
  const types = DEVICE_TYPES_OF[type];
  if (!types) return `nmk cannot activate '${type}' profiles yet (no device plugin for this type)`;
  if (!types.includes(device.deviceType)) return `device ${device.name} (${device.kind}) cannot carry a '${type}' profile`;
  const ifname = settings.connection?.['interface-name'];
  if (typeof ifname === 'string' && ifname !== '' && ifname !== device.name) return `the profile is for interface '${ifname}', not ${device.name}`;
  return undefined;
}

/** Whether the profile type is one nmk activates at all. */
export function activatableType(settings: ConnectionSettings): boolean {
  return String(settings.connection?.type ?? '') in DEVICE_TYPES_OF;
}

/** The profile type NetworkManager completes a partial profile with for a device (AddAndActivate). */
export function connectionTypeFor(deviceType: number): string {
  // The first type whose devices include this one: ethernet for ethernet and veth devices.
  for (const [type, types] of Object.entries(DEVICE_TYPES_OF)) if (types.includes(deviceType)) return type;
  return 'generic';
}
