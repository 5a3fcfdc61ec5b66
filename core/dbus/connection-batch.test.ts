/**
 * A loop turn's replies and signals wait encoded in one span and go to the
 * socket at the end of the turn; the transport's own writes (method calls)
 * must not overtake them. The connection here is the real class on a stub
 * transport and a socket stand-in that records what it is given, in order.
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/harness/dbus.js';
import { BusConnection } from './connection.js';
import { encodeMessage, MessageKind, type OutgoingMessage } from './wire.js';

function recordingConnection(): { conn: BusConnection; socket: Writable; written: () => Buffer; writes: () => number } {
  const chunks: Buffer[] = [];
  let serial = 0;
  let socket: Writable;
  // BusClient's disconnect() ends the socket.
  const bus = Object.assign(new EventEmitter(), { newSerial: () => ++serial, disconnect: () => socket.end() });
  socket = new Writable({
    writev(items, cb) {
      for (const { chunk } of items) chunks.push(Buffer.from(chunk as Buffer));
      cb();
    },
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  const Ctor = BusConnection as unknown as new (...args: unknown[]) => BusConnection;
  Object.assign(bus, { stream: socket });
  const conn = new Ctor(bus, 'unix:path=/dev/null', recordingLogger());
  return { conn, socket, written: () => Buffer.concat(chunks), writes: () => chunks.length };
}

const signal = (member: string, text: string): OutgoingMessage => ({
  type: MessageKind.SIGNAL,
  path: '/org/nmk/Test',
  interface: 'org.nmk.Test',
  member,
  signature: 's',
  body: [text],
});

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('batched sending', () => {
  it('writes a turn of messages once, with the bytes of each message in order', async () => {
    const { conn, written, writes } = recordingConnection();
    for (let i = 0; i < 500; i++) expect(conn.send(signal('Changed', `value ${i}`))).toBe(true);
    expect(writes()).toBe(0);
    await tick();
    expect(writes()).toBe(1);
    const expected = Buffer.concat(Array.from({ length: 500 }, (_, i) => encodeMessage(signal('Changed', `value ${i}`), i + 1)));
    expect(written().equals(expected)).toBe(true);
  });

  it("lets no write of the transport's overtake messages sent before it", async () => {
    const { conn, socket, written } = recordingConnection();
    const call = Buffer.from('<a method call the transport encoded>');
    conn.send(signal('First', 'a'));
    socket.write(call); // what BusClient does for conn.call()
    conn.send(signal('Second', 'b'));
    await tick();
    expect(written().equals(Buffer.concat([encodeMessage(signal('First', 'a'), 1), call, encodeMessage(signal('Second', 'b'), 2)]))).toBe(true);
  });

  it('sends what is pending before it closes', async () => {
    const { conn, written } = recordingConnection();
    conn.send(signal('Last', 'bye'));
    await conn.close();
    expect(written().equals(encodeMessage(signal('Last', 'bye'), 1))).toBe(true);
  });

  it('refuses a message it cannot encode and keeps the others', async () => {
    const { conn, written } = recordingConnection();
    conn.send(signal('One', '1'));
    expect(conn.send({ ...signal('Bad', 'x'), path: 'not/a/path' })).toBe(false);
    conn.send(signal('Two', '2'));
    await tick();
    expect(written().equals(Buffer.concat([encodeMessage(signal('One', '1'), 1), encodeMessage(signal('Two', '2'), 3)]))).toBe(true);
  });
});
