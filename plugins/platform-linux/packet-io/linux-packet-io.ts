/**
 * PacketIo on Linux: every channel of every link goes through one helper
 * process (helper-process.ts), started on the first open. Each channel has
 * an id of ours; the helper answers OPEN with OPENED and every SEND with
 * SENT, in order, so each promise settles with the kernel's own answer.
 *
 * If the helper dies, its channels are opened again on a new one (at once,
 * or after a pause when helpers keep dying young) and their sends wait for
 * that; sends in flight are rejected. Only when the helper that died never
 * said anything (it could not start: no binary, no permission) do the opens
 * waiting for it fail, with its reason: an error, not a retry loop.
 */
import { Errno, PlatformError, type Logger, type PacketChannel, type PacketDestination, type PacketIo, type PacketProtocol, type ReceivedPacket } from '../../../sdk/index.js';
import { asPlatformError, invalid, platformError } from '../platform-errors.js';
import { encodeClose, encodeOpen, encodeSend, type HelperEvent } from './frames.js';
import { HelperMissing, HelperProcess, type HelperProcessOptions } from './helper-process.js';
import { PROTOCOLS, type ProtocolRow } from './protocols.js';

/** A helper that dies younger than this is restarted after a pause, doubled each time up to the maximum. */
const RESPAWN_MIN_LIFE_MS = 2000;
const RESPAWN_FIRST_DELAY_MS = 1000;
const RESPAWN_MAX_DELAY_MS = 30_000;
const EBADF = 9;

export type LinuxPacketIoOptions = HelperProcessOptions;

/** A send the helper has not answered, and what it was (errors name it). */
interface PendingSend {
  op: string;
  resolve(): void;
  reject(e: Error): void;
}

class Channel implements PacketChannel {
  /** OPEN was written to the current helper. */
  sentOpen = false;
  /** The current helper answered OPENED. */
  opened = false;
  closed = false;
  /** Reopening on a new helper failed: every send fails with this. */
  failure: PlatformError | undefined;
  /** The first open's promise, until OPENED. */
  opening: { resolve(c: Channel): void; reject(e: Error): void } | undefined;
  /** SEND frames (and their sequence numbers) waiting for OPENED after a restart. */
  readonly waiting: Array<{ seq: number; frame: Buffer }> = [];

  constructor(
    private io: LinuxPacketIo,
    readonly id: number,
    readonly ifindex: number,
    readonly protocol: PacketProtocol,
    readonly row: ProtocolRow,
    readonly onPacket: (packet: ReceivedPacket) => void,
  ) {}

  get what(): string {
    return `${this.protocol} channel on ifindex ${this.ifindex}`;
  }

  send(data: Uint8Array, to?: PacketDestination): Promise<void> {
    return this.io.sendOn(this, data, to);
  }

  close(): void {
    this.io.closeChannel(this);
  }
}

export class LinuxPacketIo implements PacketIo {
  private helper: HelperProcess;
  private channels = new Map<number, Channel>();
  /** Sends the helper has not answered, by sequence number. */
  private sends = new Map<number, PendingSend>();
  private nextId = 1;
  private nextSeq = 1;
  private startedAt = 0;
  /** The current helper has sent at least one event (it did start). */
  private heard = false;
  private respawnDelay = 0;
  private respawnTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private logger: Logger | undefined;

  constructor(opts: LinuxPacketIoOptions = {}) {
    this.logger = opts.logger;
    this.helper = new HelperProcess(opts, { event: (e) => this.onEvent(e), ended: (reason) => this.onEnded(reason) });
    this.helper.setRef(false);
  }

  /** The helper's pid, when one runs (tests kill it). */
  get helperPid(): number | undefined {
    return this.helper.pid;
  }

  open(ifindex: number, protocol: PacketProtocol, onPacket: (packet: ReceivedPacket) => void): Promise<PacketChannel> {
    const op = `open ${protocol} channel on ifindex ${ifindex}`;
    const row = Object.hasOwn(PROTOCOLS, protocol) ? PROTOCOLS[protocol] : undefined;
    if (!row) return Promise.reject(invalid(op, `unknown protocol '${String(protocol)}' (dhcp4, arp or icmp6-nd)`));
    if (!Number.isInteger(ifindex) || ifindex <= 0 || ifindex > 0x7fffffff) return Promise.reject(invalid(op, 'not an interface index'));
    if (this.stopped) return Promise.reject(platformError(Errno.EIO, op, 'packet I/O is stopped'));
    const ch = new Channel(this, this.nextId, ifindex, protocol, row, onPacket);
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const opened = new Promise<Channel>((resolve, reject) => (ch.opening = { resolve, reject }));
    this.channels.set(ch.id, ch);
    this.helper.setRef(true);
    this.sync();
    return opened;
  }

  /** End the helper and fail whatever waits. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.respawnTimer);
    this.helper.stop();
    const why = 'packet I/O stopped';
    for (const ch of this.channels.values()) {
      ch.closed = true;
      ch.opening?.reject(platformError(Errno.EIO, `open ${ch.what}`, why));
      this.rejectWaiting(ch, platformError(Errno.EIO, `send on ${ch.what}`, why));
    }
    this.channels.clear();
    this.rejectSends(why);
  }

  /** @internal (Channel.send) */
  sendOn(ch: Channel, data: Uint8Array, to: PacketDestination | undefined): Promise<void> {
    const op = `send on ${ch.what}`;
    if (ch.failure) return Promise.reject(ch.failure);
    if (ch.closed) return Promise.reject(platformError(EBADF, op, 'the channel is closed'));
    const seq = this.nextSeq;
    this.nextSeq = this.nextSeq >= 0xffffffff ? 1 : this.nextSeq + 1;
    let frame: Buffer;
    try {
      frame = encodeSend(ch.id, seq, ch.row.destination(to), ch.row.wrap(data, to));
    } catch (e) {
      return Promise.reject(e instanceof RangeError ? invalid(op, e.message) : asPlatformError(e, op));
    }
    return new Promise<void>((resolve, reject) => {
      this.sends.set(seq, { op, resolve, reject });
      if (ch.opened) this.helper.write(frame);
      else ch.waiting.push({ seq, frame });
    });
  }

