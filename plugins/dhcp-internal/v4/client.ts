/**
 * One DHCPv4 client session on one link: RFC 2131's state machine as
 * NetworkManager 1.42's internal client (n-dhcp4 + nm-dhcp-nettools.c) runs
 * it. INIT → SELECTING (DISCOVER; the first acceptable OFFER wins) →
 * REQUESTING → [address conflict probe] → BOUND → RENEWING at T1 (unicast) →
 * REBINDING at T2 (broadcast) → expiry. INIT-REBOOT (REQUEST with option 50
 * and no server id) when an address is known and still valid; no answer in
 * 2 s falls back to DISCOVER with that address in option 50, as n-dhcp4 does.
 *
 * Everything goes through one 'dhcp4' packet channel of the link; the
 * session answers only packets whose xid and chaddr are its own.
 */
import { randomBytes } from '../../../sdk/crypto.js';
import type { DhcpEvents, DhcpFailure, DhcpLease, DhcpRequest, DhcpSession, Logger, PacketChannel, PacketIo, ReceivedPacket } from '../../../sdk/index.js';
import { announceAddress, probeAddress } from './acd.js';
import { BOOTREPLY, decodeMessage, type Dhcp4Message } from './codec.js';
import { bytesToHex, hexToBytes, ip4Matches, macToBytes } from './ip4.js';
import { parseLease, type LeaseTimes } from './lease.js';
import { readLeaseFile, writeLeaseFile } from './lease-file.js';
import { buildClientMessage, profileOptions, type ClientIdentity, type ClientMessageKind, type MessageFields } from './messages.js';
import { MESSAGE_TYPE_NAMES, MessageType, Opt } from './options.js';
import { Timers } from './timers.js';

export type Dhcp4State = 'init' | 'selecting' | 'requesting' | 'rebooting' | 'probing' | 'bound' | 'renewing' | 'rebinding' | 'stopped';

export interface Dhcp4Deps {
  io: PacketIo;
  logger: Logger;
  /** [0, 1) for retransmission jitter and probe spacing; default Math.random. */
  random?: () => number;
  /** Wall clock in ms; default Date.now. */
  now?: () => number;
}

/** INIT-REBOOT waits this long for an answer before it falls back to DISCOVER (n-dhcp4's ns_reinit). */
const REBOOT_FALLBACK_MS = 2000;
/** Retransmission (RFC 2131 4.1): 4 s doubling up to 64 s, each ±1 s. */
const FIRST_RETRANSMIT_MS = 4000;
const MAX_RETRANSMIT_MS = 64000;
/** A REQUEST unanswered after this many sends goes back to INIT (RFC 2131 4.4.1). */
const REQUEST_MAX_SENDS = 5;
/** RENEWING/REBINDING retransmit after half the time left, but not sooner than 60 s (RFC 2131 4.4.5). */
const MIN_RENEW_RETRANSMIT_MS = 60000;
/** After a DECLINE wait 10 s (RFC 2131 3.1.5), doubling up to 300 s, as n-dhcp4. */
const DECLINE_DELAY_MIN_MS = 10000;
/** After a NAK restart at once, then 2 s doubling up to 300 s, as n-dhcp4. */
const NAK_DELAY_MIN_MS = 2000;
const RESTART_DELAY_MAX_MS = 300000;
/** Offers of an address that failed the conflict probe are refused this long (NetworkManager's ACD grace period). */
const DECLINED_GRACE_MS = 300000;

interface Bound {
  lease: DhcpLease;
  times: LeaseTimes;
  address: string;
  serverId: string;
  /** The link-layer address the ACK came from: where unicast RENEW and RELEASE go. */
  serverMac?: string;
  /** Wall-clock ms the lease counts from. */
  base: number;
}

/** A request in flight: what to resend, and which replies belong to it. */
interface Pending {
  kind: ClientMessageKind;
  xid: number;
  fields: Omit<MessageFields, 'xid' | 'secs'>;
  sends: number;
  /** Wall-clock ms of the first send: the lease counts from it. */
  firstSent: number;
  to?: { lladdr?: string; address?: string; source?: string };
}

