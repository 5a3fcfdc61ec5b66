import { describe, expect, it } from 'vitest';
import { NmkError } from '../../../sdk/index.js';
import { ShvarFile } from '../shvar-file.js';

const parse = (text: string): ShvarFile => ShvarFile.parse(Buffer.from(text, 'utf8'), 'ifcfg-t');

describe('shell-variable files', () => {
  it('reads assignments, skips comments and blank lines, and the last assignment wins', () => {
    const f = parse('# c\n\n  \tA=1\nB="two words" # note\nA=3\r\nC=\n');
    expect(f.keys()).toEqual(['B', 'A', 'C']);
    expect([f.get('A'), f.get('B'), f.get('C'), f.get('D')]).toEqual(['3', 'two words', '', undefined]);
    expect(f.lineOf('A')).toBe(5);
  });

  it.each([
    ['export A=1\n', 1],
    ['A =1\n', 1],
    ['A=1\nls -l\n', 2],
    ['1A=2\n', 1],
  ])('refuses a line that is not an assignment: %j', (text, line) => {
    let error: unknown;
    try {
      parse(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NmkError);
    expect((error as NmkError).code).toBe('CONFIG_SYNTAX');
    expect((error as NmkError).origin).toMatchObject({ file: 'ifcfg-t', line });
  });

  it('changes only the variables set: the rest keeps its bytes, quoting and comments', () => {
    const text = '# caf\xe9 (not UTF-8, kept as bytes)\nA="x"  # why\nB=old\nA=dup\n  Q=\'same\' # note\n';
    const f = ShvarFile.parse(Buffer.from(text, 'latin1'), 'ifcfg-t');
    f.set('Q', 'same'); // unchanged value: the line stays as written
    f.set('A', 'new value'); // the last A takes it, the earlier one goes
    f.set('B', undefined);
    f.set('N', "it's");
    expect(f.toBytes().toString('latin1')).toBe('# caf\xe9 (not UTF-8, kept as bytes)\nA="new value"\n  Q=\'same\' # note\nN="it\'s"\n');
  });

  it('refuses names that are not shell identifiers', () => {
    expect(() => ShvarFile.empty('x').set('A-B', '1')).toThrow(TypeError);
  });
});
