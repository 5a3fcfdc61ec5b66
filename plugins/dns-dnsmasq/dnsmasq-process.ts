/**
 * One dnsmasq process, started and owned by nmkd as NetworkManager runs its
 * own (nm-dns-dnsmasq.c): in the foreground, listening on 127.0.0.1 only,
 * no /etc/resolv.conf, no /etc/hosts, no /etc/dnsmasq.conf (an optional
 * conf dir instead), a 400-entry cache cleared when the servers change.
 *
 * Updates: nmk rewrites the --servers-file and sends SIGHUP, on which dnsmasq
 * re-reads it. NetworkManager uses dnsmasq's D-Bus API (SetServersEx) instead;
 * that needs dnsmasq on the system bus and a bus policy file allowing its
 * name, which a file and a signal do not.
 *
 * SIGHUP before dnsmasq has installed its handler would kill it, so signals
 * wait until its pid file shows our pid (written after the handlers are set).
 *
 * Supervision: a dnsmasq that dies is started again at once, at most 5 times
 * in 30 s; then nmk waits 60 s before trying again (NetworkManager's limits).
 * stop(): SIGTERM, then SIGKILL after a second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import type { Logger } from '../../sdk/index.js';

export interface DnsmasqProcessOptions {
  binary: string;
  args: string[];
  pidFile: string;
  logger: Logger;
  /** Run dnsmasq through this command (tests: ['ip', 'netns', 'exec', NS]); it must exec, keeping the pid. */
  prefix?: string[];
  /** Waited for the pid file at start (default 10 s, as NetworkManager's spawn timeout). */
  readyTimeoutMs?: number;
}

const BURST_WINDOW_MS = 30_000;
const BURST_MAX = 5;
const BACKOFF_MS = 60_000;
const TERM_GRACE_MS = 1000;

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop() ?? '';
}

export class DnsmasqProcess {
  private child?: ChildProcess;
  private ready = false;
  private pendingHup = false;
  private stopping = false;
  private starts: number[] = [];
  private backoff?: NodeJS.Timeout;
  private stderr = '';

  constructor(private readonly o: DnsmasqProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Start and wait until dnsmasq runs; rejects naming the program and its last error line when it exits first. */
  async start(): Promise<void> {
    this.spawnOnce();
    await this.waitReady();
  }

  /** Make dnsmasq re-read its servers file (now, or as soon as it is ready). */
  reload(): void {
    if (this.ready && this.child?.pid) this.signal('SIGHUP');
    else this.pendingHup = true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.backoff);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), TERM_GRACE_MS);
    await exited;
    clearTimeout(timer);
    await fsp.rm(this.o.pidFile, { force: true }).catch(() => undefined);
  }

  private signal(sig: NodeJS.Signals): void {
    try {
      if (this.child?.pid) process.kill(this.child.pid, sig);
    } catch {
      /* already gone */
    }
  }

  private spawnOnce(): void {
    const [cmd, ...pre] = [...(this.o.prefix ?? []), this.o.binary];
    this.ready = false;
    this.stderr = '';
    this.starts.push(Date.now());
    const child = spawn(cmd!, [...pre, ...this.o.args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4096)));
    child.once('error', (err) => this.o.logger.warn(`cannot run ${this.o.binary}: ${err.message}`));
    child.once('exit', (code, signal) => this.exited(child, code, signal));
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.ready = false;
    if (this.stopping) return;
    const why = lastLine(this.stderr);
    this.o.logger.warn(`dnsmasq (pid ${child.pid}) ${signal ? `was killed by ${signal}` : `exited with status ${code}`}${why ? `: ${why}` : ''}; starting it again`);
    const now = Date.now();
    this.starts = this.starts.filter((t) => now - t < BURST_WINDOW_MS);
    if (this.starts.length >= BURST_MAX) {
      this.o.logger.warn(`dnsmasq dies and gets started again too quickly (${BURST_MAX} times in ${BURST_WINDOW_MS / 1000} s); waiting ${BACKOFF_MS / 1000} s`);
      this.starts = [];
      this.backoff = setTimeout(() => this.restart(), BACKOFF_MS);
      return;
    }
    this.restart();
  }

  private restart(): void {
    if (this.stopping) return;
    this.spawnOnce();
    this.waitReady().catch((err: Error) => this.o.logger.warn(err.message));
  }

  private async waitReady(): Promise<void> {
    const child = this.child!;
    const deadline = Date.now() + (this.o.readyTimeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      if (child !== this.child || this.stopping) return;
      if (child.exitCode !== null || child.signalCode !== null) {
        const why = lastLine(this.stderr);
        throw new Error(`${this.o.binary} ${child.signalCode ? `was killed by ${child.signalCode}` : `exited with status ${child.exitCode}`} at start${why ? `: ${why}` : ''}`);
      }
      const text = await fsp.readFile(this.o.pidFile, 'utf8').catch(() => '');
      if (Number(text.trim()) === child.pid) {
        this.ready = true;
        if (this.pendingHup) {
          this.pendingHup = false;
          this.signal('SIGHUP');
        }
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${this.o.binary} (pid ${child.pid}) did not write ${this.o.pidFile} within ${(this.o.readyTimeoutMs ?? 10_000) / 1000} s`);
  }
}
