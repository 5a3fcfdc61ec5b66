/**
 * Shared pieces of the keyfile tests: a temporary state root with the three
 * directories, files written with a chosen mode, a recording logger, and
 * nmcli --offline (a missing nmcli fails the test, saying so).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogFields, Logger, LogLevel } from '../../../sdk/index.js';
import { KeyfileSource, type KeyfileDirectories } from '../source.js';

export const NMCLI = '/usr/bin/nmcli';

export interface TempRoot {
  root: string;
  dirs: KeyfileDirectories;
  source: KeyfileSource;
  logs: Array<{ level: LogLevel; msg: string }>;
  /** Writes a file (mode 0600 unless given) into one of the directories; returns its path. */
  put(dir: keyof KeyfileDirectories, name: string, content: string | Uint8Array, mode?: number): string;
  cleanup(): void;
}

export function recordingLogger(logs: Array<{ level: LogLevel; msg: string }>): Logger {
  const make = (): Logger => ({
    trace: (msg) => logs.push({ level: 'trace', msg }),
    debug: (msg) => logs.push({ level: 'debug', msg }),
    info: (msg) => logs.push({ level: 'info', msg }),
    warn: (msg) => logs.push({ level: 'warn', msg }),
    error: (msg) => logs.push({ level: 'error', msg }),
    child: (_fields: LogFields) => make(),
    isEnabled: () => true,
  });
  return make();
}

export function makeTempRoot(prefix = 'nmk-keyfile-'): TempRoot {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs: KeyfileDirectories = {
    persistent: path.join(root, 'etc/nmk/system-connections'),
    runtime: path.join(root, 'run/nmk/system-connections'),
    readOnly: path.join(root, 'usr/lib/nmk/system-connections'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const logs: Array<{ level: LogLevel; msg: string }> = [];
  const source = new KeyfileSource({ directories: dirs, root, logger: recordingLogger(logs) });
  return {
    root,
    dirs,
    source,
    logs,
    put(dir, name, content, mode = 0o600) {
      const file = path.join(dirs[dir], name);
      fs.writeFileSync(file, content, { mode });
      fs.chmodSync(file, mode);
      return file;
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Runs nmcli --offline with `args`, feeding `stdin`, and returns the keyfile
 * it prints (without the "Warning: ..." lines nmcli mixes into stdout, e.g.
 * about a port whose controller is not a known profile). Rejects, naming the
 * problem, when nmcli is missing or fails.
 */
export function nmcliOffline(args: string[], stdin?: string): Promise<string> {
  if (!fs.existsSync(NMCLI)) {
    return Promise.reject(new Error(`${NMCLI} is missing: this test needs nmcli from Debian's network-manager package (apt-get install -y network-manager)`));
  }
  return new Promise((resolve, reject) => {
    const child = execFile(NMCLI, ['--offline', ...args], { env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`nmcli --offline ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout.split('\n').filter((line) => !line.startsWith('Warning: ')).join('\n'));
    });
    child.stdin?.end(stdin ?? '');
  });
}
