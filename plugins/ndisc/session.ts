/**
 * One neighbour discovery session on one link: solicits routers, reads their
 * advertisements, keeps the merged state (ndisc-state.ts), expires it by
 * lifetimes, and reports the whole picture to core, coalesced (several
 * advertisements or expiries in one turn of the loop make one report).
 * It never writes to the kernel; core configures what it reports.
 */
import {
  formatIp,
  parseIp,
  type Logger,
  type NdiscEvents,
  type NdiscRequest,
  type NdiscSession,
  type PacketChannel,
  type PacketIo,
  type ReceivedPacket,
} from '../../sdk/index.js';
import { eui64FromMac, parseMac48, stablePrivacyIid, tokenIid, withIid } from './iid.js';
import { NdiscState, type CompleteAddress } from './ndisc-state.js';
import { buildRouterSolicit, ICMP6_ROUTER_ADVERT, parseRouterAdvert } from './ra-parse.js';
import { firstSolicitDelay, MAX_TIMER_MS, nextRetransmit, refreshSolicitDelay, type Random } from './solicit-timing.js';

export interface SessionDeps {
  packetIo: () => PacketIo;
  logger: Logger;
  /** Monotonic milliseconds. */
  now: () => number;
  random?: Random;
}

const ALL_ROUTERS = 'ff02::2';

/** The request checked, with a clear message naming the bad field. */
function checkRequest(r: NdiscRequest): void {
  if (!Number.isInteger(r.ifindex) || r.ifindex <= 0) throw new Error(`neighbour discovery: invalid ifindex ${r.ifindex}`);
  if (!(r.timeout >= 0)) throw new Error(`neighbour discovery on ${r.ifname}: invalid timeout ${r.timeout}`);
  if (r.token !== undefined && !tokenIid(r.token)) {
    throw new Error(`neighbour discovery on ${r.ifname}: ipv6.token '${r.token}' is not an interface identifier (an IPv6 address whose upper 64 bits are zero, e.g. ::1:2)`);
  }
  if (r.addrGenMode === 'stable-privacy' && r.token === undefined) {
    if (!(r.secretKey instanceof Uint8Array) || r.secretKey.length === 0) throw new Error(`neighbour discovery on ${r.ifname}: stable-privacy needs the host's secret key, none given`);
    if (!r.stableId) throw new Error(`neighbour discovery on ${r.ifname}: stable-privacy needs a stable id, none given`);
  }
}

/** How this request makes the host part of a SLAAC address. */
function addressMaker(r: NdiscRequest, logger: Logger): CompleteAddress {
  if (r.token !== undefined) {
    const iid = tokenIid(r.token)!;
    return (prefix) => withIid(prefix, iid);
  }
  if (r.addrGenMode === 'stable-privacy') {
    return (prefix) =>
      withIid(prefix, stablePrivacyIid({ prefix, ifname: r.ifname, networkId: r.stableId, stableType: r.stableType ?? 'uuid', dadCounter: 0, secretKey: r.secretKey }));
  }
  const iid = eui64FromMac(r.hwaddr);
  return (prefix) => {
    if (iid) return withIid(prefix, iid);
    logger.warn(`cannot make an EUI-64 address for ${formatIp(prefix)}/64: the link address '${r.hwaddr}' is not a 48-bit MAC`);
    return undefined;
  };
}

export class Session implements NdiscSession {
  private channel?: PacketChannel;
  private stopped = false;
  private state: NdiscState;
  private readonly random: Random;
  private readonly log: Logger;
  private readonly mac?: Uint8Array;
  private solicitTimer?: NodeJS.Timeout;
  private raTimeoutTimer?: NodeJS.Timeout;
  private expiryTimer?: NodeJS.Timeout;
  private reportTimer?: NodeJS.Timeout;
  private retransmitMs = 0;
  private lastRsAt: number;
  private lastSendError?: string;

  constructor(
    private readonly deps: SessionDeps,
    private readonly request: NdiscRequest,
    private readonly events: NdiscEvents,
  ) {
    this.random = deps.random ?? Math.random;
    this.log = deps.logger.child({ ifname: request.ifname, ifindex: request.ifindex });
    this.state = new NdiscState(addressMaker(request, this.log));
    this.mac = parseMac48(request.hwaddr);
    this.lastRsAt = deps.now();
  }