type TimerName = 'retransmit' | 'reboot' | 'restart' | 't1' | 't2' | 'expiry' | 'timeout';

export class Dhcp4Client implements DhcpSession {
  private st: Dhcp4State = 'init';
  private channel?: PacketChannel;
  private readonly timers = new Timers<TimerName>();
  private readonly identity: ClientIdentity;
  private readonly macText: string;
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly now: () => number;
  private pending?: Pending;
  /** Start of the current exchange (for `secs`). */
  private txStart = 0;
  private bound?: Bound;
  /** The address to ask for in the next DISCOVER (option 50). */
  private lastAddress?: string;
  private readonly declined = new Map<string, number>();
  private nakDelay = 0;
  private declineDelay = 0;
  private sawNak = false;
  private acd?: AbortController;
  private stopAnnounce?: () => void;
  private fileWrites: Promise<void> = Promise.resolve();
  /** The last send in flight: the channel closes only after it (a DECLINE or RELEASE right before a stop). */
  private lastSend: Promise<void> = Promise.resolve();

  constructor(
    private readonly request: DhcpRequest,
    private readonly events: DhcpEvents,
    private readonly deps: Dhcp4Deps,
  ) {
    const mac = macToBytes(request.hwaddr);
    if (!mac || mac.length !== 6) throw new Error(`DHCPv4 on ${request.ifname}: hardware address "${request.hwaddr}" is not an Ethernet MAC`);
    let clientId: Uint8Array | undefined;
    if (request.clientId !== undefined) {
      clientId = hexToBytes(request.clientId);
      if (!clientId || clientId.length < 2) throw new Error(`DHCPv4 on ${request.ifname}: client-id "${request.clientId}" is not hex bytes (at least 2)`);
    }
    let extra: ClientIdentity['extra'];
    try {
      extra = profileOptions(request);
    } catch (e) {
      throw new Error(`DHCPv4 on ${request.ifname}: ${(e as Error).message}`);
    }
    this.identity = { mac, clientId, extra };
    this.macText = bytesToHex(mac);
    this.log = deps.logger.child({ ifname: request.ifname, family: 4 });
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
  }

  get state(): Dhcp4State {
    return this.st;
  }

  /** A method, not a comparison, so that checks after an await are not narrowed away. */
  private isStopped(): boolean {
    return this.st === 'stopped';
  }

  /** Open the channel, read the stored lease, and begin (INIT-REBOOT or DISCOVER). */
  async start(): Promise<void> {
    try {
      this.channel = await this.deps.io.open(this.request.ifindex, 'dhcp4', (p) => this.onPacket(p));
    } catch (e) {
      throw new Error(`DHCPv4 on ${this.request.ifname}: cannot open the packet channel: ${(e as Error).message}`);
    }
    if (this.isStopped()) return this.channel.close(); // stopped while opening
    const known = await this.knownAddress();
    if (this.isStopped()) return;
    this.armTimeout();
    this.log.info(`activation: beginning transaction (${this.request.timeout > 0 ? `timeout in ${this.request.timeout} seconds` : 'no timeout'})`);
    if (known?.reboot) this.sendReboot(known.address);
    else {
      this.lastAddress = known?.address;
      this.sendDiscover();
    }
  }

  /** The address for INIT-REBOOT: the request's, else a still-valid stored lease's; an expired one only goes into DISCOVER. */
  private async knownAddress(): Promise<{ address: string; reboot: boolean } | undefined> {
    if (this.request.requestAddress) return { address: this.request.requestAddress, reboot: true };
    const file = this.request.leaseFile;
    const read = await readLeaseFile(file);
    if ('missing' in read) return undefined;
    if ('error' in read) {
      this.log.warn(`lease file ${file} is unusable (${read.error}); starting with DISCOVER`, { file });
      return undefined;
    }
    const { address, expiry } = read.lease;
    const valid = expiry === undefined || expiry * 1000 > this.now();
    return { address, reboot: valid };
  }

