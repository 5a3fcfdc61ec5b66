/**
 * The settings store: every connection profile, fed by the settings plugins
 * in [main] plugins order (keyfile always, last unless named).
 *
 *  - Loading asks each source for its profiles; a broken file is one error
 *    naming it and only that file is skipped. Two sources with one UUID: the
 *    first in order wins, with a warning naming both files.
 *  - A port whose controller matches no profile is refused, naming its file.
 *  - Reloading compares with what was loaded: only the difference is announced.
 *  - New profiles go to the first source that can write them, keyfile by default;
 *    'memory' profiles are runtime (kept under the run directory).
 * Each profile gets a D-Bus path that is never reused.
 */
import {
  connectionsEqual,
  NmkError,
  type ConfigView,
  type ConnectionSettings,
  type EventBus,
  type Logger,
  type SettingsSource,
  type SourceProfile,
  type WriteOptions,
} from '../../sdk/index.js';
import { checkIncoming } from './validate.js';
import { keepStoredSecrets } from './secrets.js';
import { profileId, profileUuid, type Profile } from './profile.js';

interface Found {
  source: SettingsSource;
  stored: SourceProfile;
  shadowed?: { source: SettingsSource; stored: SourceProfile };
}

export const SETTINGS_PATH_PREFIX = '/org/freedesktop/NetworkManager/Settings/';

/** Where generated profiles "live": a source that keeps nothing and cannot write. */
export const GENERATED_SOURCE: SettingsSource = Object.freeze({
  name: 'nm-generated',
  load: async () => ({ profiles: [], errors: [] }),
});

export function isGenerated(p: Profile): boolean {
  return p.source === GENERATED_SOURCE;
}

export interface LoadReport {
  profiles: number;
  errors: NmkError[];
}

export class SettingsStore {
  private byUuid = new Map<string, Profile>();
  private byPathMap = new Map<string, Profile>();
  private nextId = 1;

  constructor(
    private sources: () => SettingsSource[],
    private events: EventBus,
    private logger: Logger,
    private config: ConfigView,
    /** Called after every full or partial load, e.g. so devices follow NM_CONTROLLED=no. */
    private onLoaded: () => void = () => undefined,
  ) {}

  profiles(): Iterable<Profile> {
    return this.byUuid.values();
  }
  get size(): number {
    return this.byUuid.size;
  }
  get(uuid: string): Profile | undefined {
    return this.byUuid.get(uuid);
  }
  byPath(path: string): Profile | undefined {
    return this.byPathMap.get(path);
  }
  /** Find by UUID, then by id (nmcli's rule for a bare argument). */
  find(idOrUuid: string): Profile | undefined {
    const p = this.byUuid.get(idOrUuid);
    if (p) return p;
    for (const q of this.byUuid.values()) if (q.id === idOrUuid) return q;
    return undefined;
  }

  /** Device specs the sources mark unmanaged (NM_CONTROLLED=no, ifupdown managed=false). */
  unmanagedSpecs(): string[] {
    return this.sources().flatMap((s) => s.unmanagedSpecs?.() ?? []);
  }

  /** Read every source again; announce what was added, changed or removed. */
  async loadAll(): Promise<LoadReport> {
    const errors: NmkError[] = [];
    const found = new Map<string, Found>();
    for (const source of this.sources()) {
      let result;
      try {
        result = await source.load();
      } catch (err) {
        errors.push(new NmkError('PLUGIN_SETUP', `loading profiles failed: ${(err as Error)?.message ?? err}`, { plugin: source.name, hook: 'load' }));
        continue;
      }
      errors.push(...result.errors);
      for (const stored of result.profiles) this.collect(found, source, stored);
    }
    this.dropOrphanPorts(found, errors);

    const seen = new Set<string>();
    for (const [uuid, f] of found) {
      seen.add(uuid);
      this.put(uuid, f.source, f.stored, f.shadowed);
    }
    for (const [uuid, p] of this.byUuid) {
      // Runtime profiles added over D-Bus live only in memory unless a source keeps them;
      // generated ones describe a device as another tool configured it, and stay while it is so.
      if (!seen.has(uuid) && p.source !== GENERATED_SOURCE) this.remove(p);
    }
    for (const e of errors) this.logger.warn(e.message, { code: e.code });
    this.onLoaded();
    return { profiles: this.byUuid.size, errors };
  }

