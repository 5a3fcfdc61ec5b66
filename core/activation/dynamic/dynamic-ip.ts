/**
 * The automatic half of one family of one active connection: the DHCP
 * client, neighbour discovery, DHCPv6 and sharing sessions that feed it, and
 * what they put in the kernel. Each source reports a whole L3Config; the
 * driver merges the sources and applies only the difference from what it
 * applied last, one change at a time, so a renewal refreshes lifetimes and
 * changes nothing else, and stop() removes exactly what it added.
 */
import {
  Errno,
  NMDeviceStateReason as DSReason,
  PlatformError,
  type DhcpClientFactory,
  type DhcpEvents,
  type DhcpLease,
  type DhcpRequest,
  type Family,
  type Logger,
  type Ndisc,
  type NdiscConfig,
  type NdiscRequest,
  type Platform,
  type RouteSpec,
} from '../../../sdk/index.js';
import { addressKey, EMPTY_L3, l3FromDhcp4, l3FromDhcp6, l3FromNdisc, mergeL3, routeKey, type L3Config, type L3Context } from './l3-config.js';

export interface DynamicIpHost {
  platform(): Platform;
  logger: Logger;
  /** The family's addresses, DNS or leases changed: DNS and D-Bus follow. */
  changed(): void;
  /** The family lost what it had after the connection was activated (lease expired, server gone). */
  lost(reason: number, message: string): void;
  /** A lease or advertisement carries an MTU the profile leaves to the network. */
  applyMtu(family: Family, mtu: number): Promise<void>;
}

/** The DHCP clients of a family; dhcp6-pd asks only for prefixes to share (prefix-delegation.ts). */
export type DhcpSource = 'dhcp4' | 'dhcp6' | 'dhcp6-pd';

interface Stoppable {
  stop(release: boolean): Promise<void> | void;
}

const GONE = new Set<number>([Errno.ENOENT, Errno.ESRCH, Errno.EADDRNOTAVAIL, Errno.ENODEV]);
const THERE = new Set<number>([Errno.EEXIST]);

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function allRoutes(c: L3Config): RouteSpec[] {
  return [...c.addresses.flatMap((a) => (a.prefixRoute ? [a.prefixRoute] : [])), ...c.routes];
}

export class DynamicIp {
  private readonly parts = new Map<string, L3Config>();
  private owned: L3Config = EMPTY_L3;
  private chain: Promise<void> = Promise.resolve();
  private readonly sessions: Stoppable[] = [];
  /** The last lease per DHCP source, for DHCP4Config/DHCP6Config. */
  readonly leases = new Map<DhcpSource, DhcpLease>();
  /** The last router advertisement picture. */
  ndiscConfig?: NdiscConfig;
  private stopped = false;

  constructor(
    readonly family: Family,
    readonly ctx: L3Context,
    private readonly host: DynamicIpHost,
  ) {}

  /** Everything applied now, merged: what IP4Config/IP6Config and DNS report for the automatic part. */
  get current(): L3Config {
    return this.owned;
  }

  /** Replace one source's configuration (undefined removes it) and bring the kernel in line. */
  update(source: string, config: L3Config | undefined): Promise<void> {
    if (config) this.parts.set(source, config);
    else this.parts.delete(source);
    const next = this.chain.then(() => this.sync());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    const next = mergeL3(this.parts.values());
    const platform = this.host.platform();
    const warn = (what: string) => (err: unknown) => {
      if (err instanceof PlatformError && (GONE.has(err.errno) || THERE.has(err.errno))) return;
      this.host.logger.warn(`IPv${this.family}: ${what}: ${describe(err)}`);
    };
    const nextAddresses = new Set(next.addresses.map((a) => addressKey(a.spec)));
    const nextRoutes = new Set(allRoutes(next).map(routeKey));
    for (const r of allRoutes(this.owned)) if (!nextRoutes.has(routeKey(r))) await platform.removeRoute(r).catch(warn(`removing route ${r.dst}/${r.dstLen}`));
    const goneAddresses = this.owned.addresses.filter((a) => !nextAddresses.has(addressKey(a.spec)));
    for (const a of goneAddresses) await platform.removeAddress(a.spec).catch(warn(`removing address ${addressKey(a.spec)}`));
    // Replace, not add: a renewal refreshes the lifetimes of an address already there.
    for (const a of next.addresses) await platform.addAddress(a.spec).catch(warn(`adding address ${addressKey(a.spec)}`));
    // Removing an address makes the kernel drop the routes whose source it was, and every route of the link with its last IPv4 address: all are added again then.
    const ownedRoutes = new Set(goneAddresses.length > 0 ? [] : allRoutes(this.owned).map(routeKey));
    for (const r of allRoutes(next)) if (!ownedRoutes.has(routeKey(r))) await platform.addRoute(r).catch(warn(`adding route ${r.dst}/${r.dstLen}`));
    if (next.mtu && next.mtu !== this.owned.mtu) await this.host.applyMtu(this.family, next.mtu).catch(warn(`setting MTU ${next.mtu}`));
    this.owned = next;
    this.host.changed();
  }

