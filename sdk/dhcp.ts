/**
 * DHCP client plugins (`[main] dhcp=internal|dhclient`). Core asks the chosen
 * plugin to run a client per device and family; the client speaks the
 * protocol and reports leases. Core configures addresses, routes and DNS from
 * the lease, so every client is applied the same way.
 */
import type { Family } from './platform.js';

export interface DhcpRoute {
  /** "0.0.0.0" with prefixlen 0 for a default route. */
  dest: string;
  prefixlen: number;
  gateway: string;
}

/** What a DHCP client hands core when it has a lease (new, renewed or changed). */
export interface DhcpLease {
  family: Family;
  /** IPv4: the one address (yiaddr). IPv6: every IA_NA address. */
  addresses: { address: string; prefixlen: number; validLifetime: number; preferredLifetime: number }[];
  /** IPv6 prefix delegation (IA_PD), for sharing. */
  delegatedPrefixes?: { prefix: string; prefixlen: number; validLifetime: number; preferredLifetime: number }[];
  /** IPv4 routers (option 3), in the server's order; ignored when option 121 is present (RFC 3442). */
  gateways: string[];
  /** Classless static routes (121) and, without 121, static routes (33). */
  routes: DhcpRoute[];
  nameservers: string[];
  /** Domain name (15) and search list (119 / IPv6 24), in order, without duplicates. */
  domains: string[];
  ntpServers: string[];
  mtu?: number;
  hostname?: string;
  /** The server that gave the lease. */
  serverId?: string;
  /** Seconds from when the lease was bound. */
  leaseTime?: number;
  /**
   * Every option as NetworkManager shows it in DHCP4Config/DHCP6Config
   * ("ip_address", "subnet_mask", "routers", "domain_name_servers",
   * "dhcp_lease_time", "expiry", "next_server"...): name to string value.
   */
  options: Record<string, string>;
}

/** Why a client gave up or lost its lease. */
export type DhcpFailure =
  | 'timeout' // no usable answer within the profile's dhcp-timeout
  | 'expired' // the lease ran out without a renewal
  | 'nak' // the server refused and restarting found nothing in time
  | 'start-failed' // the client could not start (missing program, socket refused)
  | 'error'; // anything else; the message says what

export interface DhcpEvents {
  /** A lease was bound, renewed or changed. The first one ends the wait. */
  onLease(lease: DhcpLease): void;
  /** The lease is gone or none came; the client stops after reporting this. */
  onFailure(reason: DhcpFailure, message: string): void;
}

/** What core asks for, from the profile and the device. */
export interface DhcpRequest {
  family: Family;
  ifindex: number;
  ifname: string;
  /** The link's current MAC, "aa:bb:..."; the chaddr and the default client-id. */
  hwaddr: string;
  /** The profile's UUID and connection.stable-id, for identifiers derived from them. */
  uuid: string;
  stableId?: string;
  /**
   * IPv4: client identifier bytes (hex "01:aa:bb:...") resolved from
   * ipv4.dhcp-client-id, or undefined to send none. IPv6: the DUID bytes (hex).
   */
  clientId?: string;
  /** IAID (32-bit) for IPv6 and for RFC 4361 IPv4 client ids. */
  iaid: number;
  /** Send option 12 / FQDN: the hostname to send, or none. */
  hostname?: string;
  /** Send the FQDN option (81 / IPv6 39) with this name instead of option 12. */
  fqdn?: string;
  vendorClass?: string;
  /** Seconds to wait for a lease before onFailure('timeout'); 0 means forever. */
  timeout: number;
  /** Servers whose offers are ignored (ipv4.dhcp-reject-servers: addresses or prefixes). */
  rejectServers: string[];
  /** An address to ask for first (INIT-REBOOT), from the stored lease or the link. */
  requestAddress?: string;
  /**
   * IPv4: milliseconds of ARP probing (RFC 5227) before a new address is
   * reported, from ipv4.dad-timeout resolved (NetworkManager's default is 0:
   * no probe); a conflict sends DECLINE and starts over. 0 or absent: none.
   */
  acdTimeout?: number;
  /** IPv6: ask for no address, only configuration (stateless DHCPv6, RA "O" flag). */
  infoOnly?: boolean;
  /** IPv6: ask for a delegated prefix (a shared connection downstream needs one). */
  prefixDelegation?: boolean;
  /** Where this client keeps its lease (a file path under the state directory). */
  leaseFile: string;
}

export interface DhcpSession {
  /** Stop, sending RELEASE when `release` is true (as NetworkManager does on a manual down with dhcp-send-release). */
  stop(release: boolean): Promise<void>;
}

export interface DhcpClientFactory {
  /** The `[main] dhcp=` name: "internal", "dhclient"... */
  readonly name: string;
  /** The families this client speaks. */
  readonly families: readonly Family[];
  /** Start a client for one link and family. Throws (naming the program or link) when it cannot start at all. */
  start(request: DhcpRequest, events: DhcpEvents): Promise<DhcpSession>;
}
