/**
 * A VPN plugin written against sdk/vpn.ts, run in nmkd's own process, behind
 * the same VpnService interface as a classic D-Bus service: the VPN manager
 * drives it with the same calls and gets the same events, so clients see the
 * same VPN connection either way. (In-process only: a plugin's connect runs
 * on nmkd's event loop; a child-process mode is not built.)
 *
 * The translation: the profile on the wire (a{sa{sv}}) becomes a VpnProfile;
 * needSecrets/connect call the plugin; requestSecrets is NetworkManager's
 * SecretsRequired and resolves at the next NewSecrets; reportConfig becomes
 * the Config / Ip4Config / Ip6Config dictionaries a classic service sends
 * (vpn-config.ts reads them), fail() a Failure then StateChanged(STOPPED).
 * disconnect() aborts the plugin's signal and awaits its onDisconnect callbacks.
 */
import { EventEmitter } from 'node:events';
import ipaddr from 'ipaddr.js';
import type { ConnectionSettings, Logger, VpnConfigReport, VpnConnectContext, VpnFailureReason, VpnIpReport, VpnPluginDefinition, VpnProfile } from '../../sdk/index.js';
import { settingsFromWire } from '../settings/dbus-form.js';
import { u32FromIp4 } from './vpn-config.js';
import { VpnPluginFailure, VpnServiceState, type VpnConnectionDict, type VpnDict, type VpnService, type VpnServiceEvents } from './vpn-service.js';

const FAILURE_CODE: Record<VpnFailureReason, number> = {
  'login-failed': VpnPluginFailure.LOGIN_FAILED,
  'connect-failed': VpnPluginFailure.CONNECT_FAILED,
  'bad-ip-config': VpnPluginFailure.BAD_IP_CONFIG,
};

const strings = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(v && typeof v === 'object' ? v : {}).filter(([, x]) => typeof x === 'string')) as Record<string, string>;

/** The plugin's view of a profile. */
export function vpnProfileOf(settings: ConnectionSettings): VpnProfile {
  const vpn = settings.vpn ?? {};
  const user = vpn['user-name'];
  return {
    id: String(settings.connection?.id ?? ''),
    uuid: String(settings.connection?.uuid ?? ''),
    data: strings(vpn.data),
    secrets: strings(vpn.secrets),
    ...(typeof user === 'string' && user ? { userName: user } : {}),
    settings,
  };
}

function ip6Bytes(a: string): Buffer {
  return Buffer.from(ipaddr.IPv6.parse(a).toByteArray());
}

/** One family's report as the classic Ip4Config/Ip6Config dictionary; throws naming a bad address. */
function ipDict(family: 4 | 6, c: VpnIpReport): VpnDict {
  const a = (s: string, what: string) => {
    try {
      if (family === 4) return u32FromIp4(s);
      return ip6Bytes(s);
    } catch {
      throw new Error(`reportConfig: ipv${family}.${what} '${s}' is not an IPv${family} address`);
    }
  };
  const d: VpnDict = { address: a(c.address, 'address'), prefix: c.prefix };
  if (c.peer) d.ptp = a(c.peer, 'peer');
  if (c.gateway) d['internal-gateway'] = a(c.gateway, 'gateway');
  if (c.dns?.length) d.dns = c.dns.map((x) => a(x, 'dns'));
  if (c.domains?.length) d.domains = [...c.domains];
  if (c.routes?.length) {
    const none = family === 4 ? 0 : Buffer.alloc(16);
    d.routes = c.routes.map((r) => [a(r.dest, 'routes.dest'), r.prefix, r.nextHop ? a(r.nextHop, 'routes.nextHop') : none, 0]);
  }
  if (c.neverDefault) d['never-default'] = true;
  return d;
}

/** The whole report as the Config signal and the per-family ones. */
export function reportToDicts(r: VpnConfigReport): { config: VpnDict; ip4?: VpnDict; ip6?: VpnDict } {
  const six = r.gateway.includes(':');
  let gateway: number | Buffer;
  try {
    gateway = six ? ip6Bytes(r.gateway) : u32FromIp4(r.gateway);
  } catch {
    throw new Error(`reportConfig: gateway '${r.gateway}' is not an IP address`);
  }
  if (!r.ipv4 && !r.ipv6) throw new Error('reportConfig: neither ipv4 nor ipv6 is given');
  const config: VpnDict = { tundev: r.tundev ?? '', gateway, 'has-ip4': r.ipv4 !== undefined, 'has-ip6': r.ipv6 !== undefined };
  if (r.mtu) config.mtu = r.mtu;
  if (r.banner) config.banner = r.banner;
  return { config, ...(r.ipv4 ? { ip4: ipDict(4, r.ipv4) } : {}), ...(r.ipv6 ? { ip6: ipDict(6, r.ipv6) } : {}) };
}

