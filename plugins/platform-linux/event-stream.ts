/**
 * Platform events from kernel notifications, in kernel order and consistent
 * with the dumps.
 *
 * Consistency rests on one rule: an event read after a dump was requested
 * is delivered after that dump's snapshot. Replaying such events on top of
 * the snapshot can only move an object to a state it had at or after the
 * snapshot, so the listener's view converges on the kernel's. Hence:
 * - start() subscribes, then dumps, resolves with the snapshot, and only
 *   then delivers what arrived meanwhile;
 * - after a loss (netlink-events.ts reports it in order, after anything
 *   older than the lost events) everything is dumped again, and one
 *   {type:'resync'} replaces the lost events, followed by what arrived
 *   during that dump; what arrived before a second loss is dropped, since
 *   the next dump covers it.
 *
 * Two kernel habits are corrected on the way (each O(1) per event):
 * - a veth's peer is announced before its other end exists, with no parent,
 *   and never again; when the other end appears we say the peer's parent;
 * - IPv4 routes flushed because a link went down or lost its last address
 *   are not announced; silent-route-flush.ts finds them and we say 'del'.
 */
import type { Link, Logger, PlatformEvent, PlatformListener, PlatformSnapshot, Route } from '../../sdk/index.js';
import { RtnlEventSocket } from './netlink-events.js';
import { decodeEvent } from './rtnl-decode.js';
import { SilentRouteFlush } from './silent-route-flush.js';

const RESYNC_RETRY_MS = 1000;

export interface EventStreamOptions {
  logger?: Logger;
  /** Bytes of notifications held for us before they count as lost (see LinuxPlatformOptions). */
  bufferBytes: number;
  /** Dump links, addresses and routes. */
  dumpAll(): Promise<PlatformSnapshot>;
  /** Dump the IPv4 routes. */
  dumpIpv4Routes(): Promise<Route[]>;
  /** A link got this name (or, with undefined, is gone), as the delivered events say. */
  named(ifindex: number, name: string | undefined): void;
}

export class EventStream {
  private readonly socket: RtnlEventSocket;
  private listener: PlatformListener | undefined;
  /** Hold events back (a start or a resync dump is running). */
  private holding = false;
  private held: PlatformEvent[] = [];
  /** Bumped by every loss and by stop(); a dump started under an older value is stale. */
  private epoch = 0;
  private resyncing = false;
  /** Links as the delivered events left them. */
  private known = new Map<number, Link>();
  private readonly silentFlush = new SilentRouteFlush();
  private flushCheck: 'idle' | 'scheduled' | 'running' = 'idle';
  private flushCheckAgain = false;

  constructor(private opts: EventStreamOptions) {
    this.socket = new RtnlEventSocket(
      { recvBufferBytes: opts.bufferBytes, queueBytes: opts.bufferBytes, logger: opts.logger },
      { message: (type, _flags, buf, at, len) => this.onNotification(type, buf, at, len), overflow: () => this.onLoss() },
    );
  }

  get started(): boolean {
    return this.listener !== undefined;
  }

  async start(listener: PlatformListener): Promise<PlatformSnapshot> {
    if (this.listener) throw new Error('LinuxPlatform.start: already started');
    this.listener = listener;
    this.holding = true;
    this.held = [];
    const epoch = ++this.epoch;
    try {
      await this.socket.open();
      const snapshot = await this.opts.dumpAll();
      this.observeSnapshot(snapshot);
      // Deliver what arrived during the dump only once the caller holds the snapshot.
      setImmediate(() => {
        if (this.listener === listener && this.epoch === epoch && !this.resyncing) this.releaseHeld();
      });
      return snapshot;
    } catch (e) {
      this.stop();
      throw e;
    }
  }

  stop(): void {
    this.listener = undefined;
    this.holding = false;
    this.held = [];
    this.epoch++;
    this.socket.close();
  }

  private onNotification(type: number, buf: Buffer, at: number, len: number): void {
    if (!this.listener) return;
    const ev = decodeEvent(type, buf, at, len);
    if (!ev) return;
    if (this.holding) this.held.push(ev);
    else this.deliver(ev);
  }

