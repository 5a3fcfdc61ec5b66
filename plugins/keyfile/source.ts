/**
 * The keyfile SettingsSource: NetworkManager's native profile format in
 * three directories under the state root.
 *
 *   runtime     <root>/run/nmk/system-connections     profiles kept in memory only
 *   persistent  <root>/etc/nmk/system-connections     ([keyfile] path= moves it)
 *   read-only   <root>/usr/lib/nmk/system-connections  shipped by packages, never written
 *
 * A UUID found in more than one directory is taken from the first in that
 * order (a runtime copy shadows the persistent one, which shadows the
 * read-only one), as NetworkManager does. Every file is read on its own: a
 * broken one is one error naming the file, the line and the key, and every
 * other file still loads.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { type ConnectionSettings, type Logger, NmkError, refuseOversize, removeFileDurable, type SettingsSource, type SourceLoadResult, type SourceProfile, type WriteOptions, writeFileAtomic } from '../../sdk/index.js';
import { monotonicMs } from '../../sdk/monotonic.js';
import { KEYFILE_WRITE, MAX_KEYFILE_BYTES, readKeyfileBytes } from './file-access.js';
import { fileNameFor, isIgnoredFileName } from './file-names.js';
import { parseProfile, serializeProfile, canStore } from './profile-codec.js';
import { preservedOf } from './preserved.js';
import { PLUGIN_NAME } from './read-context.js';

export interface KeyfileDirectories {
  /** Persistent profiles (WriteOptions.persist 'disk'). */
  persistent: string;
  /** Runtime profiles (WriteOptions.persist 'memory'); gone after a reboot. */
  runtime: string;
  /** Profiles shipped read-only; loaded, never written. */
  readOnly: string;
}

export interface KeyfileSourceOptions {
  directories: KeyfileDirectories;
  /**
   * The state root: a file's path below it ("/etc/nmk/system-connections/x.nmconnection")
   * seeds the UUID of a file that has none, so moving the root changes nothing.
   */
  root?: string;
  logger?: Logger;
  /** Longest stretch of reading before load() yields to the event loop, in ms (default 10). */
  sliceMs?: number;
}

type DirectoryRole = keyof KeyfileDirectories;

/** The temporary name writeFileAtomic (sdk/files) gives a file while it writes it. */
const ATOMIC_TEMPORARY = /^\..+\.nmk-[0-9a-f]{12}$/;

/** Priority order: the first directory holding a UUID wins. */
const ROLES: readonly DirectoryRole[] = ['runtime', 'persistent', 'readOnly'];

/** Where a loaded file sits and what it holds, for later writes and deletes. */
interface KnownFile {
  file: string;
  role: DirectoryRole;
  uuid: string;
}

export class KeyfileSource implements SettingsSource {
  readonly name = PLUGIN_NAME;
  readonly directories: Readonly<KeyfileDirectories>;
  readonly #root: string;
  readonly #logger: Logger | undefined;
  readonly #sliceMs: number;
  /** Every file of each UUID seen by the last load, write or loadFile, and the reverse. */
  readonly #filesByUuid = new Map<string, Map<string, KnownFile>>();
  readonly #uuidByFile = new Map<string, string>();
  /** Writes and deletes run one at a time, so two profiles never pick the same new file name. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: KeyfileSourceOptions) {
    this.directories = Object.freeze({ ...options.directories });
    this.#root = path.resolve(options.root ?? '/');
    this.#logger = options.logger;
    this.#sliceMs = Math.max(1, options.sliceMs ?? 10);
  }

  /**
   * Reads every profile of the three directories. Never throws: problems
   * are error entries. First removes the temporary files a crash in the
   * middle of a write left in the writable directories.
   */
  async load(): Promise<SourceLoadResult> {
    const errors: NmkError[] = [];
    const loaded: Array<{ profile: SourceProfile; role: DirectoryRole }> = [];
    await this.#serialized(() => this.#removeLeftovers());
    for (const role of ROLES) {
      const files = await this.#listDirectory(role, errors);
      const results = await timeSliced(files, this.#sliceMs, (file) => this.#loadOne(file, role));
      for (const r of results) {
        if (r instanceof NmkError) errors.push(r);
        else loaded.push({ profile: r, role });
      }
    }
    this.#filesByUuid.clear();
    this.#uuidByFile.clear();
    const profiles: SourceProfile[] = [];
    const winner = new Map<string, SourceProfile>();
    for (const { profile, role } of loaded) {
      const uuid = uuidOf(profile.settings);
      this.#remember({ file: profile.file, role, uuid });
      const first = winner.get(uuid);
      if (first) {
        this.#logger?.info(`${profile.file}: shadowed by ${first.file} (same UUID ${uuid})`, { uuid });
        continue;
      }
      winner.set(uuid, profile);
      profiles.push(profile);
    }
    return { profiles, errors };
  }

  /**
   * Reads one file if it is a profile file of one of the three directories;
   * undefined otherwise. A file that no longer exists gives no profile and no error.
   */
  async loadFile(file: string): Promise<SourceLoadResult | undefined> {
    const absolute = path.resolve(file);
    const role = this.#roleOf(absolute);
    if (!role) return undefined;
    const name = path.basename(absolute);
    if (isIgnoredFileName(name, role !== 'persistent')) return undefined;
    try {
      await fsp.lstat(absolute);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        // Gone behind our back: forget it, so the index does not keep it.
        const uuid = this.#uuidByFile.get(absolute);
        if (uuid !== undefined) this.#unindex(uuid, absolute);
        this.#uuidByFile.delete(absolute);
        return { profiles: [], errors: [] };
      }
    }
    const r = this.#loadOne(absolute, role);
    if (r instanceof NmkError) return { profiles: [], errors: [r] };
    this.#remember({ file: r.file, role, uuid: uuidOf(r.settings) });
    return { profiles: [r], errors: [] };
  }