  async stop(release: boolean): Promise<void> {
    if (this.st === 'stopped') {
      await this.fileWrites;
      return;
    }
    const bound = ['bound', 'renewing', 'rebinding'].includes(this.st) ? this.bound : undefined;
    this.halt();
    if (release && bound) {
      const msg = buildClientMessage('release', this.identity, { xid: newXid(), secs: 0, ciaddr: bound.address, serverId: bound.serverId });
      this.log.info(`send RELEASE of ${bound.address} to ${bound.serverId}`);
      this.send(msg, 'RELEASE', { lladdr: bound.serverMac, address: bound.serverId, source: bound.address });
    }
    await this.closeChannel();
    await this.fileWrites;
  }

  private send(msg: Uint8Array, what: string, to?: Pending['to']): void {
    const channel = this.channel;
    if (!channel) return;
    this.lastSend = channel.send(msg, to).catch((e) => this.log.warn(`sending ${what} failed: ${(e as Error).message}`));
  }

  private async closeChannel(): Promise<void> {
    await this.lastSend;
    this.channel?.close();
  }

  /** Cancel everything; the channel is closed by the caller. */
  private halt(): void {
    this.st = 'stopped';
    this.timers.clearAll();
    this.acd?.abort(new Error('stopped'));
    this.stopAnnounce?.();
    this.pending = undefined;
  }

  private fail(reason: DhcpFailure, message: string): void {
    if (this.st === 'stopped') return;
    this.log.warn(`DHCPv4 ${reason}: ${message}`);
    this.halt();
    void this.closeChannel();
    this.events.onFailure(reason, message);
  }

  // ---- timeout ---------------------------------------------------------

  /** The profile's dhcp-timeout: until a lease is bound (again, after a NAK); 0 waits forever. */
  private armTimeout(): void {
    if (this.request.timeout <= 0 || this.timers.has('timeout')) return;
    this.timers.set(
      'timeout',
      this.request.timeout * 1000,
      () => {
        const what = this.sawNak ? 'the server refused (NAK) and no other lease came' : 'no lease';
        this.fail(this.sawNak ? 'nak' : 'timeout', `${what} within ${this.request.timeout} s on ${this.request.ifname}`);
      },
      true,
    );
  }

  // ---- sending ---------------------------------------------------------

  private begin(kind: ClientMessageKind, fields: Pending['fields'], to?: Pending['to'], xid = newXid()): void {
    this.pending = { kind, xid, fields, sends: 0, firstSent: this.now(), to };
    this.transmit();
  }

  private transmit(): void {
    const p = this.pending;
    if (!p || !this.channel || this.st === 'stopped') return;
    const secs = Math.min(0xffff, Math.max(1, Math.floor((this.now() - this.txStart) / 1000)));
    const msg = buildClientMessage(p.kind, this.identity, { ...p.fields, xid: p.xid, secs });
    p.sends++;
    const name = p.kind === 'discover' ? 'DISCOVER' : 'REQUEST';
    const target = p.to?.address ?? '255.255.255.255';
    this.log.info(`send ${name}${p.fields.ciaddr || p.fields.requestedIp ? ` of ${p.fields.ciaddr ?? p.fields.requestedIp}` : ''} to ${target}`, { state: this.st, xid: p.xid });
    this.send(msg, name, p.to);
    this.scheduleRetransmit(p);
  }

  private scheduleRetransmit(p: Pending): void {
    switch (p.kind) {
      case 'discover':
      case 'select': {
        if (p.kind === 'select' && p.sends >= REQUEST_MAX_SENDS) {
          this.timers.set('retransmit', this.backoff(p.sends), () => {
            this.log.info('no answer to REQUEST; back to DISCOVER');
            this.enterInit(0);
          });
          return;
        }
        this.timers.set('retransmit', this.backoff(p.sends), () => this.transmit());
        return;
      }
      case 'renew':
      case 'rebind': {
        const b = this.bound!;
        const end = p.kind === 'renew' ? b.base + b.times.t2! * 1000 : b.base + b.times.lifetime! * 1000;
        const wait = Math.max(MIN_RENEW_RETRANSMIT_MS, (end - this.now()) / 2);
        // Past T2 (or expiry) the T2 (or expiry) timer takes over.
        if (this.now() + wait < end) this.timers.set('retransmit', wait, () => this.transmit(), true);
        return;
      }
      default:
        return; // reboot: the 2 s fallback; decline and release are sent once
    }
  }

