/**
 * How resolv.conf reaches /etc (`[main] rc-manager=`), one row per mode, as
 * NetworkManager 1.42 does it (nm-dns-manager.c, update_resolv_conf and the
 * dispatchers). nmk's own copy, <run>/resolv.conf, is written in every mode.
 *  - symlink: /etc/resolv.conf, when a file or missing, is written; a symlink
 *    is left alone, unless it points to nmk's copy: then it is replaced by a
 *    fresh symlink so watchers see a change.
 *  - file: the file /etc/resolv.conf resolves to is written (a symlink stays a
 *    symlink); a dangling symlink's target is written where its folder exists.
 *  - resolvconf / netconfig: the program gets the text; when it is not there
 *    (not executable) nmk falls back to symlink, as NetworkManager does.
 *  - unmanaged: /etc/resolv.conf is not touched.
 * Every path is under the state root (Paths.under), programs included, so a
 * test root can carry its own /sbin/resolvconf.
 */
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../../sdk/index.js';
import type { ResolvData } from './resolv-merge.js';
import { describeOutcome, lastLine, runProgram } from './run-program.js';

export type RcManagerMode = 'symlink' | 'file' | 'resolvconf' | 'netconfig' | 'unmanaged';

/** The name resolvconf and netconfig know us by: NetworkManager's, so /etc/resolvconf/interface-order still places us. */
const RC_SERVICE_NAME = 'NetworkManager';
const PROGRAM_TIMEOUT_MS = 10_000;

export interface RcFiles {
  /** <root>/etc/resolv.conf */
  etc: string;
  /** <run>/resolv.conf: nmk's own copy. */
  own: string;
  /** <run>/no-stub-resolv.conf: the servers before a local cache replaced them. */
  noStub: string;
  /** <root>/etc/.resolv.conf.nmk: the temporary symlink renamed over /etc/resolv.conf. */
  tmpLink: string;
  resolvconf: string;
  netconfig: string;
}

export function rcFiles(paths: Paths): RcFiles {
  return {
    etc: paths.under('/etc/resolv.conf'),
    own: path.join(paths.runDir, 'resolv.conf'),
    noStub: path.join(paths.runDir, 'no-stub-resolv.conf'),
    tmpLink: paths.under('/etc/.resolv.conf.nmk'),
    resolvconf: paths.under('/sbin/resolvconf'),
    netconfig: paths.under('/sbin/netconfig'),
  };
}

/** What the write did besides succeeding: a situation worth one log line (the manager logs each new one once). */
export interface RcOutcome {
  notice?: { level: 'info' | 'warn'; message: string };
}

function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/**
 * Replace `file` with `text` through a temporary file in the same folder and
 * a rename, as g_file_set_contents does; the folder is not created (a
 * dangling symlink into a missing folder is an error, as in NetworkManager).
 */
export async function replaceFile(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.nmk-${process.pid}`);
  try {
    const handle = await fsp.open(temp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | fsc.O_NOFOLLOW, 0o644);
    try {
      await handle.chmod(0o644);
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, file);
  } catch (err) {
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    throw new Error(`cannot write ${file}: ${errnoOf(err)}`);
  }
}

async function linkTarget(file: string): Promise<string | undefined> {
  try {
    return await fsp.readlink(file);
  } catch {
    return undefined; // not a symlink, or missing
  }
}

async function exists(file: string): Promise<boolean> {
  return fsp.stat(file).then(() => true, () => false);
}

async function isExecutable(file: string): Promise<boolean> {
  return fsp.access(file, fsc.X_OK).then(() => true, () => false);
}

/** Write nmk's own copy. */
export async function writeOwn(files: RcFiles, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(files.own), { recursive: true, mode: 0o755 });
  await replaceFile(files.own, text);
}

async function writeSymlinkMode(files: RcFiles, text: string): Promise<RcOutcome> {
  const link = await linkTarget(files.etc);
  if (link === undefined) {
    // A file, or nothing: ours to write. nmk's own copy is written even when /etc fails, as NetworkManager does.
    const failure = await replaceFile(files.etc, text).then(() => undefined, (err: Error) => err);
    await writeOwn(files, text);
    if (failure) throw failure;
    return {};
  }
  await writeOwn(files, text);
  const resolved = path.resolve(path.dirname(files.etc), link);
  if (resolved !== files.own) {
    const dangling = !(await exists(files.etc));
    return {
      notice: dangling
        ? { level: 'warn', message: `${files.etc} is a dangling symlink to ${link}; left alone (rc-manager=symlink), so it lists no name servers` }
        : { level: 'info', message: `${files.etc} is a symlink to ${link}, not to nmk's ${files.own}; left alone (rc-manager=symlink)` },
    };
  }
  // Our own symlink: replace it with a new one so inotify watchers notice.
  try {
    await fsp.rm(files.tmpLink, { force: true });
    await fsp.symlink(files.own, files.tmpLink);
    await fsp.rename(files.tmpLink, files.etc);
  } catch (err) {
    await fsp.rm(files.tmpLink, { force: true }).catch(() => undefined);
    throw new Error(`cannot renew the symlink ${files.etc} -> ${files.own}: ${errnoOf(err)}`);
  }
  return {};
}

