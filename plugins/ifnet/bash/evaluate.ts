/**
 * What sourcing the file leaves in its variables, computed the way bash
 * does for the assignments nmk reads:
 * - NAME=word: parameter expansion and quote removal, no field splitting,
 *   no globbing; an array NAME gets element 0 set;
 * - NAME+=word appends (to element 0 of an array);
 * - NAME[N]=word sets one element; NAME=( ... ) and NAME+=( ... ) build an
 *   array, with [N]=word elements, unquoted expansions split on blanks and
 *   newlines (the default IFS);
 * - $NAME of an array is element 0; an unset NAME expands to nothing (as
 *   under `env -i`: nmk does not read the environment).
 * Unquoted glob characters, brace expansion and ~ in array elements, and
 * every unsupported expansion, make the variable unknown, with a problem
 * naming the line.
 */
import type { Word } from './lexer.js';
import type { Assignment, ParsedScript, ScriptProblem } from './script.js';

export interface Variable {
  /** Scalar text, or array elements in index order. */
  value: { kind: 'scalar'; text: string } | { kind: 'array'; items: Map<number, { text: string; line: number }> };
  /** Line of the last assignment. */
  line: number;
  /** Set when nmk cannot know the value bash would give it. */
  problem?: ScriptProblem;
}

class Unknown extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(reason);
  }
}