  /** 4, 8, 16, 32, 64, 64... seconds after the n-th send, ±1 s. */
  private backoff(sends: number): number {
    const base = Math.min(FIRST_RETRANSMIT_MS * 2 ** (sends - 1), MAX_RETRANSMIT_MS);
    return base + (this.random() * 2 - 1) * 1000;
  }

  // ---- states ------------------------------------------------------------

  private sendDiscover(): void {
    this.st = 'selecting';
    this.txStart = this.now();
    this.begin('discover', this.lastAddress ? { requestedIp: this.lastAddress } : {});
  }

  private sendReboot(address: string): void {
    this.st = 'rebooting';
    this.txStart = this.now();
    this.lastAddress = address;
    this.begin('reboot', { requestedIp: address });
    this.timers.set('reboot', REBOOT_FALLBACK_MS, () => {
      if (this.st !== 'rebooting') return;
      this.log.info(`no answer to INIT-REBOOT for ${address}; DISCOVER`);
      this.sendDiscover();
    });
  }

  /** Back to INIT; DISCOVER after `delayMs` (0: now). */
  private enterInit(delayMs: number): void {
    this.st = 'init';
    this.pending = undefined;
    this.timers.clear('retransmit', 'reboot', 't1', 't2', 'expiry');
    this.armTimeout();
    if (delayMs <= 0) this.sendDiscover();
    else this.timers.set('restart', delayMs, () => this.sendDiscover());
  }

  // ---- receiving ---------------------------------------------------------

  private onPacket(packet: ReceivedPacket): void {
    if (this.st === 'stopped' || !this.pending) return;
    const decoded = decodeMessage(packet.data);
    if ('error' in decoded) {
      this.log.debug(`dropped a malformed DHCP packet: ${decoded.error}`, { from: packet.fromAddress });
      return;
    }
    const m = decoded.message;
    // Not ours: another client's transaction or another link's session.
    if (m.op !== BOOTREPLY || m.xid !== this.pending.xid || m.hlen !== 6 || bytesToHex(m.chaddr) !== this.macText) return;
    for (const note of decoded.notes) this.log.debug(`DHCP packet from ${packet.fromAddress ?? '?'}: ${note}`);
    const typeData = m.options.get(Opt.MESSAGE_TYPE);
    if (!typeData || typeData.length !== 1) {
      this.log.debug('dropped a DHCP reply without a valid message type (53)');
      return;
    }
    // A server that echoes a client identifier must echo ours (RFC 6842).
    const echoed = m.options.get(Opt.CLIENT_ID);
    if (echoed && bytesToHex(echoed) !== (this.identity.clientId ? bytesToHex(this.identity.clientId) : '')) {
      this.log.debug('dropped a DHCP reply for another client identifier');
      return;
    }
    const type = typeData[0]!;
    this.log.debug(`received ${MESSAGE_TYPE_NAMES[type] ?? `type ${type}`} of ${m.yiaddr}`, { from: packet.fromAddress, state: this.st });
    if (type === MessageType.OFFER) this.onOffer(m);
    else if (type === MessageType.ACK) this.onAck(m, packet);
    else if (type === MessageType.NAK) this.onNak(m);
  }

  private serverIdOf(m: Dhcp4Message): string | undefined {
    const d = m.options.get(Opt.SERVER_ID);
    return d && d.length >= 4 ? `${d[0]}.${d[1]}.${d[2]}.${d[3]}` : undefined;
  }

