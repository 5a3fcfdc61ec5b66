/**
 * Rewrites a shell-variable file for a profile: the variables nmk sets are
 * recorded, and at the end every variable nmk manages that this write did not
 * set is removed (it belonged to the old profile). Variables nmk does not
 * know, comments and blank lines stay as they were.
 */
import type { ShvarFile } from './shvar-file.js';

/** A variable name, or a pattern for a family of them (IPADDR0, IPADDR1...). */
export type KeyMatcher = string | RegExp;

export class FileWriter {
  readonly #touched = new Set<string>();

  constructor(readonly file: ShvarFile) {}

  /** Sets a variable; undefined or "" removes it (as svSetValueStr does). */
  set(key: string, value: string | undefined): void {
    this.#touched.add(key);
    this.file.set(key, value === '' ? undefined : value);
  }

  /** Leaves a variable as it is, but counts it as written. */
  keep(key: string): void {
    this.#touched.add(key);
  }

  /** The value the file had before this write (or as set since). */
  get(key: string): string | undefined {
    return this.file.get(key);
  }

  /** Removes every managed variable this write did not set; returns the file. */
  finish(managed: readonly KeyMatcher[]): ShvarFile {
    for (const key of this.file.keys()) {
      if (!this.#touched.has(key) && matchesAny(key, managed)) this.file.set(key, undefined);
    }
    return this.file;
  }
}

export function matchesAny(key: string, matchers: readonly KeyMatcher[]): boolean {
  return matchers.some((m) => (typeof m === 'string' ? m === key : m.test(key)));
}
