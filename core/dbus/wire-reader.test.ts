/**
 * The daemon's decoder against dbus-next 0.10.2's, which the layer above was
 * written for: the same bytes (encoded by wire.ts, itself checked byte for
 * byte against dbus-next in wire.golden.test.ts) must decode to equal values,
 * in either byte order and in any split of the stream; bytes that make no
 * message throw a WireError saying what is wrong.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Variant } from './variant.js';
import { encodeMessage, MessageKind, type OutgoingMessage } from './wire.js';
import { decodeMessage, MessageReader, WireError, type Message } from './wire-reader.js';

const require = createRequire(import.meta.url);
const dbusNextMessage = require('dbus-next/lib/message.js') as { unmarshall(b: Buffer): Record<string, unknown> };
const dbusNextCompat = require('dbus-next/lib/marshall-compat.js') as { messageToJsFmt(m: Record<string, unknown>): { body: unknown[] } };

/** What dbus-next makes of these bytes. */
function dbusNextDecode(bytes: Buffer): unknown[] {
  const m = dbusNextMessage.unmarshall(Buffer.from(bytes));
  return dbusNextCompat.messageToJsFmt(m).body;
}

const CASES: Array<[string, unknown[]]> = [
  ['ybnqiuxtd', [255, true, -32768, 65535, -2147483648, 4294967295, -(2n ** 63n), 2n ** 64n - 1n, -1.5]],
  ['sog', ['h\u00e9llo \u2192 world', '/org/freedesktop/NetworkManager/Devices/1', 'a{sv}']],
  ['ay', [Buffer.from([0, 1, 2, 254, 255])]],
  ['aay', [[Buffer.from('ab'), Buffer.alloc(0), Buffer.from([7])]]],
  ['as', [['', 'one', 'two']]],
  ['at', [[1n, 2n ** 40n]]],
  ['a(ii)', [[[1, -2], [3, -4]]]],
  ['a{sv}', [{ a: new Variant('u', 7), b: new Variant('s', 'x'), c: new Variant('aay', [Buffer.from('z')]), d: new Variant('(ub)', [3, false]) }]],
  ['a{sa{sv}}', [{ connection: { id: new Variant('s', 'lan'), autoconnect: new Variant('b', true) }, ipv4: { 'address-data': new Variant('aa{sv}', [{ address: new Variant('s', '10.0.0.1'), prefix: new Variant('u', 24) }]) } }]],
  ['a{us}', [{ 1: 'one', 4000000000: 'big' }]],
  ['v', [new Variant('v', new Variant('x', -5n))]],
  ['av', [[new Variant('y', 1), new Variant('d', 0.25), new Variant('as', [])]]],
  ['(yv)(ay)', [[9, new Variant('o', '/x')], [Buffer.from('q')]]],
  ['a{ss}', [{}]],
  ['ba(sa{sv})', [false, [['x', {}], ['y', { k: new Variant('t', 9n) }]]]],
];

const call = (signature: string, body: unknown[]): OutgoingMessage => ({ type: MessageKind.METHOD_CALL, path: '/org/nmk/T', interface: 'org.nmk.T', member: 'M', destination: ':1.9', signature, body });

