/**
 * Device-spec lists split and joined as NetworkManager 1.42 does
 * (nm_match_spec_split / nm_match_spec_join). The cases are the spec strings
 * of NetworkManager's src/core/tests/test-core.c (test_match_spec_device) and
 * the ignore-carrier values of src/core/tests/config/conf.d, with the entries
 * their assertions imply; written here as raw keyfile text.
 */
import { describe, expect, it } from 'vitest';
import { joinSpecs, splitSpecs } from './spec-list.js';

// [raw value as written in the file, the entries NetworkManager reads]
const NM_CASES: ReadonlyArray<[string, string[]]> = [
  ['em1', ['em1']],
  ['em1,em2', ['em1', 'em2']],
  ['em1,em2,interface-name:em2', ['em1', 'em2', 'interface-name:em2']],
  ['interface-name:em*', ['interface-name:em*']],
  // An unknown escape keeps its backslash.
  [String.raw`interface-name:em\*`, [String.raw`interface-name:em\*`]],
  [String.raw`interface-name:~em\*`, [String.raw`interface-name:~em\*`]],
  ['except:*', ['except:*']],
  ['interface-name:em*,except:interface-name:em1*', ['interface-name:em*', 'except:interface-name:em1*']],
  [String.raw`aa,bb,cc\,dd,e,,`, ['aa', 'bb', 'cc,dd', 'e']],
  [String.raw`aa;bb;cc\;dd;e,;`, ['aa', 'bb', 'cc;dd', 'e']],
  [String.raw`interface-name:em\;1,em\,2,\,,\\,,em\\x`, ['interface-name:em;1', 'em,2', ',', '\\', String.raw`em\x`]],
  [String.raw`\s\s,\sinterface-name:a,\s,`, ['  ', ' interface-name:a', ' ']],
  [' aa ;  bb   ; cc\\;dd  ;e , ; \t\\t  , ', ['aa', 'bb', 'cc;dd', 'e', '\t']],
  [String.raw`s390-subchannels:0.0.1000\,0.0.1001`, ['s390-subchannels:0.0.1000,0.0.1001']],
  ['driver:DRV//1.5*', ['driver:DRV//1.5*']],
  // conf.d/00-overrides.conf and 10-more.conf: ignore-carrier=\s space1 \s, ignore-carrier+=\sspace2\t<TAB>
  [String.raw`\s space1 \s`, ['  space1  ']],
  ['\\sspace2\\t\t', [' space2\t']],
];

describe('splitSpecs (nm_match_spec_split)', () => {
  it.each(NM_CASES)('%j', (raw, entries) => {
    expect(splitSpecs(raw)).toEqual(entries);
  });

  it('reads nothing from an empty or missing value, or one of separators and blanks', () => {
    expect(splitSpecs(undefined)).toEqual([]);
    expect(splitSpecs('')).toEqual([]);
    expect(splitSpecs(' , ;\t;,')).toEqual([]);
  });

  it('drops a backslash that ends the value, and the blanks before it', () => {
    expect(splitSpecs('eth0\\')).toEqual(['eth0']);
    expect(splitSpecs('eth0 \\')).toEqual(['eth0']);
    expect(splitSpecs('\\')).toEqual([]);
  });

  it('turns \\n and \\r into the characters, and keeps "\\x" for any other x', () => {
    expect(splitSpecs(String.raw`a\nb,c\rd,e\qf,g\:h`)).toEqual(['a\nb', 'c\rd', String.raw`e\qf`, String.raw`g\:h`]);
  });

  it('cuts a piece with blanks inside by their count, as NetworkManager 1.42 does ("a b" gives "a ")', () => {
    expect(splitSpecs('a b')).toEqual(['a ']);
    expect(splitSpecs('interface-name:my nic,eth0')).toEqual(['interface-name:my ni', 'eth0']);
    // An escape in between starts the count again.
    expect(splitSpecs(String.raw`a b\sc`)).toEqual(['a b c']);
  });

  it('trims every ASCII blank g_ascii_isspace knows (\\v and \\f too)', () => {
    expect(splitSpecs('\v\f eth0 \f\v,\r\neth1\r\n')).toEqual(['eth0', 'eth1']);
  });
});

describe('joinSpecs (nm_match_spec_join)', () => {
  it.each(NM_CASES)('splitSpecs(joinSpecs(entries)) gives back the entries of %j', (raw) => {
    const entries = splitSpecs(raw);
    expect(splitSpecs(joinSpecs(entries))).toEqual(entries);
  });

  it('escapes separators, backslashes, line breaks and edge blanks, and nothing else', () => {
    expect(joinSpecs(['interface-name:eth0', 'mac:00:11:22:33:44:55'])).toBe('interface-name:eth0,mac:00:11:22:33:44:55');
    expect(joinSpecs(['a,b', 'c;d', 'e\\f', 'g\nh\ri'])).toBe(String.raw`a\,b,c\;d,e\\f,g\nh\ri`);
    expect(joinSpecs([' a b ', '\tc\t', ' '])).toBe(String.raw`\sa b\s,\tc\t,\s`);
    expect(joinSpecs(['', 'x', ''])).toBe('x');
    expect(joinSpecs([])).toBe('');
  });
});
