/**
 * Placing kept text back into a document: insertGroup at a position,
 * setComments above a header or an entry, setTrailingComments; each line
 * must read back as the same comment.
 */
import { describe, expect, it } from 'vitest';
import { KeyFileDocument, parse } from './index.js';

describe('insertGroup', () => {
  it('creates an empty group at a position, with no blank line of its own', () => {
    const doc = parse('[a]\nx=1\n\n[b]\ny=2\n');
    doc.insertGroup('new', 1);
    doc.setRaw('new', 'k', 'v');
    expect(doc.groupNames()).toEqual(['a', 'new', 'b']);
    expect(doc.serialize()).toBe('[a]\nx=1\n[new]\nk=v\n\n[b]\ny=2\n');
    doc.insertGroup('first', 0);
    doc.insertGroup('last', 99);
    expect(doc.groupNames()).toEqual(['first', 'a', 'new', 'b', 'last']);
    // The new groups take keys like any other and read back.
    expect(parse(doc.serialize()).getRaw('new', 'k')).toBe('v');
  });

  it('refuses an existing or invalid group name', () => {
    const doc = parse('[a]\n');
    expect(() => doc.insertGroup('a', 0)).toThrow(TypeError);
    expect(() => doc.insertGroup('b]', 0)).toThrow(/invalid group name/);
    expect(doc.groupNames()).toEqual(['a']);
  });
});

describe('setComments and setTrailingComments', () => {
  it('replace the lines above a header, an entry, and at the end, verbatim', () => {
    const doc = new KeyFileDocument();
    doc.setRaw('g', 'k', 'v');
    doc.setRaw('g', 'j', 'w');
    doc.setComments('g', undefined, ['# header', '']);
    doc.setComments('g', 'j', ['  # indented', '\t']);
    doc.setTrailingComments(['', '# the end']);
    const text = doc.serialize();
    expect(text).toBe('# header\n\n[g]\nk=v\n  # indented\n\t\nj=w\n\n# the end\n');
    const back = parse(text);
    expect(back.getGroup('g')?.comments).toEqual(['# header', '']);
    expect(back.getEntry('g', 'j')?.comments).toEqual(['  # indented', '\t']);
    expect(back.trailingComments).toEqual(['', '# the end']);
  });

  it('refuse lines that would not read back as that comment, and a missing group or key', () => {
    const doc = parse('[g]\nk=v\n');
    for (const bad of ['k=v', '[x]', '# a\n# b', '# a\r', '#\u0000', '# \ud800']) {
      expect(() => doc.setComments('g', 'k', [bad])).toThrow(TypeError);
      expect(() => doc.setTrailingComments([bad])).toThrow(/not a comment line/);
    }
    expect(() => doc.setComments('h', undefined, [])).toThrow(/no group 'h'/);
    expect(() => doc.setComments('g', 'nope', [])).toThrow(/no key 'nope'/);
    expect(doc.serialize()).toBe('[g]\nk=v\n');
  });
});
