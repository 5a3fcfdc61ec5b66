/**
 * One DHCPv6 client session on one link (RFC 8415), run the way
 * NetworkManager 1.42's internal client runs it (systemd's sd-dhcp6-client,
 * driven by nm-dhcp-systemd.c):
 * - stateful: SOLICIT (with Rapid Commit, IA_NA and, for prefix delegation,
 *   IA_PD) → ADVERTISE (the most preferred wins; 255 at once, else after the
 *   first retransmission time) → REQUEST → REPLY → BOUND → RENEW at T1
 *   (unicast server id) → REBIND at T2 → expiry: onFailure('expired');
 * - information-only (stateless, RA "O" flag): INFORMATION-REQUEST → REPLY,
 *   asked again after the information refresh time (option 32; default one
 *   day, at least 10 minutes);
 * - retransmission: systemd's constants (its SOL_MAX_RT, INF_MAX_RT and
 *   REQ_MAX_RT are RFC 3315's 120 s, not RFC 8415's 3600 s), each time with
 *   its random part; a REQUEST unanswered 10 times starts over with SOLICIT;
 * - NoBinding in a REPLY starts over with SOLICIT (a bound lease stays until
 *   it expires); any other failure status makes the message ignored, as do a
 *   wrong transaction or client id;
 * - no lease within the request's timeout: onFailure('timeout').
 * The client id option carries request.clientId (the DUID core resolved from
 * ipv6.dhcp-duid), the IAs request.iaid.
 */
import type { DhcpEvents, DhcpFailure, DhcpLease, DhcpRequest, DhcpSession, Logger, PacketIo } from '../../../sdk/index.js';
import { decodeMessage, encodeMessage, MSG_NAMES, MsgType, Opt, STATUS_NO_BINDING, type Dhcp6Message, type IaToSend } from './codec.js';
import { bindingFrom, INFINITY, leaseFrom, type Dhcp6Binding } from './lease.js';
import { openUdp6Transport, type Dhcp6Transport, type TransportOpener } from './transport.js';

export interface Dhcp6Deps {
  logger: Logger;
  /** Passed by the plugin's factory for both families; DHCPv6 speaks through its own UDP socket. */
  io?: PacketIo;
  /** The socket; tests give an in-memory one. */
  openTransport?: TransportOpener;
  /** [0, 1): retransmission jitter and transaction ids; default Math.random. */
  random?: () => number;
  /** Milliseconds, for the elapsed time option; default Date.now. */
  now?: () => number;
}

export type Dhcp6State = 'starting' | 'solicit' | 'request' | 'bound' | 'renew' | 'rebind' | 'info' | 'info-bound' | 'stopped';

type Transaction = 'solicit' | 'request' | 'renew' | 'rebind' | 'info';

/** Retransmission parameters per transaction, in ms (sd-dhcp6-client's dhcp6-protocol.h). */
const RETRANSMIT: Record<Transaction, { irt: number; mrt: number; mrc?: number }> = {
  info: { irt: 1000, mrt: 120_000 },
  solicit: { irt: 1000, mrt: 120_000 },
  request: { irt: 1000, mrt: 120_000, mrc: 10 },
  renew: { irt: 10_000, mrt: 600_000 },
  rebind: { irt: 10_000, mrt: 600_000 },
};

const MESSAGE_OF: Record<Transaction, MsgType> = {
  info: MsgType.InformationRequest,
  solicit: MsgType.Solicit,
  request: MsgType.Request,
  renew: MsgType.Renew,
  rebind: MsgType.Rebind,
};

/** What NetworkManager asks for (nm-dhcp-options.c, the DHCPv6 options marked to include): DNS, domains, SNTP, NTP. */
const REQUESTED = [Opt.DnsServers, Opt.DomainList, Opt.SntpServers, Opt.NtpServer];
/** Information refresh time when the server gives none, and its floor (RFC 8415 21.23). */
const IRT_DEFAULT_S = 86_400;
const IRT_MINIMUM_S = 600;
/** Binding the socket waits for a usable link-local address: first retry, then doubling up to. */
const BIND_RETRY_MIN_MS = 100;
const BIND_RETRY_MAX_MS = 1000;
/** Node's setTimeout takes at most 2^31-1 ms; longer waits are chained. */
const MAX_TIMER_MS = 0x7fffffff;

