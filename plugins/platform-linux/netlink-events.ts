/**
 * The event socket: an rtnetlink socket that only listens to the link,
 * IPv4/IPv6 address and IPv4/IPv6 route multicast groups, apart from the
 * request socket so that a storm of notifications never crowds out the ACKs
 * our requests wait for.
 *
 * It lives in a small relay process, not in ours. When the kernel drops
 * notifications it sets an error on the socket; epoll reports that as
 * POLLERR, libuv hands the netlink package's poll callback UV_EBADF, and the
 * package's native code then throws a C++ exception while building the
 * error (it passes a NULL syscall name to Napi::String::New) and the process
 * aborts, whether or not an 'error' listener is attached (tried: a receive
 * buffer of 64 KiB and 100 unread ACKs is enough). So the socket that can
 * overflow is kept in a process whose death we can survive:
 * - the relay reads the socket continuously and forwards each datagram
 *   through a pipe, framed as [u32 length][bytes];
 * - if we stall and more than `queueBytes` wait in the relay, it drops
 *   what comes next; if its socket reports ENOBUFS on a read, the kernel
 *   dropped some. Either way the relay keeps reading and dropping until its
 *   own queue has gone out and the socket was read dry (what still sat in
 *   the socket may be older than what was lost), then sends OVERFLOW and
 *   forwards again. Everything after OVERFLOW is newer than the loss;
 * - if the socket's error reaches the relay through poll() instead, the
 *   package aborts it: we count its death as a loss, start a new relay and
 *   report the loss once that one has subscribed.
 * Either way the platform resynchronises from a dump. A relay says READY
 * once it has joined the groups, so "subscribe, then dump" holds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { Logger } from '../../sdk/index.js';
import * as C from './rtnl-constants.js';

// Local copies: under jiti every use of an imported binding is a Proxy read (see rtnl-decode.ts).
const { NLMSG_HDRLEN, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK } = C;

const GROUPS = [RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE];
const FRAME_OVERFLOW = 0xffffffff;
const FRAME_READY = 0xfffffffe;
/** A relay that dies younger than this is restarted after a pause, not at once. */
const RESPAWN_MIN_LIFE_MS = 2000;
const RESPAWN_DELAY_MS = 1000;

/**
 * The relay, run with `node -e`: argv[1] the netlink package, argv[2] the
 * receive buffer, argv[3] the queue limit, argv[4] the groups. Plain
 * JavaScript, so it needs no build step and no loader.
 */
const RELAY_SOURCE = String.raw`'use strict';
const net = require('node:net');
const { RawNetlinkSocket } = require(process.argv[1]);
const rcvbuf = Number(process.argv[2]);
const queueLimit = Number(process.argv[3]);
const out = new net.Socket({ fd: 3, readable: true, writable: true });
const quit = () => process.exit(0);
out.on('end', quit);
out.on('close', quit);
out.on('error', quit);
out.resume();
const frame = (n) => { const b = Buffer.allocUnsafe(4); b.writeUInt32LE(n, 0); return b; };
let discarding = false;
let corked = false;
let reads = 0;
const uncork = () => { corked = false; out.uncork(); };
// Resume once the queue is out and a whole loop turn read nothing from the
// socket (with immediates pending, libuv polls without blocking between two
// check phases, so that turn saw the socket empty).
const resumeWhenDry = () => {
  const before = reads;
  setImmediate(() => setImmediate(() => {
    if (reads !== before || out.writableLength > 0) return void setTimeout(resumeWhenDry, 1);
    discarding = false;
    out.write(frame(0xffffffff));
  }));
};
const lost = () => { if (!discarding) { discarding = true; resumeWhenDry(); } };
const sock = new RawNetlinkSocket(0, { recvBufferSize: rcvbuf, sendBufferSize: 0 });
sock.on('error', (e) => { if (e.errno === 105) lost(); });
sock.on('message', (buf) => {
  reads++;
  if (discarding) return;
  if (out.writableLength > queueLimit) return lost();
  if (!corked) { corked = true; out.cork(); process.nextTick(uncork); }
  out.write(frame(buf.length));
  out.write(buf);
});
for (const g of process.argv[4].split(',')) sock.addMembership(Number(g));
out.write(frame(0xfffffffe));
`;

const netlinkModule = createRequire(import.meta.url).resolve('netlink');

