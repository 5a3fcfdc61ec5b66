/**
 * The daemon's configuration as plugins see it: NetworkManager.conf's keyfile
 * syntax, merged from the profile, the main file and conf.d. Values are the
 * raw strings; the typed accessors parse them the way NetworkManager does.
 */
import type { ConnectionDefaults } from './connection-defaults.js';

export interface ConfigView {
  /** Raw value, or undefined when the key is not set. */
  get(section: string, key: string): string | undefined;
  getString(section: string, key: string, fallback: string): string;
  getBoolean(section: string, key: string, fallback: boolean): boolean;
  getInteger(section: string, key: string, fallback: number): number;
  /**
   * A list value: ',' or ';' separated, whitespace trimmed, empty items dropped.
   * Device-spec keys (match-device, unmanaged-devices, no-auto-default...) also
   * take NetworkManager's escapes ("\," "\;" "\s" "\\"), as nm_match_spec_split reads them.
   */
  getList(section: string, key: string): string[];
  /** Section names present, in file order (e.g. every "device-*" section). */
  sections(): string[];
  /** Where a key's value came from ("/etc/nmk/nmk.conf:12"), for messages. */
  origin(section: string, key: string): string | undefined;
  /**
   * `[connection*]` property defaults per device, the service Tokens.ConnectionDefaults
   * names; here too for code that holds only the config (a kind's configure slot).
   * Read it through connectionDefaultsOf(), which also serves configs without it.
   */
  readonly connectionDefaults?: ConnectionDefaults;
}

/** Where every file nmk reads or writes lives. All of it hangs from one root. */
export interface Paths {
  /** The state root ("/" in production, a temporary directory in tests). */
  readonly root: string;
  /** The main config file. */
  readonly configFile: string;
  /** The conf.d directory merged after the main file. */
  readonly configDir: string;
  /** Persistent data (e.g. <root>/etc/nmk). */
  readonly etcDir: string;
  /** Runtime state that survives a restart but not a reboot (e.g. <root>/run/nmk). */
  readonly runDir: string;
  /** State kept across reboots (e.g. <root>/var/lib/nmk). */
  readonly stateDir: string;
  /** Resolve a path below the root (absolute paths are re-rooted). */
  under(path: string): string;
}