  static async start(deps: SessionDeps, request: NdiscRequest, events: NdiscEvents): Promise<Session> {
    checkRequest(request);
    const session = new Session(deps, request, events);
    session.channel = await deps.packetIo().open(request.ifindex, 'icmp6-nd', (p) => session.onPacket(p));
    session.begin();
    return session;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of [this.solicitTimer, this.raTimeoutTimer, this.expiryTimer, this.reportTimer]) clearTimeout(t);
    this.channel?.close();
    this.log.debug('neighbour discovery stopped');
  }

  private begin(): void {
    const { timeout } = this.request;
    if (timeout > 0) {
      this.raTimeoutTimer = setTimeout(() => {
        this.raTimeoutTimer = undefined;
        if (!this.stopped) this.events.onTimeout();
      }, Math.min(timeout * 1000, MAX_TIMER_MS));
    }
    const delay = firstSolicitDelay(this.random);
    this.log.debug(`neighbour discovery started; first router solicitation in ${delay} ms`);
    this.retransmitMs = 0;
    this.armSolicit(delay);
  }

  private armSolicit(delayMs: number): void {
    clearTimeout(this.solicitTimer);
    this.solicitTimer = setTimeout(() => this.solicit(), delayMs);
  }

  private solicit(): void {
    if (this.stopped) return;
    this.channel!.send(buildRouterSolicit(this.mac), { address: ALL_ROUTERS }).then(
      () => {
        this.lastRsAt = this.deps.now();
        this.lastSendError = undefined;
        this.log.trace('router solicitation sent');
      },
      (err: unknown) => {
        // Warn once per distinct failure (a link without a usable source address fails every time).
        const msg = err instanceof Error ? err.message : String(err);
        if (msg !== this.lastSendError) this.log.warn(`router solicitation not sent: ${msg}`);
        else this.log.debug(`router solicitation not sent: ${msg}`);
        this.lastSendError = msg;
      },
    );
    const next = nextRetransmit(this.retransmitMs, this.random);
    this.retransmitMs = next.retransmitMs;
    this.armSolicit(next.delayMs);
  }

  private onPacket(packet: ReceivedPacket): void {
    if (this.stopped || packet.data[0] !== ICMP6_ROUTER_ADVERT) return;
    const source = parseIp((packet.fromAddress ?? '').replace(/%.*$/, ''), 6);
    if (!source || source.bytes[0] !== 0xfe || (source.bytes[1]! & 0xc0) !== 0x80) {
      // RFC 4861 6.1.2: a router advertises from its link-local address.
      this.log.debug(`router advertisement from '${packet.fromAddress ?? ''}' dropped: not a link-local source`);
      return;
    }
    const router = formatIp(source.bytes);
    const parsed = parseRouterAdvert(packet.data);
    if ('error' in parsed) {
      this.log.debug(`router advertisement from ${router} dropped: ${parsed.error}`);
      return;
    }
    for (const why of parsed.dropped) this.log.debug(`router advertisement from ${router}: option dropped: ${why}`);

    const now = this.deps.now();
    clearTimeout(this.raTimeoutTimer);
    this.raTimeoutTimer = undefined;
    const { changed, notes } = this.state.apply(router, parsed.advert, now);
    for (const note of notes) this.log.debug(`router advertisement from ${router}: ${note}`);
    this.log.debug(`router advertisement from ${router}${changed ? '' : ' (nothing new)'}`);
    this.afterChange(changed, now);

    // NetworkManager keeps soliciting, slowly, so that routers which never advertise unsolicited refresh lifetimes.
    this.retransmitMs = 0;
    this.armSolicit(refreshSolicitDelay(this.state.expiries(), this.lastRsAt, now, this.random));
  }

  private onExpiryTimer(): void {
    if (this.stopped) return;
    const now = this.deps.now();
    this.afterChange(this.state.expire(now), now);
  }

  /** Re-arm the expiry timer and, when something changed, queue a report. */
  private afterChange(changed: boolean, now: number): void {
    clearTimeout(this.expiryTimer);
    const next = this.state.nextExpiry();
    this.expiryTimer = next === Infinity ? undefined : setTimeout(() => this.onExpiryTimer(), Math.min(Math.max(next - now, 0), MAX_TIMER_MS));
    if (changed && !this.reportTimer) {
      this.reportTimer = setTimeout(() => {
        this.reportTimer = undefined;
        if (!this.stopped) this.events.onConfig(this.state.snapshot(this.deps.now()));
      }, 0);
    }
  }
}
