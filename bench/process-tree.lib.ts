/**
 * What the memory and CPU benchmarks measure, read from /proc, and a
 * compiled nmkd started in a namespace. Not a benchmark itself (run.mjs
 * skips *.lib.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPrivateBus, type PrivateBus } from '../test/harness/dbus.js';
import { REPO_ROOT, type Netns } from '../test/harness/netns.js';

export const NMKD = path.join(REPO_ROOT, 'dist/core/main.js');
/** The launcher the systemd unit and the sandbox use too: the daemon runs with the node options it ships with. */
export const NMKD_LAUNCHER = path.join(REPO_ROOT, 'bin/nmkd');
/** Clock ticks per second for /proc/PID/stat (USER_HZ, 100 on Linux). */
const HZ = 100;

/** The pid and every descendant, read through /proc/PID/task/TID/children. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue; // gone
    }
    for (const t of tasks) {
      try {
        for (const k of fs.readFileSync(`/proc/${out[i]}/task/${t}/children`, 'utf8').split(/\s+/)) if (k) out.push(Number(k));
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

function statusKB(pid: number, field: string): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** RSS of the process and all its descendants, in MB. */
export function treeRssMB(pid: number): number {
  return processTree(pid).reduce((kb, p) => kb + statusKB(p, 'VmRSS'), 0) / 1024;
}

/** RSS of the tree split into anonymous memory (heaps) and file pages (mostly the node binary's code), in MB. */
export function treeRssSplitMB(pid: number): { anon: number; file: number } {
  const tree = processTree(pid);
  return {
    anon: tree.reduce((kb, p) => kb + statusKB(p, 'RssAnon'), 0) / 1024,
    file: tree.reduce((kb, p) => kb + statusKB(p, 'RssFile'), 0) / 1024,
  };
}

/** Each process of the tree: pid, command name and RSS in MB. */
export function treeMembers(pid: number): Array<{ pid: number; comm: string; rssMB: number }> {
  return processTree(pid).map((p) => {
    let comm = '?';
    try {
      comm = fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
    } catch {
      /* gone */
    }
    return { pid: p, comm, rssMB: statusKB(p, 'VmRSS') / 1024 };
  });
}

/** User plus system CPU seconds of the process and its living descendants. */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
    } catch {
      /* gone */
    }
  }
  return ticks / HZ;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait until the tree used less than `idleCpu` seconds of CPU over `windowMs` (at most `maxMs`). */
export async function waitQuiet(pid: number, windowMs = 1000, idleCpu = 0.02, maxMs = 120_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let before = treeCpuSeconds(pid);
  while (Date.now() < deadline) {
    await sleep(windowMs);
    const now = treeCpuSeconds(pid);
    if (now - before < idleCpu) return;
    before = now;
  }
}

export interface CompiledNmkd {
  pid: number;
  busAddress: string;
  root: string;
  /** How many times it logged that kernel events were lost (each is a resync from a dump). */
  lostEvents(): number;
  /** SIGTERM, wait for the exit, remove the root and stop the bus. */
  stop(): Promise<void>;
}

/**
 * The compiled nmkd (`npm run build`) in `ns` on a private bus with a fresh
 * root holding these keyfiles (name -> text); resolves at its "ready" line.
 */
export async function startCompiledNmkd(ns: Netns, profile = 'server', keyfiles: Record<string, string> = {}, conf?: string): Promise<CompiledNmkd> {
  if (!fs.existsSync(NMKD)) throw new Error(`${NMKD} is missing: run npm run build first`);
  const bus: PrivateBus = await startPrivateBus();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-bench-'));
  // A real system's /run is a tmpfs (and NetworkManager's harness gives it one): the state files nmkd keeps there cost what they cost on one.
  const run = path.join(root, 'run');
  fs.mkdirSync(run);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'mode=0755,size=64m', 'nmk-bench-run', run]);
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
    }
    try {
      execFileSync('umount', [run]);
    } catch {
      // Not mounted (a second stop): removing the folder below is all that is left.
    }
    fs.rmSync(root, { recursive: true, force: true });
    await bus.stop();
  };
  try {
    const dir = path.join(root, 'etc/nmk/system-connections');
    fs.mkdirSync(dir, { recursive: true });
    // A real system has a machine id; without one nmkd logs an error and derives a fake id at every start.
    if (fs.existsSync('/etc/machine-id')) fs.copyFileSync('/etc/machine-id', path.join(root, 'etc/machine-id'));
    for (const [name, text] of Object.entries(keyfiles)) fs.writeFileSync(path.join(dir, name), text, { mode: 0o600 });
    if (conf !== undefined) {
      fs.mkdirSync(path.join(root, 'etc/nmk/conf.d'), { recursive: true });
      fs.writeFileSync(path.join(root, 'etc/nmk/conf.d/bench.conf'), conf);
    }
    // NMKD_NODE_FLAGS (node options to try, e.g. V8 heap limits) reaches the launcher through the environment.
    child = spawn('ip', ['netns', 'exec', ns.name, NMKD_LAUNCHER, '--root', root, '--bus', bus.address, '--log-format', 'json', '--profile', profile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { NMKD_NODE: process.execPath, ...process.env },
    });
    let text = '';
    let lost = 0;
    child.stderr!.on('data', (d: Buffer) => {
      lost += d.toString().split('netlink events were lost').length - 1;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nmkd: no ready line in 120 s: ${text.slice(-2000)}`)), 120_000);
      child!.stderr!.on('data', (d: Buffer) => {
        text = (text + d.toString()).slice(-20_000);
        if (/"msg":"ready"/.test(text)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`nmkd exited (${code}) before ready: ${text.slice(-2000)}`));
      });
    });
    return { pid: child.pid!, busAddress: bus.address, root, lostEvents: () => lost, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
