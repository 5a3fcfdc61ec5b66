/**
 * NetworkManager's public numbering (nm-dbus-interface.h). nmk reports device
 * types, states and reasons with exactly these values so that libnm and nmcli
 * read them unchanged.
 */

export const NMVersion = '1.42.4';

/** NMState: the manager's overall state. */
export const NMState = {
  UNKNOWN: 0,
  ASLEEP: 10,
  DISCONNECTED: 20,
  DISCONNECTING: 30,
  CONNECTING: 40,
  CONNECTED_LOCAL: 50,
  CONNECTED_SITE: 60,
  CONNECTED_GLOBAL: 70,
} as const;

export const NMConnectivity = { UNKNOWN: 0, NONE: 1, PORTAL: 2, LIMITED: 3, FULL: 4 } as const;

export const NMMetered = { UNKNOWN: 0, YES: 1, NO: 2, GUESS_YES: 3, GUESS_NO: 4 } as const;

/** NMDeviceType. */
export const NMDeviceType = {
  UNKNOWN: 0,
  ETHERNET: 1,
  WIFI: 2,
  BT: 5,
  OLPC_MESH: 6,
  WIMAX: 7,
  MODEM: 8,
  INFINIBAND: 9,
  BOND: 10,
  VLAN: 11,
  ADSL: 12,
  BRIDGE: 13,
  GENERIC: 14,
  TEAM: 15,
  TUN: 16,
  IP_TUNNEL: 17,
  MACVLAN: 18,
  VXLAN: 19,
  VETH: 20,
  MACSEC: 21,
  DUMMY: 22,
  PPP: 23,
  OVS_INTERFACE: 24,
  OVS_PORT: 25,
  OVS_BRIDGE: 26,
  WPAN: 27,
  SIXLOWPAN: 28,
  WIREGUARD: 29,
  WIFI_P2P: 30,
  VRF: 31,
  LOOPBACK: 32,
  HSR: 33,
  IPVLAN: 34,
} as const;

/** NMDeviceCapabilities flags. */
export const NMDeviceCap = { NONE: 0, NM_SUPPORTED: 1, CARRIER_DETECT: 2, IS_SOFTWARE: 4, SRIOV: 8 } as const;

/** NMDeviceState. */
export const NMDeviceState = {
  UNKNOWN: 0,
  UNMANAGED: 10,
  UNAVAILABLE: 20,
  DISCONNECTED: 30,
  PREPARE: 40,
  CONFIG: 50,
  NEED_AUTH: 60,
  IP_CONFIG: 70,
  IP_CHECK: 80,
  SECONDARIES: 90,
  ACTIVATED: 100,
  DEACTIVATING: 110,
  FAILED: 120,
} as const;
export type NMDeviceStateValue = (typeof NMDeviceState)[keyof typeof NMDeviceState];

/** NMDeviceStateReason (the subset nmk reports; numbering is NetworkManager's). */
export const NMDeviceStateReason = {
  NONE: 0,
  UNKNOWN: 1,
  NOW_MANAGED: 2,
  NOW_UNMANAGED: 3,
  CONFIG_FAILED: 4,
  IP_CONFIG_UNAVAILABLE: 5,
  IP_CONFIG_EXPIRED: 6,
  NO_SECRETS: 7,
  DHCP_START_FAILED: 15,
  DHCP_ERROR: 16,
  DHCP_FAILED: 17,
  FIRMWARE_MISSING: 35,
  REMOVED: 36,
  SLEEPING: 37,
  CONNECTION_REMOVED: 38,
  USER_REQUESTED: 39,
  CARRIER: 40,
  CONNECTION_ASSUMED: 41,
  DEPENDENCY_FAILED: 50,
  NEW_ACTIVATION: 60,
  PARENT_CHANGED: 61,
  PARENT_MANAGED_CHANGED: 62,
  IP_ADDRESS_DUPLICATE: 64,
  IP_METHOD_UNSUPPORTED: 65,
  PEER_NOT_FOUND: 67,
  DEVICE_HANDLER_FAILED: 68,
  UNMANAGED_BY_DEFAULT: 69,
  UNMANAGED_EXTERNAL_DOWN: 70,
  UNMANAGED_LINK_NOT_INIT: 71,
  UNMANAGED_QUITTING: 72,
  UNMANAGED_USER_CONF: 74,
  UNMANAGED_USER_EXPLICIT: 75,
  UNMANAGED_USER_SETTINGS: 76,
  NETWORKING_OFF: 78,
} as const;
export type NMDeviceStateReasonValue = (typeof NMDeviceStateReason)[keyof typeof NMDeviceStateReason];

/** NMActiveConnectionState. */
export const NMActiveConnectionState = { UNKNOWN: 0, ACTIVATING: 1, ACTIVATED: 2, DEACTIVATING: 3, DEACTIVATED: 4 } as const;

/** NMActiveConnectionStateReason. */
export const NMActiveConnectionStateReason = {
  UNKNOWN: 0,
  NONE: 1,
  USER_DISCONNECTED: 2,
  DEVICE_DISCONNECTED: 3,
  SERVICE_STOPPED: 4,
  IP_CONFIG_INVALID: 5,
  CONNECT_TIMEOUT: 6,
  SERVICE_START_TIMEOUT: 7,
  SERVICE_START_FAILED: 8,
  NO_SECRETS: 9,
  LOGIN_FAILED: 10,
  CONNECTION_REMOVED: 11,
  DEPENDENCY_FAILED: 12,
  DEVICE_REALIZE_FAILED: 13,
  DEVICE_REMOVED: 14,
} as const;

/** NMActivationStateFlags. */
export const NMActivationStateFlags = {
  NONE: 0,
  IS_CONTROLLER: 0x1,
  IS_PORT: 0x2,
  LAYER2_READY: 0x4,
  IP4_READY: 0x8,
  IP6_READY: 0x10,
  CONTROLLER_HAS_PORTS: 0x20,
  LIFETIME_BOUND_TO_PROFILE_VISIBILITY: 0x40,
  EXTERNAL: 0x80,
} as const;
