/**
 * dnsmasq drops root after start (to its build's user, "nobody" on Debian,
 * unless a conf-dir sets another) and re-reads its servers file on SIGHUP as
 * that user. A folder on the way that others cannot search makes every
 * re-read fail, and dnsmasq says so only in syslog: the cache would answer
 * nothing while nmk believes it works. This finds such a folder first, so the
 * backend can refuse to start with a message naming it (core then falls back
 * to dns=default and logs why).
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export interface ClosedFolder {
  dir: string;
  mode: number;
}

/** The first folder from `/` down to `file`'s folder that others cannot search (no o+x), or undefined. */
export async function closedToOthers(file: string): Promise<ClosedFolder | undefined> {
  const dirs: string[] = [];
  for (let d = path.dirname(path.resolve(file)); ; d = path.dirname(d)) {
    dirs.unshift(d);
    if (d === path.dirname(d)) break;
  }
  for (const dir of dirs) {
    const st = await fsp.stat(dir).catch(() => undefined);
    if (st && (st.mode & 0o001) === 0) return { dir, mode: st.mode & 0o7777 };
  }
  return undefined;
}
