/**
 * isGroupName and isKeyName answer plain ASCII names without their regular
 * expressions (the parser asks for every line): the answer must be GLib's
 * rule, as the expressions state it, for every name. unescapeList splits a
 * value without escapes directly: the same items as the escape-aware walk.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isGroupName, isKeyName, unescapeList } from './index.js';

/** The rules as the expressions state them (names.ts). */
const groupRule = (name: string) => /^[^\[\]\u0000-\u001f\u007f]+$/.test(name) && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name);
const keyRule = (key: string) => /^(?! )[^=\[\]\u0000]+(?<! )(?:\[[\p{L}\p{N}\-_.@]*\])?$/u.test(key);

describe('group and key names', () => {
  const ascii = fc.string({ maxLength: 12, unit: fc.integer({ min: 0, max: 0x80 }).map((c) => String.fromCharCode(c)) });
  const any = fc.string({ maxLength: 12, unit: 'binary' });

  test.prop([fc.oneof(ascii, any)], { numRuns: 5000 })('isGroupName is the rule', (name) => {
    expect(isGroupName(name)).toBe(groupRule(name));
  });

  test.prop([fc.oneof(ascii, any)], { numRuns: 5000 })('isKeyName is the rule', (key) => {
    expect(isKeyName(key)).toBe(keyRule(key));
  });

  it('answers the usual names and the edge cases', () => {
    for (const g of ['connection', 'ipv4', 'wireguard-peer.abc=', 'a b', '.nmmeta']) expect(isGroupName(g)).toBe(true);
    for (const g of ['', 'a[b', 'a]', 'a\u007f', 'a\tb']) expect(isGroupName(g)).toBe(false);
    for (const k of ['id', 'address1', 'route1_options', 'Name[de_DE]', 'a b', 'Name[]']) expect(isKeyName(k)).toBe(true);
    for (const k of ['', ' a', 'a ', 'a=b', 'a]', 'Name[x y]']) expect(isKeyName(k)).toBe(false);
  });
});

describe('lists without escapes', () => {
  const raw = fc.string({ maxLength: 16, unit: fc.constantFrom('a', 'b', ';', ',', ' ', '') });

  test.prop([raw, fc.constantFrom(';', ',')], { numRuns: 3000 })('split as the escape-aware walk splits them', (text, separator) => {
    // An escaped space ("\\s") appended sends the text through the escape-aware walk; its last item
    // is then the text's last piece plus ' ', kept even when that piece is empty.
    const walked = unescapeList(`${text}\\s`, separator);
    const direct = unescapeList(text, separator);
    expect(walked.ok && direct.ok).toBe(true);
    if (!walked.ok || !direct.ok) return;
    const last = walked.value.at(-1)!;
    const expected = last === ' ' ? walked.value.slice(0, -1) : [...walked.value.slice(0, -1), last.slice(0, -1)];
    expect(direct.value).toEqual(expected);
  });

  it('keeps GLib\'s trailing-separator rule', () => {
    expect(unescapeList('a;', ';')).toEqual({ ok: true, value: ['a'] });
    expect(unescapeList('a;;', ';')).toEqual({ ok: true, value: ['a', ''] });
    expect(unescapeList(';', ';')).toEqual({ ok: true, value: [''] });
    expect(unescapeList('', ';')).toEqual({ ok: true, value: [] });
    expect(unescapeList('a;b', ';')).toEqual({ ok: true, value: ['a', 'b'] });
  });
});
