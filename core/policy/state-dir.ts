/**
 * A folder of small state files under the run directory (one per device:
 * the profile active on it, a link nmk created), kept across a restart. A
 * thousand activations in one tick write their files once, after it,
 * together on the thread pool, each through a temporary file and a rename
 * so a kill -9 leaves whole files. Writes of one name keep their order: a
 * flush starts only once the previous one is done.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../sdk/index.js';

export class StateDir {
  private pending = new Map<string, string | undefined>();
  private scheduled: NodeJS.Immediate | undefined;
  private running: Promise<void> = Promise.resolve();

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

  /** Write what is pending now; resolves when it and every earlier write are on disk. */
  flush(): Promise<void> {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const due = [...this.pending];
    this.pending.clear();
    this.running = this.running.then(() => (due.length ? this.write(due) : undefined));
    return this.running;
  }

  private async write(due: Array<[string, string | undefined]>): Promise<void> {
    if (due.some(([, text]) => text !== undefined)) await fsp.mkdir(this.dir, { recursive: true, mode: 0o755 }).catch(() => undefined);
    await Promise.all(
      due.map(async ([name, text]) => {
        const file = path.join(this.dir, name);
        try {
          if (text === undefined) await fsp.rm(file, { force: true });
          else {
            await fsp.writeFile(`${file}.tmp`, `${text}\n`, { mode: 0o644 });
            await fsp.rename(`${file}.tmp`, file);
          }
        } catch (err) {
          this.logger.warn(`cannot record ${this.what} for ${name} in ${this.dir}: ${(err as Error).message}`);
        }
      }),
    );
  }
}