  private onOffer(m: Dhcp4Message): void {
    if (this.st !== 'selecting') return;
    const serverId = this.serverIdOf(m);
    if (!serverId) return this.log.warn('selecting lease failed: could not get DHCP server identifier');
    if (m.yiaddr === '0.0.0.0') return this.log.debug('selecting lease failed: no yiaddr address');
    if (this.request.rejectServers.some((spec) => ip4Matches(serverId, spec))) {
      return this.log.debug(`server-id ${serverId} is in the reject-list, ignoring`);
    }
    const until = this.declined.get(m.yiaddr);
    if (until !== undefined && until > this.now()) return this.log.debug(`offered lease rejected: address ${m.yiaddr} failed ACD check`);
    this.log.info(`selecting offered lease from ${serverId} for ${m.yiaddr}`);
    this.st = 'requesting';
    // SELECT continues the DISCOVER's transaction: same xid, same start time.
    this.begin('select', { requestedIp: m.yiaddr, serverId }, undefined, m.xid);
  }

  private onNak(m: Dhcp4Message): void {
    if (!['requesting', 'rebooting', 'renewing', 'rebinding'].includes(this.st)) return;
    // Only a NAK to our SELECT must come from the server we chose (as n-dhcp4); in REBINDING any server may answer.
    const expected = this.st === 'requesting' ? this.pending?.fields.serverId : undefined;
    const from = this.serverIdOf(m);
    if (expected && from !== expected) {
      return this.log.debug(`discarded NAK with wrong server-id ${from ?? '(none)'}`);
    }
    this.log.info(`received NAK from ${from ?? '?'} in state ${this.st}`);
    this.sawNak = true;
    this.bound = undefined;
    this.lastAddress = undefined;
    const delay = this.nakDelay;
    this.nakDelay = Math.min(Math.max(this.nakDelay * 2, NAK_DELAY_MIN_MS), RESTART_DELAY_MAX_MS);
    this.enterInit(delay);
  }

  private onAck(m: Dhcp4Message, packet: ReceivedPacket): void {
    const st = this.st;
    if (!['requesting', 'rebooting', 'renewing', 'rebinding'].includes(st)) return;
    const p = this.pending!;
    const parsed = parseLease(m, {
      logger: this.log,
      clientIdHex: this.identity.clientId ? bytesToHex(this.identity.clientId) : undefined,
      requestSentAt: p.firstSent,
      now: this.now(),
    });
    const serverId = this.serverIdOf(m) ?? this.bound?.serverId ?? p.fields.serverId;
    if ('error' in parsed || !serverId) {
      const why = 'error' in parsed ? parsed.error : 'no server identifier (54)';
      if (st === 'renewing' || st === 'rebinding') return this.log.warn(`ignored an unusable ACK while ${st}: ${why}`);
      // NetworkManager declines a lease it cannot parse and fails.
      if (serverId) this.sendDecline(m.yiaddr, serverId, 'invalid lease');
      return this.fail('error', `invalid lease from ${packet.fromAddress ?? 'the server'}: ${why}`);
    }
    this.timers.clear('retransmit', 'reboot');
    this.pending = undefined;
    const bound: Bound = {
      lease: parsed.lease,
      times: parsed.times,
      address: m.yiaddr,
      serverId,
      serverMac: packet.fromLladdr ?? this.bound?.serverMac,
      base: p.firstSent,
    };
    if (st === 'renewing' || st === 'rebinding') {
      if (this.bound && this.bound.address !== bound.address) this.log.info(`lease changed from ${this.bound.address} to ${bound.address}`);
      this.bind(bound, 'extended');
      return;
    }
    const timeoutMs = this.request.acdTimeout ?? 0;
    if (timeoutMs <= 0) return this.bind(bound, 'granted');
    this.st = 'probing';
    this.probe(bound, timeoutMs);
  }

