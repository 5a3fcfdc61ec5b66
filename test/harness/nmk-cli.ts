/**
 * The nmk command line from source (jiti, no build), as a user runs it,
 * against a test's bus. Resolves with the exit code rather than rejecting.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { JITI_CLI, REPO_ROOT, type ExecResult } from './netns.js';

export const NMK_CLI_SOURCE = path.join(REPO_ROOT, 'cli/main.ts');

export function runNmk(busAddress: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress };
    execFile(process.execPath, [JITI_CLI, NMK_CLI_SOURCE, ...args], { env, timeout: opts.timeoutMs ?? 100_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
