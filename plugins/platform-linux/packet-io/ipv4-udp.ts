/**
 * IPv4 and UDP headers around a DHCP message. The dhcp4 channel's packet
 * socket carries whole IPv4 packets (the kernel adds only the Ethernet
 * header), so we write and check these headers ourselves, as n-dhcp4 and
 * systemd's client do on their packet sockets.
 */

const IPV4_HEADER = 20;
const UDP_HEADER = 8;
const PROTO_UDP = 17;
/** DSCP class selector 6 (network control), TTL 64 and don't-fragment, as NetworkManager's DHCP client sends. */
const TOS_CS6 = 0xc0;
const TTL = 64;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAGMENT_OFFSET = 0x1fff;

export interface UdpDatagram {
  source: Uint8Array;
  destination: Uint8Array;
  sourcePort: number;
  destinationPort: number;
  payload: Uint8Array;
}

/** The ones' complement sum of `data` added to `sum`, not yet folded or inverted. */
function sum16(data: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (i < end) sum += data[i]! << 8; // an odd last byte is padded with zero
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The Internet checksum (RFC 1071) of data[start, end). */
export function internetChecksum(data: Uint8Array, start = 0, end = data.length): number {
  return ~fold(sum16(data, start, end)) & 0xffff;
}

/** The UDP checksum over the pseudo-header and the datagram at data[udpStart, udpEnd). */
function udpChecksum(src: Uint8Array, dst: Uint8Array, data: Uint8Array, udpStart: number, udpEnd: number): number {
  let sum = sum16(src, 0, 4) + sum16(dst, 0, 4) + PROTO_UDP + (udpEnd - udpStart);
  sum = sum16(data, udpStart, udpEnd, sum);
  return ~fold(sum) & 0xffff;
}

/** A whole IPv4 packet holding one UDP datagram, both checksums filled in. */
export function buildIpv4Udp(d: UdpDatagram): Uint8Array {
  const total = IPV4_HEADER + UDP_HEADER + d.payload.length;
  if (total > 0xffff) throw new RangeError(`a UDP payload of ${d.payload.length} bytes does not fit in an IPv4 packet`);
  const p = new Uint8Array(total);
  const v = new DataView(p.buffer);
  p[0] = 0x45; // version 4, 5 words of header
  p[1] = TOS_CS6;
  v.setUint16(2, total);
  v.setUint16(6, FLAG_DF);
  p[8] = TTL;
  p[9] = PROTO_UDP;
  p.set(d.source, 12);
  p.set(d.destination, 16);
  v.setUint16(10, internetChecksum(p, 0, IPV4_HEADER));
  v.setUint16(20, d.sourcePort);
  v.setUint16(22, d.destinationPort);
  v.setUint16(24, UDP_HEADER + d.payload.length);
  p.set(d.payload, IPV4_HEADER + UDP_HEADER);
  // 0 means "no checksum" in UDP over IPv4; a sum that comes out 0 is sent as 0xffff (RFC 768).
  v.setUint16(26, udpChecksum(d.source, d.destination, p, IPV4_HEADER, total) || 0xffff);
  return p;
}

/**
 * The UDP datagram in an IPv4 packet, or undefined for anything a DHCP
 * client must drop: not IPv4/UDP, a fragment, lengths that do not add up,
 * a wrong header checksum, or a wrong UDP checksum (checked when not 0,
 * and unless `checksumNotReady`: a packet from a link with checksum offload,
 * e.g. veth, whose UDP checksum the sender's kernel never filled in).
 * Link-layer padding after the IPv4 total length is ignored.
 */
export function parseIpv4Udp(p: Uint8Array, checksumNotReady = false): UdpDatagram | undefined {
  if (p.length < IPV4_HEADER + UDP_HEADER || p[0]! >> 4 !== 4) return undefined;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const ihl = (p[0]! & 0x0f) * 4;
  const total = v.getUint16(2);
  if (ihl < IPV4_HEADER || total < ihl + UDP_HEADER || total > p.length) return undefined;
  if (p[9] !== PROTO_UDP) return undefined;
  if (v.getUint16(6) & (FLAG_MF | FRAGMENT_OFFSET)) return undefined;
  if (internetChecksum(p, 0, ihl) !== 0) return undefined;
  const udpLen = v.getUint16(ihl + 4);
  if (udpLen < UDP_HEADER || ihl + udpLen > total) return undefined;
  const source = p.slice(12, 16);
  const destination = p.slice(16, 20);
  if (!checksumNotReady && v.getUint16(ihl + 6) !== 0 && udpChecksum(source, destination, p, ihl, ihl + udpLen) !== 0) return undefined;
  return {
    source,
    destination,
    sourcePort: v.getUint16(ihl),
    destinationPort: v.getUint16(ihl + 2),
    payload: p.slice(ihl + UDP_HEADER, ihl + udpLen),
  };
}