  /** Keyfile stores every profile the model can express, except where a setting has no keyfile form. */
  canWrite(settings: ConnectionSettings, _options: WriteOptions): boolean {
    return canStore(settings);
  }

  /**
   * Writes a profile: to the runtime directory for persist 'memory', else to
   * the persistent one. An update keeps its file when it stays in the same
   * directory (as NetworkManager does, even if the id changed); otherwise
   * the file is named after the id, with the UUID appended on a clash.
   * Moving a profile to disk removes its runtime copy; saving to memory
   * leaves the persistent file alone (the runtime copy shadows it until reboot).
   * What `previous` held that nmk does not read (its `preserved` parts:
   * unknown groups and keys, [.nmmeta]) is written back unchanged.
   */
  write(settings: ConnectionSettings, options: WriteOptions, previous?: SourceProfile): Promise<SourceProfile> {
    return this.#serialized(async () => {
      const role: DirectoryRole = options.persist === 'memory' ? 'runtime' : 'persistent';
      const dir = this.directories[role];
      const uuid = uuidOf(settings);
      const text = serializeProfile(settings, preservedOf(previous?.preserved));
      const keep = previous && !previous.readOnly && path.dirname(path.resolve(previous.file)) === path.resolve(dir) ? path.resolve(previous.file) : undefined;
      const file = keep ?? (await this.#freeFileName(dir, settings, uuid));
      // The reader refuses files over its limit: never write one (the profile would vanish at the next load).
      refuseOversize(file, text, MAX_KEYFILE_BYTES, PLUGIN_NAME);
      // Read back what is about to be stored: the caller gets exactly what a later load gives.
      const stored = parseProfile(text, file, this.#seedOf(file));
      await writeFileAtomic(file, text, KEYFILE_WRITE);
      if (role === 'persistent') {
        for (const known of this.#known(uuid)) {
          if (known.role === 'runtime' || (known.role === 'persistent' && known.file !== file)) await this.#forget(known);
        }
      } else if (previous && !previous.readOnly && path.resolve(previous.file) !== file && this.#roleOf(path.resolve(previous.file)) === 'runtime') {
        await this.#forget({ file: path.resolve(previous.file), role: 'runtime', uuid });
      }
      this.#remember({ file, role, uuid });
      for (const w of stored.warnings) this.#logger?.warn(w);
      return { settings: stored.settings, file, ...(role === 'runtime' ? { runtime: true } : {}), ...(stored.preserved ? { preserved: stored.preserved } : {}) };
    });
  }

  /**
   * Removes a profile: its runtime and persistent files (every file with its
   * UUID, so a shadowed copy does not come back). A read-only profile cannot
   * be deleted.
   */
  delete(profile: SourceProfile): Promise<void> {
    return this.#serialized(async () => {
      if (profile.readOnly) {
        throw new NmkError('PERMISSION_DENIED', 'profile is read-only and cannot be deleted', { file: profile.file, plugin: PLUGIN_NAME });
      }
      const uuid = uuidOf(profile.settings);
      const files = new Set([path.resolve(profile.file)]);
      for (const known of this.#known(uuid)) if (known.role !== 'readOnly') files.add(known.file);
      for (const file of files) {
        if (this.#roleOf(file) === 'readOnly') continue;
        await this.#forget({ file, role: this.#roleOf(file) ?? 'persistent', uuid });
      }
    });
  }

  // ---- internals -----------------------------------------------------------

  #loadOne(file: string, role: DirectoryRole): SourceProfile | NmkError {
    try {
      const bytes = readKeyfileBytes(file);
      // The seed only matters for a file without a UUID: worked out only then.
      const { settings, warnings, preserved } = parseProfile(bytes, file, () => this.#seedOf(file));
      for (const w of warnings) this.#logger?.warn(w);
      const profile: SourceProfile = { settings, file };
      if (preserved) profile.preserved = preserved;
      if (role === 'runtime') profile.runtime = true;
      if (role === 'readOnly') profile.readOnly = true;
      return profile;
    } catch (err) {
      if (err instanceof NmkError) return err;
      // A bug of ours must not stop the other files from loading; it is still named.
      return new NmkError('CONFIG_VALUE', `cannot read profile: ${(err as Error)?.message ?? String(err)}`, { file, plugin: PLUGIN_NAME }, { cause: err });
    }
  }

