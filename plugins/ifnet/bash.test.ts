/**
 * nmk reads conf.d/net's assignments exactly as bash does: every case is
 * run through the real bash (`env -i bash -c '. FILE; ...'`) and compared.
 * The property test generates values of every character class rendered in
 * every quoting style bash has, arrays, appends, indexed elements and
 * expansions of earlier variables.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, itemsOf } from './bash/evaluate.js';
import { BashSyntaxError, tokenize } from './bash/lexer.js';
import { parseScript } from './bash/script.js';
import { bashAvailable, type BashValue, bashValues } from './test/bash.js';

function nmkValues(text: string, names: string[]): Map<string, BashValue | 'unknown'> {
  const { vars } = evaluate(parseScript(tokenize(text)));
  const out = new Map<string, BashValue | 'unknown'>();
  for (const n of names) {
    const v = vars.get(n);
    if (!v) out.set(n, { kind: 'unset' });
    else if (v.problem) out.set(n, 'unknown');
    else if (v.value.kind === 'scalar') out.set(n, { kind: 'scalar', text: v.value.text });
    else out.set(n, { kind: 'array', items: itemsOf(v).map((i) => i.text) });
  }
  return out;
}

function expectSameAsBash(text: string, names: string[]): void {
  const bash = bashValues(text, names);
  expect(bash, `bash refused:\n${text}`).toBeDefined();
  const nmk = nmkValues(text, names);
  for (const n of names) expect(nmk.get(n), `${n} in:\n${text}`).toEqual(bash!.get(n));
}

const EXAMPLES: Array<[string, string, string[]]> = [
  ['netifrc multi-line strings', 'config_eth0="192.0.2.1/24\n2001:db8::1/64"\nroutes_eth0="default via 192.0.2.254"\n', ['config_eth0', 'routes_eth0']],
  ['arrays with comments, blank lines and continuations', 'config_eth0=(\n  "192.0.2.1/24"   # first\n\n  \'10.0.0.1/8\' \\\n  dhcp\n)\n', ['config_eth0']],
  ['every quote style in one word', `a=one' two '"three \\"four\\" \\$five"$'\\tsix\\x41\\101\\n'seven\\ eight`, ['a']],
  ['backslashes in double quotes', 'a="\\a\\\\b\\$c\\`d\\"e\\\nf"', ['a']],
  ['ANSI-C edge cases', "a=$'\\q\\x\\xg\\cA\\c[\\e\\E\\?\\'\\\"\\0dropped'b", ['a']],
  ['expansions, split in arrays, not in scalars', 'x="a  b\tc"\ns=$x-${x}\narr=( $x "$x" ${x}z "" \'\' $unset "$unset" )\n', ['s', 'arr']],
  ['appends and indexes', 'a=(1 2); a+=(3); a[7]=x; a+=y; a[1]+=z\nb=s; b+=(t u)\nc=( [4]=four five [1]=one )\nd=x; d[2]=y\n', ['a', 'b', 'c', 'd']],
  ['scalar assignment to an array sets element 0', 'a=(1 2 3)\na=zero\n', ['a']],
  ['several statements on a line, export and declare', 'a=1; b=2 ;c=3\nexport d=4 e=( 5 6 )\ndeclare -a f=(7) g=8\nreadonly h=9\n', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']],
  ['# inside words and after them', 'a=x#y\nb="#"#comment\nc=\\#d\n', ['a', 'b', 'c']],
  ['functions are not run; later assignments are', 'preup() {\n  a=inside\n  if true; then echo "}"; fi\n  case x in x) b=1 ;; esac\n}\nfunction postup {\n  c=( inside )\n}\na=after\n', ['a', 'b', 'c']],
  ['assignments before a command are the command\'s only', 'a=kept\nb=temp :\n', ['a', 'b']],
  ['empty values', 'a=\nb=""\nc=()\nd=( "" )\n', ['a', 'b', 'c', 'd']],
  ['non-ASCII text passes through', 'a="réseau ☃"\nb=( é ñ )\n', ['a', 'b']],
];

describe('bash quoting and arrays, compared with bash', () => {
  it('has bash to compare with', () => {
    expect(bashAvailable(), 'bash is needed for these tests').toBe(true);
  });

  for (const [what, text, names] of EXAMPLES) it(what, () => expectSameAsBash(text, names));

  it('marks what it will not expand as unknown instead of guessing', () => {
    const text = 'a=$(hostname)\nb=`date`\nc=${x:-y}\nd=$1\ne=( * )\nf=( {a,b} )\ng=~/x\nh=$((1+1))\ni=ok\nj=$a\n';
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'j'];
    const nmk = nmkValues(text, [...names, 'i']);
    for (const n of names) expect(nmk.get(n), n).toBe('unknown');
    expect(nmk.get('i')).toEqual({ kind: 'scalar', text: 'ok' });
  });

  it('refuses what bash refuses', () => {
    for (const text of ['a="open\n', "a='open\n", 'a=( one two\n', 'fi\n', 'f() {\n a=1\n', 'a=$(\n', ')\n', 'a=`x\n']) {
      expect(() => evaluate(parseScript(tokenize(text))), JSON.stringify(text)).toThrow(BashSyntaxError);
      expect(bashValues(`${text}`, ['a']), JSON.stringify(text)).toBeUndefined();
    }
  });
});

// ---- Generated scripts ----

const CHARS = [...'abcXYZ019 _-./:=,+@%^', '\t', '\n', '"', "'", '\\', '$', '`', '#', '*', '?', '[', ']', '{', '}', '(', ')', ';', '&', '|', '<', '>', '~', '!', 'é', '☃'];
const value = fc.array(fc.constantFrom(...CHARS), { maxLength: 12 }).map((c) => c.join(''));
/** Values safe to expand unquoted in an array: no glob characters. */
const globFree = value.map((v) => v.replace(/[*?[]/g, 'g'));

function singleQuoted(v: string): string {
  return `'${v.replace(/'/g, "'\\''")}'`;
}
function doubleQuoted(v: string): string {
  return `"${v.replace(/[\\"$`]/g, (m) => `\\${m}`)}"`;
}
function ansiQuoted(v: string, octal: boolean): string {
  return `$'${[...v]
    .map((c) => {
      if (c === '\\' || c === "'") return `\\${c}`;
      if (c === '\n') return '\\n';
      if (c === '\t') return octal ? '\\011' : '\\t';
      if (octal && /[a-z]/.test(c)) return `\\${c.charCodeAt(0).toString(8)}`;
      if (!octal && /[A-Z]/.test(c)) return `\\x${c.charCodeAt(0).toString(16)}`;
      return c;
    })
    .join('')}'`;
}
function backslashed(v: string): string {
  // A newline cannot be backslash-quoted (backslash-newline is a continuation): quote it.
  return [...v].map((c) => (c === '\n' ? "$'\\n'" : /[A-Za-z0-9_\-./:,+@%^=é☃]/.test(c) ? c : `\\${c}`)).join('');
}

