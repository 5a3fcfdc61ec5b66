/**
 * The software links nmk created, kept under the run directory so that a
 * restarted daemon (SIGTERM or kill -9) still knows them, as NetworkManager
 * keeps nm-owned=1 in /run/NetworkManager/devices/IFINDEX: taking the
 * connection of such a link down deletes the link, also after a restart. A
 * link another tool made is never recorded, so never deleted.
 *
 * One file per link, named by its ifindex and holding its name. A record
 * counts only while a link with that ifindex and that name exists: a link
 * deleted and made again by another tool while nmkd was down has a new
 * ifindex, and is not ours.
 */
import type { Logger } from '../../sdk/index.js';
import { StateDir } from './state-dir.js';

const IFINDEX_FILE = /^[1-9][0-9]{0,9}$/;

export class CreatedLinks {
  private names = new Map<number, string>();
  private files: StateDir;

  constructor(dir: string, logger: Logger) {
    this.files = new StateDir(dir, logger, 'that nmk created the link');
  }

  /** Reads the records; those of links that no longer exist (or are another link now) are removed. */
  load(links: Iterable<{ ifindex: number; name: string }>): void {
    const present = new Map<number, string>();
    for (const l of links) present.set(l.ifindex, l.name);
    for (const [file, name] of this.files.readAll()) {
      if (!IFINDEX_FILE.test(file)) continue;
      const ifindex = Number(file);
      if (name !== '' && present.get(ifindex) === name) this.names.set(ifindex, name);
      else this.files.set(file, undefined);
    }
  }

  has(ifindex: number, name: string): boolean {
    return this.names.get(ifindex) === name;
  }

  /** nmk created this link. */
  add(ifindex: number, name: string): void {
    if (this.names.get(ifindex) === name) return;
    this.names.set(ifindex, name);
    this.files.set(String(ifindex), name);
  }

  /** The link is gone. */
  remove(ifindex: number): void {
    if (this.names.delete(ifindex)) this.files.set(String(ifindex), undefined);
  }

  /** Resolves when every record is on disk (shutdown, tests). */
  flush(): Promise<void> {
    return this.files.flush();
  }
}
