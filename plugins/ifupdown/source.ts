/**
 * The ifupdown settings source: Debian's /etc/network/interfaces (and what
 * it sources) read into profiles, and profiles written back into it.
 *
 * As in NetworkManager, `[ifupdown] managed=false` (its default) leaves the
 * interfaces the files configure to ifupdown: they are reported unmanaged
 * and no profile is produced. Profiles are named "Ifupdown (NAME)" with a
 * UUID derived from that name, as NetworkManager's plugin does, unless nmk
 * saved another name or UUID in the stanza.
 */
import { type AtomicWriteOptions, type ConnectionSettings, isUuid, type Logger, NmkError, refuseOversize, type SettingsSource, type SourceLoadResult, type SourceProfile, type WriteOptions, writeFileAtomic } from '../../sdk/index.js';
import { keptLines, planWrite, planDelete } from './edit.js';
import { PLUGIN } from './eni/document.js';
import { type EniTree, loadTree, MAIN_FILE, MAX_FILE_BYTES } from './eni/include.js';
import { draftToSettings } from './model/draft.js';
import { finishProfile } from './model/finish.js';
import { Prop, Setting } from './model/nm-names.js';
import { readProfiles, type ReadOutput } from './model/read-profiles.js';
import { type RenderedProfile, renderProfile } from './model/render.js';
import { roundTripLoss } from './model/round-trip.js';
import { indexStanzas } from './model/stanzas.js';

/**
 * An edited file keeps its mode (0644 for a new one); a file linked into
 * interfaces.d is edited where it lives and the link stays.
 */
const WRITE: AtomicWriteOptions = { mode: 0o644, keepMode: true, followLink: true };

export interface IfupdownSourceOptions {
  /** Maps a path on the managed system to the file below the state root (Paths.under). */
  under: (path: string) => string;
  /** [ifupdown] managed, read at every load; false makes the interfaces unmanaged. */
  managed: () => boolean;
  /** The main file as a path on the managed system; /etc/network/interfaces by default. */
  mainFile?: string;
  logger?: Logger;
}

interface Snapshot {
  tree: EniTree;
  read: ReadOutput;
  profiles: SourceProfile[];
  errors: NmkError[];
  warnings: NmkError[];
}

/** load()'s result, with the warnings (each names file, line and key); they are also logged. */
export interface IfupdownLoadResult extends SourceLoadResult {
  warnings: NmkError[];
}

function interfaceName(settings: ConnectionSettings | undefined): string | undefined {
  const v = settings?.[Setting.connection]?.[Prop.interfaceName];
  return typeof v === 'string' ? v : undefined;
}

/** The profile as the files will say it: a controller named by its UUID is stored by interface name. */
function asStored(settings: ConnectionSettings, rendered: RenderedProfile): ConnectionSettings {
  const con = settings[Setting.connection];
  if (!rendered.controller || con?.[Prop.controller] === rendered.controller.name) return settings;
  return { ...settings, [Setting.connection]: { ...con, [Prop.controller]: rendered.controller.name } };
}

function refuse(reason: string): NmkError {
  return new NmkError('INVALID_ARGUMENT', reason, { plugin: PLUGIN, hook: 'write' });
}

export class IfupdownSource implements SettingsSource {
  readonly name = PLUGIN;
  private readonly mainLogical: string;
  private last: Snapshot | undefined;
  private unmanaged: string[] = [];
  /** Writes and deletes run one at a time: each reads, edits and rewrites whole files. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: IfupdownSourceOptions) {
    this.mainLogical = options.mainFile ?? MAIN_FILE;
  }

  /** The main file below the state root. */
  get mainFile(): string {
    return this.options.under(this.mainLogical);
  }

  async load(): Promise<IfupdownLoadResult> {
    const snap = await this.read();
    this.logWarnings(snap.warnings);
    return { profiles: snap.profiles, errors: snap.errors, warnings: snap.warnings };
  }

  async loadFile(file: string): Promise<IfupdownLoadResult | undefined> {
    const snap = await this.read();
    if (!snap.tree.docs.some((d) => d.file === file)) return undefined;
    const warnings = snap.warnings.filter((w) => w.origin.file === file);
    this.logWarnings(warnings);
    return { profiles: snap.profiles.filter((p) => p.file === file), errors: snap.errors.filter((e) => e.origin.file === file), warnings };
  }

  private logWarnings(warnings: readonly NmkError[]): void {
    for (const w of warnings) this.options.logger?.warn(w.message, { code: w.code });
  }

  unmanagedSpecs(): string[] {
    return [...this.unmanaged];
  }

