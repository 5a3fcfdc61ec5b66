/**
 * What a kernel-lane scenario needs to run the real nmk inside the VM: a
 * private dbus-daemon, nmkd compiled for this boot (test/kernel/vm/build-daemon.ts;
 * its main.js in $NMK_DAEMON_MAIN), the real nmcli, and `ip monitor` to prove
 * that nothing changed. The guest runs JavaScript about 13 times slower than
 * the host: every wait here is "until it happens, at most N s", never a fixed
 * sleep that a test depends on.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseTerse, runNmcli } from '../harness/nmcli.js';
import type { ExecResult } from '../harness/netns.js';
import { step } from './scenario-kit.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface GuestBus {
  address: string;
  stop(): void;
}

/** A system-type bus open to everyone (FACTS.md: receive_sender="*" or replies are dropped). */
export function startBus(): GuestBus {
  const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/run/tmp', 'bus-'));
  const config = path.join(dir, 'bus.conf');
  writeFileSync(config, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${dir}/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`);
  const out = execFileSync('dbus-daemon', [`--config-file=${config}`, '--fork', '--print-address=1', '--print-pid=1'], { encoding: 'utf8' });
  const [address, pid] = out.trim().split('\n').map((l) => l.trim());
  return {
    address: address!,
    stop() {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface LogLine {
  level: string;
  msg: string;
  [k: string]: unknown;
}

export interface GuestDaemon {
  pid: number;
  logs: LogLine[];
  /** Milliseconds from spawn to the "ready" line. */
  readyMs: number;
  /** SIGTERM and wait; the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash) and wait. */
  kill(): Promise<void>;
}

export interface DaemonOptions {
  root: string;
  bus: GuestBus;
  profile?: string;
  /** Files under the root (relative path → text), written 0600 before the start. */
  files?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** Write files under a state root. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(root, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text, { mode: 0o600 });
  }
}

/** Start the compiled nmkd and resolve once it logged "ready". */
export async function startNmkd(opts: DaemonOptions): Promise<GuestDaemon> {
  const main = process.env.NMK_DAEMON_MAIN;
  if (!main) throw new Error('NMK_DAEMON_MAIN is unset: run the scenario through runInVm({ daemon: true })');
  writeFiles(opts.root, opts.files ?? {});
  const started = Date.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [main, '--root', opts.root, '--bus', opts.bus.address, '--log-format', 'json', '--log-level', 'info', '--profile', opts.profile ?? 'server'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: opts.bus.address } },
  );
  const logs: LogLine[] = [];
  let text = '';
  let partial = '';
  let exited: { code: number | null; signal: string | null } | undefined;
  const exit = new Promise<void>((resolve) => child.on('exit', (code, signal) => ((exited = { code, signal }), resolve())));
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr!.on('data', (b: Buffer) => {
    const s = b.toString();
    text += s;
    partial += s;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      try {
        logs.push(JSON.parse(l) as LogLine);
      } catch {
        logs.push({ level: 'raw', msg: l });
      }
    }
  });
  const timeout = opts.readyTimeoutMs ?? 180_000;
  while (!logs.some((l) => l.msg === 'ready')) {
    if (exited) throw new Error(`nmkd exited (${JSON.stringify(exited)}) before it was ready:\n${text.slice(-6000)}`);
    if (Date.now() - started > timeout) {
      child.kill('SIGKILL');
      throw new Error(`nmkd was not ready within ${timeout} ms:\n${text.slice(-6000)}`);
    }
    await sleep(100);
  }
  const readyMs = Date.now() - started;
  step(`nmkd ready after ${readyMs} ms`);
  return {
    pid: child.pid!,
    logs,
    readyMs,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await exit;
      return exited!.code;
    },
    async kill() {
      if (!exited) child.kill('SIGKILL');
      await exit;
    },
  };
}

/** nmcli in the C locale against the bus; a generous limit, the guest is slow. */
export function nmcli(bus: GuestBus, args: string[]): Promise<ExecResult> {
  return runNmcli(bus.address, args, { timeoutMs: 120_000 });
}

/**
 * Wait until the daemon has logged `count` lines matching `test`, reading its
 * log (free) rather than polling nmcli: every nmcli run takes the guest's one
 * CPU from the daemon it waits for. Returns how many it saw.
 */
export async function logged(d: GuestDaemon, test: (l: LogLine) => boolean, count: number, limitMs = 120_000): Promise<number> {
  const end = Date.now() + limitMs;
  for (;;) {
    const n = d.logs.filter(test).length;
    if (n >= count || Date.now() > end) return n;
    await sleep(250);
  }
}

/** `nmcli -t -f FIELDS ...` rows. */
export async function nmcliRows(bus: GuestBus, args: string[]): Promise<string[][]> {
  return parseTerse((await nmcli(bus, args)).stdout);
}

/**
 * Poll until `ok(value)` or the limit; returns the last value either way, so
 * the host's assertion shows what was there instead of a timeout.
 */
export async function until<T>(read: () => Promise<T> | T, ok: (v: T) => boolean, limitMs = 60_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    // Not faster: each read may run nmcli, which competes with the daemon for the guest's CPU.
    await sleep(1000);
  }
}

/**
 * `ip monitor link address route`: every message the kernel announced while
 * it ran, one entry each, prefixed with the guest's uptime in ms (to line it up
 * with the scenario's steps).
 */
export class Monitor {
  private lines: string[] = [];
  private child: ChildProcess;
  constructor() {
    this.child = spawn('ip', ['monitor', 'link', 'address', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child.stdout!.on('data', (b: Buffer) => {
      for (const line of b.toString().split('\n').filter(Boolean)) {
        // Indented lines continue the message before them.
        if (/^\s/.test(line) && this.lines.length > 0) this.lines[this.lines.length - 1] += ` ${line.trim()}`;
        else this.lines.push(`[${Math.round(performance.now())} ms] ${line}`);
      }
    });
  }
  take(): string[] {
    return this.lines.splice(0);
  }
  /** Wait until the kernel has been quiet for `quietMs` (at most `limitMs`); what it said meanwhile. */
  async settle(quietMs = 3000, limitMs = 30_000): Promise<string[]> {
    const seen: string[] = [];
    const end = Date.now() + limitMs;
    let lastCount = -1;
    let quietSince = Date.now();
    while (Date.now() < end) {
      seen.push(...this.take());
      if (seen.length !== lastCount) {
        lastCount = seen.length;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) break;
      await sleep(250);
    }
    return seen;
  }
  stop(): void {
    this.child.kill('SIGKILL');
  }
}

/** A sysfs file under /sys/class/net, trimmed; undefined when it does not exist. */
export function sysfs(rel: string): string | undefined {
  try {
    return readFileSync(`/sys/class/net/${rel}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** `ip -d -j link show NAME`, or undefined when the link does not exist. */
export function link(name: string): any {
  try {
    return JSON.parse(execFileSync('ip', ['-d', '-j', 'link', 'show', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0];
  } catch {
    return undefined;
  }
}

/** Global and link-local addresses of a link as "addr/len". */
export function addresses(name: string): string[] {
  try {
    const j = JSON.parse(execFileSync('ip', ['-j', 'addr', 'show', 'dev', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return (j[0]?.addr_info ?? []).map((a: any) => `${a.local}/${a.prefixlen}`).sort();
  } catch {
    return [];
  }
}