export interface SdkVpnServiceOptions {
  definition: VpnPluginDefinition;
  logger: Logger;
}

export class SdkVpnService implements VpnService {
  private emitter = new EventEmitter();
  private abort = new AbortController();
  private cleanups: Array<() => void | Promise<void>> = [];
  private secretsWaiter?: { resolve: (s: Record<string, string>) => void; reject: (e: Error) => void };
  private reported = false;
  private ended?: Promise<void>;

  constructor(private o: SdkVpnServiceOptions) {}

  on<E extends keyof VpnServiceEvents>(event: E, listener: VpnServiceEvents[E]): void {
    this.emitter.on(event, listener as (...a: unknown[]) => void);
  }

  async start(): Promise<void> {
    this.emitter.emit('state', VpnServiceState.STARTED);
  }

  async needSecrets(connection: VpnConnectionDict): Promise<string> {
    return this.o.definition.needSecrets(vpnProfileOf(settingsFromWire(connection))) ?? '';
  }

  async newSecrets(connection: VpnConnectionDict): Promise<void> {
    const w = this.secretsWaiter;
    this.secretsWaiter = undefined;
    w?.resolve(vpnProfileOf(settingsFromWire(connection)).secrets as Record<string, string>);
  }

  async connect(connection: VpnConnectionDict, interactive: boolean): Promise<void> {
    const profile = vpnProfileOf(settingsFromWire(connection));
    const { logger } = this.o;
    const signal = this.abort.signal;
    const ctx: VpnConnectContext = {
      ...profile,
      logger,
      signal,
      onDisconnect: (fn) => void this.cleanups.push(fn),
      requestSecrets: (hints, message) => {
        if (signal.aborted) return Promise.reject(new Error('the VPN connection has ended'));
        if (!interactive) return Promise.reject(new Error('secrets cannot be asked for: the connection is not interactive'));
        this.secretsWaiter?.reject(new Error('superseded by a newer secrets request'));
        return new Promise((resolve, reject) => {
          this.secretsWaiter = { resolve, reject };
          this.emitter.emit('secrets-required', message ?? '', hints);
        });
      },
      reportConfig: (report) => {
        if (signal.aborted || this.reported) return;
        this.reported = true;
        let dicts: ReturnType<typeof reportToDicts>;
        try {
          dicts = reportToDicts(report);
        } catch (err) {
          return ctx.fail('bad-ip-config', err instanceof Error ? err.message : String(err));
        }
        this.emitter.emit('config', dicts.config);
        // A family not reported is sent empty, as classic services do, so core does not wait for it.
        this.emitter.emit('ip4config', dicts.ip4 ?? {});
        this.emitter.emit('ip6config', dicts.ip6 ?? {});
      },
      fail: (reason, message) => {
        if (signal.aborted) return;
        logger.warn(`VPN plugin ${this.o.definition.name} fails the connection (${reason}): ${message}`);
        this.emitter.emit('failure', FAILURE_CODE[reason] ?? VpnPluginFailure.CONNECT_FAILED);
        void this.end().then(() => this.emitter.emit('state', VpnServiceState.STOPPED));
      },
      banner: (text) => this.emitter.emit('banner', text),
    };
    this.emitter.emit('state', VpnServiceState.STARTING);
    await this.o.definition.connect(ctx);
  }

  /** Abort the plugin's signal and run its cleanups, once. */
  private end(): Promise<void> {
    return (this.ended ??= (async () => {
      this.abort.abort();
      this.secretsWaiter?.reject(new Error('the VPN connection has ended'));
      this.secretsWaiter = undefined;
      for (const fn of this.cleanups.splice(0).reverse()) {
        try {
          await fn();
        } catch (err) {
          this.o.logger.warn(`VPN plugin ${this.o.definition.name}: a disconnect callback failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })());
  }

  async disconnect(): Promise<void> {
    await this.end();
  }

  async stop(): Promise<void> {
    await this.end();
  }
}
