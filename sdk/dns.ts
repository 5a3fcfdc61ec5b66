/**
 * DNS plugins (`[main] dns=default|dnsmasq|systemd-resolved|none` and the
 * `script` backend). Core collects every active connection's DNS settings and
 * what DHCP and router advertisements gave, orders them as NetworkManager
 * does (dns-priority, then the connection with the default route, VPNs first
 * at equal priority), and hands the whole picture to the chosen backend. The
 * backend says what resolv.conf should list; core's rc-manager writes it.
 */
import type { Family } from './platform.js';

/** One connection's DNS configuration for one family. */
export interface DnsConfig {
  ifindex: number;
  ifname: string;
  connectionUuid: string;
  connectionId: string;
  family: Family;
  nameservers: string[];
  /** Search domains (ipv4.dns-search and DHCP/RA domains), in order. */
  searches: string[];
  /**
   * Domains whose queries go to this connection's servers (split DNS): its
   * search domains and routing-only "~domain" entries, without the "~", in
   * the profile's order (NetworkManager routes by the search list, or by the
   * DHCP domain names when there is none). "." is an explicit "~." (every
   * domain). Do not add "." for the default connection: core gives the
   * wildcard to connections with a default route itself, as NetworkManager does.
   * A domain here that is not in `searches` is routing-only.
   */
  domains: string[];
  options: string[];
  /** ipv4.dns-priority / ipv6.dns-priority after NetworkManager's defaults (50 for VPN, 100 otherwise). */
  priority: number;
  /** This connection has the best default route of its family. */
  isDefault: boolean;
  /** This connection has a default route of its family, best or not (NetworkManager gives each such one the wildcard domain); default: isDefault. */
  hasDefaultRoute?: boolean;
  isVpn: boolean;
  /** Filled by core in DnsState (ignored on input): where this config's servers are used, after NetworkManager's rules. */
  routing?: DnsRouting;
}

/** Where one config's servers are used (NetworkManager's per-config lookup domains). */
export interface DnsRouting {
  /** Its domains left after shadowing by more preferred configs (equal or lower dns-priority, negative ones hide sub-domains); "." is an explicit "~.". */
  domains: string[];
  /**
   * 'no': only the domains above; 'yes': also any other domain (it has a
   * default route, or no config has one and it is not a VPN); 'exclusive':
   * every other domain goes here only (an explicit "~.", or a negative
   * dns-priority with the default route).
   */
  defaultRoute: 'no' | 'yes' | 'exclusive';
}

/** The global DNS configuration ([global-dns] in the config file). */
export interface GlobalDns {
  searches: string[];
  options: string[];
  /** Domain ("*" for the default) to its servers and options. */
  domains: Record<string, { servers: string[]; options: string[] }>;
}

/** Everything a backend needs, already ordered. */
export interface DnsState {
  /** Most preferred first. Connections with a negative priority hide higher ones, as in NetworkManager. */
  configs: DnsConfig[];
  global?: GlobalDns;
  /** What a plain resolv.conf would list: the merged servers, searches and options. */
  nameservers: string[];
  searches: string[];
  options: string[];
  hostname?: string;
}

/** What resolv.conf should say, or "leave" to not write it at all (backend manages it, or none). */
export type ResolvConfContent = { nameservers: string[]; searches: string[]; options: string[] } | 'leave';

export interface DnsBackend {
  /** The `[main] dns=` name (or "script" for `[dns] script=`). */
  readonly name: string;
  /** Called on every change of DnsState (coalesced). Rejects with a clear message when the backend failed; core logs it and keeps the last resolv.conf. */
  update(state: DnsState): Promise<ResolvConfContent>;
  /** Release what the backend started (dnsmasq, resolved link settings). */
  stop(): Promise<void>;
}

export interface DnsBackendFactory {
  readonly name: string;
  /** Start the backend; throws naming the program when it cannot run. */
  create(): Promise<DnsBackend>;
}
