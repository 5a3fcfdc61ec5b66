import { describe, expect, it } from 'vitest';
import { parseSingle } from './signature.js';
import { checkValue, toWire, toWireList, vardict, Variant, variant, ValueError } from './values.js';

const wire = (sig: string, value: unknown) => toWire(parseSingle(sig), value);

describe('plain values to wire form', () => {
  it('keeps basic values and widens 64-bit integers to bigint', () => {
    expect(wire('u', 4294967295)).toBe(4294967295);
    expect(wire('i', -5)).toBe(-5);
    expect(wire('y', 255)).toBe(255);
    expect(wire('t', 5)).toBe(5n);
    expect(wire('x', -(2n ** 63n))).toBe(-(2n ** 63n));
    expect(wire('b', false)).toBe(false);
    expect(wire('o', '/org/freedesktop/NetworkManager/Devices/1')).toBe('/org/freedesktop/NetworkManager/Devices/1');
    expect(wire('g', 'a{sv}s')).toBe('a{sv}s');
  });

  it('turns byte arrays into Buffers and Maps into plain dicts', () => {
    expect(wire('ay', [1, 2, 255])).toEqual(Buffer.from([1, 2, 255]));
    expect(Buffer.isBuffer(wire('ay', new Uint8Array([7])))).toBe(true);
    const dict = wire('a{ss}', new Map([['a', 'b']])) as Record<string, string>;
    expect(dict).toEqual({ a: 'b' });
    expect(Object.getPrototypeOf(dict)).toBe(Object.prototype);
  });

  it('converts inside variants by their own signature', () => {
    const out = wire('a{sv}', { mtu: variant('u', 1500), addr: variant('ay', [10, 0, 0, 1]) }) as Record<string, Variant>;
    expect(out.mtu).toBeInstanceOf(Variant);
    expect(out.mtu!.signature).toBe('u');
    expect(out.addr!.value).toEqual(Buffer.from([10, 0, 0, 1]));
  });

  it('builds a{sv} dicts from rows, leaving out undefined values', () => {
    const dict = vardict([
      ['id', 's', 'eth0'],
      ['timestamp', 't', 17n],
      ['zone', 's', undefined],
    ]);
    expect(Object.keys(dict)).toEqual(['id', 'timestamp']);
    expect(dict.timestamp).toEqual(new Variant('t', 17n));
  });

  it('keeps a "__proto__" key as an ordinary entry', () => {
    const out = wire('a{ss}', JSON.parse('{"__proto__":"x"}')) as Record<string, string>;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it.each([
    ['u', -1, 'out of range for uint32'],
    ['u', 1.5, 'expected an integer (u), got number 1.5'],
    ['y', 256, 'out of range for byte'],
    ['t', 2n ** 64n, 'out of range for uint64'],
    ['t', 2 ** 60, 'expected a bigint or safe integer'],
    ['s', 5, 'expected a string (s), got number 5'],
    ['s', 'a\0b', 'must not contain NUL'],
    ['o', 'eth0', 'expected an object path (o), got string "eth0"'],
    ['b', 1, 'expected a boolean (b)'],
    ['d', Number.NaN, 'expected a finite number'],
    ['v', 'x', 'expected a Variant (v)'],
    ['as', 'x', 'expected an array (as)'],
    ['(uu)', [1], 'expected an array of 2 members ((uu))'],
    ['a{us}', {}, "dicts with 'u' keys cannot be sent"],
    ['h', 0, 'cannot be sent'],
    ['ay', [1, 256], '[1]: number 256 is not a byte'],
    ['ay', 'x', 'expected a Buffer, Uint8Array or byte array (ay)'],
    ['a{sv}', new Map([['k', 5]]), '["k"]: expected a Variant (v)'],
    ['a{sv}', [], 'expected a Map or plain object (a{sv})'],
    ['v', { signature: 'uu', value: 1 }, "a variant's signature 'uu' is not a single complete type"],
    ['v', { signature: 'at', value: [1, 0.5] }, '<at>[1]: expected a bigint or safe integer'],
    ['(sv)', ['a', variant('(ub)', [1, 0])], '.1<(ub)>.1: expected a boolean (b)'],
  ])('refuses %s %s: %s', (sig, value, message) => {
    expect(() => wire(sig, value)).toThrow(ValueError);
    expect(() => wire(sig, value)).toThrow(message);
    // checkValue (values the encoder writes as they are) refuses the same, with the same message.
    expect(() => checkValue(parseSingle(sig), value)).toThrow(ValueError);
    expect(() => checkValue(parseSingle(sig), value)).toThrow(message);
  });

  it('checkValue accepts every plain form toWire accepts', () => {
    const samples: [string, unknown][] = [
      ['t', 5], ['x', -(2n ** 63n)], ['ay', [1, 2, 255]], ['ay', new Uint8Array([7])], ['ay', Buffer.from('x')],
      ['a{ss}', new Map([['a', 'b']])], ['a{sv}', { mtu: variant('u', 1500), addr: { signature: 'ay', value: [10, 0, 0, 1] } }],
      ['aa{sv}', [{}, new Map()]], ['(uu)', [100, 0]], ['ao', ['/', '/a/b']], ['g', 'a{sv}s'], ['d', -0],
    ];
    for (const [sig, value] of samples) {
      expect(() => wire(sig, value)).not.toThrow();
      expect(() => checkValue(parseSingle(sig), value)).not.toThrow();
    }
  });

  it('says where inside a value the bad part is', () => {
    expect(() => wire('a{sv}', { ok: variant('u', 1), bad: variant('ao', ['/a', 'nope']) })).toThrow('["bad"]<ao>[1]: expected an object path');
    expect(() => checkValue(parseSingle('a{sv}'), { ok: variant('u', 1), bad: variant('ao', ['/a', 'nope']) })).toThrow('["bad"]<ao>[1]: expected an object path');
    expect(() => toWireList(parseSingle('(su)').children, ['a', 'b'])).toThrow('argument 1: expected an integer');
    expect(() => toWireList([parseSingle('s')], [])).toThrow("expected 1 value(s) for 's', got 0");
  });
});
