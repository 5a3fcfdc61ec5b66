/**
 * The one way the stanza readers report a problem: thrown with the stanza,
 * line and key to blame, caught by readGroup and turned into an NmkError.
 */
import { BadValue } from '../../../sdk/index.js';
import type { IfaceStanza } from './stanzas.js';

/** Thrown inside the readers only, with the stanza and line to blame. */
export class Problem extends Error {
  constructor(
    readonly stanza: IfaceStanza,
    readonly line: number,
    readonly key: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Runs a value parser, blaming the option's line and key on failure. */
export function at<T>(st: IfaceStanza, line: number, key: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof BadValue) throw new Problem(st, line, key, err.message);
    throw err;
  }
}

export function where(st: IfaceStanza, other: IfaceStanza, line: number): string {
  return other.doc === st.doc ? `line ${line}` : `${other.doc.file}:${line}`;
}

