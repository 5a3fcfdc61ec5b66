/**
 * The packet helper's frames (plugins/platform-linux/native/packet-io.c
 * documents them): commands byte for byte as the C side reads them, events
 * decoded however the stream is cut, and malformed events refused.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeClose, encodeOpen, encodeSend, EventReader, FrameError, type HelperEvent } from '../../plugins/platform-linux/packet-io/frames.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Event frames as the helper writes them. */
function opened(id: number, errno: number): Buffer {
  const b = Buffer.alloc(13);
  b.writeUInt32LE(9, 0);
  b[4] = 1;
  b.writeUInt32LE(id, 5);
  b.writeUInt32LE(errno, 9);
  return b;
}
function sent(id: number, seq: number, errno: number): Buffer {
  const b = Buffer.alloc(17);
  b.writeUInt32LE(13, 0);
  b[4] = 4;
  b.writeUInt32LE(id, 5);
  b.writeUInt32LE(seq, 9);
  b.writeUInt32LE(errno, 13);
  return b;
}
function packet(id: number, flags: number, source: number[], data: number[]): Buffer {
  const b = Buffer.alloc(4 + 7 + source.length + data.length);
  b.writeUInt32LE(7 + source.length + data.length, 0);
  b[4] = 2;
  b.writeUInt32LE(id, 5);
  b[9] = flags;
  b[10] = source.length;
  b.set(source, 11);
  b.set(data, 11 + source.length);
  return b;
}

describe('commands', () => {
  it('OPEN is [len 10][1][id][protocol][ifindex]', () => {
    expect(hex(encodeOpen(0x01020304, 3, 7))).toBe('0a000000' + '01' + '04030201' + '03' + '07000000');
  });
  it('CLOSE is [len 5][2][id]', () => {
    expect(hex(encodeClose(9))).toBe('05000000' + '02' + '09000000');
  });
  it('SEND is [len][3][id][seq][n][destination][payload]', () => {
    const f = encodeSend(5, 6, Uint8Array.of(0xaa, 0xbb), Uint8Array.of(1, 2, 3));
    expect(hex(f)).toBe('0f000000' + '03' + '05000000' + '06000000' + '02' + 'aabb' + '010203');
  });
  it('SEND refuses a payload larger than an IPv4 packet', () => {
    expect(() => encodeSend(1, 1, new Uint8Array(0), new Uint8Array(65536))).toThrow(RangeError);
  });
});

describe('events', () => {
  it('decodes OPENED, SENT and PACKET', () => {
    expect(decodeEvent(opened(3, 19).subarray(4))).toEqual({ type: 'opened', id: 3, errno: 19 });
    expect(decodeEvent(sent(3, 77, 0).subarray(4))).toEqual({ type: 'sent', id: 3, seq: 77, errno: 0 });
    const p = decodeEvent(packet(4, 1, [1, 2, 3, 4, 5, 6], [9, 8, 7]).subarray(4));
    expect(p).toMatchObject({ type: 'packet', id: 4, checksumNotReady: true });
    expect(p.type === 'packet' && [Array.from(p.source), Array.from(p.data)]).toEqual([[1, 2, 3, 4, 5, 6], [9, 8, 7]]);
  });
  it('refuses malformed events with FrameError', () => {
    expect(() => decodeEvent(Uint8Array.of(1, 0, 0))).toThrow(FrameError);
    expect(() => decodeEvent(opened(1, 0).subarray(4, 12))).toThrow(/OPENED event of 8 bytes/);
    expect(() => decodeEvent(Uint8Array.of(9, 0, 0, 0, 0))).toThrow(/unknown event type 9/);
    // A source longer than the frame.
    const p = packet(1, 0, [1, 2], []);
    p[10] = 40;
    expect(() => decodeEvent(p.subarray(4))).toThrow(/shorter than its source/);
  });
  it('refuses a frame length no event can have', () => {
    const r = new EventReader();
    expect(() => r.push(Buffer.from([0xff, 0xff, 0xff, 0x7f]), () => undefined)).toThrow(FrameError);
  });
});

const anEvent = fc.oneof(
  fc.record({ id: fc.nat(), errno: fc.nat({ max: 200 }) }).map(({ id, errno }) => ({ frame: opened(id, errno), event: { type: 'opened', id, errno } as HelperEvent })),
  fc.record({ id: fc.nat(), seq: fc.nat(), errno: fc.nat({ max: 200 }) }).map(({ id, seq, errno }) => ({ frame: sent(id, seq, errno), event: { type: 'sent', id, seq, errno } as HelperEvent })),
  fc
    .record({ id: fc.nat(), source: fc.array(fc.nat({ max: 255 }), { maxLength: 16 }), data: fc.array(fc.nat({ max: 255 }), { maxLength: 600 }) })
    .map(({ id, source, data }) => ({
      frame: packet(id, 0, source, data),
      event: { type: 'packet', id, source: Uint8Array.from(source), data: Uint8Array.from(data), checksumNotReady: false } as HelperEvent,
    })),
);

test.prop([fc.array(anEvent, { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 40 })])(
  'the same events come out however the stream is cut',
  (events, cuts) => {
    const stream = Buffer.concat(events.map((e) => e.frame));
    const out: HelperEvent[] = [];
    const reader = new EventReader();
    let off = 0;
    for (let i = 0; off < stream.length; i++) {
      const n = cuts[i % cuts.length]!;
      reader.push(stream.subarray(off, off + n), (e) => out.push(e));
      off += n;
    }
    const norm = (e: HelperEvent) => (e.type === 'packet' ? { ...e, source: Array.from(e.source), data: Array.from(e.data) } : e);
    expect(out.map(norm)).toEqual(events.map((e) => norm(e.event)));
  },
);