  /** Load named files: the first source that owns a file reads it. */
  async loadFiles(files: string[]): Promise<{ ok: boolean; failures: string[] }> {
    const failures: string[] = [];
    for (const file of files) {
      let handled = false;
      for (const source of this.sources()) {
        const r = await source.loadFile?.(file).catch((err: Error) => ({ profiles: [], errors: [new NmkError('CONFIG_SYNTAX', err.message, { file })] }));
        if (!r) continue;
        handled = true;
        for (const e of r.errors) this.logger.warn(e.message, { code: e.code });
        if (r.errors.length || r.profiles.length === 0) failures.push(file);
        const found = new Map<string, Found>();
        for (const stored of r.profiles) this.collect(found, source, stored);
        for (const [uuid, f] of found) this.put(uuid, source, f.stored, f.shadowed);
        break;
      }
      if (!handled) {
        this.logger.warn(`${file}: no settings plugin reads this file`);
        failures.push(file);
      }
    }
    this.onLoaded();
    return { ok: failures.length === 0, failures };
  }

  private collect(found: Map<string, Found>, source: SettingsSource, stored: SourceProfile): void {
    const uuid = profileUuid(stored.settings);
    const prior = found.get(uuid);
    // A runtime profile hides a persistent one with its UUID, whatever the plugin order (NetworkManager's rule).
    if (prior && stored.runtime && !prior.stored.runtime) {
      found.set(uuid, { source, stored, shadowed: { source: prior.source, stored: prior.stored } });
      return;
    }
    if (prior && !stored.runtime && prior.stored.runtime) {
      prior.shadowed ??= { source, stored };
      return;
    }
    if (prior) {
      this.logger.warn(`two profiles with UUID ${uuid}: ${prior.stored.file} (${prior.source.name}) wins over ${stored.file} (${source.name})`);
      return;
    }
    found.set(uuid, { source, stored });
  }

  /** A port must name an existing controller, by UUID or by interface name. */
  private dropOrphanPorts(found: Map<string, Found>, errors: NmkError[]): void {
    const names = new Set<string>();
    for (const { stored } of found.values()) {
      const n = stored.settings.connection?.['interface-name'];
      if (typeof n === 'string' && n) names.add(n);
    }
    for (const [uuid, { stored }] of found) {
      const c = stored.settings.connection ?? {};
      const controller = (c.controller ?? c.master) as string | undefined;
      if (!controller) continue;
      if (found.has(controller) || names.has(controller)) continue;
      const key = c.controller !== undefined ? 'connection.controller' : 'connection.master';
      errors.push(new NmkError('CONFIG_VALUE', `controller '${controller}' matches no profile (by UUID or interface name); profile '${String(c.id)}' skipped`, { file: stored.file, key }));
      found.delete(uuid);
    }
  }

  private put(uuid: string, source: SettingsSource, stored: SourceProfile, shadowed?: Profile['shadowed']): Profile {
    const existing = this.byUuid.get(uuid);
    if (existing) {
      existing.shadowed = shadowed;
      const same = existing.source === source && existing.stored.file === stored.file && connectionsEqual(existing.settings, stored.settings);
      existing.source = source;
      existing.stored = stored;
      if (!same) {
        existing.settings = stored.settings;
        existing.id = profileId(stored.settings);
        existing.version++;
        this.events.emit('connection.updated', { uuid, id: existing.id, path: existing.path });
      }
      return existing;
    }
    const p: Profile = { uuid, id: profileId(stored.settings), path: `${SETTINGS_PATH_PREFIX}${this.nextId++}`, settings: stored.settings, source, stored, version: 1, shadowed };
    this.byUuid.set(uuid, p);
    this.byPathMap.set(p.path, p);
    this.events.emit('connection.added', { uuid, id: p.id, path: p.path });
    return p;
  }

  private remove(p: Profile): void {
    this.byUuid.delete(p.uuid);
    this.byPathMap.delete(p.path);
    this.events.emit('connection.removed', { uuid: p.uuid, id: p.id, path: p.path });
  }

  /** The plugin a profile goes to: the one a client named (AddConnection2/Update2 'plugin'), else the first that can store it. */
  private writerFor(settings: ConnectionSettings, options: WriteOptions, plugin?: string): SettingsSource {
    if (plugin !== undefined) return this.namedWriter(settings, options, plugin);
    const w = this.sources().find((s) => s.write && (s.canWrite?.(settings, options) ?? true));
    if (!w) throw new NmkError('INVALID_ARGUMENT', `no settings plugin can store a '${String(settings.connection?.type)}' profile`);
    return w;
  }

  private namedWriter(settings: ConnectionSettings, options: WriteOptions, plugin: string): SettingsSource {
    const named = this.sources().find((s) => s.name === plugin);
    // As NetworkManager: a plugin that is not loaded, cannot write, or keeps no runtime profiles "is not available".
    if (!named?.write || (options.persist === 'memory' && !(named.canWrite?.(settings, options) ?? true))) {
      throw new NmkError('SETTINGS_INVALID_ARGUMENTS', `a plugin by the name of '${plugin}' is not available`);
    }
    if (!(named.canWrite?.(settings, options) ?? true)) {
      throw new NmkError('INVALID_ARGUMENT', `plugin '${plugin}' cannot store this '${String(settings.connection?.type)}' profile`, { plugin });
    }
    return named;
  }

