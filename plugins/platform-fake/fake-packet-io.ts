/**
 * An in-memory PacketIo for unit tests (DHCP clients, ARP probes, neighbour
 * discovery) with no kernel and no helper process.
 *
 * - sent / sentOn(ifindex, protocol): every send, in order;
 *   nextSent(ifindex, protocol) waits for the next one (no timers);
 * - inject(ifindex, protocol, packet): a packet arrives on that link's
 *   channels of that protocol;
 * - connect(ifindex, peer, peerIfindex): a wire between a link here and a
 *   link of another fake. What one end sends reaches the other end's
 *   channels of the same protocol, with the sender's lladdr (and, for
 *   dhcp4, the IPv4 source and destination of the send; for icmp6-nd the
 *   sender's link-local address) filled in. Ports are not modelled: a dhcp4
 *   send arrives as it was sent, so a test's server sees its client's
 *   messages and answers through the same kind of channel. A send to a
 *   unicast lladdr that is not the far end's is dropped, as on a wire;
 * - failOpen / failSend(ifindex, protocol, errno): opens or sends on that
 *   link reject with PlatformError(errno) until cleared (errno 0).
 * Packets are delivered one microtask after the send (fake timers do not
 * hold them up), never during it.
 */
import { Errno, type PacketChannel, type PacketDestination, type PacketIo, type PacketProtocol, type ReceivedPacket } from '../../sdk/index.js';
import ipaddr from 'ipaddr.js';
import { fail } from './fake-values.js';

export interface FakeSentPacket {
  ifindex: number;
  protocol: PacketProtocol;
  data: Uint8Array;
  to?: PacketDestination;
}

/** One end of a wire: the link here, its addresses, and where its packets go. */
interface WireEnd {
  lladdr: string;
  linkLocal: string;
  peer: FakePacketIo;
  peerIfindex: number;
}

type Key = `${number}/${PacketProtocol}`;
const key = (ifindex: number, protocol: PacketProtocol): Key => `${ifindex}/${protocol}`;
const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const EBADF = 9;

export interface FakeChannel extends PacketChannel {
  readonly closed: boolean;
}

export class FakePacketIo implements PacketIo {
  /** Every send on every channel, in order. */
  readonly sent: FakeSentPacket[] = [];
  private channels = new Map<Key, Set<{ ch: FakeChannel; onPacket: (p: ReceivedPacket) => void }>>();
  private wires = new Map<number, WireEnd>();
  private openErrors = new Map<Key, number>();
  private sendErrors = new Map<Key, number>();
  private sendWaiters = new Map<Key, Array<(p: FakeSentPacket) => void>>();

  async open(ifindex: number, protocol: PacketProtocol, onPacket: (packet: ReceivedPacket) => void): Promise<PacketChannel> {
    const k = key(ifindex, protocol);
    const errno = this.openErrors.get(k);
    if (errno !== undefined) throw fail(errno, `open ${protocol} channel on ifindex ${ifindex}`);
    const set = this.channels.get(k) ?? new Set();
    this.channels.set(k, set);
    let closed = false;
    const entry = {
      onPacket,
      ch: {
        ifindex,
        protocol,
        get closed() {
          return closed;
        },
        send: (data: Uint8Array, to?: PacketDestination) => {
          if (closed) return Promise.reject(fail(EBADF, `send on ${protocol} channel on ifindex ${ifindex}`, 'the channel is closed'));
          return this.send(ifindex, protocol, data, to);
        },
        close: () => {
          closed = true;
          set.delete(entry);
        },
      },
    };
    set.add(entry);
    return entry.ch;
  }

  /** The sends on one link and protocol, in order. */
  sentOn(ifindex: number, protocol: PacketProtocol): FakeSentPacket[] {
    return this.sent.filter((p) => p.ifindex === ifindex && p.protocol === protocol);
  }

  /** Resolves with the next send on that link and protocol (one made after this call). */
  nextSent(ifindex: number, protocol: PacketProtocol): Promise<FakeSentPacket> {
    const k = key(ifindex, protocol);
    return new Promise((resolve) => {
      const list = this.sendWaiters.get(k) ?? [];
      list.push(resolve);
      this.sendWaiters.set(k, list);
    });
  }

  /** The channels open on a link (and protocol). */
  openChannels(ifindex: number, protocol?: PacketProtocol): FakeChannel[] {
    const protocols: PacketProtocol[] = protocol ? [protocol] : ['dhcp4', 'arp', 'icmp6-nd'];
    return protocols.flatMap((p) => [...(this.channels.get(key(ifindex, p)) ?? [])].map((e) => e.ch));
  }

