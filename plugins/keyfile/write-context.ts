/**
 * What the writer carries while it turns settings into a document: the
 * document, the whole profile (a property's writer may look at its
 * neighbours, e.g. the gateway goes on the first address), and an error that
 * names the property that cannot be written.
 */
import { NmkError, type ConnectionSettings, type KeyFileDocument } from '../../sdk/index.js';
import { PLUGIN_NAME } from './read-context.js';

export class WriteContext {
  constructor(
    readonly doc: KeyFileDocument,
    readonly settings: ConnectionSettings,
  ) {}

  error(setting: string, property: string, reason: string, cause?: unknown): NmkError {
    return new NmkError('INVALID_ARGUMENT', reason, { key: `${setting}.${property}`, plugin: PLUGIN_NAME }, cause === undefined ? undefined : { cause });
  }

  /**
   * Runs one document setter; the TypeError or RangeError it throws for a
   * value a keyfile cannot hold (a NUL, a lone surrogate) becomes an error
   * naming the property.
   */
  set(setting: string, property: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof TypeError || err instanceof RangeError) throw this.error(setting, property, `cannot be stored in a keyfile: ${err.message}`, err);
      throw err;
    }
  }
}