  /**
   * A profile nmk generated to describe a device configured by another tool
   * (NetworkManager's "connected (externally)"): in memory only, written
   * nowhere, flagged as generated, volatile and external on D-Bus.
   */
  addGenerated(input: ConnectionSettings): Profile {
    const settings = checkIncoming(input);
    const uuid = profileUuid(settings);
    return this.put(uuid, GENERATED_SOURCE, { settings, file: '', runtime: true });
  }

  /** Forget a generated profile (its external connection ended). */
  removeGenerated(p: Profile): void {
    if (p.source === GENERATED_SOURCE && this.byUuid.get(p.uuid) === p) this.remove(p);
  }

  /** Add a new profile (validated and normalised first); `plugin` confines it to that settings plugin. */
  async add(input: ConnectionSettings, options: WriteOptions, plugin?: string): Promise<Profile> {
    const settings = checkIncoming(input);
    const uuid = profileUuid(settings);
    if (this.byUuid.has(uuid)) throw new NmkError('INVALID_ARGUMENT', `a profile with UUID ${uuid} already exists`, { key: 'connection.uuid' });
    const source = this.writerFor(settings, options, plugin);
    const stored = await source.write!(settings, options);
    return this.put(uuid, source, stored);
  }

  /**
   * Replace a profile's settings; `persist` moves it between disk and memory ('keep' leaves it where it is).
   * Settings that carry no secret keep the stored ones (see secrets.ts).
   * `plugin` moves the profile to that settings plugin (Update2's 'plugin').
   */
  async update(p: Profile, input: ConnectionSettings, persist: 'disk' | 'memory' | 'keep', plugin?: string): Promise<Profile> {
    const settings = keepStoredSecrets(p.settings, checkIncoming(input));
    if (profileUuid(settings) !== p.uuid) throw new NmkError('INVALID_ARGUMENT', `the UUID of a profile cannot change (${p.uuid})`, { key: 'connection.uuid' });
    const options: WriteOptions = { persist: persist === 'keep' ? (p.stored.runtime ? 'memory' : 'disk') : persist };
    if (p.stored.readOnly && options.persist === 'disk') throw new NmkError('PERMISSION_DENIED', `profile '${p.id}' is read-only (${p.stored.file})`);

    // To memory from disk: the runtime copy hides the file, which stays as it is.
    if (options.persist === 'memory' && !p.stored.runtime) {
      const source = this.writerFor(settings, options, plugin);
      // The same source gets the file's profile as `previous`, so the runtime copy keeps what it preserved.
      const stored = await source.write!(settings, options, source === p.source ? p.stored : undefined);
      return this.put(p.uuid, source, stored, { source: p.source, stored: p.stored });
    }
    // Back to disk from memory: write where the hidden file came from, then drop the runtime copy.
    if (options.persist === 'disk' && p.stored.runtime && p.shadowed && (plugin === undefined || plugin === p.shadowed.source.name) && p.shadowed.source.write && (p.shadowed.source.canWrite?.(settings, options) ?? true)) {
      const stored = await p.shadowed.source.write(settings, options, p.shadowed.stored);
      // A source that writes to disk drops its own runtime copy (keyfile's delete would take the new file too).
      if (p.shadowed.source !== p.source) await p.source.delete?.(p.stored);
      return this.put(p.uuid, p.shadowed.source, stored);
    }
    let source = p.source;
    const move = plugin !== undefined ? plugin !== source.name : !source.write || !(source.canWrite?.(settings, options) ?? true);
    if (move) source = this.writerFor(settings, options, plugin);
    const stored = await source.write!(settings, options, source === p.source ? p.stored : undefined);
    if (source !== p.source) await p.source.delete?.(p.stored);
    // Moved to another plugin on disk: the file it hid in the old plugin goes too, so one profile stays one.
    if (plugin !== undefined && options.persist === 'disk' && p.shadowed && p.shadowed.source !== source && !p.shadowed.stored.readOnly) {
      await p.shadowed.source.delete?.(p.shadowed.stored);
      return this.put(p.uuid, source, stored);
    }
    return this.put(p.uuid, source, stored, p.shadowed);
  }

  async delete(p: Profile): Promise<void> {
    if (p.stored.readOnly) throw new NmkError('PERMISSION_DENIED', `profile '${p.id}' is read-only (${p.stored.file})`);
    await p.source.delete?.(p.stored);
    if (p.shadowed && !p.shadowed.stored.readOnly) await p.shadowed.source.delete?.(p.shadowed.stored);
    this.remove(p);
  }

  /** Whether profiles are read at start-up ([main] load-connections, default true). */
  get loadAtStartup(): boolean {
    return this.config.getBoolean('main', 'load-connections', true);
  }
}