  canWrite(settings: ConnectionSettings, options: WriteOptions): boolean {
    if (options.persist !== 'disk' || !this.options.managed()) return false;
    const tree = this.last?.tree ?? { docs: [], stanzas: [], errors: [] };
    const rendered = renderProfile(settings, (m) => this.controllerName(tree, m));
    if ('problem' in rendered) return false;
    const loss = roundTripLoss(asStored(settings, rendered), rendered, keptLines([], rendered));
    return Array.isArray(loss) && loss.length === 0;
  }

  write(settings: ConnectionSettings, options: WriteOptions, previous?: SourceProfile): Promise<SourceProfile> {
    return this.serialize(async () => {
      if (options.persist !== 'disk') throw refuse('ifupdown keeps profiles on disk only; runtime profiles belong to keyfile');
      if (!this.options.managed()) throw refuse('[ifupdown] managed=false: nmk leaves /etc/network/interfaces to ifupdown');
      const { tree } = await this.read();
      const rendered = renderProfile(settings, (m) => this.controllerName(tree, m));
      if ('problem' in rendered) throw refuse(rendered.problem);
      const loss = roundTripLoss(asStored(settings, rendered), rendered, keptLines([], rendered));
      if (!Array.isArray(loss)) throw refuse(`the profile does not read back: ${loss.problem}`);
      if (loss.length) throw refuse(`interfaces(5) cannot hold ${loss.join(', ')}; store this profile as a keyfile`);
      const previousName = previous ? interfaceName(previous.settings) : undefined;
      const plan = planWrite(tree, rendered, previousName, previous?.file ?? this.mainFile, this.mainFile);
      if ('problem' in plan) throw refuse(plan.problem);
      // Every file within the reader's limit before any is written.
      for (const [file, text] of plan.files) refuseOversize(file, text, MAX_FILE_BYTES, PLUGIN);
      for (const [file, text] of plan.files) await writeFileAtomic(file, text, WRITE);
      const after = await this.read();
      const stored = after.profiles.find((p) => interfaceName(p.settings) === rendered.name);
      if (!stored) {
        const why = after.errors.find((e) => e.message.includes(rendered.name));
        throw new NmkError('INTERNAL', `${rendered.name} was written but does not read back${why ? `: ${why.message}` : ''}`, { plugin: PLUGIN, hook: 'write' });
      }
      return stored;
    });
  }

  delete(profile: SourceProfile): Promise<void> {
    return this.serialize(async () => {
      const name = interfaceName(profile.settings);
      if (!name) return;
      const { tree } = await this.read();
      for (const [file, text] of planDelete(tree, name).files) await writeFileAtomic(file, text, WRITE);
      await this.read();
    });
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The controller's interface name when the files configure it (master may be a name or a profile UUID). */
  private controllerName(tree: EniTree, master: string): string | undefined {
    let name = master;
    if (isUuid(master)) {
      const p = this.last?.profiles.find((x) => x.settings[Setting.connection]?.[Prop.uuid] === master.toLowerCase());
      name = interfaceName(p?.settings) ?? '';
    }
    return indexStanzas(tree).groups.has(name) ? name : undefined;
  }

  private async read(): Promise<Snapshot> {
    const tree = await loadTree(this.mainLogical, this.options.under);
    const read = readProfiles(tree);
    const errors = [...read.errors];
    const profiles: SourceProfile[] = [];
    const managed = this.options.managed();
    this.unmanaged = managed ? [] : read.names.map((n) => `interface-name:${n}`);
    // With managed=false nmk reads nothing of these files for itself: nothing to warn about.
    const warnings = managed ? read.warnings : [];
    if (managed) {
      const uuids = new Map<string, string>();
      for (const draft of read.drafts) {
        const done = finishProfile(draftToSettings(draft), draft.file, draft.line);
        if ('error' in done) {
          errors.push(done.error);
          continue;
        }
        const uuid = String(done.settings[Setting.connection]?.[Prop.uuid]);
        const clash = uuids.get(uuid);
        if (clash) {
          errors.push(new NmkError('CONFIG_VALUE', `UUID ${uuid} is already used by ${clash}`, { plugin: PLUGIN, file: draft.file, line: draft.line, key: 'nmk-uuid' }));
          continue;
        }
        uuids.set(uuid, draft.name);
        profiles.push({ settings: done.settings, file: draft.file });
      }
    }
    this.options.logger?.debug('read interfaces files', { files: tree.docs.length, profiles: profiles.length, errors: errors.length, managed });
    this.last = { tree, read, profiles, errors, warnings };
    return this.last;
  }
}