async function writeFileMode(files: RcFiles, text: string): Promise<RcOutcome> {
  let target = files.etc;
  let notice: RcOutcome['notice'];
  const link = await linkTarget(files.etc);
  if (link !== undefined) {
    // realpath follows every link; a dangling one leaves us its first target.
    target = await fsp.realpath(files.etc).catch(() => path.resolve(path.dirname(files.etc), link));
    if (!(await exists(files.etc))) notice = { level: 'warn', message: `${files.etc} is a dangling symlink; writing its target ${target} (rc-manager=file)` };
  }
  let failure: Error | undefined;
  try {
    await replaceFile(target, text);
  } catch (err) {
    failure = err as Error;
  }
  // nmk's own copy is written even when /etc failed, as NetworkManager does; the /etc error is the one reported.
  await writeOwn(files, text);
  if (failure) throw new Error(link !== undefined ? `${files.etc}${notice ? ' (a dangling symlink)' : ''} -> ${failure.message}` : failure.message);
  return { notice };
}

/** Run resolvconf or netconfig; undefined when the program is not there (the caller falls back). */
async function dispatch(program: string, args: string[], input: string): Promise<'missing' | void> {
  if (!(await isExecutable(program))) return 'missing';
  const r = await runProgram(program, args, { input, timeoutMs: PROGRAM_TIMEOUT_MS }).catch((err: Error) => {
    throw new Error(`cannot run ${program}: ${errnoOf(err)}`);
  });
  if (r.code !== 0 || r.timedOut) {
    const why = lastLine(r.stderr);
    throw new Error(`${program} ${args.join(' ')} ${describeOutcome(r, PROGRAM_TIMEOUT_MS)}${why ? `: ${why}` : ''}`);
  }
}

function netconfigInput(data: ResolvData): string {
  const lines = [`INTERFACE='${RC_SERVICE_NAME}'`];
  if (data.searches.length) lines.push(`DNSSEARCH='${data.searches.join(' ')}'`);
  if (data.nameservers.length) lines.push(`DNSSERVERS='${data.nameservers.join(' ')}'`);
  return `${lines.join('\n')}\n`;
}

async function viaProgram(files: RcFiles, text: string, program: string, run: () => Promise<'missing' | void>): Promise<RcOutcome> {
  let failure: Error | undefined;
  const outcome = await run().catch((err: Error) => {
    failure = err;
  });
  if (outcome === 'missing') {
    const r = await writeSymlinkMode(files, text);
    return { notice: r.notice ?? { level: 'warn', message: `${program} is not executable; writing ${files.etc} as rc-manager=symlink does` } };
  }
  await writeOwn(files, text);
  if (failure) throw failure;
  return {};
}

type Writer = (files: RcFiles, text: string, data: ResolvData) => Promise<RcOutcome>;

/** One row per mode. */
export const RC_WRITERS: Record<RcManagerMode, Writer> = {
  symlink: writeSymlinkMode,
  file: writeFileMode,
  resolvconf: (files, text, data) =>
    viaProgram(files, text, files.resolvconf, () =>
      // No servers and no searches: take our entry out of resolvconf, as NetworkManager does.
      data.nameservers.length === 0 && data.searches.length === 0
        ? dispatch(files.resolvconf, ['-d', RC_SERVICE_NAME], '')
        : dispatch(files.resolvconf, ['-a', RC_SERVICE_NAME], text),
    ),
  netconfig: (files, text, data) => viaProgram(files, text, files.netconfig, () => dispatch(files.netconfig, ['modify', '--service', RC_SERVICE_NAME], netconfigInput(data))),
  unmanaged: async (files, text) => {
    await writeOwn(files, text);
    return {};
  },
};