  /** @internal (Channel.close) */
  closeChannel(ch: Channel): void {
    if (ch.closed) return;
    ch.closed = true;
    this.channels.delete(ch.id);
    this.rejectWaiting(ch, platformError(EBADF, `send on ${ch.what}`, 'the channel was closed'));
    // Sends already written are still answered: the helper runs commands in order.
    if (ch.sentOpen && this.helper.running) this.helper.write(encodeClose(ch.id));
    if (this.channels.size === 0) this.helper.setRef(false);
  }

  /** Write OPEN for every channel the current helper does not know, starting one if needed. */
  private sync(): void {
    clearTimeout(this.respawnTimer);
    this.respawnTimer = undefined;
    for (const ch of this.channels.values()) {
      if (ch.sentOpen) continue;
      if (!this.helper.running) {
        this.startedAt = Date.now();
        this.heard = false;
      }
      try {
        this.helper.write(encodeOpen(ch.id, ch.row.code, ch.ifindex));
      } catch (e) {
        const missing = e instanceof HelperMissing;
        return this.failAll(missing ? Errno.ENOENT : Errno.EIO, (e as Error).message);
      }
      ch.sentOpen = true;
    }
  }

  /** No helper can run: every channel fails. */
  private failAll(errno: number, why: string): void {
    for (const ch of [...this.channels.values()]) {
      this.channels.delete(ch.id);
      const err = platformError(errno, `open ${ch.what}`, why);
      ch.failure = err;
      ch.opening?.reject(err);
      ch.opening = undefined;
      this.rejectWaiting(ch, err);
    }
    this.helper.setRef(false);
  }

  private rejectWaiting(ch: Channel, err: PlatformError): void {
    for (const w of ch.waiting.splice(0)) this.settle(w.seq, err);
  }

  private rejectSends(why: string): void {
    for (const [seq, s] of [...this.sends]) this.settle(seq, platformError(Errno.EIO, s.op, why));
  }

  /** Settle a send: resolved without `err`; `errno` makes the error from the send's own operation text. */
  private settle(seq: number, err?: Error | number): void {
    const s = this.sends.get(seq);
    if (!s) return;
    this.sends.delete(seq);
    if (err === undefined || err === 0) s.resolve();
    else s.reject(typeof err === 'number' ? platformError(err, s.op) : err);
  }

  private onEvent(e: HelperEvent): void {
    this.heard = true;
    const ch = this.channels.get(e.id);
    switch (e.type) {
      case 'opened':
        if (ch) this.onOpened(ch, e.errno);
        return;
      case 'packet': {
        if (!ch || !ch.opened) return;
        const packet = ch.row.unwrap(e.source, e.data, e.checksumNotReady);
        if (!packet) return;
        try {
          ch.onPacket(packet);
        } catch (err) {
          this.logger?.error(`packet handler of the ${ch.what} threw`, { error: String(err) });
        }
        return;
      }
      case 'error':
        if (ch) this.logger?.warn(`reading the ${ch.what} failed`, { error: platformError(e.errno, 'receive').code });
        return;
      case 'sent':
        this.settle(e.seq, e.errno);
        return;
    }
  }

  private onOpened(ch: Channel, errno: number): void {
    if (errno !== 0) {
      const reopening = !ch.opening;
      const err = platformError(errno, `${reopening ? 'reopen' : 'open'} ${ch.what}`);
      this.channels.delete(ch.id);
      ch.failure = err;
      ch.opening?.reject(err);
      ch.opening = undefined;
      this.rejectWaiting(ch, err);
      if (reopening) this.logger?.warn(`the ${ch.what} could not be reopened on a new packet helper`, { error: err.message });
      if (this.channels.size === 0) this.helper.setRef(false);
      return;
    }
    ch.opened = true;
    for (const w of ch.waiting.splice(0)) this.helper.write(w.frame);
    ch.opening?.resolve(ch);
    ch.opening = undefined;
  }

  private onEnded(reason: string): void {
    this.rejectSends(reason);
    const reopen: Channel[] = [];
    for (const ch of [...this.channels.values()]) {
      ch.sentOpen = false;
      ch.opened = false;
      if (this.heard || !ch.opening) {
        reopen.push(ch);
      } else {
        // A helper that never started: fail rather than wait for one that may never start either.
        this.channels.delete(ch.id);
        ch.failure = platformError(Errno.EIO, `open ${ch.what}`, reason);
        ch.opening?.reject(ch.failure);
        ch.opening = undefined;
        this.rejectWaiting(ch, ch.failure);
      }
    }
    if (reopen.length === 0) {
      this.helper.setRef(false);
      return;
    }
    const young = Date.now() - this.startedAt < RESPAWN_MIN_LIFE_MS;
    this.respawnDelay = young ? Math.min(Math.max(RESPAWN_FIRST_DELAY_MS, this.respawnDelay * 2), RESPAWN_MAX_DELAY_MS) : 0;
    this.logger?.warn('packet helper ended; reopening its channels on a new one', { reason, channels: reopen.length, delayMs: this.respawnDelay });
    if (this.respawnDelay === 0) this.sync();
    else this.respawnTimer = setTimeout(() => this.sync(), this.respawnDelay);
  }
}
