/**
 * The one way the conf.d/net readers report a problem: thrown with the line
 * and variable to blame, caught per interface and turned into an NmkError.
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

