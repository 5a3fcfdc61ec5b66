/**
 * connection.timestamp: when each profile last was (or still is) activated,
 * in seconds since the epoch. As NetworkManager, the time is kept out of the
 * profile's own file (rewriting /etc every few minutes would be wrong) in a
 * keyfile of its own, Paths.stateDir/timestamps:
 *
 *   [timestamps]
 *   UUID=SECONDS
 *
 * It is set when an active connection reaches ACTIVATED and when it leaves
 * it (nm-active-connection.c: the time it was last used), refreshed every 5
 * minutes in between (NetworkManager's periodic update), and shown in
 * GetSettings in place of the profile's own value. A profile whose activation
 * failed before it ever succeeded gets 0 (nm-device.c), which autoconnect
 * still counts as having a timestamp. Writes are coalesced:
 * a thousand activations in one burst make one atomic write, not a thousand.
 */
import {
  FileReadError,
  KeyFileDocument,
  NMActiveConnectionState as AC,
  parse,
  readFileLimitedSync,
  writeFileAtomic,
  type EventBus,
  type Logger,
} from '../../sdk/index.js';

export const TIMESTAMPS_GROUP = 'timestamps';
/** NetworkManager refreshes the timestamps of activated connections this often. */
export const REFRESH_PERIOD_MS = 300_000;
/** Changes within this window go to disk together. */
const WRITE_DELAY_MS = 200;
/** 100,000 profiles at ~50 bytes a line fit many times over; larger is not ours. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

export interface TimestampsOptions {
  file: string;
  logger: Logger;
  events: EventBus;
  /** Seconds since the epoch (tests pass their own). */
  now?: () => number;
  refreshMs?: number;
  writeDelayMs?: number;
}

/** What the D-Bus layer and policy read. */
export interface TimestampView {
  /** Seconds since the epoch, or undefined when the profile was never activated. */
  get(uuid: string): number | undefined;
}

export class ConnectionTimestamps implements TimestampView {
  private readonly times = new Map<string, number>();
  /** Active connection paths in ACTIVATED, per profile (a multi-connect profile can have several). */
  private readonly activated = new Map<string, Set<string>>();
  private readonly now: () => number;
  private writeTimer?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private dirty = false;
  private offs: Array<() => void> = [];

  constructor(private readonly o: TimestampsOptions) {
    this.now = o.now ?? (() => Math.floor(Date.now() / 1000));
  }

  get(uuid: string): number | undefined {
    return this.times.get(uuid);
  }

  /** Reads the file; a bad line is a warning naming file and key, and the others still load. */
  load(): void {
    let bytes: Buffer | undefined;
    try {
      bytes = readFileLimitedSync(this.o.file, MAX_FILE_BYTES);
    } catch (err) {
      const why = err instanceof FileReadError ? err.message : String(err);
      this.o.logger.warn(`${this.o.file}: connection timestamps not read: ${why}`);
      return;
    }
    if (!bytes) return;
    let doc: KeyFileDocument;
    try {
      doc = parse(bytes, this.o.file);
    } catch (err) {
      this.o.logger.warn(`connection timestamps not read: ${String((err as Error).message ?? err)}`);
      return;
    }
    for (const uuid of doc.keys(TIMESTAMPS_GROUP) ?? []) {
      const raw = doc.getRaw(TIMESTAMPS_GROUP, uuid) ?? '';
      const n = /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (Number.isSafeInteger(n)) this.times.set(uuid, n);
      else this.o.logger.warn(`${this.o.file}: [${TIMESTAMPS_GROUP}] key '${uuid}': '${raw}' is not a number of seconds; ignored`);
    }
  }

  /** Follows activations and starts the 5-minute refresh. */
  start(): void {
    this.offs.push(
      this.o.events.on('activation.state-changed', ({ path, uuid, state, failed }) => this.onState(path, uuid, state, failed === true)),
      // As NetworkManager, a deleted profile's timestamp goes with it.
      this.o.events.on('connection.removed', ({ uuid }) => {
        if (this.times.delete(uuid)) this.scheduleWrite();
      }),
    );
    this.refreshTimer = setInterval(() => this.refresh(), this.o.refreshMs ?? REFRESH_PERIOD_MS);
    this.refreshTimer.unref();
  }

  /** Stops following and writes what is pending. */
  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    clearInterval(this.refreshTimer);
    await this.flush();
  }

  set(uuid: string, seconds: number): void {
    if (this.times.get(uuid) === seconds) return;
    this.times.set(uuid, seconds);
    this.scheduleWrite();
  }

  /** Writes now if anything changed; resolves when the file holds every change made before the call. */
  async flush(): Promise<void> {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    while (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    this.writing = this.write().finally(() => (this.writing = undefined));
    await this.writing;
  }

  private onState(path: string, uuid: string, state: number, failed: boolean): void {
    if (!uuid) return;
    const paths = this.activated.get(uuid);
    if (state === AC.ACTIVATED) {
      if (paths) paths.add(path);
      else this.activated.set(uuid, new Set([path]));
      this.set(uuid, this.now());
    } else if (paths?.delete(path)) {
      // Leaving ACTIVATED stamps the time too: the profile was in use until now.
      if (paths.size === 0) this.activated.delete(uuid);
      this.set(uuid, this.now());
    } else if (failed && !this.times.has(uuid)) {
      // Tried and failed, never activated: 0 tells it from a profile never tried.
      this.set(uuid, 0);
    }
  }

  private refresh(): void {
    const t = this.now();
    for (const uuid of this.activated.keys()) this.set(uuid, t);
  }

  private scheduleWrite(): void {
    this.dirty = true;
    if (this.writeTimer) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      this.flush().catch(() => undefined);
    }, this.o.writeDelayMs ?? WRITE_DELAY_MS);
  }

  private async write(): Promise<void> {
    const doc = new KeyFileDocument(this.o.file);
    doc.addGroup(TIMESTAMPS_GROUP);
    for (const [uuid, t] of this.times) {
      try {
        doc.setRaw(TIMESTAMPS_GROUP, uuid, String(t));
      } catch {
        // A UUID that cannot be a key name (a hand-edited profile) just keeps no timestamp on disk.
      }
    }
    try {
      await writeFileAtomic(this.o.file, doc.serialize(), { mode: 0o644 });
    } catch (err) {
      this.o.logger.warn(`${this.o.file}: connection timestamps not written: ${String(err)}`);
      this.dirty = true; // tried again with the next change or at stop
    }
  }
}
