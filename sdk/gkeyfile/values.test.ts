import { describe, expect, it } from 'vitest';
import { KeyFileParseError, parse, parseBoolean, parseDouble, parseInteger, splitLocaleKey, type ValueResult } from './index.js';
import { leadingSpaceCases, valueCases, type ValueCase } from './test/cases.js';

type Expected = ValueCase[keyof Omit<ValueCase, 'raw'>];

/** Runs a getter; 'error' when it throws KeyFileParseError (anything else fails the test). */
function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (error) {
    if (error instanceof KeyFileParseError) return 'error';
    throw error;
  }
}

function fromResult(result: ValueResult<unknown>): unknown {
  return result.ok ? result.value : 'error';
}

describe('getters: fixture table', () => {
  for (const c of valueCases) {
    const checks: Array<[string, Expected, (doc: ReturnType<typeof parse>) => unknown]> = [
      ['getString', c.string, (d) => d.getString('g', 'k')],
      ['getStringList', c.list, (d) => d.getStringList('g', 'k')],
      ['getBoolean', c.boolean, (d) => d.getBoolean('g', 'k')],
      ['getInteger', c.integer, (d) => d.getInteger('g', 'k')],
      ['getDouble', c.double, (d) => d.getDouble('g', 'k')],
    ];
    for (const [getter, expected, read] of checks) {
      if (expected === undefined) continue;
      it(`${getter} of ${JSON.stringify(c.raw)} is ${String(expected)}`, () => {
        const doc = parse(`[g]\nk=${c.raw}\n`);
        expect(doc.getRaw('g', 'k')).toBe(c.raw);
        expect(outcome(() => read(doc))).toEqual(expected);
      });
    }
  }

  for (const c of leadingSpaceCases) {
    it(`strtol/strtod rules for ${JSON.stringify(c.raw)}`, () => {
      if (c.integer !== undefined) expect(fromResult(parseInteger(c.raw))).toEqual(c.integer);
      if (c.double !== undefined) expect(fromResult(parseDouble(c.raw))).toEqual(c.double);
      if (c.boolean !== undefined) expect(fromResult(parseBoolean(c.raw))).toEqual(c.boolean);
    });
  }
});

describe('getters: errors', () => {
  const doc = parse('[main]\n\n\nplugins=a\\qb\ndebug=yes\nlevel=12x\n', '/etc/nmk/nmk.conf');

  it('names file, line and key for an invalid escape', () => {
    expect.assertions(3);
    try {
      doc.getString('main', 'plugins');
    } catch (error) {
      expect(error).toBeInstanceOf(KeyFileParseError);
      const e = error as KeyFileParseError;
      expect(e.message).toBe("/etc/nmk/nmk.conf:4: key 'plugins': invalid escape sequence '\\q'");
      expect([e.kind, e.file, e.line, e.group, e.key]).toEqual(['value', '/etc/nmk/nmk.conf', 4, 'main', 'plugins']);
    }
  });

  it('explains a bad boolean and a bad integer', () => {
    expect(() => doc.getBoolean('main', 'debug')).toThrow("/etc/nmk/nmk.conf:5: key 'debug': value 'yes' cannot be interpreted as a boolean");
    expect(() => doc.getInteger('main', 'level')).toThrow("/etc/nmk/nmk.conf:6: key 'level': value '12x' cannot be interpreted as a number");
    expect(() => doc.getInteger('main', 'debug')).toThrow(KeyFileParseError);
  });

  it('leaves the line out for a value a program set', () => {
    const d = parse('[g]\n', 'x.conf');
    d.setRaw('g', 'k', 'a\\z');
    expect(() => d.getString('g', 'k')).toThrow("x.conf: key 'k': invalid escape sequence '\\z'");
  });

  it('refuses a separator that cannot be one', () => {
    for (const bad of ['', ';;', '\\', 'a', 's', ' ', '\n', 'é']) {
      expect(() => doc.getStringList('main', 'plugins', bad)).toThrow(TypeError);
    }
  });
});

describe('other separators', () => {
  it('splits at "," and honours "\\,"', () => {
    const doc = parse('[g]\nk=a\\,b,c;d,\\s,\n');
    expect(doc.getStringList('g', 'k', ',')).toEqual(['a,b', 'c;d', ' ']);
    expect(() => doc.getString('g', 'k')).toThrow(KeyFileParseError);
  });
});

describe('splitLocaleKey', () => {
  it.each([
    ['Name[de_DE]', { base: 'Name', locale: 'de_DE' }],
    ['Name[sr@latin]', { base: 'Name', locale: 'sr@latin' }],
    ['Name', { base: 'Name', locale: undefined }],
    ['Name[]', { base: 'Name[]', locale: undefined }],
  ])('%s', (key, expected) => {
    expect(splitLocaleKey(key)).toEqual(expected);
  });
});
