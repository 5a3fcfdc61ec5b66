import { describe, expect, it } from 'vitest';
import { escapeList, escapeString, KeyFileDocument, parse, serialize } from './index.js';

// Escapes and the first document are what GLib 2.74's g_key_file_to_data
// printed for the same calls (checked through python3-gi while writing this).
// Where comments meet new keys and groups, the texts follow current GLib
// (gkeyfile.c since 2.78); 2.74 still put some extra blank lines there.

describe('escaping as g_key_file_set_string', () => {
  it.each([
    ['plain', 'plain'],
    ['  lead\ttab\t trail  ', '\\s\\slead\ttab\t trail  '],
    ['\t\n x\\y;#z\r', '\\t\\n\\sx\\\\y;#z\\r'],
    ['p;a#ss', 'p;a#ss'],
    ['\u000bv', '\u000bv'],
    ['', ''],
  ])('%j → %j', (text, raw) => {
    expect(escapeString(text)).toBe(raw);
  });

  it('escapes the separator and each item’s leading space in lists', () => {
    expect(escapeList(['8.8.8.8', ' a;b', '', 'c\\'], ';')).toBe('8.8.8.8;\\sa\\;b;;c\\\\;');
    expect(escapeList([], ';')).toBe('');
    expect(escapeList(['a,b', 'c;d'], ',')).toBe('a\\,b,c;d,');
  });
});

describe('setters', () => {
  it('build a document as GLib writes it', () => {
    const doc = new KeyFileDocument();
    doc.setString('connection', 'id', '\t\n x\\y;#z\r');
    doc.setStringList('ipv4', 'dns', ['8.8.8.8', ' a;b', '', 'c\\']);
    doc.setStringList('ipv4', 'empty', []);
    doc.setBoolean('ipv4', 'may-fail', false);
    doc.setInteger('ipv4', 'n', -5);
    doc.setString('connection', 'added', 'late');
    doc.setString('connection', 'id', 'changed');
    expect(serialize(doc)).toBe(
      '[connection]\nid=changed\nadded=late\n\n[ipv4]\ndns=8.8.8.8;\\sa\\;b;;c\\\\;\nempty=\nmay-fail=false\nn=-5\n',
    );
  });

  it('keep a changed key in place with its comments, and add new keys after the last entry', () => {
    const doc = parse('# top\n[a]\n# about k\nk=1\n# end\n');
    doc.setRaw('a', 'k', '2');
    doc.setString('a', 'new', 'v');
    doc.setString('b', 'k', 'v');
    expect(doc.serialize()).toBe('# top\n[a]\n# about k\nk=2\nnew=v\n# end\n[b]\nk=v\n');
    expect(doc.getEntry('a', 'k')?.line).toBe(0);
  });

  it('separate a new group by one blank line unless comments already do', () => {
    const compact = parse('[a]\nk=1\n');
    compact.addGroup('b');
    compact.addGroup('b');
    expect(compact.serialize()).toBe('[a]\nk=1\n\n[b]\n');
    const spaced = parse('[a]\nk=1\n\n');
    spaced.setString('b', 'k', 'v');
    expect(spaced.serialize()).toBe('[a]\nk=1\n\n[b]\nk=v\n');
    const onlyComments = parse('# only\n');
    onlyComments.setString('c', 'k', 'v');
    expect(onlyComments.serialize()).toBe('# only\n[c]\nk=v\n');
  });

  it('write locale keys as keys of their own', () => {
    const doc = new KeyFileDocument();
    doc.setString('Desktop Entry', 'Name', 'Net');
    doc.setString('Desktop Entry', 'Name[de_DE]', 'Netz');
    expect(doc.serialize()).toBe('[Desktop Entry]\nName=Net\nName[de_DE]=Netz\n');
  });

  it('refuse names and values that would not read back', () => {
    const doc = new KeyFileDocument();
    const bad: Array<() => void> = [
      () => doc.setRaw('a[b', 'k', 'v'),
      () => doc.setRaw('', 'k', 'v'),
      () => doc.setRaw('a\nb', 'k', 'v'),
      () => doc.setRaw('g', '', 'v'),
      () => doc.setRaw('g', 'a=b', 'v'),
      () => doc.setRaw('g', ' k', 'v'),
      () => doc.setRaw('g', 'k\t', 'v'),
      () => doc.setRaw('g', '#k', 'v'),
      () => doc.setRaw('g', 'k[d e]', 'v'),
      () => doc.setRaw('g', 'k', 'a\nb'),
      () => doc.setRaw('g', 'k', ' v'),
      () => doc.setRaw('g', 'k', 'v\r'),
      () => doc.setRaw('g', 'k', 'a\0b'),
      () => doc.setRaw('g', 'Encoding', 'latin1'),
      () => doc.setString('g', 'k', '\fv'),
      () => doc.setString('g', 'k', '\ud800'),
      () => doc.setStringList('g', 'k', ['\fa']),
      () => doc.setStringList('g', 'k', ['a'], '\\'),
    ];
    for (const set of bad) expect(set).toThrow(TypeError);
    expect(() => doc.setInteger('g', 'k', 2 ** 31)).toThrow(RangeError);
    expect(() => doc.setInteger('g', 'k', 1.5)).toThrow(RangeError);
    expect(doc.groups).toEqual([]);
    // A form feed is fine after the first list item: it follows a separator.
    doc.setStringList('g', 'k', ['a', '\fb']);
    expect(parse(doc.serialize()).getStringList('g', 'k')).toEqual(['a', '\fb']);
  });
});

describe('removal', () => {
  const text = '# top\n[a]\n# about k\nk=1\nl=2\n\n# about b\n[b]\nm=3\n';

  it('removes an entry with the comments above it', () => {
    const doc = parse(text);
    expect(doc.removeKey('a', 'k')).toBe(true);
    expect(doc.removeKey('a', 'k')).toBe(false);
    expect(doc.removeKey('nope', 'k')).toBe(false);
    expect(doc.serialize()).toBe('# top\n[a]\nl=2\n\n# about b\n[b]\nm=3\n');
    doc.setRaw('a', 'k', '9');
    expect(doc.keys('a')).toEqual(['l', 'k']);
  });

  it('removes a group with its entries and the comments above its header', () => {
    const doc = parse(text);
    expect(doc.removeGroup('b')).toBe(true);
    expect(doc.removeGroup('b')).toBe(false);
    expect(doc.serialize()).toBe('# top\n[a]\n# about k\nk=1\nl=2\n');
    expect(doc.getRaw('b', 'm')).toBeUndefined();
    doc.setRaw('b', 'n', '1');
    expect(doc.serialize()).toBe('# top\n[a]\n# about k\nk=1\nl=2\n\n[b]\nn=1\n');
  });
});