type TimerName = 'resend' | 't1' | 't2' | 'expiry' | 'timeout' | 'refresh' | 'bind';

class Timers {
  private readonly map = new Map<TimerName, NodeJS.Timeout>();
  set(name: TimerName, ms: number, fn: () => void): void {
    this.clear(name);
    const wait = Math.max(0, Math.min(ms, MAX_TIMER_MS));
    this.map.set(name, setTimeout(() => {
      this.map.delete(name);
      if (ms > MAX_TIMER_MS) this.set(name, ms - MAX_TIMER_MS, fn);
      else fn();
    }, wait));
  }
  clear(...names: TimerName[]): void {
    for (const n of names) {
      clearTimeout(this.map.get(n));
      this.map.delete(n);
    }
  }
  clearAll(): void {
    for (const t of this.map.values()) clearTimeout(t);
    this.map.clear();
  }
}

function hexToBytes(hex: string): Buffer | undefined {
  const parts = hex.split(':');
  if (parts.length < 3 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

interface Offer {
  msg: Dhcp6Message;
  binding: Dhcp6Binding;
  from: string;
  preference: number;
}

interface Held {
  binding: Dhcp6Binding;
  lease: DhcpLease;
}

export class Dhcp6Client implements DhcpSession {
  private st: Dhcp6State = 'starting';
  private transport?: Dhcp6Transport;
  private readonly timers = new Timers();
  private readonly duid: Buffer;
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly now: () => number;
  /** Stateless: INFORMATION-REQUEST only (NetworkManager: info-only without prefix delegation). */
  private readonly infoMode: boolean;
  private readonly wantAddresses: boolean;
  private readonly wantPrefixes: boolean;
  private readonly fqdn?: string;
  private xid = 0;
  private txStart = 0;
  private rt = 0;
  private sends = 0;
  private offer?: Offer;
  private held?: Held;
  private sendFailed = false;

  constructor(private readonly request: DhcpRequest, private readonly events: DhcpEvents, private readonly deps: Dhcp6Deps) {
    const duid = request.clientId ? hexToBytes(request.clientId) : undefined;
    if (!duid) throw new Error(`DHCPv6 on ${request.ifname}: ${request.clientId ? `DUID "${request.clientId}" is not hex bytes` : 'no DUID to send'}`);
    this.duid = duid;
    this.log = deps.logger;
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.infoMode = !!request.infoOnly && !request.prefixDelegation;
    this.wantAddresses = !request.infoOnly;
    this.wantPrefixes = !!request.prefixDelegation;
    const name = request.fqdn ?? request.hostname;
    if (name && name.split('.').every((l) => Buffer.byteLength(l) <= 63) && Buffer.byteLength(name) <= 253) this.fqdn = name;
    else if (name) this.log.warn(`DHCPv6 on ${request.ifname}: host name "${name}" is not a valid DNS name; not sent`);
  }

  get state(): Dhcp6State {
    return this.st;
  }

  /** Opens the socket (or keeps trying while the link-local address is tentative) and starts the first transaction. */
  async start(): Promise<void> {
    if (this.request.timeout > 0) {
      this.timers.set('timeout', this.request.timeout * 1000, () =>
        this.fail('timeout', `DHCPv6 on ${this.request.ifname}: no ${this.infoMode ? 'information' : 'lease'} within ${this.request.timeout} s`),
      );
    }
    // A link that cannot be used at all (gone, no IPv6) fails the start; a tentative address is waited for.
    await this.openSocket(BIND_RETRY_MIN_MS, true);
  }

  private async openSocket(nextWait: number, first: boolean): Promise<void> {
    if (this.st === 'stopped') return;
    const open = this.deps.openTransport ?? openUdp6Transport;
    let transport: Dhcp6Transport;
    try {
      transport = await open(this.request.ifname);
    } catch (e: any) {
      if (!e?.retryable) {
        const msg = `DHCPv6 on ${this.request.ifname}: cannot open the client socket: ${e?.message ?? e}`;
        if (first) {
          this.timers.clearAll();
          this.st = 'stopped';
          throw new Error(msg);
        }
        this.fail('start-failed', msg);
        return;
      }
      if (first) this.log.debug(`DHCPv6 on ${this.request.ifname}: waiting for a usable link-local address (${e.message})`);
      this.timers.set('bind', nextWait, () => void this.openSocket(Math.min(nextWait * 2, BIND_RETRY_MAX_MS), false));
      return;
    }
    // stop() may have come while the socket was opening.
    if ((this.st as Dhcp6State) === 'stopped') {
      await transport.close();
      return;
    }
    this.transport = transport;
    transport.onMessage((m, from) => this.receive(m, from));
    this.log.debug(`DHCPv6 on ${this.request.ifname}: client socket bound to [${transport.local}]:546`);
    this.begin(this.infoMode ? 'info' : 'solicit');
  }

  private begin(tx: Transaction): void {
    this.st = tx;
    this.xid = Math.floor(this.random() * 0x1000000) & 0xffffff;
    this.txStart = this.now();
    this.rt = 0;
    this.sends = 0;
    if (tx === 'solicit') this.offer = undefined;
    this.resend();
  }

  /** Jitter as systemd: up to a tenth below the value. */
  private jitter(ms: number): number {
    return ms - this.random() * (ms / 10);
  }

  private resend(): void {
    const tx = this.st as Transaction;
    // An offer in hand after the first wait: request it (systemd does not wait for more ADVERTISEs).
    if (tx === 'solicit' && this.sends > 0 && this.offer) return this.begin('request');
    const params = RETRANSMIT[tx];
    if (params.mrc !== undefined && this.sends >= params.mrc) {
      this.log.info(`DHCPv6 on ${this.request.ifname}: no REPLY to ${this.sends} REQUESTs; soliciting again`);
      return this.begin('solicit');
    }
    this.sendMessage(MESSAGE_OF[tx]);
    this.sends++;
    if (this.rt === 0) this.rt = this.jitter(params.irt) + (tx === 'solicit' ? params.irt / 10 : 0);
    else if (this.rt > params.mrt / 2) this.rt = this.jitter(params.mrt);
    else this.rt += this.jitter(this.rt);
    this.timers.set('resend', this.rt, () => this.resend());
  }

  private iasToSend(): IaToSend[] {
    const source = this.st === 'request' ? this.offer?.binding : this.st === 'solicit' ? undefined : this.held?.binding;
    const out: IaToSend[] = [];
    if (this.wantAddresses) out.push({ type: Opt.IaNa, iaid: this.request.iaid, addresses: source?.iaNa?.addresses.map((a) => a.address) });
    if (this.wantPrefixes) out.push({ type: Opt.IaPd, iaid: this.request.iaid, prefixes: source?.iaPd?.prefixes.map((p) => ({ prefix: p.prefix, prefixlen: p.prefixlen })) });
    return out;
  }

  private sendMessage(type: MsgType): void {
    const t = this.transport;
    if (!t) return;
    const managed = type !== MsgType.InformationRequest;
    const extra = type === MsgType.Solicit ? [Opt.SolMaxRt] : type === MsgType.InformationRequest ? [Opt.InformationRefreshTime, Opt.InfMaxRt] : [];
    const serverId = type === MsgType.Request ? this.offer?.binding.serverId : type === MsgType.Renew || type === MsgType.Release ? this.held?.binding.serverId : undefined;
    const bytes = encodeMessage({
      type,
      xid: this.xid,
      clientId: this.duid,
      serverId,
      ias: managed ? this.iasToSend() : undefined,
      rapidCommit: type === MsgType.Solicit,
      fqdn: managed && type !== MsgType.Release ? this.fqdn : undefined,
      oro: type === MsgType.Release ? undefined : [...REQUESTED, ...extra].sort((a, b) => a - b),
      elapsed: (this.now() - this.txStart) / 10,
    });
    this.log.debug(`DHCPv6 on ${this.request.ifname}: send ${MSG_NAMES[type]} (xid ${this.xid.toString(16)})`);
    t.send(bytes).then(
      () => (this.sendFailed = false),
      (e: Error) => {
        // Logged once per run of failures (a link without carrier fails every send).
        if (!this.sendFailed) this.log.warn(`DHCPv6 on ${this.request.ifname}: cannot send ${MSG_NAMES[type]}: ${e.message}`);
        this.sendFailed = true;
      },
    );
  }

  private receive(buf: Buffer, from: string): void {
    if (!['solicit', 'request', 'renew', 'rebind', 'info'].includes(this.st)) return;
    const msg = decodeMessage(buf);
    if ('error' in msg) {
      this.log.debug(`DHCPv6 on ${this.request.ifname}: message from ${from} ignored: ${msg.error}`);
      return;
    }
    if (msg.xid !== this.xid) return;
    const name = MSG_NAMES[msg.type] ?? `message type ${msg.type}`;
    for (const note of msg.notes) this.log.debug(`DHCPv6 on ${this.request.ifname}: ${name} from ${from}: ${note}`);
    const ignore = (why: string, level: 'debug' | 'info' = 'debug') => this.log[level](`DHCPv6 on ${this.request.ifname}: ${name} from ${from} ignored: ${why}`);

    if (this.st === 'info') {
      if (msg.type !== MsgType.Reply) return ignore('not a REPLY');
      if (!msg.clientId?.equals(this.duid)) return ignore(msg.clientId ? 'another client id' : 'no client id');
      if (msg.status) return ignore(`status ${msg.status.code} ${msg.status.message}`, 'info');
      return this.informed(msg, from);
    }

    const want = { clientId: this.duid, iaid: this.request.iaid, addresses: this.wantAddresses, prefixes: this.wantPrefixes };
    if (this.st === 'solicit') {
      if (msg.type !== MsgType.Advertise && msg.type !== MsgType.Reply) return ignore('not an ADVERTISE');
      if (msg.type === MsgType.Reply && !msg.rapidCommit) return ignore('a REPLY without Rapid Commit');
      const binding = bindingFrom(msg, want);
      if ('reason' in binding) return ignore(binding.reason, 'info');
      if (msg.type === MsgType.Reply) return this.bound(msg, binding, from);
      const preference = msg.preference ?? 0;
      if (!this.offer || preference > this.offer.preference) this.offer = { msg, binding, from, preference };
      if (preference === 255 || this.sends > 1) this.begin('request');
      return;
    }

    // REQUEST, RENEW, REBIND
    if (msg.type !== MsgType.Reply) return ignore('not a REPLY');
    if (msg.status?.code === STATUS_NO_BINDING && msg.clientId?.equals(this.duid)) {
      this.log.info(`DHCPv6 on ${this.request.ifname}: ${from} has no binding for us (NoBinding); soliciting again`);
      // A held lease stays configured until it expires or a new one replaces it.
      this.timers.clear('t1', 't2');
      return this.begin('solicit');
    }
    const binding = bindingFrom(msg, want);
    if ('reason' in binding) return ignore(binding.reason, 'info');
    this.bound(msg, binding, from);
  }

  private informed(msg: Dhcp6Message, from: string): void {
    this.timers.clear('resend', 'timeout');
    this.st = 'info-bound';
    const lease = leaseFrom(msg, undefined, { duidHex: this.request.clientId!, iaid: this.request.iaid, server: from, infoOnly: true });
    const refresh = Math.max(msg.refreshTime ?? IRT_DEFAULT_S, IRT_MINIMUM_S);
    this.log.info(`DHCPv6 on ${this.request.ifname}: information from ${from}: DNS ${lease.nameservers.join(' ') || '-'}, domains ${lease.domains.join(' ') || '-'}; asking again in ${refresh} s`);
    if (refresh !== INFINITY) this.timers.set('refresh', refresh * 1000, () => this.begin('info'));
    this.events.onLease(lease);
  }

  private bound(msg: Dhcp6Message, binding: Dhcp6Binding, from: string): void {
    this.timers.clear('resend', 'timeout', 't1', 't2', 'expiry');
    this.st = 'bound';
    const lease = leaseFrom(msg, binding, { duidHex: this.request.clientId!, iaid: this.request.iaid, server: from, infoOnly: false });
    this.held = { binding, lease };
    // T2 with its jitter first, then T1 no later than it (sd-dhcp6-client's client_enter_bound_state).
    const t2 = binding.t2 === INFINITY ? INFINITY : this.jitter(binding.t2 * 1000);
    const t1 = Math.min(binding.t1 === INFINITY ? INFINITY : binding.t1 * 1000, t2);
    const t1j = t1 === INFINITY ? INFINITY : this.jitter(t1);
    if (t1j !== INFINITY) this.timers.set('t1', t1j, () => this.begin('renew'));
    if (t2 !== INFINITY) this.timers.set('t2', t2, () => {
      this.timers.clear('t1');
      this.begin('rebind');
    });
    if (binding.valid !== INFINITY) {
      this.timers.set('expiry', binding.valid * 1000, () => this.fail('expired', `DHCPv6 on ${this.request.ifname}: the lease from ${from} expired without a renewal`));
    }
    const what = [...lease.addresses.map((a) => `${a.address}/128`), ...(lease.delegatedPrefixes ?? []).map((p) => `prefix ${p.prefix}/${p.prefixlen}`)].join(', ');
    this.log.info(`DHCPv6 on ${this.request.ifname}: lease from ${from}: ${what}; valid ${binding.valid === INFINITY ? 'forever' : `${binding.valid} s`}, T1 ${binding.t1} s, T2 ${binding.t2} s`);
    this.events.onLease(lease);
  }

  private fail(reason: DhcpFailure, message: string): void {
    if (this.st === 'stopped') return;
    this.log.warn(message);
    this.shutdown();
    this.events.onFailure(reason, message);
  }

  private shutdown(): void {
    this.st = 'stopped';
    this.timers.clearAll();
    const t = this.transport;
    this.transport = undefined;
    void t?.close();
  }

  /**
   * RELEASE is sent once, without waiting for the REPLY, when asked and a
   * lease is held. NetworkManager 1.42's internal DHCPv6 client never sends
   * one (sd_dhcp6_client_stop only closes the socket); core decides.
   */
  async stop(release: boolean): Promise<void> {
    if (this.st === 'stopped') return;
    const t = this.transport;
    if (release && t && this.held && ['bound', 'renew', 'rebind'].includes(this.st)) {
      this.xid = Math.floor(this.random() * 0x1000000) & 0xffffff;
      this.txStart = this.now();
      const bytes = encodeMessage({
        type: MsgType.Release,
        xid: this.xid,
        clientId: this.duid,
        serverId: this.held.binding.serverId,
        ias: this.iasToSend(),
        elapsed: 0,
      });
      await t.send(bytes).catch((e: Error) => this.log.warn(`DHCPv6 on ${this.request.ifname}: cannot send RELEASE: ${e.message}`));
      this.log.info(`DHCPv6 on ${this.request.ifname}: released ${this.held.lease.addresses.map((a) => a.address).join(' ')}`);
    }
    this.st = 'stopped';
    this.timers.clearAll();
    this.transport = undefined;
    await t?.close();
  }
}

export async function startDhcp6(request: DhcpRequest, events: DhcpEvents, deps: Dhcp6Deps): Promise<DhcpSession> {
  if (request.family !== 6) throw new Error(`DHCPv6 client asked for family ${request.family} on ${request.ifname}`);
  const client = new Dhcp6Client(request, events, deps);
  await client.start();
  return client;
}
