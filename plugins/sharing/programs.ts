/**
 * The programs sharing runs, found before anything is changed, so that a
 * missing one stops start() naming the program and the Debian package.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { NmkError } from '../../sdk/index.js';

/** Each program with the Debian package that installs it. */
export const PROGRAMS = {
  nft: { debianPackage: 'nftables' },
  dnsmasq: { debianPackage: 'dnsmasq-base' },
} as const;

export type ProgramName = keyof typeof PROGRAMS;

/** PATH, then the sbin folders (a daemon's PATH often lacks them, and both programs live there). */
export function defaultSearchPath(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = (env.PATH ?? '').split(':').filter(Boolean);
  return [...new Set([...dirs, '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'])];
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The program's full path; throws naming the program, its Debian package and where it looked. */
export async function findProgram(name: ProgramName, searchPath: readonly string[], why: string): Promise<string> {
  for (const dir of searchPath) {
    const file = path.join(dir, name);
    if (await isExecutableFile(file)) return file;
  }
  throw new NmkError(
    'SERVICE_MISSING',
    `${why} needs the program '${name}', which is not installed (Debian package ${PROGRAMS[name].debianPackage}; looked in ${searchPath.join(':')})`,
    { plugin: 'sharing', hook: 'start' },
  );
}