  /** A packet arrives on a link: every open channel of that protocol gets it (next microtask). Returns how many will. */
  inject(ifindex: number, protocol: PacketProtocol, packet: ReceivedPacket): number {
    const receivers = [...(this.channels.get(key(ifindex, protocol)) ?? [])];
    queueMicrotask(() => {
      for (const r of receivers) if (!r.ch.closed) r.onPacket({ ...packet, data: Uint8Array.from(packet.data) });
    });
    return receivers.length;
  }

  /** A wire from `ifindex` here to `peerIfindex` on `peer` (both directions). */
  connect(ifindex: number, peer: FakePacketIo, peerIfindex: number, addrs: { lladdr?: string; peerLladdr?: string } = {}): void {
    const lladdr = addrs.lladdr ?? fakeLladdr(ifindex, 1);
    const peerLladdr = addrs.peerLladdr ?? fakeLladdr(peerIfindex, 2);
    this.wires.set(ifindex, { lladdr, linkLocal: linkLocalOf(lladdr), peer, peerIfindex });
    peer.wires.set(peerIfindex, { lladdr: peerLladdr, linkLocal: linkLocalOf(peerLladdr), peer: this, peerIfindex: ifindex });
  }

  /** The link-layer address this side of a wire has (what the far end sees as fromLladdr). */
  lladdrOf(ifindex: number): string | undefined {
    return this.wires.get(ifindex)?.lladdr;
  }

  /** Opens on that link and protocol fail with errno (0: they work again). */
  failOpen(ifindex: number, protocol: PacketProtocol, errno: number = Errno.ENODEV): void {
    if (errno === 0) this.openErrors.delete(key(ifindex, protocol));
    else this.openErrors.set(key(ifindex, protocol), errno);
  }

  /** Sends on that link and protocol fail with errno (0: they work again). */
  failSend(ifindex: number, protocol: PacketProtocol, errno: number = Errno.ENETUNREACH): void {
    if (errno === 0) this.sendErrors.delete(key(ifindex, protocol));
    else this.sendErrors.set(key(ifindex, protocol), errno);
  }

  private async send(ifindex: number, protocol: PacketProtocol, data: Uint8Array, to?: PacketDestination): Promise<void> {
    const k = key(ifindex, protocol);
    const errno = this.sendErrors.get(k);
    if (errno !== undefined) throw fail(errno, `send on ${protocol} channel on ifindex ${ifindex}`);
    if (protocol === 'icmp6-nd' && !to?.address) throw fail(Errno.EINVAL, `send on icmp6-nd channel on ifindex ${ifindex}`, 'a destination IPv6 address is needed');
    const packet: FakeSentPacket = { ifindex, protocol, data: Uint8Array.from(data), ...(to ? { to: { ...to } } : {}) };
    this.sent.push(packet);
    for (const w of this.sendWaiters.get(k)?.splice(0) ?? []) w(packet);
    const wire = this.wires.get(ifindex);
    if (!wire) return;
    const dest = to?.lladdr?.toLowerCase();
    const far = wire.peer.wires.get(wire.peerIfindex);
    if (protocol !== 'icmp6-nd' && dest && dest !== BROADCAST && dest !== far?.lladdr) return;
    wire.peer.inject(wire.peerIfindex, protocol, received(protocol, data, wire, to));
  }
}

/** What the far end of a wire receives for one send. */
function received(protocol: PacketProtocol, data: Uint8Array, from: WireEnd, to?: PacketDestination): ReceivedPacket {
  if (protocol === 'dhcp4') {
    return { data, fromLladdr: from.lladdr, fromAddress: to?.source ?? '0.0.0.0', toAddress: to?.address ?? '255.255.255.255' };
  }
  if (protocol === 'arp') return { data, fromLladdr: from.lladdr };
  return { data, fromAddress: from.linkLocal };
}

function fakeLladdr(ifindex: number, side: number): string {
  const hex = (n: number) => (n & 0xff).toString(16).padStart(2, '0');
  return `02:00:00:${hex(side)}:${hex(ifindex >> 8)}:${hex(ifindex)}`;
}

/** fe80:: with the EUI-64 of the lladdr (as the kernel forms it): plausible sources for RAs. */
function linkLocalOf(lladdr: string): string {
  const b = lladdr.split(':').map((x) => parseInt(x, 16));
  if (b.length !== 6) return 'fe80::1';
  const bytes = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, b[0]! ^ 2, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  return ipaddr.fromByteArray(bytes).toString();
}
