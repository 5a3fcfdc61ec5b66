/**
 * The request socket: pipelined rtnetlink requests matched to their replies
 * by sequence number.
 *
 * How much of the `netlink` package (0.3.0) we use, and why: only its native
 * socket, RawNetlinkSocket (bind, multicast membership, SO_RCVBUF/SO_SNDBUF,
 * non-blocking send and receive on libuv). Everything above it is ours:
 * - its NetlinkSocket/RtNetlinkSocket layer drops the message type of
 *   notifications (NEW and DEL look alike) and rejects with errors that
 *   carry no errno, so we read the header and NLMSG_ERROR's errno ourselves;
 * - its native code aborts the whole process when a socket error (ENOBUFS)
 *   is reported through poll(), 'error' listener or not (netlink-events.ts
 *   has the details): the event socket therefore lives in a helper process
 *   of our own, and this socket must never overflow (see the reservations below);
 * - its attribute codecs parse every attribute into objects (statistics,
 *   flag sets, `__unparsed`, which throws) and hand link-info data and veth
 *   peers back as raw buffers anyway; decoding the dozen attributes we need
 *   straight from the receive buffer (rtnl-decode.ts) is a single pass with
 *   no garbage, and encoding (rtnl-requests.ts) is a few lines per message;
 * - its request() sends one message and waits; we keep many in flight.
 *
 * Pipelining. Requests are queued in call order and flushed once per tick:
 * everything queued in the same tick goes out in one sendmsg (the kernel
 * handles each message of a datagram in turn and acknowledges each one), up
 * to MAX_BATCH_BYTES, then the next batch after the loop has read replies.
 * The kernel handles a request inside sendmsg and queues its ACK on this
 * socket at once, so replies in flight are bounded by the receive buffer:
 * each request reserves the bytes its reply can take, and the queue waits
 * while three quarters of the buffer are reserved, rather than let the
 * kernel drop an ACK (its request would never settle, and the socket error
 * would abort the process).
 * Dumps are one at a time (the kernel refuses a second dump on a socket
 * while one runs); other requests may go alongside.
 */
// Only the raw socket: the package's index also builds every generic-netlink,
// nl80211 and rtnetlink struct table at load (about 1.3 MB of heap we never use).
import { RawNetlinkSocket } from 'netlink/dist/raw.js';
import { Errno, type Logger } from '../../sdk/index.js';
import { forEachNlMessage, nlErrno } from './nl-message.js';
import { platformError } from './platform-errors.js';
import * as C from './rtnl-constants.js';

// Local copies: under jiti every use of an imported binding is a Proxy read (see rtnl-decode.ts).
const { NETLINK_ROUTE, NLM_F_DUMP_INTR, NLMSG_DONE, NLMSG_ERROR } = C;

type RawSocket = RawNetlinkSocket;

/** Called for each reply message that is not the final ACK/DONE: type, buffer, payload offset and length. */
export type ReplyHandler = (type: number, buf: Buffer, at: number, len: number) => void;

/**
 * Receive-buffer space (skb truesize) a request reserves for its replies:
 * an ACK takes about 830 bytes, a link reply about 4.2 KB (measured on
 * 6.x: how many replies fit a 64 KiB buffer); a dump is paced by the
 * kernel, which fills the buffer only while there is room.
 */
export const REPLY_ACK = 1024;
export const REPLY_OBJECT = 6144;
const REPLY_DUMP = 32768;
/** Largest sendmsg; well under the smallest send buffer a kernel allows us. */
const MAX_BATCH_BYTES = 16 * 1024;

interface Pending {
  msg: Buffer;
  operation: string;
  reserve: number;
  dump: boolean;
  onReply?: ReplyHandler;
  interrupted: boolean;
  resolve(interrupted: boolean): void;
  reject(err: Error): void;
}

export interface RequestSocketOptions {
  logger?: Logger;
  /** SO_RCVBUF asked for (the kernel doubles it, capped by net.core.rmem_max). */
  recvBufferBytes: number;
  /** Cap on requests in flight, whatever the buffer allows. */
  maxInFlight: number;
}