  /**
   * Run a DHCP client as one source. Resolves true with the first lease
   * applied, false when the client gave up (or could not start) first. A
   * failure after that removes the source and, unless `optional`, tells the
   * host the family is lost.
   */
  startDhcp(source: DhcpSource, factory: DhcpClientFactory, request: DhcpRequest, optional = false): Promise<boolean> {
    const toL3 = source === 'dhcp4' ? l3FromDhcp4 : l3FromDhcp6;
    return new Promise<boolean>((resolve) => {
      let waiting = true;
      const settle = (ok: boolean) => {
        if (!waiting) return false;
        waiting = false;
        resolve(ok);
        return true;
      };
      const events: DhcpEvents = {
        onLease: (lease) => {
          if (this.stopped) return;
          this.leases.set(source, lease);
          void this.update(source, toL3(lease, this.ctx)).then(() => settle(true), () => settle(true));
        },
        onFailure: (reason, message) => {
          if (this.stopped) return;
          const had = this.leases.delete(source);
          this.host.logger.warn(`${source === 'dhcp4' ? 'DHCPv4' : 'DHCPv6'} ${reason}: ${message}`, { client: factory.name });
          void this.update(source, undefined);
          if (!settle(false) && had && !optional) this.host.lost(reason === 'expired' ? DSReason.IP_CONFIG_EXPIRED : DSReason.DHCP_FAILED, `DHCP lease ${reason}: ${message}`);
        },
      };
      factory.start(request, events).then(
        (session) => {
          if (this.stopped) void session.stop(false);
          // NetworkManager 1.42's internal DHCPv6 client never sends RELEASE.
          else this.sessions.push(source !== 'dhcp4' ? { stop: () => session.stop(false) } : session);
        },
        (err: unknown) => {
          this.host.logger.warn(`${source === 'dhcp4' ? 'DHCPv4' : 'DHCPv6'} client '${factory.name}' could not start: ${describe(err)}`);
          this.startFailed = true;
          settle(false);
        },
      );
    });
  }

  /** Set when a DHCP client could not start at all (the device's reason is then dhcp-start-failed). */
  startFailed = false;

  /**
   * Run neighbour discovery as the "ndisc" source. Resolves true once an
   * advertisement gives an address (or a router without the M flag), false
   * at the timeout. The M and O flags start DHCPv6 through `dhcp6`.
   */
  startNdisc(ndisc: Ndisc, request: NdiscRequest, dhcp6: (infoOnly: boolean) => Promise<boolean> | undefined): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let waiting = true;
      let dhcp6Mode: 'none' | 'info' | 'stateful' = 'none';
      const settle = (ok: boolean) => {
        if (!waiting) return;
        waiting = false;
        resolve(ok);
      };
      ndisc
        .start(request, {
          onConfig: (config) => {
            if (this.stopped) return;
            this.ndiscConfig = config;
            void this.update('ndisc', l3FromNdisc(config, this.ctx)).then(() => {
              if (config.managed && dhcp6Mode !== 'stateful') {
                dhcp6Mode = 'stateful';
                const started = dhcp6(false);
                if (started) void started.then((ok) => ok && settle(true));
              } else if (config.otherConfig && dhcp6Mode === 'none') {
                // Information-only: its failure never fails the connection.
                dhcp6Mode = 'info';
                void dhcp6(true);
              }
              if (config.addresses.length > 0 || (!config.managed && config.routers.some((r) => r.lifetime > 0))) settle(true);
            });
          },
          onTimeout: () => {
            this.host.logger.info(`IPv6: no router advertisement within the timeout`);
            settle(false);
          },
        })
        .then(
          (session) => {
            if (this.stopped) session.stop();
            else this.sessions.push({ stop: () => session.stop() });
          },
          (err: unknown) => {
            this.host.logger.warn(`IPv6 router discovery could not start: ${describe(err)}`);
            settle(false);
          },
        );
    });
  }

  /** A session owned by this family (sharing), stopped with it. */
  own(session: Stoppable): void {
    if (this.stopped) void session.stop(false);
    else this.sessions.push(session);
  }

  /** Stop every client (RELEASE when asked), then remove what was applied. */
  async stop(release: boolean): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.sessions.splice(0).map((s) => Promise.resolve(s.stop(release)).catch((err: unknown) => this.host.logger.warn(`stopping IPv${this.family} configuration: ${describe(err)}`))));
    await this.chain;
    const platform = this.host.platform();
    const quiet = (err: unknown) => {
      if (err instanceof PlatformError && GONE.has(err.errno)) return;
      this.host.logger.warn(`IPv${this.family} cleanup: ${describe(err)}`);
    };
    for (const r of allRoutes(this.owned)) await platform.removeRoute(r).catch(quiet);
    for (const a of this.owned.addresses) await platform.removeAddress(a.spec).catch(quiet);
    this.owned = EMPTY_L3;
    this.parts.clear();
    this.leases.clear();
  }
}
