/**
 * One dhclient child for one link and family, run as NetworkManager 1.42
 * runs it (nm-dhcp-dhclient.c dhclient_start):
 *
 *   dhclient -d -q [-6 -N|-S] [-P] -sf HELPER -pf PIDFILE -lf LEASEFILE -cf CONFFILE -e NMK_DHCP_SOCKET=... IFNAME
 *
 * Its script events arrive through the plugin's listener (handle()); the
 * profile's timeout is kept here, not by dhclient; stop(release) ends the
 * child with SIGTERM and, for a release, runs `dhclient -r` as NetworkManager does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DhcpEvents, DhcpFailure, DhcpRequest, DhcpSession, Logger } from '../../sdk/index.js';
import { dhclientConfig } from './config-file.js';
import { LeaseError, leaseFromEnv } from './lease.js';
import { staleDhclientPid } from './programs.js';
import { reasonAction } from './reasons.js';
import { saveDuid } from './duid.js';
import { setAsideCorruptLeaseFile } from './lease-file.js';

/** What every session shares, from the plugin. */
export interface SessionContext {
  dhclient: string;
  helper: string;
  socketPath: string;
  runDir: string;
  logger: Logger;
  /** The distribution's dhclient.conf for this family, merged in as NetworkManager does. */
  baseConfig?(family: 4 | 6, ifname: string, uuid: string): { path: string; text: string } | undefined;
  /** Route the events of this pid to the session (and forget it). */
  track(pid: number, session: DhclientSession): void;
  untrack(pid: number): void;
  /** The child has exited and the session has ended: the plugin may forget it. */
  forget(session: DhclientSession): void;
}

/** How long dhclient may take to end after SIGTERM, and `dhclient -r` to send its release. */
const TERM_GRACE_MS = 3000;
const RELEASE_LIMIT_MS = 5000;
/** Enough of dhclient's stderr to say why it exited. */
const STDERR_TAIL = 2000;

export class DhclientSession implements DhcpSession {
  readonly confFile: string;
  readonly pidFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private bound = false;
  /** A failure was reported or stop() was called: nothing more goes to `events`. */
  private ended = false;
  private stopping: Promise<void> | undefined;
  private stderrTail = '';
  private readonly log: Logger;
  /** The helper's exit status that makes dhclient decline (as nm-dhcp-helper's). */
  private readonly refused: number;

