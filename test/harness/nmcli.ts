/**
 * The real nmcli (Debian's network-manager package) pointed at a test's bus.
 * It runs in the host namespace: it only speaks D-Bus, through a unix socket
 * path that every namespace sees.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ExecResult } from './netns.js';

export const NMCLI = '/usr/bin/nmcli';

/** nmcli ARGS with DBUS_SYSTEM_BUS_ADDRESS set; resolves with the exit code rather than rejecting. */
export function runNmcli(busAddress: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
  if (!existsSync(NMCLI)) {
    return Promise.reject(new Error(`${NMCLI} is missing: apt-get install -y network-manager (only its nmcli is used; mask its service on a host)`));
  }
  const timeoutMs = opts.timeoutMs ?? 30_000;
  // C locale: tests compare nmcli's words, which it would otherwise translate.
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress, LC_ALL: 'C', LANG: 'C' };
  return new Promise((resolve) => {
    execFile(NMCLI, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
      const timedOut = e.killed ? `\n(nmcli killed after ${timeoutMs} ms)` : '';
      resolve({ code: typeof e.code === 'number' ? e.code : -1, stdout, stderr: `${stderr}${timedOut}` });
    });
  });
}

/**
 * Rows of `nmcli -t` output: fields split on ':' that nmcli did not escape,
 * with its escapes ('\:' and '\\') undone.
 */
export function parseTerse(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const fields: string[] = [''];
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (c === '\\' && i + 1 < line.length) fields[fields.length - 1] += line[++i];
        else if (c === ':') fields.push('');
        else fields[fields.length - 1] += c;
      }
      return fields;
    });
}