const GLOB = /[*?[]/;
const BRACE = /\{[^{}]*(,|\.\.)[^{}]*\}/;

export function scalarOf(v: Variable): string {
  return v.value.kind === 'scalar' ? v.value.text : (v.value.items.get(0)?.text ?? '');
}

/** Elements as netifrc's _get_array sees a bash array: in index order. */
export function itemsOf(v: Variable): Array<{ text: string; line: number }> {
  if (v.value.kind === 'scalar') return [{ text: v.value.text, line: v.line }];
  return [...v.value.items.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
}

export function evaluate(script: ParsedScript): { vars: Map<string, Variable>; problems: ScriptProblem[] } {
  const vars = new Map<string, Variable>();
  const problems = [...script.problems];

  const lookup = (name: string, line: number): string => {
    const v = vars.get(name);
    if (!v) return '';
    if (v.problem) throw new Unknown(line, `uses ${name}, whose value nmk cannot know`);
    return scalarOf(v);
  };

  const expandScalar = (w: Word): string => {
    let out = '';
    w.parts.forEach((p, i) => {
      if (p.kind === 'unsupported') throw new Unknown(w.line, `${p.what} is not supported; nmk does not run commands or expand it`);
      if (p.kind === 'param') out += lookup(p.name, w.line);
      else {
        // Tilde expansion happens at the start of an assignment value and after each unquoted ':'.
        if (!p.quoted && ((i === 0 && p.text.startsWith('~')) || p.text.includes(':~'))) throw new Unknown(w.line, '~ expansion is not supported');
        out += p.text;
      }
    });
    return out;
  };

  const expandFields = (w: Word): string[] => {
    const fields: string[] = [];
    let cur = '';
    let has = false;
    const flush = () => {
      if (has) fields.push(cur);
      cur = '';
      has = false;
    };
    const unquotedText = w.parts.map((p) => (p.kind === 'lit' && !p.quoted ? p.text : '\0')).join('');
    if (BRACE.test(unquotedText)) throw new Unknown(w.line, 'brace expansion is not supported');
    w.parts.forEach((p, i) => {
      if (p.kind === 'unsupported') throw new Unknown(w.line, `${p.what} is not supported; nmk does not run commands or expand it`);
      if (p.kind === 'lit') {
        if (!p.quoted && GLOB.test(p.text)) throw new Unknown(w.line, `unquoted '${p.text}' would be matched against file names`);
        if (!p.quoted && i === 0 && p.text.startsWith('~')) throw new Unknown(w.line, '~ expansion is not supported');
        cur += p.text;
        has = true;
        return;
      }
      const v = lookup(p.name, w.line);
      if (p.quoted) {
        cur += v;
        has = true;
        return;
      }
      if (GLOB.test(v)) throw new Unknown(w.line, `$${p.name} holds a glob character and would be matched against file names`);
      const words = v.split(/[ \t\n]+/).filter((x) => x !== '');
      if (words.length === 0) {
        if (v !== '') flush();
        return;
      }
      if (/^[ \t\n]/.test(v)) flush();
      cur += words[0];
      has = true;
      for (const x of words.slice(1)) {
        flush();
        cur = x;
        has = true;
      }
      if (/[ \t\n]$/.test(v)) flush();
    });
    flush();
    return fields;
  };

  const apply = (a: Assignment) => {
    const prev = vars.get(a.name);
    const keep = prev && !prev.problem ? prev.value : undefined;
    if (a.elements) {
      const items = new Map<number, { text: string; line: number }>();
      let next = 0;
      if (a.append && keep) {
        if (keep.kind === 'scalar') items.set(0, { text: keep.text, line: prev!.line });
        else for (const [k, v] of keep.items) items.set(k, v);
        next = items.size ? Math.max(...items.keys()) + 1 : 0;
      }
      if (a.append && prev?.problem) throw new Unknown(a.line, `appends to ${a.name}, whose value nmk cannot know`);
      for (const el of a.elements) {
        const indexed = asIndexed(el);
        if (indexed) {
          next = indexed.index;
          items.set(next++, { text: expandScalar(indexed.value), line: el.line });
          continue;
        }
        for (const f of expandFields(el)) items.set(next++, { text: f, line: el.line });
      }
      vars.set(a.name, { value: { kind: 'array', items }, line: a.line });
      return;
    }
    const text = expandScalar(a.value!);
    // Changing part of an unknown value leaves it unknown; so does setting element 0 of an unknown array.
    if ((a.append || a.index !== undefined || prev?.value.kind === 'array') && prev?.problem) throw new Unknown(a.line, `changes ${a.name}, whose value nmk cannot know`);
    if (a.index !== undefined) {
      if (!/^[0-9]+$/.test(a.index.trim())) throw new Unknown(a.line, `array index [${a.index}] is not supported (only plain numbers)`);
      const n = Number(a.index.trim());
      const items = keep?.kind === 'array' ? new Map(keep.items) : new Map(keep ? [[0, { text: keep.text, line: prev!.line }]] : []);
      const old = items.get(n)?.text ?? '';
      items.set(n, { text: a.append ? old + text : text, line: a.line });
      vars.set(a.name, { value: { kind: 'array', items }, line: a.line });
      return;
    }
    if (keep?.kind === 'array' || (a.array && !keep)) {
      const items = new Map(keep?.kind === 'array' ? keep.items : []);
      items.set(0, { text: a.append ? (items.get(0)?.text ?? '') + text : text, line: a.line });
      vars.set(a.name, { value: { kind: 'array', items }, line: a.line });
      return;
    }
    vars.set(a.name, { value: { kind: 'scalar', text: a.append && keep ? keep.text + text : text }, line: a.line });
  };

  for (const a of script.assignments) {
    try {
      apply(a);
    } catch (err) {
      if (!(err instanceof Unknown)) throw err;
      const problem = { line: err.line, key: a.name, reason: err.message };
      problems.push(problem);
      // The kind stays known (an array assignment makes an array) even when the value is not.
      const prev = vars.get(a.name);
      const array = a.elements !== undefined || a.index !== undefined || a.array || prev?.value.kind === 'array';
      vars.set(a.name, { value: array ? { kind: 'array', items: new Map() } : { kind: 'scalar', text: '' }, line: a.line, problem });
    }
  }
  return { vars, problems };
}

/** An array element written [N]=value. */
function asIndexed(w: Word): { index: number; value: Word } | undefined {
  const first = w.parts[0];
  if (first?.kind !== 'lit' || first.quoted) return undefined;
  const m = /^\[([^\]]*)\]=/.exec(first.text);
  if (!m) return undefined;
  if (!/^[0-9]+$/.test(m[1]!.trim())) throw new Unknown(w.line, `array index [${m[1]}] is not supported (only plain numbers)`);
  const rest = first.text.slice(m[0].length);
  return { index: Number(m[1]!.trim()), value: { line: w.line, parts: [...(rest ? [{ kind: 'lit' as const, text: rest, quoted: false }] : []), ...w.parts.slice(1)] } };
}
