/**
 * One dnsmasq for one shared link: started in its own process group (as
 * NetworkManager does, so a signal to nmkd's group does not reach it), ready
 * once it logs "started", stopped by its pid with SIGTERM and, after 2 s
 * (NetworkManager's wait), SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { NmkError, type Logger } from '../../sdk/index.js';

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 2_000;
/** Lines of dnsmasq's output kept for an error message. */
const TAIL_LINES = 20;

/** dnsmasq logs this once its sockets are bound and it serves ("dnsmasq[123]: started, version 2.90 ..."). */
const STARTED = /^dnsmasq\[\d+\]: started, version /;

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export interface DnsmasqStartOptions {
  binary: string;
  args: string[];
  pidFile: string;
  ifname: string;
  logger: Logger;
  startTimeoutMs?: number;
}

export class DnsmasqProcess {
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly pidFile: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves once dnsmasq serves; rejects with its own words when it exits or stays silent. */
  static async start(o: DnsmasqStartOptions): Promise<DnsmasqProcess> {
    const log = o.logger.child({ ifname: o.ifname, program: 'dnsmasq' });
    const tail: string[] = [];
    let partial = '';
    let started = false;
    let markStarted = () => {};
    const ready = new Promise<void>((resolve) => (markStarted = resolve));

    const child = spawn(o.binary, o.args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child.stderr!.on('data', (b: Buffer) => {
      const lines = (partial + b.toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const line of lines.filter((l) => l.trim())) {
        log.debug(line);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        if (!started && STARTED.test(line)) {
          started = true;
          markStarted();
        }
      }
    });
    const proc = new DnsmasqProcess(child, o.pidFile);
    child.once('exit', (code, signal) => {
      if (started && !proc.stopping) {
        log.warn('dnsmasq exited: the shared connection serves no DHCP or DNS any more', { code, signal, output: tail.join('\n') });
      }
    });

    const timeoutMs = o.startTimeoutMs ?? START_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const failure = await Promise.race([
      ready.then(() => undefined),
      new Promise<string>((resolve) => child.once('error', (e) => resolve(`could not be run: ${e.message}`))),
      new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`))),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`did not start within ${timeoutMs} ms`), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (failure === undefined) {
      log.debug('dnsmasq started', { pid: child.pid });
      return proc;
    }
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await rm(o.pidFile, { force: true });
    if (partial.trim()) tail.push(partial);
    const output = tail.length ? `: ${tail.join(' | ')}` : '';
    throw new NmkError('PLATFORM', `dnsmasq for ${o.ifname} ${failure}${output}`, { plugin: 'sharing', hook: 'start' });
  }

  /** SIGTERM, then SIGKILL after the grace time; removes the pid file. Safe to call twice. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      const child = this.child;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited(child);
        clearTimeout(killer);
      }
      await rm(this.pidFile, { force: true });
    })());
  }
}

/** Whether the process is gone; a zombie counts as gone (PID 1 may not reap an orphan). */
async function gone(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * A dnsmasq left by an nmkd that died (its pid file is still there): killed,
 * as NetworkManager does (kill_existing_by_pidfile), only when the pid is
 * still a dnsmasq, so a recycled pid is never hit. The pid file goes either way.
 */
export async function killStaleDnsmasq(pidFile: string, logger: Logger): Promise<void> {
  const text = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 1) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (path.basename(cmdline.split('\0')[0] ?? '') === 'dnsmasq' && !(await gone(pid))) {
      logger.info('killing a dnsmasq left from before', { pid, pidFile });
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      // NetworkManager waits up to 500 ms; the sockets are free once it is gone.
      for (let i = 0; i < 100 && !(await gone(pid)); i++) await new Promise((r) => setTimeout(r, 10));
    }
  }
  await rm(pidFile, { force: true });
}
