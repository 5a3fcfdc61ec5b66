/**
 * The one way the conf.d/net readers report a problem: thrown with the line
 * and variable to blame, caught per interface and turned into an NmkError.
 * What NetworkManager would only warn about is a Note instead: the reader
 * goes on without the value, and the note becomes a warning naming the same.
 */
import { BadValue } from '../../../sdk/index.js';
import { scalarOf } from '../bash/evaluate.js';
import type { NamedVariable } from './variables.js';

export class Problem extends Error {
  constructor(
    readonly line: number,
    readonly key: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** A warning: the value at this line and variable was ignored, and why. */
export interface Note {
  line: number;
  key: string;
  reason: string;
}

/** Runs a value parser; a value it refuses is a note ("...; ignored") and gives undefined. */
export function soft<T>(nv: NamedVariable, parse: () => T, notes: Note[]): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof BadValue)) throw err;
    notes.push({ line: nv.v.line, key: nv.name, reason: `${err.message}; ignored` });
    return undefined;
  }
}

/** Runs a value parser, blaming `nv`'s variable (and `line`, default its assignment) on failure. */
export function at<T>(nv: NamedVariable, parse: () => T, line = nv.v.line): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof BadValue) throw new Problem(line, nv.name, err.message);
    throw err;
  }
}

/** netifrc's yesno: yes/true/on/1 and no/false/off/0, any case. */
export function yesNo(nv: NamedVariable): boolean {
  const t = scalarOf(nv.v).trim().toLowerCase();
  if (['yes', 'true', 'on', '1'].includes(t)) return true;
  if (['no', 'false', 'off', '0'].includes(t)) return false;
  throw new Problem(nv.v.line, nv.name, `invalid value '${scalarOf(nv.v)}': expected yes or no`);
}

