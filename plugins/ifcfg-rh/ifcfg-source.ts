/**
 * The ifcfg-rh SettingsSource: profiles in network-scripts, read and written
 * the way NetworkManager's ifcfg-rh plugin does. One broken file is one error
 * (naming the file, the line and the key) and every other profile still loads.
 */
import { accessSync, constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type ConnectionSettings, type Logger, NmkError, refuseOversize, removeFileDurable, type SettingsSource, type SourceLoadResult, type SourceProfile, type WriteOptions, writeFileAtomic } from '../../sdk/index.js';
import type { ControllerRef } from './connection-setting.js';
import { ifcfgError } from './errors.js';
import { baseNameFor, classifyName, companionPath, FileTag, IFCFG_DIR, isAliasName, profileName, type FileKind } from './file-names.js';
import { errno, MAX_FILE_SIZE, readIfcfgFile } from './files.js';
import { finishProfile, holdsOnlyDefaults, newUuid, normalizeAndVerify } from './model-hooks.js';
import { Setting } from './nm-names.js';
import { kindByNmType } from './profile-kind.js';
import { readIfcfg, type ReadResult } from './reader.js';
import type { RouteFileInput } from './route-files.js';
import { ShvarFile } from './shvar-file.js';
import { WRITABLE_SETTINGS, writeIfcfg, type WriteInput } from './writer.js';

export interface IfcfgRhSourceOptions {
  /** The network-scripts directory as nmk opens it (below the state root). */
  dir: string;
  /** The same directory as NetworkManager names it; UUIDs of files without UUID derive from it. */
  logicalDir?: string;
  logger?: Logger;
}

/** What one ifcfg file gave, and what its reader warned about (the profile loads regardless). */
type FileOutcome =
  | { file: string; result: ReadResult; warnings: NmkError[] }
  | { file: string; error: NmkError; warnings: NmkError[] };

/** load()'s result, with the warnings (each names file, line and key); they are also logged. */
export interface IfcfgLoadResult extends SourceLoadResult {
  warnings: NmkError[];
}

const FILE_MODE = 0o644;
/** Files read at once by load(): enough to hide the file system's latency, few enough for any fd limit. */
const READ_CONCURRENCY = 16;
const KEYS_MODE = 0o600;

export class IfcfgRhSource implements SettingsSource {
  readonly name = 'ifcfg-rh';
  readonly #dir: string;
  readonly #logicalDir: string;
  readonly #logger: Logger | undefined;
  /** Unmanaged device specs by ifcfg file. */
  readonly #unmanaged = new Map<string, string>();
  /** Profiles loaded or written, by ifcfg file: controllers for ports and UUIDs for MASTER_UUID. */
  readonly #profiles = new Map<string, ConnectionSettings>();

  constructor(options: IfcfgRhSourceOptions) {
    this.#dir = options.dir;
    this.#logicalDir = options.logicalDir ?? IFCFG_DIR;
    this.#logger = options.logger;
  }

