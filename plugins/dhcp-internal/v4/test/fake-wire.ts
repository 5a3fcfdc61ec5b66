/**
 * Test doubles for the DHCPv4 client: an in-memory PacketIo (one broadcast
 * segment per ifindex), a scriptable DHCP server and ARP responder on it,
 * and a logger that keeps its lines. Replies are delivered on a later
 * microtask, like packets from a socket.
 */
import type { LogFields, Logger, PacketChannel, PacketDestination, PacketIo, PacketProtocol, ReceivedPacket } from '../../../../sdk/index.js';
import { BOOTREPLY, decodeMessage, encodeMessage, type Dhcp4Message } from '../codec.js';
import { bytesToHex, ip4ToBytes, macToBytes } from '../ip4.js';
import { MessageType, Opt } from '../options.js';

export interface SentPacket {
  ifindex: number;
  protocol: PacketProtocol;
  data: Uint8Array;
  to?: PacketDestination;
  /** Fake-clock ms when sent. */
  at: number;
}

type Listener = (p: SentPacket) => void;

export class FakePacketIo implements PacketIo {
  readonly sent: SentPacket[] = [];
  readonly open = async (ifindex: number, protocol: PacketProtocol, onPacket: (p: ReceivedPacket) => void): Promise<PacketChannel> => {
    if (this.refuse.has(protocol)) throw new Error(`link ${ifindex}: ${protocol} channel refused`);
    const entry = { ifindex, protocol, onPacket, closed: false };
    this.channels.add(entry);
    return {
      ifindex,
      protocol,
      send: async (data, to) => {
        if (entry.closed) throw new Error('channel closed');
        const p = { ifindex, protocol, data: Uint8Array.from(data), to, at: Date.now() };
        this.sent.push(p);
        for (const l of [...this.listeners]) l(p);
      },
      close: () => {
        entry.closed = true;
        this.channels.delete(entry);
      },
    };
  };
  readonly channels = new Set<{ ifindex: number; protocol: PacketProtocol; onPacket: (p: ReceivedPacket) => void; closed: boolean }>();
  readonly refuse = new Set<PacketProtocol>();
  private readonly listeners = new Set<Listener>();

  onSend(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Hand a packet to every open channel of that link and protocol, on a later microtask. */
  deliver(ifindex: number, protocol: PacketProtocol, packet: ReceivedPacket): void {
    queueMicrotask(() => {
      for (const c of [...this.channels]) if (c.ifindex === ifindex && c.protocol === protocol && !c.closed) c.onPacket(packet);
    });
  }

  openCount(protocol?: PacketProtocol): number {
    return [...this.channels].filter((c) => !protocol || c.protocol === protocol).length;
  }
}

/** A decoded client message and where it was sent. */
export interface ClientPacket {
  msg: Dhcp4Message;
  type: number;
  to?: PacketDestination;
  at: number;
  ifindex: number;
}

export interface ServerConfig {
  serverId: string;
  serverMac: string;
  /** The address offered to each client MAC (default: pool from .50 of the server's /24). */
  addressFor?: (mac: string) => string;
  leaseTime?: number;
  t1?: number;
  t2?: number;
  /** Extra options in OFFER and ACK (after 53, 54, 51). */
  options?: [number, Uint8Array][];
  /**
   * What to do with a client message: 'reply' (default), 'ignore', 'nak',
   * or a custom list of payloads to send back.
   */
  policy?: (p: ClientPacket) => 'reply' | 'ignore' | 'nak' | Uint8Array[];
  ifindex?: number;
}

export class FakeDhcpServer {
  readonly received: ClientPacket[] = [];
  private readonly detach: () => void;
  private next = 50;
  private readonly given = new Map<string, string>();

  constructor(
    private readonly io: FakePacketIo,
    readonly config: ServerConfig,
  ) {
    this.detach = io.onSend((p) => this.onSend(p));
  }

  stop(): void {
    this.detach();
  }

  ofType(type: number): ClientPacket[] {
    return this.received.filter((r) => r.type === type);
  }

  addressFor(mac: string): string {
    if (this.config.addressFor) return this.config.addressFor(mac);
    let a = this.given.get(mac);
    if (!a) {
      a = this.config.serverId.split('.').slice(0, 3).concat(String(this.next++)).join('.');
      this.given.set(mac, a);
    }
    return a;
  }

