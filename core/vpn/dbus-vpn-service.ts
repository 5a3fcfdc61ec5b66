/**
 * A classic NetworkManager VPN service (network-manager-openvpn, -vpnc...),
 * driven as NetworkManager 1.42 drives it (nm-vpn-connection.c): the
 * program of its .name file is exec'd with `--bus-name <service>.Connection_<n>`
 * (when it supports several connections; otherwise it owns the service name
 * itself), in its own process group, with NM_VPN_LOG_LEVEL/NM_VPN_LOG_SYSLOG
 * and our bus as its system bus; it has 5 s to take the name (no bus
 * activation). Then the org.freedesktop.NetworkManager.VPN.Plugin calls go to
 * that name and its signals, from that name's owner only, come back as
 * events. The owner leaving the bus, or the program exiting, is `gone`.
 * stop() sends SIGTERM and, if the group is still there 5 s later, SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Logger } from '../../sdk/index.js';
import type { BusConnection } from '../dbus/connection.js';
import type { VpnPluginInfo } from './plugin-info.js';
import { VpnStartError, type VpnConnectionDict, type VpnDict, type VpnService, type VpnServiceEvents } from './vpn-service.js';

export const VPN_PLUGIN_PATH = '/org/freedesktop/NetworkManager/VPN/Plugin';
export const VPN_PLUGIN_IFACE = 'org.freedesktop.NetworkManager.VPN.Plugin';
/** NetworkManager's wait for the service's bus name (nm-vpn-connection.c: 5 s). */
export const SERVICE_START_TIMEOUT_MS = 5000;
/** NetworkManager's timeout for calls to the service (DBUS_DEFAULT_TIMEOUT_MSEC). */
const CALL_TIMEOUT_MS = 10_000;
const KILL_AFTER_MS = 5000;
/** dbus-next's MessageType.SIGNAL. */
const SIGNAL = 4;

interface IncomingMessage {
  type: number;
  sender?: string;
  path?: string;
  interface?: string;
  member?: string;
  body: unknown[];
}

/** A decoded a{sv} (dbus-next Variants) to plain values. */
function plainDict(v: unknown): VpnDict {
  const out: VpnDict = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, x] of Object.entries(v as Record<string, { value?: unknown }>)) out[k] = x && typeof x === 'object' && 'value' in x ? x.value : x;
  return out;
}

export interface DBusVpnServiceOptions {
  info: VpnPluginInfo;
  /** The active connection's number: the bus name's Connection_<n>. */
  id: number;
  conn: BusConnection;
  logger: Logger;
  /** Environment for the service (the bus address is added). */
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  /** NM_VPN_LOG_LEVEL (syslog level; NetworkManager passes its own). */
  logLevel?: number;
}

export class DBusVpnService implements VpnService {
  readonly busName: string;
  private emitter = new EventEmitter();
  private child?: ChildProcess;
  private owner?: string;
  private matches: string[] = [];
  private onMessage = (m: IncomingMessage) => this.dispatch(m);
  private stopped = false;
  private goneSaid = false;
  private exited?: Promise<void>;

  constructor(private o: DBusVpnServiceOptions) {
    this.busName = o.info.supportsMultiple ? `${o.info.service}.Connection_${o.id}` : o.info.service;
  }

  on<E extends keyof VpnServiceEvents>(event: E, listener: VpnServiceEvents[E]): void {
    this.emitter.on(event, listener as (...a: unknown[]) => void);
  }

  private gone(why: string): void {
    if (this.goneSaid || this.stopped) return;
    this.goneSaid = true;
    this.emitter.emit('gone', why);
  }

