/**
 * The "connection" setting: identity, type, autoconnect and port relations.
 * Facts from NetworkManager 1.42 (nm-setting-connection.c).
 */
import { defineSetting, INT32_MAX, INT32_MIN, UINT32_MAX, UINT64_SAFE_MAX } from '../schema.js';

/** connection.slave-type values and the port setting each one uses (if any). */
export const PORT_TYPES: Readonly<Record<string, string | undefined>> = {
  bond: 'bond-port',
  bridge: 'bridge-port',
  team: 'team-port',
  'ovs-bridge': 'ovs-port',
  'ovs-port': 'ovs-interface',
  vrf: undefined,
};

/** NMMptcpFlags bits. */
export const MPTCP_FLAGS = {
  DISABLED: 0x1,
  ENABLED: 0x2,
  ALSO_WITHOUT_SYSCTL: 0x4,
  ALSO_WITHOUT_DEFAULT_ROUTE: 0x8,
  SIGNAL: 0x10,
  SUBFLOW: 0x20,
  BACKUP: 0x40,
  FULLMESH: 0x80,
} as const;

export const connectionSetting = defineSetting({
  name: 'connection',
  description: 'General properties of a connection profile.',
  properties: [
    { name: 'auth-retries', type: 'int32', default: -1, min: -1, max: INT32_MAX, description: 'Authentication retries before failing; -1 uses the global default, 0 retries forever.' },
    { name: 'autoconnect', type: 'boolean', default: true, description: 'Activate the profile automatically when its device is available.' },
    { name: 'autoconnect-priority', type: 'int32', default: 0, min: -999, max: 999, description: 'Higher wins when several profiles could autoconnect on one device.' },
    { name: 'autoconnect-retries', type: 'int32', default: -1, min: -1, max: INT32_MAX, description: 'Autoconnect attempts before giving up; -1 global default, 0 forever.' },
    { name: 'autoconnect-slaves', type: 'int32', default: -1, values: [-1, 0, 1], description: 'Whether activating this controller also activates its ports (-1 default).' },
    { name: 'dns-over-tls', type: 'int32', default: -1, values: [-1, 0, 1, 2], description: 'DNS over TLS: -1 default, 0 no, 1 opportunistic, 2 yes.' },
    { name: 'gateway-ping-timeout', type: 'uint32', default: 0, min: 0, max: 600, description: 'Seconds to wait for the gateway to answer a ping before the connection counts as up; 0 disables.' },
    { name: 'id', type: 'string', description: 'Human-readable name of the profile.' },
    { name: 'interface-name', type: 'string', description: 'The interface this profile is bound to (and the name of a virtual device it creates).' },
    { name: 'lldp', type: 'int32', default: -1, min: INT32_MIN, max: INT32_MAX, description: 'LLDP reception: -1 default, 0 off, 1 receive.' },
    { name: 'llmnr', type: 'int32', default: -1, values: [-1, 0, 1, 2], description: 'LLMNR: -1 default, 0 no, 1 resolve only, 2 resolve and register.' },
    { name: 'master', type: 'string', description: 'Controller of this port: its interface name or profile UUID.' },
    { name: 'mdns', type: 'int32', default: -1, values: [-1, 0, 1, 2], description: 'mDNS: -1 default, 0 no, 1 resolve only, 2 resolve and register.' },
    { name: 'metered', type: 'int32', default: 0, values: [0, 1, 2], description: 'Metered: 0 unknown (guess), 1 yes, 2 no.' },
    { name: 'mptcp-flags', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Multipath TCP flags (NMMptcpFlags); 0 uses the global default.' },
    { name: 'mud-url', type: 'string', description: 'Manufacturer Usage Description URL sent over DHCP, or "none".' },
    { name: 'multi-connect', type: 'int32', default: 0, values: [0, 1, 2, 3], description: 'How many devices may activate the profile at once: 0 default, 1 single, 2 manual multiple, 3 multiple.' },
    { name: 'permissions', type: 'strings', description: 'Users allowed to activate the profile, as "user:NAME:"; empty means everyone.' },
    { name: 'read-only', type: 'boolean', default: false, description: 'Deprecated and ignored: profiles are not read-only.' },
    { name: 'secondaries', type: 'strings', description: 'UUIDs of VPN profiles activated together with this one.' },
    { name: 'slave-type', type: 'string', values: Object.keys(PORT_TYPES), description: 'Type of the controller of this port (bond, bridge, team...).' },
    { name: 'stable-id', type: 'string', description: 'Seed for stable MAC addresses and IPv6 stable-privacy addresses.' },
    { name: 'timestamp', type: 'uint64', default: 0, min: 0, max: UINT64_SAFE_MAX, description: 'Seconds since the epoch when the profile last activated successfully.' },
    { name: 'type', type: 'string', description: 'Base type of the profile: the name of its main setting (802-3-ethernet, bond...).' },
    { name: 'uuid', type: 'string', description: 'Universally unique identifier of the profile, lower case.' },
    { name: 'wait-activation-delay', type: 'int32', default: -1, min: -1, max: INT32_MAX, description: 'Milliseconds to wait before the activation completes; -1 default.' },
    { name: 'wait-device-timeout', type: 'int32', default: -1, min: -1, max: INT32_MAX, description: 'Milliseconds to wait at start-up for the device to appear; -1 default.' },
    { name: 'zone', type: 'string', description: 'Firewall zone of the interface.' },
  ],
});
