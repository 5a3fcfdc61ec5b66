/**
 * DHCP4Config and DHCP6Config objects: the options of the lease an active
 * connection holds, named as NetworkManager names them ("ip_address",
 * "routers", "domain_name_servers", "expiry"...), each a string variant, as
 * `nmcli -f DHCP4 device show` prints them.
 */
import type { Family } from '../../../sdk/index.js';
import type { InterfaceDef } from '../rows.js';
import { Variant } from '../values.js';

export const DHCP4_CONFIG_IFACE = 'org.freedesktop.NetworkManager.DHCP4Config';
export const DHCP6_CONFIG_IFACE = 'org.freedesktop.NetworkManager.DHCP6Config';

/** The lease's options, as the object's target. */
export type DhcpOptionsSource = () => Record<string, string>;

/** One interface per family, shared by every DHCP config object (each one's target reads its lease). */
export function dhcpConfigInterface(family: Family): InterfaceDef<DhcpOptionsSource> {
  return (SHARED[family] ??= {
    name: family === 4 ? DHCP4_CONFIG_IFACE : DHCP6_CONFIG_IFACE,
    properties: [
      {
        name: 'Options',
        signature: 'a{sv}',
        access: 'read',
        get: (options) => Object.fromEntries(Object.entries(options()).map(([k, v]) => [k, new Variant('s', v)])),
      },
    ],
  });
}
const SHARED: Partial<Record<Family, InterfaceDef<DhcpOptionsSource>>> = {};
