/**
 * What the reader carries while it turns one document into settings: the
 * document (for line numbers), where to send warnings, what it skips but
 * keeps, and how to build an error that names the file, the line and the key.
 */
import { NmkError, type KeyFileDocument } from '../../sdk/index.js';
import { PreservedCollector } from './preserved.js';

export const PLUGIN_NAME = 'keyfile';

export class ReadContext {
  readonly warnings: string[] = [];
  /** The groups and keys the reader skips, kept for a rewrite (preserved.ts). */
  readonly kept = new PreservedCollector();
  /** keys() by group: several rows look at the same group's keys, and the reader never changes the document. */
  readonly #keys = new Map<string, readonly string[]>();

  constructor(
    readonly doc: KeyFileDocument,
    /** The file name used in messages. */
    readonly file: string,
  ) {}

  /** The keys of a group in file order ([] when there is no such group), listed once per group. */
  keys(group: string): readonly string[] {
    let keys = this.#keys.get(group);
    if (!keys) this.#keys.set(group, (keys = this.doc.keys(group)));
    return keys;
  }

  /** The 1-based line of `[group] key`, or of the group header when the key is absent. */
  lineOf(group: string, key?: string): number | undefined {
    const line = key === undefined ? undefined : this.doc.getEntry(group, key)?.line;
    return line || this.doc.getGroup(group)?.line || undefined;
  }

  /** A CONFIG_VALUE error for `[group] key`, naming file, line and "group.key". */
  error(group: string, key: string | undefined, reason: string, cause?: unknown): NmkError {
    return new NmkError(
      'CONFIG_VALUE',
      reason,
      { file: this.file, line: this.lineOf(group, key), key: key === undefined ? group : `${group}.${key}`, plugin: PLUGIN_NAME },
      cause === undefined ? undefined : { cause },
    );
  }

  warn(group: string, key: string, message: string): void {
    const line = this.lineOf(group, key);
    this.warnings.push(`${this.file}${line ? `:${line}` : ''}: key '${group}.${key}': ${message}`);
  }
}
