/**
 * Connection sharing (`ipv4.method shared`, `ipv6.method shared`): once core
 * has put the router's address on the link, a sharing plugin serves the
 * clients: DHCPv4 and DNS, router advertisements for the IPv6 prefix,
 * forwarding and NAT. Everything it starts or adds, stop() removes.
 */

export interface SharingRequest {
  ifindex: number;
  ifname: string;
  /** The profile, to name what is added (nftables table, pid and lease files). */
  uuid: string;
  /** IPv4: the router's address on the link and the range handed to clients. */
  ipv4?: { address: string; prefixlen: number; rangeStart: string; rangeEnd: string; leaseTime: number };
  /** IPv6: the /64 advertised to clients (delegated from upstream, or a ULA), with the router's address in it. */
  ipv6?: { prefix: string; prefixlen: number; address: string };
}

export interface SharingSession {
  stop(): Promise<void>;
}

export interface SharingProvider {
  /** Throws naming the missing program or the refused kernel call. */
  start(request: SharingRequest): Promise<SharingSession>;
}
