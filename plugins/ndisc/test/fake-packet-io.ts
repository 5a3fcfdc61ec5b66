/** A PacketIo for unit tests: records what is sent and lets the test deliver packets. */
import type { PacketChannel, PacketDestination, PacketIo, PacketProtocol, ReceivedPacket } from '../../../sdk/index.js';

export interface Sent {
  at: number;
  data: Uint8Array;
  to?: PacketDestination;
}

export class TestPacketIo implements PacketIo {
  sent: Sent[] = [];
  opened: Array<{ ifindex: number; protocol: PacketProtocol }> = [];
  closed = 0;
  failSend?: Error;
  failOpen?: Error;
  private receivers: Array<(p: ReceivedPacket) => void> = [];

  async open(ifindex: number, protocol: PacketProtocol, onPacket: (p: ReceivedPacket) => void): Promise<PacketChannel> {
    if (this.failOpen) throw this.failOpen;
    this.opened.push({ ifindex, protocol });
    let open = true;
    const receiver = (p: ReceivedPacket) => open && onPacket(p);
    this.receivers.push(receiver);
    return {
      ifindex,
      protocol,
      send: async (data, to) => {
        if (this.failSend) throw this.failSend;
        this.sent.push({ at: Date.now(), data, to });
      },
      close: () => {
        if (open) this.closed++;
        open = false;
      },
    };
  }

  deliver(data: Uint8Array, fromAddress = 'fe80::1'): void {
    for (const r of this.receivers) r({ data, fromAddress });
  }
}