/** `v` written as one bash word, in pieces of random quoting styles. */
function render(v: string, styles: number[]): string {
  if (v === '') return styles[0]! % 2 ? "''" : '""';
  const pieces: string[] = [];
  let rest = v;
  let i = 0;
  while (rest.length) {
    const n = 1 + (styles[i % styles.length]! % Math.max(1, rest.length));
    const chunk = rest.slice(0, n);
    rest = rest.slice(n);
    const style = styles[(i + 1) % styles.length]! % 5;
    pieces.push(style === 0 ? singleQuoted(chunk) : style === 1 ? doubleQuoted(chunk) : style === 2 ? ansiQuoted(chunk, false) : style === 3 ? ansiQuoted(chunk, true) : backslashed(chunk));
    i++;
  }
  return pieces.join('');
}

type Stmt = { name: string; text: string };

const styles = fc.array(fc.nat(20), { minLength: 1, maxLength: 6 });
const names = ['config_eth0', 'routes_eth0', 'a', 'b', 'c'];

const statement: fc.Arbitrary<(defined: string[]) => Stmt> = fc.oneof(
  fc.tuple(fc.constantFrom(...names), value, styles, fc.boolean()).map(([name, v, s, append]) => () => ({ name, text: `${name}${append ? '+=' : '='}${render(v, s)}` })),
  fc.tuple(fc.constantFrom(...names), fc.array(fc.tuple(value, styles, fc.option(fc.nat(5), { nil: undefined })), { maxLength: 5 }), fc.boolean(), fc.constantFrom(' ', '\n  ', ' \\\n ', ' # note\n ')).map(
    ([name, els, append, sep]) =>
      () => ({ name, text: `${name}${append ? '+=' : '='}(${sep}${els.map(([v, s, idx]) => (idx === undefined ? render(v, s) : `[${idx}]=${render(v, s)}`)).join(sep)}${sep.includes('#') ? '\n' : ' '})` }),
  ),
  // Expansions of a variable defined earlier, quoted and not, in scalars and arrays.
  fc.tuple(fc.constantFrom(...names), fc.nat(10), fc.boolean(), globFree).map(([name, pick, quoted, lit]) => (defined: string[]) => {
    const src = defined[pick % Math.max(1, defined.length)] ?? 'undefined_var';
    return { name, text: quoted ? `${name}="\${${src}}"${render(lit, [1])}` : `${name}=( $${src} x${render(lit, [0])} )` };
  }),
  fc.tuple(fc.constantFrom(...names), fc.nat(7), globFree, styles).map(([name, idx, v, s]) => () => ({ name, text: `${name}[${idx}]=${render(v, s)}` })),
);

describe('generated assignments, compared with bash', () => {
  it('reads every generated script as bash does', () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', ';', '; ', '\n\n# comment\n'), (stmts, sep) => {
        const defined: string[] = [];
        const lines: string[] = [];
        for (const make of stmts) {
          const st = make(defined);
          lines.push(st.text);
          defined.push(st.name);
        }
        const text = `${lines.join(sep)}\n`;
        const bash = bashValues(text, names);
        if (!bash) return; // bash refused a generated script: nothing to compare (rare; checked below)
        const nmk = nmkValues(text, names);
        for (const n of names) {
          const mine = nmk.get(n);
          // Unknown is allowed only where a value holds something nmk will not expand: glob characters from an earlier variable.
          if (mine === 'unknown') continue;
          expect(mine, `${n} in:\n${text}`).toEqual(bash.get(n));
        }
      }),
      { numRuns: Number(process.env.NMK_FC_RUNS ?? 400) },
    );
  }, 120_000);

  it('bash accepts the generated scripts (so the comparison above is not empty)', () => {
    const samples = fc.sample(fc.array(statement, { minLength: 1, maxLength: 8 }), 60);
    let accepted = 0;
    let unknown = 0;
    for (const stmts of samples) {
      const defined: string[] = [];
      const text = `${stmts.map((m) => { const s = m(defined); defined.push(s.name); return s.text; }).join('\n')}\n`;
      if (bashValues(text, names)) accepted++;
      unknown += [...nmkValues(text, names).values()].filter((v) => v === 'unknown').length;
    }
    expect(accepted).toBe(samples.length);
    expect(unknown).toBeLessThan(samples.length * names.length * 0.1);
  }, 60_000);
});