  private probe(bound: Bound, timeoutMs: number): void {
    const acd = new AbortController();
    this.acd = acd;
    this.log.debug(`acd: check for address ${bound.address} (timeout ${timeoutMs} msec)`);
    probeAddress({ io: this.deps.io, ifindex: this.request.ifindex, mac: this.identity.mac, address: bound.address, timeoutMs, signal: acd.signal, random: this.random }).then(
      (r) => {
        if (acd.signal.aborted || this.st !== 'probing') return;
        this.acd = undefined;
        if (!r.conflict) {
          this.bind(bound, 'granted');
          this.stopAnnounce = announceAddress(this.deps.io, this.request.ifindex, this.identity.mac, bound.address, (e) =>
            this.log.debug(`acd: announcing ${bound.address} failed: ${(e as Error).message}`),
          );
          return;
        }
        this.log.warn(`acd: address ${bound.address} is already used by ${r.by}; declining the lease from ${bound.serverId}`);
        this.sendDecline(bound.address, bound.serverId, 'address conflict detected');
        this.declined.set(bound.address, this.now() + DECLINED_GRACE_MS);
        this.lastAddress = undefined;
        this.declineDelay = Math.min(Math.max(this.declineDelay * 2, DECLINE_DELAY_MIN_MS), RESTART_DELAY_MAX_MS);
        this.enterInit(this.declineDelay);
      },
      (e) => {
        if (acd.signal.aborted || this.st !== 'probing') return;
        // Without a probe NetworkManager's l3cfg cannot decide either; take the address rather than lose the link.
        this.log.warn(`acd: probing ${bound.address} failed (${(e as Error).message}); using it unprobed`);
        this.bind(bound, 'granted');
      },
    );
  }

  private sendDecline(address: string, serverId: string, why: string): void {
    const msg = buildClientMessage('decline', this.identity, { xid: newXid(), secs: 0, requestedIp: address, serverId, errorMessage: why });
    this.log.info(`send DECLINE of ${address} to 255.255.255.255`);
    this.send(msg, 'DECLINE');
  }

  private bind(b: Bound, how: 'granted' | 'extended'): void {
    this.st = 'bound';
    this.bound = b;
    this.lastAddress = b.address;
    this.sawNak = false;
    this.nakDelay = 0;
    if (how === 'granted') this.declineDelay = 0;
    this.timers.clear('timeout', 'restart');
    const { lifetime, t1, t2 } = b.times;
    if (lifetime !== undefined) {
      const since = this.now() - b.base;
      this.timers.set('t1', t1! * 1000 - since, () => this.onT1(), true);
      this.timers.set('t2', t2! * 1000 - since, () => this.onT2(), true);
      this.timers.set('expiry', lifetime * 1000 - since, () => this.onExpiry(), true);
    }
    this.log.info(`lease ${how}: ${b.address}/${b.lease.addresses[0]!.prefixlen} from ${b.serverId}, lease time ${lifetime ?? 'infinite'}`);
    const expiry = lifetime === undefined ? undefined : Math.floor(b.base / 1000) + lifetime;
    const file = this.request.leaseFile;
    this.fileWrites = this.fileWrites
      .then(() => writeLeaseFile(file, { address: b.address, serverId: b.serverId, expiry }))
      .catch((e) => this.log.warn(`error saving lease to ${file}: ${(e as Error).message}`));
    this.events.onLease(b.lease);
  }

  private onT1(): void {
    if (this.st !== 'bound' || !this.bound) return;
    const b = this.bound;
    this.st = 'renewing';
    this.txStart = this.now();
    this.log.info(`T1 reached: renewing ${b.address} with ${b.serverId}`);
    // Unicast to the server, from our address (RFC 2131 4.4.5).
    this.begin('renew', { ciaddr: b.address }, { lladdr: b.serverMac, address: b.serverId, source: b.address });
  }

  private onT2(): void {
    if ((this.st !== 'bound' && this.st !== 'renewing') || !this.bound) return;
    const b = this.bound;
    this.st = 'rebinding';
    this.txStart = this.now();
    this.log.info(`T2 reached: rebinding ${b.address} with any server`);
    this.begin('rebind', { ciaddr: b.address }, { source: b.address });
  }

  private onExpiry(): void {
    const b = this.bound;
    if (!b) return;
    this.fail('expired', `lease of ${b.address} from ${b.serverId} expired on ${this.request.ifname}`);
  }
}

function newXid(): number {
  return randomBytes(4).readUInt32BE(0);
}

/** Start a DHCPv4 session; throws naming the link when it cannot start. */
export async function startDhcp4(request: DhcpRequest, events: DhcpEvents, deps: Dhcp4Deps): Promise<Dhcp4Client> {
  const client = new Dhcp4Client(request, events, deps);
  await client.start();
  return client;
}
