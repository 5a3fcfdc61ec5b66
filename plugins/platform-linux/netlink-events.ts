/**
 * The event socket: an rtnetlink socket that only listens to the link,
 * IPv4/IPv6 address and IPv4/IPv6 route multicast groups, apart from the
 * request socket so that a storm of notifications never crowds out the ACKs
 * our requests wait for.
 *
 * It lives in a small helper process of our own, native/rtnl-events.c
 * (built by `npm run build` into dist/plugins/platform-linux/nmk-rtnl-events),
 * not in ours. The `netlink` package cannot hold this socket: when the kernel
 * drops notifications it sets an error on the socket, epoll reports POLLERR,
 * and the package's native code aborts the whole process while building the
 * error (a NULL syscall name passed to Napi::String::New), 'error' listener or
 * not. The helper is a plain C loop of about 1 MB (a second Node process
 * costs about 45 MB); it was chosen over an N-API addon because it needs no
 * node-gyp, no Node headers and no libuv callbacks, and a fault in it can
 * only end the helper, which we survive:
 * - the helper forwards each datagram through a pipe, framed as
 *   [u32 length][bytes]; while we do not read, the pipe holds `queueBytes`,
 *   then the helper blocks and the netlink socket's receive buffer
 *   (SO_RCVBUFFORCE, `recvBufferBytes`) holds the rest;
 * - when that overflows the helper's next read fails with ENOBUFS: it drops
 *   what is still queued, sends OVERFLOW and forwards again. Everything after
 *   OVERFLOW is newer than the loss;
 * - if the helper dies, whatever it held is lost: we start a new one and
 *   report the loss once that one has subscribed.
 * Either way the platform resynchronises from a dump. The helper says READY
 * once it has joined the groups, so "subscribe, then dump" holds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import type { Logger } from '../../sdk/index.js';
import * as C from './rtnl-constants.js';

// Local copies: under jiti every use of an imported binding is a Proxy read (see rtnl-decode.ts).
const { NLMSG_HDRLEN, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK } = C;

const GROUPS = [RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE];
const FRAME_OVERFLOW = 0xffffffff;
const FRAME_READY = 0xfffffffe;
/** A helper that dies younger than this is restarted after a pause, not at once. */
const RESPAWN_MIN_LIFE_MS = 2000;
const RESPAWN_DELAY_MS = 1000;
const HELPER_NAME = 'nmk-rtnl-events';

/**
 * Where the helper is: beside this file once compiled (dist/plugins/platform-linux/),
 * and in dist/ when this file runs from the source tree (tests, jiti).
 */
export function eventHelperPath(
  candidates = [new URL(`./${HELPER_NAME}`, import.meta.url), new URL(`../../dist/plugins/platform-linux/${HELPER_NAME}`, import.meta.url)].map((u) => fileURLToPath(u)),
): string {
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `the netlink event helper ${HELPER_NAME} is not built (looked for ${candidates.join(' and ')}): ` +
        'run `npm run build` (it compiles plugins/platform-linux/native/rtnl-events.c and needs gcc and libc6-dev)',
    );
  }
  return found;
}

export interface EventSocketHandlers {
  /** One notification: message type and flags, the buffer, payload offset and length. */
  message(type: number, flags: number, buf: Buffer, at: number, len: number): void;
  /** Notifications were lost. */
  overflow(): void;
}

export interface EventSocketOptions {
  /** SO_RCVBUF asked for the kernel socket: what waits there while we do not read. */
  recvBufferBytes: number;
  /**
   * Send buffer of the helper's end of the pipe to us: what waits there,
   * framed (about 100 bytes a route notification against about 800 in the
   * netlink socket), before the helper stops reading the netlink socket.
   */
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
    if (!this.child && !this.starting) this.spawnHelper();
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

  /** The helper's pid (tests stop it to make the kernel overflow its socket). */
  get helperPid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves once the current helper has joined the groups (after a restart: the new one). */
  subscribed(): Promise<void> {
    return this.ready;
  }

  /**
   * Start a helper after `delayMs`; `ready` stands for it from now on, so
   * whoever waits for a subscription (subscribed(), open()) waits for this one.
   */
  private spawnHelper(delayMs = 0): void {
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
      let helper: string;
      try {
        helper = eventHelperPath();
      } catch (e) {
        this.wanted = false;
        return fail(e as Error);
      }
      const args = [String(this.opts.recvBufferBytes), String(this.opts.queueBytes), ...GROUPS.map(String)];
      const child = spawn(helper, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
      const startedAt = Date.now();
      let said = '';
      this.child = child;
      this.rest = undefined;
      const pipe = child.stdio[3] as Readable;
      pipe.on('data', (chunk: Buffer) => {
        if (this.child === child) this.onChunk(chunk, markReady);
      });
      pipe.on('error', () => undefined);
      child.stderr?.on('data', (d: Buffer) => {
        said = (said + d.toString()).slice(-2000);
        this.opts.logger?.warn('netlink event helper says', { text: d.toString().trim() });
      });
      child.on('error', (e) => fail(new Error(`cannot start the netlink event helper ${helper}: ${e.message}`)));
      child.on('exit', (code, signal) => {
        fail(new Error(`the netlink event helper exited (${signal ?? code}) before subscribing${said ? `: ${said.trim()}` : ''}`));
        if (this.child !== child) return;
        this.child = undefined;
        if (!this.wanted) return;
        // Whatever it held is lost. Subscribe again before saying so, so that
        // the resync's dump comes after the new subscription; back off if
        // helpers keep dying young.
        this.opts.logger?.warn('netlink event helper ended; events may be lost, starting a new one', { code, signal });
        this.spawnHelper(Date.now() - startedAt < RESPAWN_MIN_LIFE_MS ? RESPAWN_DELAY_MS : 0);
        this.handlers.overflow();
      });
    };
    if (delayMs > 0) setTimeout(start, delayMs).unref();
    else start();
  }

  /**
   * Frames from one read of the pipe. A frame cut by the read boundary is
   * completed from the next chunk by copying that one frame, not the chunks
   * (at storm rates whole-chunk copies were megabytes a second for malloc).
   */
  private onChunk(chunk: Buffer, markReady: () => void): void {
    let off = 0;
    if (this.rest) {
      const rest = this.rest;
      // The header first (it may itself be cut), then the frame it announces.
      const headerNeed = Math.max(0, 4 - rest.length);
      if (chunk.length < headerNeed) {
        this.rest = Buffer.concat([rest, chunk]);
        return;
      }
      const header = headerNeed > 0 ? Buffer.concat([rest, chunk.subarray(0, headerNeed)]) : rest;
      const len = header.readUInt32LE(0);
      const total = len === FRAME_READY || len === FRAME_OVERFLOW ? 4 : 4 + len;
      const need = total - rest.length;
      if (chunk.length < need) {
        this.rest = Buffer.concat([rest, chunk]);
        return;
      }
      this.rest = undefined;
      this.onFrames(Buffer.concat([rest, chunk.subarray(0, need)]), markReady);
      off = need;
    }
    const used = this.onFrames(off === 0 ? chunk : chunk.subarray(off), markReady);
    if (off + used < chunk.length) this.rest = Buffer.from(chunk.subarray(off + used));
  }

  /** Handle the whole frames at the start of buf; returns the bytes they took. */
  private onFrames(buf: Buffer, markReady: () => void): number {
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
    return off;
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