  /** Reads every ifcfg file of the directory. Never throws for a bad file. */
  async load(): Promise<IfcfgLoadResult> {
    let names: string[];
    try {
      names = await this.#listDirectory();
    } catch (e) {
      const code = errno(e) === 'EACCES' || errno(e) === 'EPERM' ? 'PERMISSION_DENIED' : 'INTERNAL';
      return { profiles: [], errors: [ifcfgError(code, `cannot list the directory: ${e instanceof Error ? e.message : String(e)}`, { file: this.#dir })], warnings: [] };
    }
    const present = new Set(names);
    const ifcfgs = names
      .filter((n) => classifyName(n)?.kind === 'ifcfg' && !isAliasName(n, (b) => present.has(b)))
      .sort();
    const outcomes = await mapLimited(ifcfgs, READ_CONCURRENCY, (base) => this.#loadOne(join(this.#dir, base)));
    this.#unmanaged.clear();
    this.#profiles.clear();
    for (const o of outcomes) this.#remember(o);
    return this.#collect(outcomes);
  }

  /** Reads the profile one file belongs to (any of its four files); undefined when the file is not this source's. */
  async loadFile(file: string): Promise<IfcfgLoadResult | undefined> {
    if (dirname(file) !== this.#dir) return undefined;
    const c = classifyName(basename(file));
    if (!c) return undefined;
    const ifcfg = join(this.#dir, FileTag.ifcfg + c.name);
    this.#unmanaged.delete(ifcfg);
    this.#profiles.delete(ifcfg);
    if (!(await exists(ifcfg))) return { profiles: [], errors: [], warnings: [] };
    const outcome = await this.#loadOne(ifcfg);
    this.#remember(outcome);
    return this.#collect([outcome]);
  }

  canWrite(settings: ConnectionSettings, options: WriteOptions): boolean {
    return (
      options.persist === 'disk' &&
      kindByNmType(settings[Setting.connection]?.type as string | undefined) !== undefined &&
      Object.entries(settings).every(([name, values]) => WRITABLE_SETTINGS.includes(name) || holdsOnlyDefaults(name, values))
    );
  }

  async write(settings: ConnectionSettings, options: WriteOptions, previous?: SourceProfile): Promise<SourceProfile> {
    if (!this.canWrite(settings, options)) {
      const why = options.persist !== 'disk' ? 'it keeps only persistent profiles' : 'this type or one of its settings has no ifcfg form';
      throw new NmkError('INVALID_ARGUMENT', `ifcfg-rh cannot store this profile: ${why}`, { plugin: this.name, hook: 'write' });
    }
    const connection = { ...settings[Setting.connection] };
    connection.uuid ??= newUuid();
    // Nothing reaches the disk that would not load again.
    const checked = normalizeAndVerify({ ...settings, [Setting.connection]: connection });
    if (checked.problems.length) {
      throw new NmkError('INVALID_ARGUMENT', `invalid profile: ${checked.problems.join('; ')}`, { plugin: this.name, hook: 'write' });
    }
    const toWrite = checked.settings;
    if (!this.canWrite(toWrite, options)) {
      throw new NmkError('INVALID_ARGUMENT', 'ifcfg-rh cannot store this profile once normalised', { plugin: this.name, hook: 'write' });
    }
    await fs.mkdir(this.#dir, { recursive: true, mode: 0o755 });
    const ifcfgPath = previous && this.#owns(previous.file) ? previous.file : await this.#newPath(connection);

    const existing = previous && this.#owns(previous.file) ? await this.#readExisting(ifcfgPath) : {};
    let out: ReturnType<typeof writeIfcfg>;
    try {
      out = writeIfcfg({ settings: toWrite, ifcfgPath, existing, interfaceOf: (uuid) => this.#interfaceOf(uuid) });
    } catch (e) {
      // A value an ifcfg file cannot hold (a NUL in a name, an unknown method...).
      if (e instanceof TypeError) throw new NmkError('INVALID_ARGUMENT', `ifcfg-rh cannot store this profile: ${e.message}`, { plugin: this.name, hook: 'write' });
      throw e;
    }
    // Every file within the reader's limit before any is written: a profile is stored whole or not at all.
    for (const [file, data] of [[companionPath(ifcfgPath, 'route'), out.route], [companionPath(ifcfgPath, 'route6'), out.route6], [companionPath(ifcfgPath, 'keys'), out.keys], [ifcfgPath, out.ifcfg]] as const) {
      if (data !== undefined) refuseOversize(file, data, MAX_FILE_SIZE, this.name);
    }
    // Companions first: whoever reloads on the ifcfg file's change sees them complete.
    await this.#put(companionPath(ifcfgPath, 'route'), out.route, FILE_MODE);
    await this.#put(companionPath(ifcfgPath, 'route6'), out.route6, FILE_MODE);
    await this.#put(companionPath(ifcfgPath, 'keys'), out.keys, KEYS_MODE);
    await this.#put(ifcfgPath, out.ifcfg, FILE_MODE);

    // Hand back what the files now say, as NetworkManager re-reads after writing.
    const outcome = await this.#loadOne(ifcfgPath);
    if ('error' in outcome) throw new NmkError('INTERNAL', `the profile written to ${ifcfgPath} does not read back: ${outcome.error.message}`, { plugin: this.name, hook: 'write' }, { cause: outcome.error });
    if (outcome.result.kind !== 'profile') throw new NmkError('INTERNAL', `the profile written to ${ifcfgPath} reads back as ${outcome.result.kind}`, { plugin: this.name, hook: 'write' });
    this.#remember(outcome);
    return { settings: finishProfile(outcome.result.settings, ifcfgPath), file: ifcfgPath };
  }

  async delete(profile: SourceProfile): Promise<void> {
    if (!this.#owns(profile.file)) {
      throw new NmkError('INVALID_ARGUMENT', `${profile.file} is not an ifcfg-rh profile of ${this.#dir}`, { plugin: this.name, hook: 'delete' });
    }
    for (const kind of ['route', 'route6', 'keys'] as const) await removeFileDurable(companionPath(profile.file, kind));
    await removeFileDurable(profile.file);
    this.#profiles.delete(profile.file);
    this.#unmanaged.delete(profile.file);
  }

  unmanagedSpecs(): string[] {
    return [...new Set(this.#unmanaged.values())].sort();
  }

  /* ---------------------------------------------------------------------- */

  async #listDirectory(): Promise<string[]> {
    try {
      return await fs.readdir(this.#dir);
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return [];
      throw e;
    }
  }

  /** Reads one profile's files; every failure becomes the outcome's error. */
  async #loadOne(ifcfgPath: string): Promise<FileOutcome> {
    const warnings: NmkError[] = [];
    try {
      const bytes = await readIfcfgFile(ifcfgPath);
      if (bytes === undefined) throw ifcfgError('INTERNAL', 'the file disappeared while loading', { file: ifcfgPath });
      const ifcfg = ShvarFile.parse(bytes, ifcfgPath);
      const keysBytes = await readIfcfgFile(companionPath(ifcfgPath, 'keys'));
      const result = readIfcfg({
        ifcfg,
        logicalPath: join(this.#logicalDir, basename(ifcfgPath)),
        name: profileName(ifcfgPath),
        route: await this.#routeFile(ifcfgPath, 'route'),
        route6: await this.#routeFile(ifcfgPath, 'route6'),
        ...(keysBytes ? { keys: ShvarFile.parse(keysBytes, companionPath(ifcfgPath, 'keys')) } : {}),
        hasIfupScript: (prefix) => this.#hasIfupScript(prefix),
        warnings,
      });
      return { file: ifcfgPath, result, warnings };
    } catch (e) {
      const error = e instanceof NmkError ? e : ifcfgError('INTERNAL', e instanceof Error ? e.message : String(e), { file: ifcfgPath });
      return { file: ifcfgPath, error, warnings };
    }
  }

  async #routeFile(ifcfgPath: string, kind: 'route' | 'route6'): Promise<RouteFileInput | undefined> {
    const file = companionPath(ifcfgPath, kind);
    const bytes = await readIfcfgFile(file);
    return bytes ? { file, text: bytes.toString('latin1') } : undefined;
  }

  #hasIfupScript(prefix: string): boolean {
    try {
      accessSync(join(this.#dir, `ifup-${prefix}`), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  #remember(o: FileOutcome): void {
    if ('error' in o) return;
    if (o.result.kind === 'unmanaged') this.#unmanaged.set(o.file, o.result.spec);
    if (o.result.kind === 'profile') this.#profiles.set(o.file, o.result.settings);
    if (o.result.kind === 'ignored') this.#logger?.debug('ifcfg file ignored', { file: o.file, reason: o.result.reason });
  }

  /**
   * Profiles, errors and warnings of the outcomes (the warnings are logged);
   * a port whose controller this directory does not hold is an error.
   */
  #collect(outcomes: readonly FileOutcome[]): IfcfgLoadResult {
    const result: IfcfgLoadResult = { profiles: [], errors: [], warnings: [] };
    for (const o of outcomes) {
      for (const w of o.warnings) this.#logger?.warn(w.message, { code: w.code });
      result.warnings.push(...o.warnings);
      if ('error' in o) {
        result.errors.push(o.error);
        continue;
      }
      if (o.result.kind !== 'profile') continue;
      try {
        if (o.result.controller) this.#checkController(o.file, o.result.controller);
        result.profiles.push({ settings: finishProfile(o.result.settings, o.file), file: o.file });
      } catch (e) {
        this.#profiles.delete(o.file);
        result.errors.push(e instanceof NmkError ? e : ifcfgError('INTERNAL', String(e), { file: o.file }));
      }
    }
    return result;
  }

  /** MASTER / BRIDGE must name a bond / bridge of this directory, by UUID or interface name. */
  #checkController(file: string, ref: ControllerRef): void {
    for (const settings of this.#profiles.values()) {
      const c = settings[Setting.connection] ?? {};
      if (c.type !== ref.portType) continue;
      if (c.uuid === ref.value || c['interface-name'] === ref.value) return;
    }
    throw ifcfgError('CONFIG_VALUE', `'${ref.value}' names no ${ref.portType} profile in ${this.#dir}`, { file, line: ref.line, key: ref.key });
  }

  #interfaceOf(uuid: string): string | undefined {
    for (const settings of this.#profiles.values()) {
      const c = settings[Setting.connection];
      if (c?.uuid === uuid && typeof c['interface-name'] === 'string') return c['interface-name'];
    }
    return undefined;
  }

  #owns(file: string): boolean {
    return dirname(file) === this.#dir && classifyName(basename(file))?.kind === 'ifcfg';
  }

  /** ifcfg-NAME for a new profile: NAME from the interface or the id, then NAME-1, NAME-2... if taken. */
  async #newPath(connection: Record<string, unknown>): Promise<string> {
    const iface = typeof connection['interface-name'] === 'string' ? connection['interface-name'] : undefined;
    const id = typeof connection.id === 'string' ? connection.id : '';
    let base = baseNameFor(iface, id);
    if (!base || base.includes('/') || base === '.' || base === '..') base = String(connection.uuid);
    const present = new Set(await this.#listDirectory());
    for (let i = 0; i < 10000; i++) {
      const name = i === 0 ? base : `${base}-${i}`;
      const file = FileTag.ifcfg + name;
      if (classifyName(file)?.kind !== 'ifcfg' || isAliasName(file, (b) => present.has(b))) continue;
      if (!(['ifcfg', 'route', 'route6', 'keys'] as FileKind[]).some((k) => present.has(FileTag[k] + name))) return join(this.#dir, file);
    }
    throw new NmkError('INTERNAL', `no free ifcfg file name for '${base}' in ${this.#dir}`, { plugin: this.name, hook: 'write' });
  }

  async #readExisting(ifcfgPath: string): Promise<NonNullable<WriteInput['existing']>> {
    const ifcfg = await readIfcfgFile(ifcfgPath);
    const keys = await readIfcfgFile(companionPath(ifcfgPath, 'keys'));
    const route = await this.#routeFile(ifcfgPath, 'route');
    const route6 = await this.#routeFile(ifcfgPath, 'route6');
    return {
      ...(ifcfg ? { ifcfg: ShvarFile.parse(ifcfg, ifcfgPath) } : {}),
      ...(keys ? { keys: ShvarFile.parse(keys, companionPath(ifcfgPath, 'keys')) } : {}),
      ...(route ? { route } : {}),
      ...(route6 ? { route6 } : {}),
    };
  }

  async #put(path: string, data: Buffer | undefined, mode: number): Promise<void> {
    if (data === undefined) await removeFileDurable(path);
    else await writeFileAtomic(path, data, { mode });
  }
}

/** fn over every item, at most `limit` at a time; results in the items' order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (e) {
    if (errno(e) === 'ENOENT') return false;
    throw e;
  }
}
