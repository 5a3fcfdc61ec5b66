/**
 * The SettingsSource contract: what a settings plugin (keyfile, ifcfg-rh,
 * ifupdown, ifnet) gives the settings store. A source reads its files into
 * profiles; one bad file is an error entry naming the file, the line and the
 * key, never an exception, so every other profile still loads.
 */
import type { NmkError } from '../errors.js';
import type { ConnectionSettings } from './types.js';

/** A profile as a source found it, and where. */
export interface SourceProfile {
  /** Normalised and verified settings (normalizeConnection + verifyConnection). */
  settings: ConnectionSettings;
  /** The file it was read from (the main one when a profile spans several). */
  file: string;
  /** In memory only: kept under the run directory, gone after a reboot. */
  runtime?: boolean;
  /** Read-only: the source cannot write it back (e.g. a read-only keyfile directory, ifnet). */
  readOnly?: boolean;
  /**
   * What the source read but does not model (groups, keys or variables a newer
   * NetworkManager or another tool wrote), kept so that rewriting the profile
   * writes them back unchanged. Opaque to core: only the source that made it
   * reads it, when it gets this profile back as `previous` in write().
   */
  preserved?: unknown;
}

export interface SourceLoadResult {
  profiles: SourceProfile[];
  /** One per file that could not be read; each names file, line and key where known. */
  errors: NmkError[];
}

export interface WriteOptions {
  /** 'disk': persistent; 'memory': runtime, under the run directory. */
  persist: 'disk' | 'memory';
}

export interface SettingsSource {
  /** The plugin's name ("keyfile", "ifcfg-rh"...), as in [main] plugins. */
  readonly name: string;
  /** Read every profile this source has. */
  load(): Promise<SourceLoadResult>;
  /** Read one file if it is this source's; undefined when the file is not one of its own. */
  loadFile?(file: string): Promise<SourceLoadResult | undefined>;
  /** Whether this source can store the profile (its format supports the type). */
  canWrite?(settings: ConnectionSettings, options: WriteOptions): boolean;
  /**
   * Write a new profile, or replace `previous` (which this source owns).
   * Writes are atomic (temp file, fsync, rename). Resolves with where it now lives.
   */
  write?(settings: ConnectionSettings, options: WriteOptions, previous?: SourceProfile): Promise<SourceProfile>;
  /** Remove a profile's file(s). */
  delete?(profile: SourceProfile): Promise<void>;
  /**
   * Device specs this source marks unmanaged ("interface-name:eth1" for an
   * ifcfg file with NM_CONTROLLED=no), refreshed by load().
   */
  unmanagedSpecs?(): string[];
}