  /** The profile files of a directory, sorted by name; a missing directory has none. */
  async #listDirectory(role: DirectoryRole, errors: NmkError[]): Promise<string[]> {
    const dir = this.directories[role];
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') errors.push(new NmkError('CONFIG_VALUE', `cannot read directory: ${(err as Error).message}`, { file: dir, plugin: PLUGIN_NAME }));
      return [];
    }
    return names
      .filter((name) => !isIgnoredFileName(name, role !== 'persistent') && !name.endsWith('.nmmeta'))
      .sort()
      .map((name) => path.join(dir, name));
  }

  /**
   * Removes writeFileAtomic's temporary files (".NAME.nmk-<12 hex>") from the
   * runtime and persistent directories. Loaders ignore them (hidden), but each
   * one a kill -9 leaves mid-write would stay for good, secrets and all. Runs
   * in the write queue, so never while one of our own writes is under way.
   */
  async #removeLeftovers(): Promise<void> {
    for (const role of ['runtime', 'persistent'] as const) {
      const dir = this.directories[role];
      const names = await fsp.readdir(dir).catch(() => [] as string[]);
      for (const name of names.filter((n) => ATOMIC_TEMPORARY.test(n))) {
        const file = path.join(dir, name);
        try {
          await fsp.unlink(file);
          this.#logger?.info(`${file}: removed a temporary file an interrupted write left`);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#logger?.warn(`${file}: cannot remove a leftover temporary file: ${(err as Error).message}`);
        }
      }
    }
  }

  #roleOf(file: string): DirectoryRole | undefined {
    const dir = path.dirname(file);
    return ROLES.find((role) => path.resolve(this.directories[role]) === dir);
  }

  /** The path NetworkManager would see: the file below the state root, as an absolute path. */
  #seedOf(file: string): string {
    const rel = path.relative(this.#root, file);
    return rel.startsWith('..') ? file : `/${rel}`;
  }

  /** A file name for a new profile: the id, else id-uuid, else id-uuid-N (NetworkManager's order). */
  async #freeFileName(dir: string, settings: ConnectionSettings, uuid: string): Promise<string> {
    const id = String(settings.connection?.id ?? '') || uuid;
    const candidates = [id, `${id}-${uuid}`];
    for (const name of candidates) {
      const file = path.join(dir, fileNameFor(name));
      if (!(await exists(file))) return file;
    }
    for (let i = 1; i < 10_000; i++) {
      const file = path.join(dir, fileNameFor(`${id}-${uuid}-${i}`));
      if (!(await exists(file))) return file;
    }
    throw new NmkError('INTERNAL', `no free file name for profile '${id}'`, { file: dir, plugin: PLUGIN_NAME });
  }

  #known(uuid: string): KnownFile[] {
    return [...(this.#filesByUuid.get(uuid)?.values() ?? [])];
  }

  /** How many UUIDs and files the index holds (for tests: it must not grow with added and deleted profiles). */
  indexSize(): { uuids: number; files: number } {
    return { uuids: this.#filesByUuid.size, files: this.#uuidByFile.size };
  }

  #remember(known: KnownFile): void {
    // A file holds one profile: drop it from whatever UUID it held before.
    const before = this.#uuidByFile.get(known.file);
    if (before !== undefined) this.#unindex(before, known.file);
    this.#uuidByFile.set(known.file, known.uuid);
    let files = this.#filesByUuid.get(known.uuid);
    if (!files) this.#filesByUuid.set(known.uuid, (files = new Map()));
    files.set(known.file, known);
  }

  async #forget(known: KnownFile): Promise<void> {
    await removeFileDurable(known.file);
    this.#unindex(known.uuid, known.file);
    this.#uuidByFile.delete(known.file);
  }

  /** Drops a file from a UUID's files, and the UUID's map once it is empty (else each deleted profile leaves one behind). */
  #unindex(uuid: string, file: string): void {
    const files = this.#filesByUuid.get(uuid);
    files?.delete(file);
    if (files?.size === 0) this.#filesByUuid.delete(uuid);
  }

  #serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function uuidOf(settings: ConnectionSettings): string {
  return String(settings.connection?.uuid ?? '');
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.lstat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Maps synchronously, yielding to the event loop whenever `sliceMs` have
 * passed, so loading thousands of files never stalls the daemon for long.
 */
async function timeSliced<T, R>(items: readonly T[], sliceMs: number, fn: (item: T) => R): Promise<R[]> {
  const results: R[] = [];
  let sliceStart = monotonicMs();
  for (const item of items) {
    results.push(fn(item));
    if (monotonicMs() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = monotonicMs();
    }
  }
  return results;
}
