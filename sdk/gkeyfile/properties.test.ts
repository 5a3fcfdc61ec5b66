import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGroupName, isWritableKey, KeyFileDocument, KeyFileParseError, parse, serialize } from './index.js';
import { rawValueProblem } from './names.js';

// Characters that matter to the syntax, mixed with any Unicode code point.
const SPECIALS = [' ', '\t', '\n', '\r', '\u000b', '\f', '\\', ';', ',', '#', '=', '[', ']', '@', '.', 's', 'n', 't', 'r', '\u0001', '\u007f', 'é', '😀'];
const char = fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
const text = (maxLength: number) => fc.array(char, { maxLength }).map((cs) => cs.join(''));

const groupName = text(12).filter(isGroupName);
const key = fc.oneof(text(12), text(6).map((k) => `${k}[de_DE]`)).filter(isWritableKey);
/** What setString accepts: no NUL, and no leading form feed (GLib has no escape for it). */
const value = text(24).filter((v) => !v.includes('\u0000') && !v.startsWith('\f'));
const separator = fc.constantFrom(';', ',', '#', '=', '[', ':');

/** Throws whatever `run` throws unless it is a KeyFileParseError. */
function onlyParseErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof KeyFileParseError)) throw error;
  }
}

/** Groups and entries as plain data, for comparing two documents. */
function content(doc: KeyFileDocument): unknown {
  return doc.groups.map((g) => [g.name, g.entries.map((e) => [e.key, e.value])]);
}

/**
 * What a document holds once written and read again, as GLib has it: a raw
 * value ending in '\r' (read from "v\r\r\n": the reader strips one '\r'
 * before the '\n') is written "v\r\n", and the reader strips that '\r' too.
 */
function contentWrittenOnce(doc: KeyFileDocument): unknown {
  return doc.groups.map((g) => [g.name, g.entries.map((e) => [e.key, e.value.endsWith('\r') ? e.value.slice(0, -1) : e.value])]);
}

describe('properties', () => {
  it('any document of strings survives serialize → parse', () => {
    const entries = fc.array(fc.tuple(groupName, key, value), { maxLength: 30 });
    fc.assert(
      fc.property(entries, (rows) => {
        const doc = new KeyFileDocument();
        const expected = new Map<string, Map<string, string>>();
        for (const [g, k, v] of rows) {
          doc.setString(g, k, v);
          if (!expected.has(g)) expected.set(g, new Map());
          expected.get(g)!.set(k, v);
        }
        const back = parse(serialize(doc));
        expect(back.groupNames()).toEqual([...expected.keys()]);
        for (const [g, keys] of expected) {
          expect(back.keys(g)).toEqual([...keys.keys()]);
          for (const [k, v] of keys) expect(back.getString(g, k)).toBe(v);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('any string list survives with any separator', () => {
    fc.assert(
      fc.property(groupName, key, fc.array(value, { maxLength: 8 }), separator, (g, k, items, sep) => {
        const doc = new KeyFileDocument();
        doc.setStringList(g, k, items, sep);
        expect(parse(serialize(doc)).getStringList(g, k, sep)).toEqual(items);
      }),
      { numRuns: 1000 },
    );
  });

  it('raw values survive unchanged', () => {
    const raw = text(24).filter((v) => rawValueProblem(v) === undefined);
    fc.assert(
      fc.property(groupName, key, raw, (g, k, v) => {
        fc.pre(k !== 'Encoding'); // setRaw accepts only UTF-8 there
        const doc = new KeyFileDocument();
        doc.setRaw(g, k, v);
        expect(parse(doc.serialize()).getRaw(g, k)).toBe(v);
      }),
      { numRuns: 500 },
    );
  });

  it('a raw value ending in \\r loses that \\r once written, as in GLib (the case fast-check found)', () => {
    const doc = parse('[g]\n\u000e=.\r\r\n');
    expect(content(doc)).toEqual([['g', [['\u000e', '.\r']]]]);
    expect(serialize(doc)).toBe('[g]\n\u000e=.\r\n');
    expect(content(parse(serialize(doc)))).toEqual([['g', [['\u000e', '.']]]]);
  });

  it('parsing random text throws only KeyFileParseError, and what loads writes back the same', () => {
    const lines = fc.array(
      fc.oneof(text(20), text(8).map((n) => `[${n}]`), fc.tuple(text(8), text(12)).map(([k, v]) => `${k}=${v}`)),
      { maxLength: 12 },
    );
    let loaded = 0;
    fc.assert(
      fc.property(fc.oneof(text(200), lines.map((ls) => ls.join('\n')), lines.map((ls) => `[g]\n${ls.join('\n')}\n`)), (input) => {
        onlyParseErrors(() => {
          const doc = parse(input);
          for (const g of doc.groups) {
            for (const e of g.entries) {
              onlyParseErrors(() => doc.getString(g.name, e.key));
              onlyParseErrors(() => doc.getStringList(g.name, e.key));
              onlyParseErrors(() => doc.getBoolean(g.name, e.key));
              onlyParseErrors(() => doc.getInteger(g.name, e.key));
              onlyParseErrors(() => doc.getDouble(g.name, e.key));
            }
          }
          // A '\r' ending an unterminated last line is part of its value, and
          // is dropped once written with '\n' (GLib does the same): compare
          // against the input with its line ended.
          const ended = input.endsWith('\n') ? input : `${input}\n`;
          expect(content(parse(serialize(parse(ended))))).toEqual(contentWrittenOnce(parse(ended)));
          loaded++;
        });
      }),
      { numRuns: 3000 },
    );
    // The generator must reach past the first syntax error often enough to test something.
    expect(loaded).toBeGreaterThan(300);
  });

  it('parsing random bytes throws only KeyFileParseError', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(fc.oneof(fc.uint8Array({ maxLength: 4 }), fc.constantFrom(...['[g]\n', 'k=v\n', '\n', '#', '\\'].map((s) => Buffer.from(s)))), { maxLength: 30 }).map((parts) => Buffer.concat(parts)),
    );
    fc.assert(
      fc.property(bytes, (input) => {
        onlyParseErrors(() => parse(input, 'random.conf'));
      }),
      { numRuns: 3000 },
    );
  });
});
