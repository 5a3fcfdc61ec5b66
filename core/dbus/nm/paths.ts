/** NetworkManager's well-known object paths and interface names. */
export const NM_BUS_NAME = 'org.freedesktop.NetworkManager';
export const NM_PATH = '/org/freedesktop/NetworkManager';
export const NM_IFACE = 'org.freedesktop.NetworkManager';
export const SETTINGS_PATH = '/org/freedesktop/NetworkManager/Settings';
export const SETTINGS_IFACE = 'org.freedesktop.NetworkManager.Settings';
export const DNS_MANAGER_PATH = '/org/freedesktop/NetworkManager/DnsManager';
export const DNS_MANAGER_IFACE = 'org.freedesktop.NetworkManager.DnsManager';
export const DEVICE_IFACE = 'org.freedesktop.NetworkManager.Device';
/** NetworkManager's "no object" path. */
export const NO_OBJECT = '/';

/** NetworkManager's version as VersionInfo encodes it: major<<16 | minor<<8 | micro. */
export function encodeVersion(version: string): number {
  const [a = 0, b = 0, c = 0] = version.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return (a << 16) | (b << 8) | c;
}