  async start(): Promise<void> {
    const { conn, info } = this.o;
    conn.bus.on('message', this.onMessage as (m: unknown) => void);
    await this.addMatch(`type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${this.busName}'`);
    await this.addMatch(`type='signal',sender='${this.busName}',path='${VPN_PLUGIN_PATH}',interface='${VPN_PLUGIN_IFACE}'`);
    const current = await this.nameOwner();
    if (current) {
      // A single-connection service that already runs (NetworkManager reuses it too).
      this.owner = current;
      return;
    }
    const appeared = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new VpnStartError(`the VPN service ${info.program} did not take the bus name ${this.busName} within ${(this.o.startTimeoutMs ?? SERVICE_START_TIMEOUT_MS) / 1000} s`, 'timeout')), this.o.startTimeoutMs ?? SERVICE_START_TIMEOUT_MS);
      this.waitOwner = (owner) => {
        clearTimeout(timer);
        resolve();
        void owner;
      };
      this.startFailed = (why) => {
        clearTimeout(timer);
        reject(new VpnStartError(why, 'failed'));
      };
    });
    this.spawnService();
    try {
      await appeared;
    } finally {
      this.waitOwner = undefined;
      this.startFailed = undefined;
    }
  }

  private waitOwner?: (owner: string) => void;
  private startFailed?: (why: string) => void;

  private spawnService(): void {
    const { info, conn, logger } = this.o;
    const args = info.supportsMultiple ? ['--bus-name', this.busName] : [];
    const address = conn.address;
    let child: ChildProcess;
    try {
      child = spawn(info.program, args, {
        // Its own process group (NetworkManager: setpgid), so stop() reaches what it started.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...this.o.env, DBUS_SYSTEM_BUS_ADDRESS: address, NM_VPN_LOG_LEVEL: String(this.o.logLevel ?? 5), NM_VPN_LOG_SYSLOG: '0' },
      });
    } catch (err) {
      this.startFailed?.(`cannot start the VPN service ${info.program}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.child = child;
    logger.debug('VPN service started', { program: info.program, pid: child.pid, busName: this.busName });
    const log = (b: Buffer) => {
      for (const line of b.toString('utf8').split('\n')) if (line.trim()) logger.debug(`${info.name}: ${line}`, { pid: child.pid });
    };
    child.stdout?.on('data', log);
    child.stderr?.on('data', log);
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    // While start() waits, an exit is a failed start (SERVICE_START_FAILED, as an exec that fails), not a stop.
    child.once('error', (err) => {
      if (this.startFailed) return this.startFailed(`cannot start the VPN service ${info.program}: ${err.message}`);
      this.gone(`the VPN service ${info.program} could not run: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      if (!this.stopped) logger.info(`VPN service ${info.name} ${how}`, { pid: child.pid });
      if (this.startFailed) return this.startFailed(`the VPN service ${info.program} ${how} before taking the bus name ${this.busName}`);
      this.gone(`the VPN service ${info.program} ${how}`);
    });
  }

  private async nameOwner(): Promise<string | undefined> {
    try {
      const [owner] = await this.o.conn.call({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'GetNameOwner', signature: 's', body: [this.busName] });
      return typeof owner === 'string' && owner ? owner : undefined;
    } catch {
      return undefined; // NameHasNoOwner
    }
  }

  private async addMatch(rule: string): Promise<void> {
    await this.o.conn.call({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'AddMatch', signature: 's', body: [rule] });
    this.matches.push(rule);
  }

  private dispatch(m: IncomingMessage): void {
    if (m.type !== SIGNAL || this.stopped) return;
    if (m.sender === 'org.freedesktop.DBus' && m.member === 'NameOwnerChanged' && m.body[0] === this.busName) {
      const owner = String(m.body[2] ?? '');
      if (owner) {
        this.owner = owner;
        this.waitOwner?.(owner);
      } else if (this.owner) {
        this.owner = undefined;
        this.gone(`the VPN service left the bus name ${this.busName}`);
      }
      return;
    }
    if (!this.owner || m.sender !== this.owner || m.path !== VPN_PLUGIN_PATH || m.interface !== VPN_PLUGIN_IFACE) return;
    const b = m.body;
    const row = SIGNALS[m.member ?? ''];
    if (row) row(this.emitter, b);
  }

  private call(member: string, signature: string, body: unknown[]): Promise<unknown[]> {
    return this.o.conn.call({ destination: this.busName, path: VPN_PLUGIN_PATH, interface: VPN_PLUGIN_IFACE, member, signature, body, timeoutMs: CALL_TIMEOUT_MS });
  }

  async connect(connection: VpnConnectionDict, interactive: boolean): Promise<void> {
    if (interactive) await this.call('ConnectInteractive', 'a{sa{sv}}a{sv}', [connection, {}]);
    else await this.call('Connect', 'a{sa{sv}}', [connection]);
  }
  async needSecrets(connection: VpnConnectionDict): Promise<string> {
    const [name] = await this.call('NeedSecrets', 'a{sa{sv}}', [connection]);
    return typeof name === 'string' ? name : '';
  }
  async newSecrets(connection: VpnConnectionDict): Promise<void> {
    await this.call('NewSecrets', 'a{sa{sv}}', [connection]);
  }
  async disconnect(): Promise<void> {
    if (this.owner) await this.call('Disconnect', '', []);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.o.conn.bus.removeListener('message', this.onMessage as (m: unknown) => void);
    for (const rule of this.matches.splice(0)) {
      await this.o.conn.call({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'RemoveMatch', signature: 's', body: [rule] }).catch(() => undefined);
    }
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const group = -child.pid!;
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(child.pid!, s);
      } catch {
        /* already gone */
      }
    };
    signal('SIGTERM');
    const killer = setTimeout(() => {
      this.o.logger.warn(`VPN service ${this.o.info.name} did not exit ${KILL_AFTER_MS / 1000} s after SIGTERM; killing its process group`, { pid: child.pid });
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, KILL_AFTER_MS);
    await this.exited;
    clearTimeout(killer);
  }
}

/** The plugin's signals, to events (a signal with a body of the wrong shape is ignored, as NetworkManager does). */
const SIGNALS: Record<string, (e: EventEmitter, b: unknown[]) => void> = {
  StateChanged: (e, b) => typeof b[0] === 'number' && e.emit('state', b[0]),
  Config: (e, b) => e.emit('config', plainDict(b[0])),
  Ip4Config: (e, b) => e.emit('ip4config', plainDict(b[0])),
  Ip6Config: (e, b) => e.emit('ip6config', plainDict(b[0])),
  Failure: (e, b) => typeof b[0] === 'number' && e.emit('failure', b[0]),
  SecretsRequired: (e, b) => e.emit('secrets-required', String(b[0] ?? ''), Array.isArray(b[1]) ? b[1].map(String) : []),
  LoginBanner: (e, b) => e.emit('banner', String(b[0] ?? '')),
};
