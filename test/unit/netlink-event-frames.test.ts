/**
 * The frames the netlink event helper writes ([u32 length][datagram], and the
 * READY and OVERFLOW signals) come through a byte stream, cut wherever a read
 * ends. However the stream is cut, the same messages and signals come out,
 * in the same order. And a helper that was never built is a clear error.
 */
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { RtnlEventSocket } from '../../plugins/platform-linux/netlink-events.js';

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** A datagram of netlink messages with these types and payload sizes. */
function datagram(msgs: Array<[number, number]>): Buffer {
  const parts = msgs.map(([type, size]) => {
    const len = 16 + size;
    const m = Buffer.alloc((len + 3) & ~3, size & 0xff);
    m.writeUInt32LE(len, 0);
    m.writeUInt16LE(type, 4);
    return m;
  });
  return Buffer.concat(parts);
}

const frame = fc.oneof(
  fc.constant<'ready' | 'overflow'>('ready'),
  fc.constant<'ready' | 'overflow'>('overflow'),
  fc.array(fc.tuple(fc.integer({ min: 16, max: 30 }), fc.integer({ min: 0, max: 2000 })), { minLength: 1, maxLength: 3 }),
);

function feed(chunks: Buffer[]): string[] {
  const seen: string[] = [];
  const sock = new RtnlEventSocket(
    { recvBufferBytes: 0, queueBytes: 0 },
    { message: (type, _flags, buf, at, len) => seen.push(`${type}:${len}:${buf[at + len - 1] ?? ''}`), overflow: () => seen.push('overflow') },
  );
  const s = sock as unknown as { onChunk(c: Buffer, ready: () => void): void };
  for (const c of chunks) s.onChunk(c, () => seen.push('ready'));
  return seen;
}

test.prop([fc.array(frame, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 })])('any cut of the stream gives the same messages', (frames, cuts) => {
  const stream = Buffer.concat(
    frames.map((f) => (f === 'ready' ? u32(0xfffffffe) : f === 'overflow' ? u32(0xffffffff) : (() => {
      const d = datagram(f);
      return Buffer.concat([u32(d.length), d]);
    })())),
  );
  const at = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const c of [...at, stream.length]) {
    chunks.push(stream.subarray(prev, c));
    prev = c;
  }
  const whole = feed([stream]);
  expect(whole.length).toBe(frames.reduce((n, f) => n + (typeof f === 'string' ? 1 : f.length), 0));
  expect(feed(chunks)).toEqual(whole);
});

test('a missing event helper is an error that says how to build it', async () => {
  const { eventHelperPath } = await import('../../plugins/platform-linux/netlink-events.js');
  expect(() => eventHelperPath(['/nonexistent/nmk-rtnl-events'])).toThrow(/nmk-rtnl-events is not built \(looked for \/nonexistent\/nmk-rtnl-events\): run `npm run build`.*gcc/);
  expect(eventHelperPath()).toMatch(/\/nmk-rtnl-events$/);
});
