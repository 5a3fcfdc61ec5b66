/**
 * The real nmkd for the integration lane: started from source (jiti, no build)
 * inside a test's network namespace, on a private D-Bus, with a temporary
 * state root, logging JSON so tests can assert on what it logged. nmcli runs
 * on the host side against the same bus (it only speaks D-Bus).
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { startPrivateBus, type PrivateBus } from './dbus.js';
import { JITI_CLI, REPO_ROOT, type ExecResult, type Netns } from './netns.js';
import { runNmcli } from './nmcli.js';

/** The daemon's entry in source form; tests need no build. */
export const NMKD_SOURCE = path.join(REPO_ROOT, 'core/main.ts');

export interface StartDaemonOptions {
  ns: Netns;
  /** A bus to serve on; without it a private bus is started (and stopped by cleanup). */
  busAddress?: string;
  /** An existing state root to start on (a restart keeps the files); cleanup leaves it to the caller. */
  root?: string;
  /** Text of nmk.conf, written to <root>/etc/nmk/nmk.conf. */
  config?: string;
  /** Files written under the state root before nmkd starts (path relative to the root). */
  files?: Record<string, string | { text: string; mode: number }>;
  profile?: string;
  /** Default 'debug', so tests can assert on detail. */
  logLevel?: string;
  env?: NodeJS.ProcessEnv;
  args?: string[];
  /** How long to wait for the "ready" line (a cold jiti start transpiles all of core). */
  readyTimeoutMs?: number;
  /** Run nmkd through a wrapper (a private mount namespace...): gets node's command line, returns the one to run. */
  wrap?: (cmd: string, args: string[]) => [string, string[]];
}