export interface EventSocketHandlers {
  /** One notification: message type and flags, the buffer, payload offset and length. */
  message(type: number, flags: number, buf: Buffer, at: number, len: number): void;
  /** Notifications were lost. */
  overflow(): void;
}

export interface EventSocketOptions {
  /** SO_RCVBUF asked for the kernel socket. */
  recvBufferBytes: number;
  /** Bytes the relay holds for us while we do not read before it counts them lost. */
  queueBytes: number;
  logger?: Logger;
}

export class RtnlEventSocket {
  private child: ChildProcess | undefined;
  private ready: Promise<void> = Promise.resolve();
  private rest: Buffer | undefined;
  private wanted = false;
  private starting = false;

  constructor(private opts: EventSocketOptions, private handlers: EventSocketHandlers) {}

  /** Subscribe; resolves once the kernel queues every change for us. */
  open(): Promise<void> {
    this.wanted = true;
    if (!this.child && !this.starting) this.spawnRelay();
    return this.ready;
  }

  close(): void {
    this.wanted = false;
    const child = this.child;
    this.child = undefined;
    this.rest = undefined;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }

  get isOpen(): boolean {
    return this.child !== undefined;
  }

  /** The relay's pid (tests stop it to make the kernel overflow its socket). */
  get relayPid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves once the current relay has joined the groups (after a restart: the new one). */
  subscribed(): Promise<void> {
    return this.ready;
  }

  /**
   * Start a relay after `delayMs`; `ready` stands for it from now on, so
   * whoever waits for a subscription (subscribed(), open()) waits for this one.
   */
  private spawnRelay(delayMs = 0): void {
    let markReady!: () => void;
    let fail!: (e: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      fail = reject;
    });
    this.ready.catch(() => undefined);
    this.starting = true;
    const start = () => {
      this.starting = false;
      if (!this.wanted) return fail(new Error('netlink event socket closed'));
      const child = spawn(
        process.execPath,
        ['-e', RELAY_SOURCE, netlinkModule, String(this.opts.recvBufferBytes), String(this.opts.queueBytes), GROUPS.join(',')],
        { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
      );
      const startedAt = Date.now();
      this.child = child;
      this.rest = undefined;
      const pipe = child.stdio[3] as Readable;
      pipe.on('data', (chunk: Buffer) => {
        if (this.child === child) this.onChunk(chunk, markReady);
      });
      pipe.on('error', () => undefined);
      child.stderr?.on('data', (d: Buffer) => this.opts.logger?.debug('netlink event relay says', { text: d.toString().trim() }));
      child.on('error', (e) => fail(e));
      child.on('exit', (code, signal) => {
        fail(new Error(`netlink event relay exited (${signal ?? code}) before subscribing`));
        if (this.child !== child) return;
        this.child = undefined;
        if (!this.wanted) return;
        // Its socket overflowed (or it died otherwise): whatever it held is
        // lost. Subscribe again before saying so, so that the resync's dump
        // comes after the new subscription; back off if relays keep dying young.
        this.opts.logger?.warn('netlink event relay ended; events may be lost, starting a new one', { code, signal });
        this.spawnRelay(Date.now() - startedAt < RESPAWN_MIN_LIFE_MS ? RESPAWN_DELAY_MS : 0);
        this.handlers.overflow();
      });
    };
    if (delayMs > 0) setTimeout(start, delayMs).unref();
    else start();
  }

  private onChunk(chunk: Buffer, markReady: () => void): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let off = 0;
    while (off + 4 <= buf.length) {
      const len = buf.readUInt32LE(off);
      if (len === FRAME_READY) {
        off += 4;
        markReady();
        continue;
      }
      if (len === FRAME_OVERFLOW) {
        off += 4;
        this.handlers.overflow();
        continue;
      }
      if (off + 4 + len > buf.length) break;
      this.onDatagram(buf, off + 4, off + 4 + len);
      off += 4 + len;
    }
    this.rest = off < buf.length ? buf.subarray(off) : undefined;
  }

  private onDatagram(buf: Buffer, start: number, end: number): void {
    let off = start;
    while (off + NLMSG_HDRLEN <= end) {
      const len = buf.readUInt32LE(off);
      if (len < NLMSG_HDRLEN || off + len > end) break;
      this.handlers.message(buf.readUInt16LE(off + 4), buf.readUInt16LE(off + 6), buf, off + NLMSG_HDRLEN, len - NLMSG_HDRLEN);
      off += (len + 3) & ~3;
    }
  }
}
