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
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../sdk/index.js';

const IFINDEX_FILE = /^[1-9][0-9]{0,9}$/;

export class CreatedLinks {
  private names = new Map<number, string>();

  constructor(
    private dir: string,
    private logger: Logger,
  ) {}

  /** Reads the records; those of links that no longer exist (or are another link now) are removed. */
  load(links: Iterable<{ ifindex: number; name: string }>): void {
    const present = new Map<number, string>();
    for (const l of links) present.set(l.ifindex, l.name);
    let files: string[];
    try {
      files = fs.readdirSync(this.dir);
    } catch {
      return; // none yet
    }
    for (const file of files) {
      if (!IFINDEX_FILE.test(file)) continue;
      const ifindex = Number(file);
      let name: string;
      try {
        name = fs.readFileSync(path.join(this.dir, file), 'utf8').trim();
      } catch (err) {
        this.logger.warn(`${path.join(this.dir, file)}: not read, the link is not taken for nmk's: ${(err as Error).message}`);
        continue;
      }
      if (name !== '' && present.get(ifindex) === name) this.names.set(ifindex, name);
      else this.removeFile(ifindex);
    }
  }

  has(ifindex: number, name: string): boolean {
    return this.names.get(ifindex) === name;
  }

  /** nmk created this link. */
  add(ifindex: number, name: string): void {
    if (this.names.get(ifindex) === name) return;
    this.names.set(ifindex, name);
    const file = path.join(this.dir, String(ifindex));
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
      fs.writeFileSync(`${file}.tmp`, `${name}\n`, { mode: 0o644 });
      fs.renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.logger.warn(`cannot record in ${this.dir} that nmk created ${name}; after a restart it will be kept when taken down: ${(err as Error).message}`);
    }
  }

  /** The link is gone. */
  remove(ifindex: number): void {
    if (this.names.delete(ifindex)) this.removeFile(ifindex);
  }

  private removeFile(ifindex: number): void {
    try {
      fs.rmSync(path.join(this.dir, String(ifindex)), { force: true });
    } catch (err) {
      this.logger.warn(`cannot remove ${path.join(this.dir, String(ifindex))}: ${(err as Error).message}`);
    }
  }
}
