import { describe, expect, it } from 'vitest';
import { isSignature, parseSignature, parseSingle, SignatureError } from './signature.js';

describe('D-Bus signatures', () => {
  it('parses every type NetworkManager uses into complete types', () => {
    for (const text of ['s', 'u', 'o', 'b', 'ao', 'a{sv}', 'a{sa{sv}}', 'y', 'as', 'i', 't', 'aa{sv}', 'q', 'x', 'au', 'ay', 'aau', 'a{su}', 'a{ss}', 'aay', 'a(ayuayu)', 'a(ayuay)', '(uu)', 'v', 'd', 'g']) {
      expect(parseSingle(text).text).toBe(text);
    }
  });

  it('splits a message signature into its complete types', () => {
    expect(parseSignature('sa{sv}as').map((t) => t.text)).toEqual(['s', 'a{sv}', 'as']);
    expect(parseSignature('')).toEqual([]);
    const dict = parseSingle('a{sa{sv}}');
    expect(dict.children[0]!.code).toBe('{');
    expect(dict.children[0]!.children.map((t) => t.text)).toEqual(['s', 'a{sv}']);
  });

  it.each([
    ['a', 'ends in the middle'],
    ['(', 'unclosed'],
    ['()', 'empty struct'],
    ['{sv}', "unexpected '{'"],
    ['a{vs}', 'not a basic type'],
    ['a{sss}', 'not closed'],
    ['z', "unexpected 'z'"],
    ['a'.repeat(33) + 's', 'too deep'],
  ])('rejects %j (%s)', (text, why) => {
    expect(() => parseSignature(text)).toThrow(SignatureError);
    expect(() => parseSignature(text)).toThrow(why);
    expect(isSignature(text)).toBe(false);
  });

  it('wants exactly one type where a property or argument needs one', () => {
    expect(() => parseSingle('ss')).toThrow("'ss' is not a single complete type");
    expect(() => parseSingle('')).toThrow('not a single complete type');
  });
});
