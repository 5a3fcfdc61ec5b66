/**
 * The ConfigView everyone holds. A SIGHUP swaps the merged config behind it,
 * so plugins that kept a reference read the new values without re-resolving.
 */
import type { ConfigView } from '../../sdk/index.js';
import { ConfigConnectionDefaults } from './connection-defaults.js';
import type { MergedConfig } from './merged-config.js';

export class ConfigHolder implements ConfigView {
  /** Follows the swaps too: registered as Tokens.ConnectionDefaults. */
  readonly connectionDefaults = new ConfigConnectionDefaults(() => this.current);
  constructor(public current: MergedConfig) {}
  get(s: string, k: string) { return this.current.get(s, k); }
  getString(s: string, k: string, f: string) { return this.current.getString(s, k, f); }
  getBoolean(s: string, k: string, f: boolean) { return this.current.getBoolean(s, k, f); }
  getInteger(s: string, k: string, f: number) { return this.current.getInteger(s, k, f); }
  getList(s: string, k: string) { return this.current.getList(s, k); }
  sections() { return this.current.sections(); }
  origin(s: string, k: string) { return this.current.origin(s, k); }
}
