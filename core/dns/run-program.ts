/**
 * Run a helper program (resolvconf, netconfig, a DNS script) with text on its
 * standard input, a time limit and a clear outcome. The program runs in its
 * own process group so that a hang is ended with everything it started:
 * SIGTERM to the group at the limit, SIGKILL a second later.
 */
import { spawn } from 'node:child_process';

export interface ProgramResult {
  /** Exit status, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The limit was reached and the program was killed. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** Keep the last part of a stream: enough for a message, bounded for a chatty program. */
const KEEP = 16 * 1024;

export function runProgram(file: string, args: readonly string[], opts: RunOptions): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const group = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    };
    const limit = setTimeout(() => {
      timedOut = true;
      group('SIGTERM');
      killTimer = setTimeout(() => group('SIGKILL'), 1000);
    }, opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => (stdout = (stdout + b.toString()).slice(-KEEP)));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-KEEP)));
    // A program that exits without reading its input makes the pipe fail with EPIPE: not our error.
    child.stdin.on('error', () => undefined);
    child.once('error', (err) => {
      clearTimeout(limit);
      clearTimeout(killTimer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      clearTimeout(killTimer);
      // Whatever the program left behind in its group goes with it.
      if (timedOut) group('SIGKILL');
      resolve({ code, signal, timedOut, stdout, stderr });
    });
    child.stdin.end(opts.input);
  });
}

/** "exited with status 3", "was killed by SIGKILL", "did not finish within 10 s and was killed". */
export function describeOutcome(r: ProgramResult, timeoutMs: number): string {
  if (r.timedOut) return `did not finish within ${Math.round(timeoutMs / 100) / 10} s and was killed`;
  if (r.signal) return `was killed by ${r.signal}`;
  return `exited with status ${r.code}`;
}

/** The last non-empty line of a program's error output, for a log line. */
export function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1];
}
