import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeValue, unescapeValue } from '../shell-value.js';
import { scratchDir, sourceWithBash } from './helpers.js';

const read = (raw: string): string | null => {
  const r = unescapeValue(raw);
  return r.ok ? r.value : null;
};

describe('reading a shell value', () => {
  // Inputs and results NetworkManager's svUnescape gives (its test_svUnescape).
  it.each([
    ['', ''],
    ["'x'", 'x'],
    ["'  '", '  '],
    [' ', ''],
    ['a;   #', 'a'],
    [' ;   #', ''],
    [';   ', ''],
    ['\t  #a\r', ''],
    ['\r', ''],
    ['\\"', '"'],
    ['\\`', '`'],
    ['\\$', '$'],
    ['\\\\', '\\'],
    ['\\a', 'a'],
    ["\\'", "'"],
    ['\\~', '~'],
    ['"\\""', '"'],
    ['"\\$"', '$'],
    ['"\\a"', '\\a'],
    ['ab\r', 'ab'],
    ["a'b' \r", 'ab'],
    ['a#b', 'a#b'],
    ['#b', '#b'],
    ['x""b', 'xb'],
    ['"c"\\\'b', "c'b"],
    ["$''", ''],
    ["$'\\n'", '\n'],
    ["$'\\x'", '\\x'],
    ["$'\\xa'", '\n'],
    ["$'\\x12A'", '\x12A'],
    ["$'\\1A'", '\x01A'],
    ["$'\\018'", '\x018'],
    ["$'\\ut'", '\\ut'],
    ["$'\\uabcd'", '\uabcd'],
    ["$'\\Uabcde'", String.fromCodePoint(0xabcde)],
    ["'  ''  '", '    '],
    // written by NetworkManager's old escaping: \' and \~ lose the backslash
    ['"\\\'"', "'"],
    ['"b\\~b"', 'b~b'],
    // not in that form: bash's reading, the backslash stays
    ['"\\~~"', '\\~~'],
    ['"b\\~b"x', 'b\\~bx'],
  ])('%j reads as %j', (raw, value) => {
    expect(read(raw)).toBe(value);
  });

  it.each([
    ["'", 'unterminated single quote'],
    ['"', 'unterminated double quote'],
    ['\\', 'line continuation'],
    ['; ;', 'run it as a command'],
    ['Bob outside LAN', 'run it as a command'],
    ["$'\\'", "unterminated $'"],
    ['a|b', 'metacharacter'],
    ['$HOME', 'expansion'],
    ['`id`', 'expansion'],
    ['"$HOME"', 'expansion'],
    ['~root', "'~'"],
    ['/bin:~/bin', "'~'"],
    ["$'\\cA'", '\\c'],
    ["$'\\x00'", 'NUL'],
    ["$'\\U0'", 'Unicode'],
    ["$'\\xff'", 'UTF-8'],
    ['\xe9', 'UTF-8'],
  ])('%j is refused (%s)', (raw, reason) => {
    const r = unescapeValue(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('keeps a tilde that bash keeps', () => {
    expect(read('a~b')).toBe('a~b');
    expect(read("'~'")).toBe('~');
  });
});

describe('writing a shell value', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['two words', '"two words"'],
    ["it's", '"it\'s"'],
    ['$5 `x` "q" \\', '"\\$5 \\`x\\` \\"q\\" \\\\"'],
    ['~', '"~"'],
    ['tab\there', '"tab\there"'],
    ['new\nline', "$'new\\nline'"],
    ['bell\x07', "$'bell\\007'"],
  ])('%j is written %j (NetworkManager svEscape form)', (value, raw) => {
    expect(escapeValue(value)).toBe(raw);
  });

  it('writes non-ASCII text as UTF-8 bytes in double quotes', () => {
    expect(Buffer.from(escapeValue('café'), 'latin1').toString('utf8')).toBe('"café"');
  });

  it('refuses what a shell variable cannot hold', () => {
    expect(() => escapeValue('a\0b')).toThrow(TypeError);
    expect(() => escapeValue('\ud800')).toThrow(TypeError);
  });

  it('gives bash the same values back', () => {
    const values = ['plain', '', 'two  words', "it's \"quoted\"", '$HOME `id` \\n', '~user:~', 'a\nb\r\tc', '\x01\x1b[31m\x7f', 'ünïcødé ☃ 𝄞', '#hash', 'semi;colon', 'x=y', '*?[a]', '{a,b}', '!bang'];
    const s = scratchDir();
    try {
      const file = join(s.dir, 'ifcfg-bash');
      const text = values.map((v, i) => `V${i}=${escapeValue(v)}\n`).join('');
      writeFileSync(file, Buffer.from(text, 'latin1'));
      const got = sourceWithBash(file, values.map((_, i) => `V${i}`)).map((b) => b.toString('utf8'));
      expect(got).toEqual(values);
      for (const [i, v] of values.entries()) expect(read(escapeValue(v)), `V${i}`).toBe(v);
    } finally {
      s.cleanup();
    }
  });
});