  constructor(
    readonly request: DhcpRequest,
    private readonly events: DhcpEvents,
    private readonly ctx: SessionContext,
  ) {
    const six = request.family === 6 ? '6' : '';
    this.confFile = path.join(ctx.runDir, `dhclient${six}-${request.ifname}.conf`);
    this.pidFile = path.join(ctx.runDir, `dhclient${six}-${request.ifname}.pid`);
    this.log = ctx.logger.child({ ifname: request.ifname, family: request.family });
    this.refused = request.family === 4 ? 1 : 3;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** A failure was reported or stop() called: this session reports nothing more. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** The command line of the client (release: the one-shot `dhclient -r`). */
  argv(release: boolean): string[] {
    const r = this.request;
    const args = ['-d', '-q'];
    if (release) args.push('-r');
    if (r.family === 6) {
      args.push('-6');
      if (!release) {
        if (!r.infoOnly) args.push('-N');
        else if (!r.prefixDelegation) args.push('-S');
        if (r.prefixDelegation) args.push('-P');
      }
    }
    args.push('-sf', this.ctx.helper, '-pf', this.pidFile, '-lf', r.leaseFile, '-cf', this.confFile);
    // dhclient gives its script a scrubbed environment: -e is how the helper learns where nmkd listens.
    args.push('-e', `NMK_DHCP_SOCKET=${this.ctx.socketPath}`, r.ifname);
    return args;
  }

  async start(): Promise<void> {
    const r = this.request;
    await stopStale(this.pidFile, this.log);
    fs.mkdirSync(this.ctx.runDir, { recursive: true });
    fs.mkdirSync(path.dirname(r.leaseFile), { recursive: true });
    const base = this.ctx.baseConfig?.(r.family, r.ifname, r.uuid);
    if (base) this.log.debug(`merging ${base.path} into ${this.confFile}`);
    fs.writeFileSync(
      this.confFile,
      dhclientConfig({
        family: r.family,
        ifname: r.ifname,
        ...(r.family === 4 && r.clientId !== undefined ? { clientId: r.clientId } : {}),
        ...(r.hostname !== undefined ? { hostname: r.hostname } : {}),
        ...(r.fqdn !== undefined ? { fqdn: r.fqdn } : {}),
        ...(r.vendorClass !== undefined ? { vendorClass: r.vendorClass } : {}),
        timeout: r.timeout,
        rejectServers: r.rejectServers,
        ...(base ? { base } : {}),
      }),
      { mode: 0o600 },
    );
    const corrupt = setAsideCorruptLeaseFile(r.leaseFile);
    if (corrupt !== undefined) this.log.warn(corrupt, { file: r.leaseFile });
    // dhclient -6 takes its DUID from the lease file; write the one core chose there, as NetworkManager does.
    if (r.family === 6 && r.clientId !== undefined) saveDuid(r.leaseFile, r.clientId);

    const child = spawn(this.ctx.dhclient, this.argv(false), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    // Tracked at once: dhclient's first event (PREINIT) can arrive before the 'spawn' event.
    if (child.pid !== undefined) this.ctx.track(child.pid, this);
    child.stderr!.on('data', (b: Buffer) => {
      this.stderrTail = (this.stderrTail + b.toString()).slice(-STDERR_TAIL);
      if (this.log.isEnabled('debug')) for (const line of b.toString().split('\n').filter(Boolean)) this.log.debug(`dhclient: ${line}`);
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) => reject(new Error(`cannot run ${this.ctx.dhclient} for ${r.ifname}: ${e.message}`)));
    }).catch((e: Error) => {
      if (child.pid !== undefined) this.ctx.untrack(child.pid);
      fs.rmSync(this.confFile, { force: true });
      throw e;
    });
    this.child = child;
    const pid = child.pid!;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.ctx.untrack(pid);
      this.onExit(code, signal);
      this.ctx.forget(this);
      resolve();
    }));
    this.log.info(`dhclient started with pid ${pid}${r.timeout > 0 ? ` (timeout ${r.timeout} s)` : ''}`, { argv: this.argv(false) });
    if (r.timeout > 0) {
      this.timer = setTimeout(() => this.fail('timeout', `no DHCPv${r.family} lease on ${r.ifname} within ${r.timeout} s`), Math.min(r.timeout * 1000, 0x7fffffff));
    }
  }

  /** One script event of this session's dhclient; returns the helper's exit status. */
  handle(env: Record<string, string>): number {
    const r = this.request;
    const reason = env.reason ?? '';
    if (this.ended) return 0;
    const action = reasonAction(reason);
    if (action === undefined) {
      this.log.warn(`dhclient on ${r.ifname} reported an unknown event ${JSON.stringify(reason)}; ignored`);
      return 0;
    }
    switch (action.kind) {
      case 'ignore':
        return 0;
      case 'lease': {
        let lease;
        try {
          lease = leaseFromEnv(env, r.family, {
            ...(r.clientId !== undefined ? { clientId: r.clientId } : {}),
            infoOnly: r.infoOnly ?? false,
            invalid: (why) => this.log.warn(`${reason} on ${r.ifname}: ${why}`),
          });
        } catch (e) {
          if (!(e instanceof LeaseError)) throw e;
          this.fail('error', `dhclient on ${r.ifname} reported ${reason} without a usable lease: ${e.message}`);
          return this.refused; // dhclient declines it
        }
        this.bound = true;
        clearTimeout(this.timer);
        this.log.info(`${reason}: ${lease.addresses.map((a) => `${a.address}/${a.prefixlen}`).join(', ') || 'configuration only'}${lease.leaseTime !== undefined ? ` for ${lease.leaseTime} s` : ''}`);
        try {
          this.events.onLease(lease);
        } catch (e) {
          this.log.error(`onLease failed: ${(e as Error).message}`);
        }
        return 0;
      }
      case 'failure':
        // With no timeout ("forever") dhclient's own give-up is not the profile's: it sleeps and tries again.
        if (action.failure === 'timeout' && !this.bound && r.timeout === 0) {
          this.log.info(`${action.what} on ${r.ifname}; waiting on (no timeout)`);
          return 0;
        }
        this.fail(action.failure, `${action.what} on ${r.ifname}`);
        return 0;
      case 'ended':
        this.fail('error', `${action.what} on ${r.ifname} (${reason}) without nmk asking`);
        return 0;
    }
  }

  stop(release: boolean): Promise<void> {
    this.stopping ??= (async () => {
      this.ended = true;
      clearTimeout(this.timer);
      await this.terminate();
      if (release && this.child !== undefined) await this.release();
      fs.rmSync(this.confFile, { force: true });
      fs.rmSync(this.pidFile, { force: true });
      this.log.info(`dhclient stopped${release ? ' (lease released)' : ''}`);
    })();
    return this.stopping;
  }

  /** Report a failure once, then end the child (no release). */
  private fail(failure: DhcpFailure, message: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.log.warn(message);
    try {
      this.events.onFailure(failure, message);
    } catch (e) {
      this.log.error(`onFailure failed: ${(e as Error).message}`);
    }
    void this.terminate().then(() => fs.rmSync(this.confFile, { force: true }));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    fs.rmSync(this.pidFile, { force: true });
    if (this.ended) return;
    const how = code !== null ? `exited with status ${code}` : `was killed by signal ${signal}`;
    const tail = this.stderrTail.trim().split('\n').slice(-3).join(' / ');
    this.fail('error', `dhclient ${how}${tail ? `: ${tail}` : ''}`);
  }

  /** SIGTERM (no release: dhclient keeps its lease on SIGTERM), SIGKILL if it lingers. */
  private async terminate(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return this.exited;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), TERM_GRACE_MS);
    await this.exited;
    clearTimeout(killer);
  }

  /** `dhclient -r`: sends DHCPRELEASE for the lease in the lease file, runs the script (RELEASE) and exits. */
  private async release(): Promise<void> {
    const releaser = spawn(this.ctx.dhclient, this.argv(true), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    releaser.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-STDERR_TAIL)));
    const result = await new Promise<string | undefined>((resolve) => {
      const killer = setTimeout(() => {
        releaser.kill('SIGKILL');
        resolve(`did not finish within ${RELEASE_LIMIT_MS} ms`);
      }, RELEASE_LIMIT_MS);
      releaser.once('error', (e) => {
        clearTimeout(killer);
        resolve(e.message);
      });
      releaser.once('exit', (code) => {
        clearTimeout(killer);
        resolve(code === 0 ? undefined : `exited with status ${code}`);
      });
    });
    if (result !== undefined) this.log.warn(`dhclient -r on ${this.request.ifname} ${result}${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
  }
}

/** Ends a dhclient an earlier nmkd left on this link (its pid file names it). */
async function stopStale(pidFile: string, log: Logger): Promise<void> {
  const pid = staleDhclientPid(pidFile);
  fs.rmSync(pidFile, { force: true });
  if (pid === undefined) return;
  log.info(`stopping dhclient ${pid} left by an earlier run`);
  const alive = (): boolean => {
    try {
      // A zombie (its parent is gone and nobody reaps it) counts as ended.
      return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'latin1'));
    } catch {
      return false;
    }
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; waited < TERM_GRACE_MS && alive(); waited += 50) await new Promise((r) => setTimeout(r, 50));
  if (alive()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
}
