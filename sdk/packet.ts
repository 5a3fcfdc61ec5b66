/**
 * Link-level packet channels: what a DHCPv4 client, an ARP probe and
 * neighbour discovery need and Node's dgram cannot give (no
 * SO_BINDTODEVICE, no IP_PKTINFO, no packet sockets). The Linux platform
 * provides them through a small helper process; the fake platform through
 * an in-memory wire for unit tests.
 */

/**
 * What a channel carries:
 * - `dhcp4`: UDP to port 68 on one link, as DHCP payloads (the provider
 *   writes and checks the IPv4 and UDP headers). Works before the link has
 *   an address.
 * - `arp`: ARP packets (the 28-byte ARP message, no Ethernet header).
 * - `icmp6-nd`: ICMPv6 router/neighbour discovery messages on one link,
 *   sent and received with hop limit 255 (others are dropped, RFC 4861).
 */
export type PacketProtocol = 'dhcp4' | 'arp' | 'icmp6-nd';

export interface ReceivedPacket {
  /** The payload (see PacketProtocol for what it holds). */
  data: Uint8Array;
  /** The sender's link-layer address, "aa:bb:cc:dd:ee:ff"; absent for icmp6-nd. */
  fromLladdr?: string;
  /** The sender's IP address (dhcp4: IPv4 source; icmp6-nd: IPv6 source); absent for arp. */
  fromAddress?: string;
  /** dhcp4: the IPv4 destination the packet was sent to (broadcast or ours). */
  toAddress?: string;
}

export interface PacketDestination {
  /** Link-layer destination; default broadcast (dhcp4, arp). Unused for icmp6-nd. */
  lladdr?: string;
  /** dhcp4: IPv4 destination (default 255.255.255.255); icmp6-nd: IPv6 destination (e.g. "ff02::2"). */
  address?: string;
  /** dhcp4: IPv4 source (default 0.0.0.0). */
  source?: string;
}

export interface PacketChannel {
  readonly ifindex: number;
  readonly protocol: PacketProtocol;
  /** Send one payload. Rejects with a PlatformError naming the link when the kernel refuses. */
  send(data: Uint8Array, to?: PacketDestination): Promise<void>;
  /** Stop receiving and release the socket. Idempotent. */
  close(): void;
}

export interface PacketIo {
  /**
   * Open a channel on a link; `onPacket` is called for every packet received
   * until close(). Rejects naming the link when it cannot be opened (no such
   * link, no permission, the helper is missing).
   */
  open(ifindex: number, protocol: PacketProtocol, onPacket: (packet: ReceivedPacket) => void): Promise<PacketChannel>;
}
