/**
 * The packet helper's wire format (native/packet-io.c documents it): frames
 * of [u32 length][body], little endian, every body starting with
 * [u8 type][u32 channel id]. Commands go to the helper, events come back.
 */

export const Command = { open: 1, close: 2, send: 3 } as const;
export const EventType = { opened: 1, packet: 2, error: 3, sent: 4 } as const;

/** PACKET flag: the UDP checksum was never filled in (checksum offload on veth, virtio): do not verify it. */
const FLAG_CSUM_NOT_READY = 1;

/** The largest payload a SEND may carry (one IPv4 packet or ICMPv6 message). */
export const MAX_PAYLOAD = 65535;

export type HelperEvent =
  | { type: 'opened'; id: number; errno: number }
  | { type: 'packet'; id: number; source: Uint8Array; data: Uint8Array; checksumNotReady: boolean }
  | { type: 'error'; id: number; errno: number }
  | { type: 'sent'; id: number; seq: number; errno: number };

/** The helper wrote something this codec does not understand: the two disagree. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

function frame(bodyLength: number, type: number, id: number): Buffer {
  const b = Buffer.alloc(4 + bodyLength);
  b.writeUInt32LE(bodyLength, 0);
  b[4] = type;
  b.writeUInt32LE(id, 5);
  return b;
}

export function encodeOpen(id: number, protocolCode: number, ifindex: number): Buffer {
  const b = frame(10, Command.open, id);
  b[9] = protocolCode;
  b.writeUInt32LE(ifindex, 10);
  return b;
}

export function encodeClose(id: number): Buffer {
  return frame(5, Command.close, id);
}

/** SEND: destination is a link-layer address (empty: broadcast) or a 16-byte IPv6 address. */
export function encodeSend(id: number, seq: number, destination: Uint8Array, payload: Uint8Array): Buffer {
  if (destination.length > 255) throw new RangeError(`destination of ${destination.length} bytes`);
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`payload of ${payload.length} bytes (at most ${MAX_PAYLOAD})`);
  const b = frame(10 + destination.length + payload.length, Command.send, id);
  b.writeUInt32LE(seq, 9);
  b[13] = destination.length;
  b.set(destination, 14);
  b.set(payload, 14 + destination.length);
  return b;
}

/** One event body (without its length); throws FrameError when it is malformed. */
export function decodeEvent(body: Uint8Array): HelperEvent {
  if (body.length < 5) throw new FrameError(`event of ${body.length} bytes is shorter than its header`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const id = view.getUint32(1, true);
  const fixed = (len: number, name: string) => {
    if (body.length !== len) throw new FrameError(`${name} event of ${body.length} bytes (expected ${len})`);
  };
  switch (body[0]) {
    case EventType.opened:
      fixed(9, 'OPENED');
      return { type: 'opened', id, errno: view.getUint32(5, true) };
    case EventType.error:
      fixed(9, 'ERROR');
      return { type: 'error', id, errno: view.getUint32(5, true) };
    case EventType.sent:
      fixed(13, 'SENT');
      return { type: 'sent', id, seq: view.getUint32(5, true), errno: view.getUint32(9, true) };
    case EventType.packet: {
      const n = body[6];
      if (n === undefined || body.length < 7 + n) throw new FrameError(`PACKET event of ${body.length} bytes is shorter than its source`);
      // Copies: the chunk they came in would be kept alive otherwise.
      const checksumNotReady = (body[5]! & FLAG_CSUM_NOT_READY) !== 0;
      return { type: 'packet', id, source: body.slice(7, 7 + n), data: body.slice(7 + n), checksumNotReady };
    }
    default:
      throw new FrameError(`unknown event type ${body[0]}`);
  }
}

/** Cuts the helper's output stream, however it was split by reads, into events. */
export class EventReader {
  private rest: Buffer | undefined;

  /** Feed one chunk; `emit` runs for every whole event in it, in order. */
  push(chunk: Buffer, emit: (event: HelperEvent) => void): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    let off = 0;
    while (buf.length - off >= 4) {
      const len = buf.readUInt32LE(off);
      if (len > MAX_PAYLOAD + 64) throw new FrameError(`event frame of ${len} bytes`);
      if (buf.length - off - 4 < len) break;
      emit(decodeEvent(buf.subarray(off + 4, off + 4 + len)));
      off += 4 + len;
    }
    if (off < buf.length) this.rest = Buffer.from(buf.subarray(off));
  }
}