  private onSend(p: SentPacket): void {
    if (p.protocol !== 'dhcp4' || (this.config.ifindex !== undefined && p.ifindex !== this.config.ifindex)) return;
    const d = decodeMessage(p.data);
    if ('error' in d) throw new Error(`client sent a malformed packet: ${d.error}`);
    const type = d.message.options.get(Opt.MESSAGE_TYPE)![0]!;
    const cp: ClientPacket = { msg: d.message, type, to: p.to, at: p.at, ifindex: p.ifindex };
    this.received.push(cp);
    const decision = this.config.policy?.(cp) ?? 'reply';
    if (decision === 'ignore') return;
    if (Array.isArray(decision)) return decision.forEach((data) => this.send(p.ifindex, data));
    if (type === MessageType.DECLINE || type === MessageType.RELEASE) return;
    if (decision === 'nak') return this.send(p.ifindex, this.reply(d.message, MessageType.NAK, '0.0.0.0'));
    const mac = bytesToHex(d.message.chaddr);
    const requested = d.message.options.get(Opt.REQUESTED_IP);
    const yiaddr = type === MessageType.REQUEST && d.message.ciaddr !== '0.0.0.0' ? d.message.ciaddr : this.addressFor(mac);
    if (type === MessageType.DISCOVER) this.send(p.ifindex, this.reply(d.message, MessageType.OFFER, yiaddr));
    else if (type === MessageType.REQUEST) {
      const want = requested ? `${requested[0]}.${requested[1]}.${requested[2]}.${requested[3]}` : d.message.ciaddr;
      this.send(p.ifindex, want === yiaddr ? this.reply(d.message, MessageType.ACK, yiaddr) : this.reply(d.message, MessageType.NAK, '0.0.0.0'));
    }
  }

  /** Build a reply to `req` (tests use it for hand-made answers too). */
  reply(req: Dhcp4Message, type: number, yiaddr: string, extra: [number, Uint8Array][] = this.config.options ?? [], maxSize = 1472): Uint8Array {
    const options = new Map<number, Uint8Array>();
    options.set(Opt.MESSAGE_TYPE, Uint8Array.of(type));
    options.set(Opt.SERVER_ID, ip4ToBytes(this.config.serverId)!);
    if (type !== MessageType.NAK) {
      options.set(Opt.LEASE_TIME, u32(this.config.leaseTime ?? 3600));
      if (this.config.t1 !== undefined) options.set(Opt.RENEWAL_T1, u32(this.config.t1));
      if (this.config.t2 !== undefined) options.set(Opt.REBINDING_T2, u32(this.config.t2));
      for (const [code, data] of extra) options.set(code, data);
    }
    const chaddr = new Uint8Array(16);
    chaddr.set(req.chaddr);
    return encodeMessage(
      {
        op: BOOTREPLY,
        htype: 1,
        hlen: 6,
        hops: 0,
        xid: req.xid,
        secs: 0,
        flags: 0,
        ciaddr: req.ciaddr,
        yiaddr,
        siaddr: '0.0.0.0',
        giaddr: '0.0.0.0',
        chaddr,
        options,
      },
      { maxSize },
    );
  }

  send(ifindex: number, data: Uint8Array): void {
    this.io.deliver(ifindex, 'dhcp4', { data, fromLladdr: this.config.serverMac, fromAddress: this.config.serverId, toAddress: '255.255.255.255' });
  }
}

/** Answers ARP probes for `address` as its owner would (a conflict). */
export function arpOwner(io: FakePacketIo, ifindex: number, address: string, mac: string): () => void {
  return io.onSend((p) => {
    if (p.protocol !== 'arp' || p.ifindex !== ifindex) return;
    const tpa = `${p.data[24]}.${p.data[25]}.${p.data[26]}.${p.data[27]}`;
    if (tpa !== address) return;
    const reply = new Uint8Array(28);
    reply.set([0, 1, 8, 0, 6, 4, 0, 2], 0);
    reply.set(macToBytes(mac)!, 8);
    reply.set(ip4ToBytes(address)!, 14);
    reply.set(p.data.subarray(8, 14), 18);
    reply.set(p.data.subarray(14, 18), 24);
    io.deliver(ifindex, 'arp', { data: reply, fromLladdr: mac });
  });
}

export function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

export function ip(a: string): Uint8Array {
  return ip4ToBytes(a)!;
}

export interface LogLine {
  level: string;
  msg: string;
  fields?: LogFields;
}

export function captureLogger(lines: LogLine[] = [], base: LogFields = {}): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (msg: string, fields?: LogFields): void => {
      lines.push({ level, msg, fields: { ...base, ...fields } });
    };
  return {
    lines,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => captureLogger(lines, { ...base, ...fields }),
    isEnabled: () => true,
  };
}
