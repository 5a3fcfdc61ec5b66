/**
 * Which devices a profile may be applied to: its connection.type against the
 * types the device's kind carries (NetworkManager's
 * check_connection_compatible), and its interface name when it names one.
 */
import type { ConnectionSettings } from '../../sdk/index.js';
import type { Device } from '../devices/device.js';

/** Why the device cannot carry the profile, or undefined when it can. */
export function incompatibility(settings: ConnectionSettings, device: Device): string | undefined {
  const type = String(settings.connection?.type ?? '');
  const types = device.kindRow.connectionTypes ?? [];
  if (!types.includes(type)) return `device ${device.name} (${device.kind}) cannot carry a '${type}' profile`;
  const ifname = settings.connection?.['interface-name'];
  if (typeof ifname === 'string' && ifname !== '' && ifname !== device.name) return `the profile is for interface '${ifname}', not ${device.name}`;
  return undefined;
}

/** The profile type NetworkManager completes a partial profile with for a device (AddAndActivate). */
export function connectionTypeFor(device: Device): string {
  return device.kindRow.connectionTypes?.[0] ?? 'generic';
}
