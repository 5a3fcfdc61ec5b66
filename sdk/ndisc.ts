/**
 * IPv6 neighbour discovery for hosts: router solicitations out, router
 * advertisements in (RFC 4861), SLAAC addresses made from their prefixes
 * (RFC 4862; eui64 or RFC 7217 stable-privacy as NetworkManager makes them).
 * The plugin keeps what the routers said, expires it by its lifetimes and
 * reports the whole current picture on every change; core configures it.
 */

export type RouterPreference = 'low' | 'medium' | 'high';

export interface NdiscConfig {
  /** Default routers: their link-local address, lifetime (seconds) and preference. */
  routers: { address: string; lifetime: number; preference: RouterPreference }[];
  /** SLAAC addresses (autonomous prefixes of length 64), with lifetimes in seconds. */
  addresses: { address: string; prefixlen: number; validLifetime: number; preferredLifetime: number }[];
  /** On-link prefixes (the L flag): a route to each, without gateway. */
  onLinkPrefixes: { prefix: string; prefixlen: number; validLifetime: number }[];
  /** Route information options (RFC 4191). */
  routes: { dest: string; prefixlen: number; gateway: string; lifetime: number; preference: RouterPreference }[];
  /** RDNSS (RFC 8106). */
  nameservers: { address: string; lifetime: number }[];
  /** DNSSL (RFC 8106). */
  domains: { domain: string; lifetime: number }[];
  mtu?: number;
  hopLimit?: number;
  /** The advertised reachable time (ms) for neighbour unreachability detection, when a router set one. */
  reachableTimeMs?: number;
  /** The advertised retransmission timer (ms) between neighbour solicitations, when a router set one. */
  retransTimerMs?: number;
  /** The M flag: addresses from DHCPv6. */
  managed: boolean;
  /** The O flag: other configuration (DNS) from DHCPv6. */
  otherConfig: boolean;
}

export interface NdiscRequest {
  ifindex: number;
  ifname: string;
  /** The link's MAC, for eui64 interface identifiers. */
  hwaddr: string;
  /** ipv6.addr-gen-mode: "eui64" or "stable-privacy" (NetworkManager's default). */
  addrGenMode: 'eui64' | 'stable-privacy';
  /** The stable id used by stable-privacy (connection.stable-id resolved, else the profile's UUID). */
  stableId: string;
  /**
   * How stableId was made, as NetworkManager's stable types: "uuid" (no
   * connection.stable-id: the profile's UUID), "stable-id" (a literal
   * stable-id), "generated" (one with ${...} substitutions), "random"
   * (${RANDOM}). NetworkManager hashes the type too, except for "uuid".
   * Default "uuid".
   */
  stableType?: 'uuid' | 'stable-id' | 'generated' | 'random';
  /** the host's secret key as NetworkManager derives it (core/ip/host-identity.ts) */
  secretKey: Uint8Array;
  /** ipv6.token: a fixed interface identifier ("::1:2"), overriding addr-gen-mode for SLAAC. */
  token?: string;
  /** Seconds to wait for a first advertisement (ipv6.ra-timeout resolved); 0 means forever. */
  timeout: number;
}

export interface NdiscEvents {
  /** The current configuration, on the first advertisement and on every change or expiry. */
  onConfig(config: NdiscConfig): void;
  /** No advertisement came within the timeout (the session keeps listening). */
  onTimeout(): void;
}

export interface NdiscSession {
  stop(): void;
}

export interface Ndisc {
  start(request: NdiscRequest, events: NdiscEvents): Promise<NdiscSession>;
}