export class RtnlRequestSocket {
  private sock: RawSocket | undefined;
  private seq = (Math.random() * 0x7fffffff) >>> 0;
  private inFlight = new Map<number, Pending>();
  private queue: Pending[] = [];
  private queueHead = 0;
  private reserved = 0;
  private budget = 0;
  private dumpRunning = false;
  private flushScheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private opts: RequestSocketOptions) {}

  /** Send a request; resolves on its ACK, rejects with PlatformError(errno) on NLMSG_ERROR. */
  request(msg: Buffer, operation: string, reserve = REPLY_ACK, onReply?: ReplyHandler): Promise<void> {
    return new Promise<boolean>((resolve, reject) => {
      this.enqueue({ msg, operation, reserve, dump: false, onReply, interrupted: false, resolve, reject });
    }).then(() => undefined);
  }

  /**
   * Send a dump request; onReply sees every object message. Resolves with
   * true when the kernel flagged the dump as interrupted (NLM_F_DUMP_INTR:
   * the table changed while it was read) and the caller should dump again.
   */
  dump(msg: Buffer, operation: string, onReply: ReplyHandler): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.enqueue({ msg, operation, reserve: REPLY_DUMP, dump: true, onReply, interrupted: false, resolve, reject });
    });
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.inFlight.size === 0 && this.queueHead >= this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    const err = platformError(Errno.EIO, 'platform stopped', 'socket closed with the request unanswered');
    for (const p of this.inFlight.values()) p.reject(err);
    for (let i = this.queueHead; i < this.queue.length; i++) this.queue[i]!.reject(err);
    this.inFlight.clear();
    this.queue = [];
    this.queueHead = 0;
    this.reserved = 0;
    this.dumpRunning = false;
    this.sock?.close();
    this.sock = undefined;
    this.notifyIdle();
  }

  private open(): RawSocket {
    const sock = new RawNetlinkSocket(NETLINK_ROUTE, {
      recvBufferSize: this.opts.recvBufferBytes,
      sendBufferSize: 4 * MAX_BATCH_BYTES,
    });
    sock.on('message', (buf) => this.onDatagram(buf));
    sock.on('error', (err) => this.onSocketError(err));
    // getRecvBufferSize() is what the kernel granted (already doubled); keep a quarter spare.
    this.budget = Math.max(Math.floor(sock.getRecvBufferSize() * 0.75), REPLY_DUMP + REPLY_OBJECT);
    sock.unref();
    this.sock = sock;
    return sock;
  }

  private enqueue(p: Pending): void {
    this.queue.push(p);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    let sock: RawSocket;
    try {
      sock = this.sock ?? this.open();
    } catch (e) {
      // No socket (no memory, no permission): every waiting request fails with the reason.
      const errno = (e as { errno?: number }).errno;
      for (let i = this.queueHead; i < this.queue.length; i++) {
        const p = this.queue[i]!;
        p.reject(platformError(errno || Errno.EIO, p.operation, `cannot open a netlink socket: ${(e as Error).message}`));
      }
      this.queue = [];
      this.queueHead = 0;
      this.notifyIdle();
      return;
    }
    const batch: Buffer[] = [];
    const sent: Pending[] = [];
    let bytes = 0;
    while (this.queueHead < this.queue.length) {
      const p = this.queue[this.queueHead]!;
      if (p.dump && this.dumpRunning) break;
      if (this.reserved + p.reserve > this.budget && this.inFlight.size > 0) break;
      if (this.inFlight.size >= this.opts.maxInFlight) break;
      if (bytes + p.msg.length > MAX_BATCH_BYTES && batch.length > 0) break;
      this.queueHead++;
      this.seq = (this.seq + 1) >>> 0 || 1;
      p.msg.writeUInt32LE(this.seq, 8);
      this.inFlight.set(this.seq, p);
      this.reserved += p.reserve;
      if (p.dump) this.dumpRunning = true;
      batch.push(p.msg);
      sent.push(p);
      bytes += p.msg.length;
    }
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    }
    if (batch.length === 0) return;
    sock.ref();
    sock.send(batch, undefined, (err) => {
      if (!err) return;
      // The datagram never reached the kernel: fail exactly the requests it carried.
      for (const p of sent) {
        for (const [seq, q] of this.inFlight) if (q === p) this.finish(seq, q, -(err.errno || Errno.EIO));
      }
    });
    // More waiting and room for it: send after the loop has had a chance to read replies.
    if (this.queueHead < this.queue.length && !this.flushScheduled && this.canSendNext()) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private canSendNext(): boolean {
    const p = this.queue[this.queueHead];
    if (!p) return false;
    if (p.dump && this.dumpRunning) return false;
    return this.inFlight.size === 0 || (this.reserved + p.reserve <= this.budget && this.inFlight.size < this.opts.maxInFlight);
  }

  private onDatagram(buf: Buffer): void {
    forEachNlMessage(buf, (type, flags, seq, payload, payloadLen) => {
      const p = this.inFlight.get(seq);
      if (!p) return;
      if (type === NLMSG_ERROR) {
        this.finish(seq, p, nlErrno(buf, payload, payloadLen, -Errno.EIO));
      } else if (type === NLMSG_DONE) {
        // DONE carries the dump's own error, if any.
        this.finish(seq, p, nlErrno(buf, payload, payloadLen, 0));
      } else {
        if (flags & NLM_F_DUMP_INTR) p.interrupted = true;
        p.onReply?.(type, buf, payload, payloadLen);
      }
    });
    // Room freed: send more once this poll phase has read everything ready,
    // so that the freed room goes out as one batch rather than one by one.
    if (this.queueHead < this.queue.length && !this.flushScheduled && this.canSendNext()) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** errno is the kernel's negative value (0 is success). */
  private finish(seq: number, p: Pending, errno: number): void {
    this.inFlight.delete(seq);
    this.reserved -= p.reserve;
    if (p.dump) this.dumpRunning = false;
    if (errno === 0) p.resolve(p.interrupted);
    else p.reject(platformError(-errno, p.operation));
    if (this.inFlight.size === 0) {
      if (this.queueHead >= this.queue.length) {
        this.sock?.unref();
        this.notifyIdle();
      }
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private onSocketError(err: { errno?: number; message: string }): void {
    if (err.errno === Errno.ENOBUFS) {
      // Replies were dropped despite the reservations: the requests in flight
      // may or may not have been applied, and their ACKs will never come.
      this.opts.logger?.error('netlink request socket overflowed; failing the requests in flight', { inFlight: this.inFlight.size });
      for (const [seq, p] of [...this.inFlight]) this.finish(seq, p, -Errno.ENOBUFS);
      return;
    }
    this.opts.logger?.error('netlink request socket error', { error: err.message, errno: err.errno });
  }
}

