/**
 * DHCPv4 option codes, message types and the rows that say what the client
 * requests and how NetworkManager names each option in DHCP4Config
 * (src/core/dhcp/nm-dhcp-options.c, 1.42).
 */

export const Opt = {
  PAD: 0,
  SUBNET_MASK: 1,
  TIME_OFFSET: 2,
  ROUTER: 3,
  DOMAIN_NAME_SERVER: 6,
  HOST_NAME: 12,
  DOMAIN_NAME: 15,
  ROOT_PATH: 17,
  INTERFACE_MTU: 26,
  BROADCAST: 28,
  STATIC_ROUTE: 33,
  NIS_DOMAIN: 40,
  NIS_SERVERS: 41,
  NTP_SERVER: 42,
  VENDOR_SPECIFIC: 43,
  NETBIOS_NAMESERVER: 44,
  REQUESTED_IP: 50,
  LEASE_TIME: 51,
  OVERLOAD: 52,
  MESSAGE_TYPE: 53,
  SERVER_ID: 54,
  PARAMETER_REQUEST_LIST: 55,
  ERROR_MESSAGE: 56,
  MAX_MESSAGE_SIZE: 57,
  RENEWAL_T1: 58,
  REBINDING_T2: 59,
  VENDOR_CLASS: 60,
  CLIENT_ID: 61,
  BOOTFILE_NAME: 67,
  CLIENT_FQDN: 81,
  DOMAIN_SEARCH: 119,
  CLASSLESS_STATIC_ROUTE: 121,
  MS_CLASSLESS_STATIC_ROUTE: 249,
  WPAD: 252,
  END: 255,
} as const;

export const MessageType = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;

export const MESSAGE_TYPE_NAMES: Record<number, string> = {
  1: 'DISCOVER',
  2: 'OFFER',
  3: 'REQUEST',
  4: 'DECLINE',
  5: 'ACK',
  6: 'NAK',
  7: 'RELEASE',
  8: 'INFORM',
};

/**
 * The parameter request list exactly as NetworkManager's internal client sends
 * it: the `include` rows of _nm_dhcp_option_dhcp4_options in table order
 * (121 before 3 and 33, as RFC 3442 asks).
 */
export const PARAMETER_REQUEST_LIST: readonly number[] = [1, 2, 6, 12, 15, 26, 28, 121, 3, 33, 40, 41, 42, 119, 249, 252, 17];

/** NetworkManager's DHCP4Config name of each option the lease parser reports. */
export const OPTION_NAMES: Record<number, string> = {
  1: 'subnet_mask',
  2: 'time_offset',
  3: 'routers',
  6: 'domain_name_servers',
  12: 'host_name',
  15: 'domain_name',
  17: 'root_path',
  26: 'interface_mtu',
  28: 'broadcast_address',
  33: 'static_routes',
  40: 'nis_domain',
  41: 'nis_servers',
  42: 'ntp_servers',
  44: 'netbios_name_servers',
  51: 'dhcp_lease_time',
  54: 'dhcp_server_identifier',
  61: 'dhcp_client_identifier',
  67: 'bootfile_name',
  119: 'domain_search',
  121: 'rfc3442_classless_static_routes',
  249: 'ms_classless_static_routes',
  252: 'wpad',
};

export function optionName(code: number): string {
  return OPTION_NAMES[code] ?? (code >= 224 && code <= 254 ? `private_${code}` : `option_${code}`);
}

/** Server and client UDP ports. */
export const SERVER_PORT = 67;
export const CLIENT_PORT = 68;

/** The smallest datagram every IPv4 host must accept (RFC 791); what we announce in option 57, as n-dhcp4 does on its packet socket. */
export const MIN_IP_DATAGRAM = 576;
/** IPv4 (20) + UDP (8) headers. */
export const IP_UDP_HEADERS = 28;
