/**
 * The `dhclient` DHCP client factory: one dhclient child per link and
 * family, all reporting through one helper socket under the run directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DhcpClientFactory, DhcpEvents, DhcpRequest, DhcpSession, Family, Logger, Paths } from '../../sdk/index.js';
import { HelperListener } from './listener.js';
import { findDhclient, findHelper } from './programs.js';
import { DhclientSession, type SessionContext } from './session.js';

export interface DhclientOptions {
  paths: Paths;
  logger: Logger;
  /** Where to look for dhclient (default /usr/sbin/dhclient, /sbin/dhclient). */
  dhclientCandidates?: readonly string[];
  /** The helper program (default: found beside the plugin or in dist/). */
  helper?: string;
}

export const SOCKET_NAME = 'dhclient-helper.sock';

/**
 * The distribution's dhclient.conf NetworkManager would merge for this link
 * (nm-dhcp-dhclient.c find_existing_config): nmk's own config directory
 * first (per profile, per interface, general), then /etc/dhcp and /etc.
 */
export function baseConfigCandidates(paths: Paths, family: Family, ifname: string, uuid: string): string[] {
  const six = family === 6 ? '6' : '';
  return [
    path.join(paths.etcDir, `dhclient${six}-${uuid}.conf`),
    path.join(paths.etcDir, `dhclient${six}-${ifname}.conf`),
    path.join(paths.etcDir, `dhclient${six}.conf`),
    paths.under(`/etc/dhcp/dhclient${six}-${ifname}.conf`),
    paths.under(`/etc/dhclient${six}-${ifname}.conf`),
    paths.under(`/etc/dhcp/dhclient${six}.conf`),
    paths.under(`/etc/dhclient${six}.conf`),
  ];
}

export class DhclientClient implements DhcpClientFactory {
  readonly name = 'dhclient';
  readonly families: readonly Family[] = [4, 6];
  private listener: Promise<HelperListener> | undefined;
  private readonly byPid = new Map<number, DhclientSession>();
  private readonly sessions = new Set<DhclientSession>();
  private readonly socketPath: string;

  constructor(private readonly options: DhclientOptions) {
    this.socketPath = path.join(options.paths.runDir, SOCKET_NAME);
  }

  async start(request: DhcpRequest, events: DhcpEvents): Promise<DhcpSession> {
    const { paths, logger } = this.options;
    // Both throw naming the program and how to get it.
    const dhclient = findDhclient(this.options.dhclientCandidates);
    const helper = this.options.helper ?? findHelper();
    await this.ensureListener();
    const ctx: SessionContext = {
      dhclient,
      helper,
      socketPath: this.socketPath,
      runDir: paths.runDir,
      logger,
      baseConfig: (family, ifname, uuid) => readFirst(baseConfigCandidates(paths, family, ifname, uuid), logger),
      track: (pid, s) => void this.byPid.set(pid, s),
      untrack: (pid) => void this.byPid.delete(pid),
      forget: (s) => void this.sessions.delete(s),
    };
    for (const s of [...this.sessions]) {
      if (s.request.ifname !== request.ifname || s.request.family !== request.family) continue;
      if (!s.isEnded) throw new Error(`a dhclient for IPv${request.family} on ${request.ifname} is already running; stop it first`);
      await s.stop(false); // one that failed may still be ending: let it finish first
      this.sessions.delete(s);
    }
    const session = new DhclientSession(request, events, ctx);
    this.sessions.add(session);
    try {
      await session.start();
    } catch (e) {
      this.sessions.delete(session);
      throw e;
    }
    const stop = session.stop.bind(session);
    return {
      stop: async (release) => {
        await stop(release);
        this.sessions.delete(session);
      },
    };
  }

  /** Daemon shutdown: every child ended (no release, as NetworkManager leaves leases on exit), the socket closed. */
  async close(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.stop(false)));
    this.sessions.clear();
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await (await listener.catch(() => undefined))?.close();
  }

  private ensureListener(): Promise<HelperListener> {
    this.listener ??= (async () => {
      fs.mkdirSync(this.options.paths.runDir, { recursive: true });
      return HelperListener.open(this.socketPath, (env) => this.dispatch(env), this.options.logger);
    })();
    this.listener.catch(() => (this.listener = undefined));
    return this.listener;
  }

  /** An event goes to the session whose dhclient (by pid) runs on that interface. */
  private dispatch(env: Record<string, string>): number {
    const pid = Number(env.pid);
    const session = this.byPid.get(pid);
    if (session === undefined || session.request.ifname !== env.interface) {
      // The one-shot `dhclient -r` of a stop reports RELEASE too; nobody waits for it.
      this.options.logger.debug(`dhclient event ${env.reason ?? '?'} from pid ${env.pid ?? '?'} on ${env.interface ?? '?'}: no running client; acknowledged`);
      return 0;
    }
    return session.handle(env);
  }
}

function readFirst(candidates: string[], logger: Logger): { path: string; text: string } | undefined {
  for (const p of candidates) {
    try {
      return { path: p, text: fs.readFileSync(p, 'utf8') };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') logger.warn(`cannot read dhclient configuration ${p}: ${(e as Error).message}`);
    }
  }
  return undefined;
}