/** One stderr line: the parsed JSON object, or { level: 'raw', msg } for a line that is not JSON. */
export interface DaemonLogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface Daemon {
  pid: number;
  /** The state root (every file nmkd reads or writes is under it). */
  root: string;
  busAddress: string;
  /** Every log line so far, in order. */
  readonly logs: DaemonLogLine[];
  /** stderr as received, for error messages. */
  stderr(): string;
  /** Run /usr/bin/nmcli against this daemon's bus. */
  nmcli(args: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** The first log line (already seen or coming) matching the predicate. */
  waitForLog(predicate: (line: DaemonLogLine) => boolean, timeoutMs?: number): Promise<DaemonLogLine>;
  /** SIGTERM, wait for the exit; resolves with the exit code (null when killed by a signal). */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL (a crash: nothing runs on the way out), then wait for the exit. */
  kill(): Promise<void>;
  /** stop() if still running, then remove the state root and stop the bus this harness started. */
  cleanup(): Promise<void>;
}

function parseLine(line: string): DaemonLogLine {
  try {
    const v = JSON.parse(line);
    if (v && typeof v === 'object' && typeof v.msg === 'string') return v as DaemonLogLine;
  } catch {
    // not JSON: a stack trace or a message printed before the logger existed
  }
  return { level: 'raw', msg: line };
}

function tail(text: string, max = 8000): string {
  return text.length > max ? `...${text.slice(-max)}` : text;
}

/** The inherited environment without NMK_* variables, so a developer's shell cannot change the test. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NMK_')));
  return { ...env, ...extra };
}

export async function startDaemon(opts: StartDaemonOptions): Promise<Daemon> {
  const root = opts.root ?? (await mkdtemp(path.join(os.tmpdir(), 'nmk-root-')));
  let bus: PrivateBus | undefined;
  let child: ChildProcess | undefined;
  const logs: DaemonLogLine[] = [];
  const waiters = new Set<() => void>();
  let stderrText = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let markExited = () => {};
  const exited = new Promise<void>((resolve) => (markExited = resolve));

  const notify = () => [...waiters].forEach((w) => w());

  const waitForLog = (predicate: (l: DaemonLogLine) => boolean, timeoutMs = 30_000): Promise<DaemonLogLine> =>
    new Promise((resolve, reject) => {
      let seen = 0;
      const check = () => {
        for (; seen < logs.length; seen++) {
          if (predicate(logs[seen]!)) return done(undefined, logs[seen]);
        }
        if (exit) done(new Error(`nmkd exited (code ${exit.code}, signal ${exit.signal}) before the awaited log line:\n${tail(stderrText)}`));
      };
      const timer = setTimeout(() => done(new Error(`no matching nmkd log line within ${timeoutMs} ms; stderr:\n${tail(stderrText)}`)), timeoutMs);
      const done = (err?: Error, line?: DaemonLogLine) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (err) reject(err);
        else resolve(line!);
      };
      waiters.add(check);
      check();
    });

  const stop = async (timeoutMs = 15_000): Promise<number | null> => {
    if (!child) return null;
    if (!exit) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
      if (exit!.signal === 'SIGKILL') throw new Error(`nmkd did not exit within ${timeoutMs} ms of SIGTERM and was killed; stderr:\n${tail(stderrText)}`);
    }
    return exit!.code;
  };

  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await stop().catch(() => undefined);
      if (opts.root === undefined) await rm(root, { recursive: true, force: true });
      await bus?.stop();
    })());

  try {
    // A machine has a machine id; without one nmkd (as NetworkManager) warns and derives a fake one. Tests that want
    // a particular one (or none) pass 'etc/machine-id' in files, which is written after this.
    if (!existsSync(path.join(root, 'etc/machine-id'))) {
      await mkdir(path.join(root, 'etc'), { recursive: true });
      await writeFile(path.join(root, 'etc/machine-id'), 'a6d5f3c0b7e94b0e8f3f0d1c2b3a4e5f\n', { mode: 0o444 });
    }
    for (const [rel, content] of Object.entries(opts.files ?? {})) {
      const f = path.join(root, rel);
      const { text, mode } = typeof content === 'string' ? { text: content, mode: 0o600 } : content;
      await mkdir(path.dirname(f), { recursive: true });
      await writeFile(f, text, { mode });
      await chmod(f, mode);
    }
    if (opts.config !== undefined) {
      await mkdir(path.join(root, 'etc/nmk'), { recursive: true });
      await writeFile(path.join(root, 'etc/nmk/nmk.conf'), opts.config);
    }
    const busAddress = opts.busAddress ?? (bus = await startPrivateBus()).address;
    const args = [
      JITI_CLI, NMKD_SOURCE,
      '--root', root,
      '--bus', busAddress,
      '--log-format', 'json',
      '--log-level', opts.logLevel ?? 'debug',
      ...(opts.profile ? ['--profile', opts.profile] : []),
      ...(opts.args ?? []),
    ];
    const [cmd, cmdArgs] = opts.wrap ? opts.wrap(process.execPath, args) : [process.execPath, args];
    child = opts.ns.spawn(cmd, cmdArgs, {
      env: cleanEnv({ NMK_ROOT: root, DBUS_SYSTEM_BUS_ADDRESS: busAddress, ...opts.env }),
      cwd: REPO_ROOT,
    });
    let partial = '';
    child.stderr!.on('data', (b: Buffer) => {
      const text = b.toString('utf8');
      stderrText += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const l of lines) if (l.trim()) logs.push(parseLine(l));
      notify();
    });
    // stdout is not the log, but keep it visible in error messages.
    child.stdout!.on('data', (b: Buffer) => (stderrText += b.toString('utf8')));
    child.on('exit', (code, signal) => {
      if (partial.trim()) logs.push(parseLine(partial));
      exit = { code, signal };
      markExited();
      notify();
    });
    child.on('error', (e) => {
      stderrText += `\n(could not run nmkd: ${e.message})`;
      exit = { code: null, signal: null };
      markExited();
      notify();
    });

    await waitForLog((l) => l.msg === 'ready', opts.readyTimeoutMs ?? 60_000).catch((e: Error) => {
      throw new Error(`nmkd did not become ready in netns ${opts.ns.name}: ${e.message}`);
    });

    return {
      pid: child.pid!,
      root,
      busAddress,
      logs,
      stderr: () => stderrText,
      nmcli: (nmcliArgs, o) => runNmcli(busAddress, nmcliArgs, o),
      waitForLog,
      stop,
      kill: async () => {
        if (!exit) child!.kill('SIGKILL');
        await exited;
      },
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