describe('decoding as dbus-next does', () => {
  it.each(CASES)('%s', (signature, body) => {
    const bytes = encodeMessage(call(signature, body), 42);
    const msg = decodeMessage(Buffer.from(bytes));
    expect(msg.body).toEqual(dbusNextDecode(bytes));
    expect(msg.body).toEqual(body);
    expect(msg).toMatchObject({ type: MessageKind.METHOD_CALL, serial: 42, path: '/org/nmk/T', interface: 'org.nmk.T', member: 'M', destination: ':1.9', signature });
  });

  it('copies ay out of the message, so a held value does not keep the socket chunk', () => {
    const bytes = Buffer.from(encodeMessage(call('ay', [Buffer.from('abc')]), 1));
    const [value] = decodeMessage(bytes).body as [Buffer];
    bytes.fill(0x7a);
    expect(value.toString()).toBe('abc');
  });

  it('keeps a "__proto__" dict key as data', () => {
    const bytes = encodeMessage(call('a{ss}', [new Map([['__proto__', 'x']])]), 1);
    const [dict] = decodeMessage(Buffer.from(bytes)).body as [Record<string, string>];
    expect(Object.getPrototypeOf(dict)).toBe(Object.prototype);
    expect(Object.keys(dict)).toEqual(['__proto__']);
  });

  it('reads a big-endian message', () => {
    // Hand-made: a signal with one 'u' (0x01020304) and one 's' ("hi"), byte order 'B'.
    const fields = Buffer.concat([
      pad(field(1, 'o', str('/a', false))),
      pad(field(2, 's', str('a.b', false))),
      pad(field(3, 's', str('C', false))),
      pad(Buffer.from([8, 1, 0x67, 0, 2, 0x75, 0x73, 0])),
    ]);
    const body = Buffer.concat([Buffer.from([1, 2, 3, 4]), str('hi', false)]);
    const head = Buffer.from([0x42, 4, 0, 1, 0, 0, 0, body.length, 0, 0, 0, 5, 0, 0, 0, fields.length]);
    const msg = decodeMessage(pad(Buffer.concat([head, fields]), body));
    expect(msg).toMatchObject({ type: MessageKind.SIGNAL, serial: 5, path: '/a', interface: 'a.b', member: 'C', signature: 'us', body: [0x01020304, 'hi'] });
  });
});

describe('the stream reader', () => {
  it('delivers every message whole from any split of the stream', () => {
    const messages = CASES.map(([sig, body], i) => Buffer.from(encodeMessage(call(sig, body), i + 1)));
    const stream = Buffer.concat(messages);
    for (const step of [1, 3, 16, 100, stream.length]) {
      const reader = new MessageReader();
      const got: Message[] = [];
      for (let at = 0; at < stream.length; at += step) reader.push(stream.subarray(at, at + step), (m) => got.push(m));
      expect(got.map((m) => m.serial)).toEqual(messages.map((_, i) => i + 1));
      expect(got.map((m) => m.body)).toEqual(CASES.map(([, body]) => body));
      expect(reader.buffered).toBe(0);
    }
  });
});

describe('bytes that make no message', () => {
  const good = () => Buffer.from(encodeMessage(call('us', [1, 'x']), 1));
  const cases: Array<[string, (b: Buffer) => Buffer, RegExp]> = [
    ['a wrong byte order mark', (b) => (b.fill(0xff, 0, 1), b), /byte order mark 0xff/],
    ['protocol version 2', (b) => ((b[3] = 2), b), /protocol version 2/],
    ['a body cut short', (b) => (b.writeUInt32LE(b.readUInt32LE(4) - 4, 4), b.subarray(0, b.length - 4)), /runs past the end|body longer/],
    ['a string without its NUL', (b) => ((b[b.length - 1] = 0x41), b), /not NUL-terminated/],
    ['a message over 128 MiB', (b) => (b.writeUInt32LE(200 * 1024 * 1024, 4), b), /more than the 134217728 D-Bus allows/],
  ];
  it.each(cases)('%s', (_, spoil, why) => {
    const reader = new MessageReader();
    expect(() => reader.push(spoil(good()), () => undefined)).toThrow(WireError);
    expect(() => new MessageReader().push(spoil(good()), () => undefined)).toThrow(why);
  });

  it('refuses a call without its member', () => {
    const bytes = Buffer.from(encodeMessage({ type: MessageKind.METHOD_CALL, path: '/x', signature: '', body: [] }, 1));
    expect(() => decodeMessage(bytes)).toThrow(/type 1 without its member field/);
  });
});

/** A big-endian string value: length, bytes, NUL. */
function str(s: string, le: boolean): Buffer {
  const len = Buffer.alloc(4);
  if (le) len.writeUInt32LE(s.length);
  else len.writeUInt32BE(s.length);
  return Buffer.concat([len, Buffer.from(s), Buffer.from([0])]);
}

/** A header field (code, variant of one type code) followed by its value. */
function field(code: number, type: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([code, 1, type.charCodeAt(0), 0]), value]);
}

/** `a` padded to 8 bytes (a field starts 8-aligned), then `b`. */
function pad(a: Buffer, b: Buffer = Buffer.alloc(0)): Buffer {
  const padded = Buffer.alloc((a.length + 7) & ~7);
  a.copy(padded);
  return Buffer.concat([padded, b]);
}
