import { describe, expect, it } from 'vitest';
import { KeyFileParseError, parse } from './index.js';
import { syntaxCases } from './test/cases.js';

/** The thrown KeyFileParseError, or a failure when something else (or nothing) is thrown. */
function parseError(run: () => unknown): KeyFileParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof KeyFileParseError) return error;
    throw error;
  }
  throw new Error('expected a KeyFileParseError, nothing was thrown');
}

describe('parse: fixture table', () => {
  for (const c of syntaxCases) {
    it(c.name, () => {
      if (c.error) {
        const error = parseError(() => parse(c.text, '/etc/nmk/test.conf'));
        expect(error.kind).toBe('syntax');
        expect(error.file).toBe('/etc/nmk/test.conf');
        expect(error.line).toBe(c.error.line);
        expect(error.key).toBe(c.error.key);
        expect(error.reason).toMatch(c.error.reason);
        return;
      }
      const doc = parse(c.text);
      const groups = doc.groups.map((g) => [g.name, g.entries.map((e) => [e.key, e.value])]);
      expect(groups).toEqual(c.groups);
      // The same text as UTF-8 bytes reads the same.
      expect(parse(Buffer.from(c.text, 'utf8')).groups).toEqual(doc.groups);
    });
  }
});

describe('parse: errors', () => {
  it('names the file, line and key in the message', () => {
    const error = parseError(() => parse('[main]\nplugins=keyfile\n\nfoo]=1\n', '/etc/nmk/nmk.conf'));
    expect(error.message).toBe("/etc/nmk/nmk.conf:4: key 'foo]': invalid key name");
    expect(error.group).toBe('main');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('KeyFileParseError');
  });

  it('names a default file when none is given', () => {
    expect(parseError(() => parse('junk')).message).toMatch(/^<input>:1: line 'junk' is not/);
  });

  it('quotes control characters in messages', () => {
    expect(parseError(() => parse('\u0007junk\u001b[2J')).message).toContain("'\\x07junk\\x1b[2J'");
  });

  it('reports invalid UTF-8 bytes on their line', () => {
    const bytes = Buffer.concat([Buffer.from('[g]\nk=v\n\nl=ok'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    const error = parseError(() => parse(bytes, 'bad.nmconnection'));
    expect(error.line).toBe(4);
    expect(error.message).toBe('bad.nmconnection:4: invalid UTF-8 at byte 13');
  });

  it.each([
    ['overlong form', [0xc0, 0x80]],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['truncated sequence', [0xe2, 0x82]],
    ['lone continuation byte', [0x80]],
  ])('refuses %s', (_name, bad) => {
    const bytes = Buffer.concat([Buffer.from('[g]\nk='), Buffer.from(bad)]);
    expect(parseError(() => parse(bytes)).line).toBe(2);
  });

  it('keeps a UTF-8 byte-order mark, which GLib does not skip either', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[g]\n')]);
    expect(parseError(() => parse(bytes)).reason).toMatch(/not a key-value pair/);
  });

  it('refuses NUL in bytes too', () => {
    expect(parseError(() => parse(Buffer.from('[g]\nk=a\0b\n'))).reason).toMatch(/NUL/);
  });
});

describe('parse: comments and positions', () => {
  const text = [
    '# file header',
    '',
    '[connection]',
    'id=x',
    '  # about uuid',
    'uuid=1',
    '',
    '# about ipv4',
    '[ipv4]',
    'method=auto',
    '# the end',
    '',
  ].join('\n');

  it('attaches each comment line to the group or entry below it', () => {
    const doc = parse(text);
    const [connection, ipv4] = doc.groups;
    expect(connection!.comments).toEqual(['# file header', '']);
    expect(connection!.entries.map((e) => e.comments)).toEqual([[], ['  # about uuid']]);
    expect(ipv4!.comments).toEqual(['', '# about ipv4']);
    expect(doc.trailingComments).toEqual(['# the end']);
  });

  it('records the line of each group and entry', () => {
    const doc = parse(text);
    expect(doc.groups.map((g) => g.line)).toEqual([3, 9]);
    expect(doc.getEntry('connection', 'uuid')?.line).toBe(6);
    expect(doc.getEntry('ipv4', 'method')?.line).toBe(10);
  });

  it('writes a parsed file back byte for byte', () => {
    expect(parse(text).serialize()).toBe(text);
  });

  it('keeps the comments above a repeated key and a repeated group in place', () => {
    const doc = parse('[a]\nk=1\n# before repeat\nk=2\nm=3\n# above second [a]\n[a]\nn=4\n');
    expect(doc.getRaw('a', 'k')).toBe('2');
    expect(doc.getEntry('a', 'k')?.line).toBe(4);
    expect(doc.getEntry('a', 'm')?.comments).toEqual(['# before repeat']);
    expect(doc.getEntry('a', 'n')?.comments).toEqual(['# above second [a]']);
    expect(doc.serialize()).toBe('[a]\nk=2\n# before repeat\nm=3\n# above second [a]\nn=4\n');
  });
});

describe('parse: lookups', () => {
  const doc = parse('[main]\nplugins=keyfile,ifupdown\n[connection.wifi]\nmatch-device=interface-name:wlan*\nName[de]=x\n', 'NetworkManager.conf');

  it('lists groups and keys in file order', () => {
    expect(doc.groupNames()).toEqual(['main', 'connection.wifi']);
    expect(doc.keys('connection.wifi')).toEqual(['match-device', 'Name[de]']);
    expect(doc.keys('nope')).toEqual([]);
    expect(doc.hasGroup('connection.wifi')).toBe(true);
    expect(doc.hasGroup('connection')).toBe(false);
    expect(doc.hasKey('connection.wifi', 'Name')).toBe(false);
    expect(doc.hasKey('connection.wifi', 'Name[de]')).toBe(true);
  });

  it('reads NetworkManager.conf lists with the "," separator', () => {
    expect(doc.getStringList('main', 'plugins', ',')).toEqual(['keyfile', 'ifupdown']);
    expect(doc.getString('main', 'plugins')).toBe('keyfile,ifupdown');
  });

  it('returns undefined for a missing group or key', () => {
    expect(doc.getRaw('main', 'dns')).toBeUndefined();
    expect(doc.getString('nope', 'x')).toBeUndefined();
    expect(doc.getBoolean('main', 'x')).toBeUndefined();
    expect(doc.getStringList('main', 'x')).toBeUndefined();
    expect(doc.getInteger('main', 'x')).toBeUndefined();
    expect(doc.getDouble('main', 'x')).toBeUndefined();
  });
});

describe('parse: size', () => {
  it('reads a 50 MB file in linear time without per-character memory', () => {
    const block = Array.from({ length: 1000 }, (_, i) => `key${i}=10.0.0.${i % 250}/24;gw\\s#x;\n`).join('');
    const groups = Math.ceil(50e6 / (block.length + 20));
    const text = Array.from({ length: groups }, (_, g) => `# group ${g}\n[group${g}]\n${block}`).join('');
    expect(text.length).toBeGreaterThan(50e6);
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    const doc = parse(text);
    const elapsed = performance.now() - started;
    const grown = process.memoryUsage().heapUsed - before;
    expect(doc.groups.length).toBe(groups);
    expect(doc.getStringList(`group${groups - 1}`, 'key999')).toEqual(['10.0.0.249/24', 'gw #x']);
    // Generous bounds (about 1 s and 0.4 GB here): a quadratic step or a
    // per-character array would blow through them by far.
    expect(elapsed).toBeLessThan(20_000);
    expect(grown).toBeLessThan(1.5e9);
  }, 60_000);

  it('reads one 16 MB line full of escapes in linear time', () => {
    const doc = parse(`[g]\nk=${'a\\\\;'.repeat(4_000_000)}\n`);
    const started = performance.now();
    expect(doc.getString('g', 'k')).toHaveLength(12_000_000);
    expect(doc.getStringList('g', 'k')).toHaveLength(4_000_000);
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 60_000);
});
