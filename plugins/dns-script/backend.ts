/**
 * The dns=script backend (see index.ts): checks `[dns] script=` when core
 * creates it and runs the script, with its time limit, on every DNS change.
 * Imported by the entry when core creates the backend.
 */
import { spawn } from 'node:child_process';
import { constants as fsc, promises as fsp } from 'node:fs';
import type { ConfigView, DnsBackend, DnsBackendFactory, DnsState, Logger } from '../../sdk/index.js';

export const SCRIPT_JSON_VERSION = 1;

export interface ScriptBackendOptions {
  config: ConfigView;
  logger: Logger;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderr: string;
}

function runScript(file: string, input: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    // Its own process group: a hang is ended with whatever the script started.
    const child = spawn(file, [], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    let timedOut = false;
    let kill: NodeJS.Timeout | undefined;
    const group = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* gone */
      }
    };
    const limit = setTimeout(() => {
      timedOut = true;
      group('SIGTERM');
      kill = setTimeout(() => group('SIGKILL'), 1000);
    }, timeoutMs);
    child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4096)));
    child.stdin!.on('error', () => undefined); // a script that does not read its input
    child.once('error', (err) => {
      clearTimeout(limit);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      clearTimeout(kill);
      if (timedOut) group('SIGKILL');
      resolve({ code, signal, timedOut, stderr });
    });
    child.stdin!.end(input);
  });
}

export function scriptBackend(o: ScriptBackendOptions): DnsBackendFactory {
  return {
    name: 'script',
    async create(): Promise<DnsBackend> {
      const where = o.config.origin('dns', 'script') ?? '[dns] script';
      const file = o.config.get('dns', 'script')?.trim();
      if (!file) throw new Error('dns=script needs [dns] script=PATH (the program that receives the DNS state)');
      if (!file.startsWith('/')) throw new Error(`${where}: '${file}' is not an absolute path`);
      if (!(await fsp.access(file, fsc.X_OK).then(() => true, () => false))) throw new Error(`${where}: ${file} is not an executable file`);
      const seconds = o.config.getInteger('dns', 'script-timeout', 10);
      const timeoutMs = Math.max(1, seconds) * 1000;
      return {
        name: 'script',
        async update(state: DnsState) {
          const input = `${JSON.stringify({ version: SCRIPT_JSON_VERSION, state })}\n`;
          const r = await runScript(file, input, timeoutMs).catch((err: Error) => {
            throw new Error(`DNS script ${file} could not be run: ${err.message}`);
          });
          const why = r.stderr.trim().split('\n').filter(Boolean).pop();
          if (r.timedOut) throw new Error(`DNS script ${file} did not finish within ${timeoutMs / 1000} s and was killed`);
          if (r.signal) throw new Error(`DNS script ${file} was killed by ${r.signal}${why ? `: ${why}` : ''}`);
          if (r.code !== 0) throw new Error(`DNS script ${file} exited with status ${r.code}${why ? `: ${why}` : ''}`);
          return 'leave';
        },
        stop: async () => undefined,
      };
    },
  };
}
