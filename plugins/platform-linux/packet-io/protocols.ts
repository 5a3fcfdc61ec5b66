/**
 * One row per channel protocol: its code on the wire to the helper, what a
 * send's destination and payload become there, and what a received packet
 * becomes for the channel's user (undefined: dropped).
 */
import type { PacketDestination, PacketProtocol, ReceivedPacket } from '../../../sdk/index.js';
import { formatHex, formatIPv4, formatIPv6, InvalidValue, parseIpOf, parseMac } from '../ip-text.js';
import { buildIpv4Udp, parseIpv4Udp } from './ipv4-udp.js';

export const DHCP_CLIENT_PORT = 68;
export const DHCP_SERVER_PORT = 67;

export interface ProtocolRow {
  code: number;
  /** The destination bytes of a SEND (link-layer address, empty for broadcast; or an IPv6 address). */
  destination(to: PacketDestination | undefined): Uint8Array;
  /** What the helper sends for this payload. */
  wrap(data: Uint8Array, to: PacketDestination | undefined): Uint8Array;
  /** What the user receives; undefined drops the packet. */
  unwrap(source: Uint8Array, data: Uint8Array, checksumNotReady: boolean): ReceivedPacket | undefined;
}

const NO_ADDRESS = new Uint8Array(0);

function lladdrOf(to: PacketDestination | undefined): Uint8Array {
  return to?.lladdr === undefined ? NO_ADDRESS : parseMac(to.lladdr, 'link-layer destination');
}

export const PROTOCOLS: Record<PacketProtocol, ProtocolRow> = {
  dhcp4: {
    code: 1,
    destination: lladdrOf,
    wrap: (data, to) =>
      buildIpv4Udp({
        source: parseIpOf(4, to?.source ?? '0.0.0.0', 'IPv4 source'),
        destination: parseIpOf(4, to?.address ?? '255.255.255.255', 'IPv4 destination'),
        sourcePort: DHCP_CLIENT_PORT,
        destinationPort: DHCP_SERVER_PORT,
        payload: data,
      }),
    unwrap: (source, data, checksumNotReady) => {
      const d = parseIpv4Udp(data, checksumNotReady);
      // The helper's filter passed port 68 already; this is the check that counts.
      if (!d || d.destinationPort !== DHCP_CLIENT_PORT) return undefined;
      return {
        data: d.payload,
        fromLladdr: formatHex(source, 0, source.length),
        fromAddress: formatIPv4(d.source, 0),
        toAddress: formatIPv4(d.destination, 0),
      };
    },
  },
  arp: {
    code: 2,
    destination: lladdrOf,
    wrap: (data) => data,
    unwrap: (source, data) => ({ data, fromLladdr: formatHex(source, 0, source.length) }),
  },
  'icmp6-nd': {
    code: 3,
    destination: (to) => {
      if (to?.address === undefined) throw new InvalidValue('icmp6-nd: a destination IPv6 address is needed (e.g. ff02::2)');
      return parseIpOf(6, to.address, 'IPv6 destination');
    },
    wrap: (data) => data,
    unwrap: (source, data) => (source.length === 16 ? { data, fromAddress: formatIPv6(source, 0) } : undefined),
  },
};