  private deliver(ev: PlatformEvent): void {
    this.observe(ev);
    try {
      this.listener?.(ev);
    } catch (e) {
      this.opts.logger?.error('platform event listener threw', { error: e instanceof Error ? e.message : String(e), event: ev.type });
    }
    if (ev.type === 'link' && ev.action === 'new' && ev.link.kind === 'veth' && ev.link.parent !== 0) this.completeVethPeer(ev.link);
  }

  /** When a veth appears, its peer (announced first, parentless) gets its parent said. */
  private completeVethPeer(link: Link): void {
    const peer = this.known.get(link.parent);
    if (peer && peer.kind === 'veth' && peer.parent === 0) this.deliver({ type: 'link', action: 'new', link: { ...peer, parent: link.ifindex } });
  }

  private releaseHeld(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const ev of held) this.deliver(ev);
  }

  /** Keep what the delivered events say and notice when IPv4 routes may have gone silently. */
  private observe(ev: PlatformEvent): void {
    switch (ev.type) {
      case 'link': {
        const { link } = ev;
        const before = this.known.get(link.ifindex);
        if (ev.action === 'new') {
          this.known.set(link.ifindex, link);
          this.opts.named(link.ifindex, link.name);
          if (before?.up && !link.up && this.silentFlush.dependsOnLink(link.ifindex)) this.scheduleFlushCheck();
        } else {
          this.known.delete(link.ifindex);
          this.opts.named(link.ifindex, undefined);
          if (this.silentFlush.dependsOnLink(link.ifindex)) this.scheduleFlushCheck();
        }
        return;
      }
      case 'address':
        if (ev.action === 'del' && ev.address.family === 4) {
          if (this.silentFlush.dependsOnLink(ev.address.ifindex) || this.silentFlush.dependsOnAddress(ev.address.address)) this.scheduleFlushCheck();
        }
        return;
      case 'route':
        this.silentFlush.apply(ev.action, ev.route);
        return;
      case 'resync':
        this.observeSnapshot(ev.snapshot);
        return;
    }
  }

  private observeSnapshot(s: PlatformSnapshot): void {
    this.known.clear();
    for (const l of s.links) {
      this.known.set(l.ifindex, l);
      this.opts.named(l.ifindex, l.name);
    }
    this.silentFlush.reset(s.routes);
  }

  private scheduleFlushCheck(): void {
    if (this.flushCheck === 'running') {
      this.flushCheckAgain = true;
      return;
    }
    if (this.flushCheck === 'scheduled') return;
    this.flushCheck = 'scheduled';
    // Coalesce: a hundred links going down is one dump.
    setImmediate(() => void this.runFlushCheck());
  }

  private async runFlushCheck(): Promise<void> {
    this.flushCheck = 'running';
    try {
      do {
        this.flushCheckAgain = false;
        const epoch = this.epoch;
        if (!this.listener || this.holding) break; // a resync is coming and will replace everything
        this.silentFlush.begin();
        const routes = await this.opts.dumpIpv4Routes();
        if (epoch !== this.epoch || !this.listener || this.holding) {
          this.silentFlush.abort();
          break;
        }
        for (const route of this.silentFlush.end(routes)) this.deliver({ type: 'route', action: 'del', route });
      } while (this.flushCheckAgain);
    } catch (e) {
      this.silentFlush.abort();
      this.opts.logger?.warn('could not check for silently flushed IPv4 routes', { error: e instanceof Error ? e.message : String(e) });
    } finally {
      this.flushCheck = 'idle';
    }
  }

  private onLoss(): void {
    if (!this.listener) return;
    this.epoch++;
    this.holding = true;
    this.held = [];
    this.opts.logger?.warn('netlink events were lost; resynchronising from a dump');
    if (!this.resyncing) void this.resync();
  }

  private async resync(): Promise<void> {
    this.resyncing = true;
    try {
      for (;;) {
        const epoch = this.epoch;
        await this.socket.subscribed();
        if (!this.listener) return;
        const snapshot = await this.opts.dumpAll();
        if (!this.listener) return;
        if (epoch !== this.epoch) continue;
        this.deliver({ type: 'resync', snapshot });
        this.releaseHeld();
        return;
      }
    } catch (e) {
      this.opts.logger?.error('resync after lost events failed; retrying', { error: e instanceof Error ? e.message : String(e) });
      setTimeout(() => this.onLoss(), RESYNC_RETRY_MS).unref();
    } finally {
      this.resyncing = false;
    }
  }
}
