/** Test helpers for the sharing plugin: a logger that keeps its lines, and stand-in programs. */
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LogFields, Logger, LogLevel } from '../../../sdk/index.js';

export interface KeptLine {
  level: LogLevel;
  msg: string;
  fields: LogFields;
}

export function quietLogger(lines: KeptLine[] = [], base: LogFields = {}): Logger & { lines: KeptLine[] } {
  const at = (level: LogLevel) => (msg: string, fields: LogFields = {}) => void lines.push({ level, msg, fields: { ...base, ...fields } });
  return {
    lines,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => quietLogger(lines, { ...base, ...fields }),
    isEnabled: () => false,
  };
}

/** Write an executable shell script into dir. */
export async function writeProgram(dir: string, name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

/** An nft that appends what it was given to LOG, or fails with MESSAGE when FAIL_FILE exists. */
export function fakeNft(log: string, failFile: string): string {
  return [
    `if [ -e '${failFile}' ]; then cat >/dev/null; cat '${failFile}' >&2; exit 1; fi`,
    `cat >> '${log}'`,
    `echo '---' >> '${log}'`,
  ].join('\n');
}

/**
 * A dnsmasq that records its arguments, writes its pid file, logs as dnsmasq
 * does when it serves, and runs until a signal; or, when FAIL_FILE exists
 * (FAIL_FILE.ra: only when asked for router advertisements), prints its
 * content and exits 2 as dnsmasq does on a socket error.
 */
export function fakeDnsmasq(argsFile: string, failFile: string): string {
  return [
    `printf '%s\\n' "$@" > '${argsFile}'`,
    `if [ -e '${failFile}' ]; then cat '${failFile}' >&2; exit 2; fi`,
    `case " $* " in *' --enable-ra '*) if [ -e '${failFile}.ra' ]; then cat '${failFile}.ra' >&2; exit 2; fi;; esac`,
    'for a in "$@"; do case "$a" in --pid-file=*) echo $$ > "${a#--pid-file=}";; esac; done',
    'echo "dnsmasq[$$]: started, version 2.90 cachesize 150" >&2',
    // The same process goes on as sleep, so SIGTERM ends it and leaves no child behind.
    'exec sleep 1000',
  ].join('\n');
}
