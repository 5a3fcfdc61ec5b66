/**
 * A folder of small state files under the run directory (one per device:
 * the profile active on it, a link nmk created), kept across a restart. A
 * thousand activations in one tick write their files once, after it, each
 * through a temporary file and a rename so a kill -9 leaves whole files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../sdk/index.js';

export class StateDir {
  private pending = new Map<string, string | undefined>();
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    readonly dir: string,
    private logger: Logger,
    /** What the files record, for the warning when one cannot be written. */
    private what: string,
  ) {}

  /** Every file's text, trimmed (start-up, before any write); a missing folder is none. */
  readAll(): Map<string, string> {
    const out = new Map<string, string>();
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return out;
    }
    for (const name of names) {
      if (name.endsWith('.tmp')) continue;
      try {
        out.set(name, fs.readFileSync(path.join(this.dir, name), 'utf8').trim());
      } catch (err) {
        this.logger.warn(`${path.join(this.dir, name)}: not read: ${(err as Error).message}`);
      }
    }
    return out;
  }

  /** Write `name` (undefined: remove it) after this tick. */
  set(name: string, text: string | undefined): void {
    this.pending.set(name, text);
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      void this.flush();
    });
  }

  /** Write what is pending now (resolved: the files are written when it returns). */
  flush(): Promise<void> {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const due = [...this.pending];
    this.pending.clear();
    if (due.length) this.write(due);
    return Promise.resolve();
  }

  /**
   * Synchronous on purpose: the run directory is a tmpfs, where a write is a
   * few microseconds of system time, while each promise-based open, write,
   * close and rename is a thread-pool round trip costing the loop several
   * times that (500 activations: 100 ms of the loop's time).
   */
  private write(due: Array<[string, string | undefined]>): void {
    if (due.some(([, text]) => text !== undefined)) {
      try {
        fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
      } catch {
        // Each write below says why it failed.
      }
    }
    for (const [name, text] of due) {
      const file = path.join(this.dir, name);
      try {
        if (text === undefined) fs.rmSync(file, { force: true });
        else {
          fs.writeFileSync(`${file}.tmp`, `${text}\n`, { mode: 0o644 });
          fs.renameSync(`${file}.tmp`, file);
        }
      } catch (err) {
        this.logger.warn(`cannot record ${this.what} for ${name} in ${this.dir}: ${(err as Error).message}`);
      }
    }
  }
}
