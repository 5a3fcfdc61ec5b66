/**
 * A set of IPv4 routes in typed arrays: about 40 bytes a route instead of
 * the few hundred that a Route object and a string key in a Map cost. The
 * silent-flush check (silent-route-flush.ts) must remember every IPv4 route
 * of every table, and a routing daemon's table holds 100,000 or more; kept
 * as objects they were 50 MB of heap (PERFORMANCE.md W5 allows 10 MB).
 *
 * A route is one record of RECORD words, found through an open-addressing
 * hash index (linear probing, deletion by backward shift, so no tombstones).
 * Identity is what the kernel matches on: table, dst/len, tos, metric,
 * type, ifindex and gateway (routeIdentity in silent-route-flush.ts). Routes
 * this layout cannot hold (an IPv6 gateway through RTA_VIA, RTA_METRICS) are
 * the caller's to keep elsewhere: add() returns undefined for them. Each record also has a
 * byte of marks (present, seen) for the check's sweep.
 *
 * Memory: the arrays live in resizable ArrayBuffers, which grow in place and
 * give their pages back the moment they shrink. Plain typed arrays would leave
 * each outgrown copy to the garbage collector, and V8 collects old
 * ArrayBuffers only at its next full collection, which an idle daemon may
 * not run for a long time (measured: 12 MB still held after a flushed
 * 100,000-route table). Records keep their numbers while the set lives; the
 * arrays shrink back when it empties (a table flushed or a resync).
 */
import type { Route } from '../../sdk/index.js';

// Words of a record.
const TABLE = 0;
const DST = 1;
const METRIC = 2;
const IFINDEX = 3;
const GATEWAY = 4;
const PREFSRC = 5;
/** dstLen (6 bits) | type << 6 | protocol << 14 | scope << 22 | HAS_GATEWAY | HAS_PREFSRC */
const PACKED = 6;
/** tos (8 bits) | ONLINK */
const EXTRA = 7;
const RECORD = 8;
const ONLINK = 1 << 8;
const HAS_GATEWAY = 1 << 30;
const HAS_PREFSRC = 1 << 31;
/** The fields of PACKED that are part of the identity: dstLen and type. */
const IDENTITY_PACKED = 0x3fff | HAS_GATEWAY;

export const MARK_PRESENT = 1;
export const MARK_SEEN = 2;
/** Internal: the record holds a route (not on the free list). */
const LIVE = 0x80;
const MIN_RECORDS = 64;

/** "a.b.c.d" as an unsigned 32-bit number, or -1 when it is not a dotted quad. */
export function parseIpv4(s: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

export function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Most records a set can hold (address space reserved, not memory): 16 million routes. */
const MAX_RECORDS = 1 << 24;

type Resizable = ArrayBuffer & { resize(bytes: number): void };
/** ES2024 resizable ArrayBuffer (Node 20 has it; the compile target's lib does not yet name it). */
function resizable(bytes: number, maxBytes: number): Resizable {
  return new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Resizable)(bytes, { maxByteLength: maxBytes });
}

export class Ipv4RouteSet {
  private readonly dataBuf = resizable(MIN_RECORDS * RECORD * 4, MAX_RECORDS * RECORD * 4);
  private readonly marksBuf = resizable(MIN_RECORDS, MAX_RECORDS);
  /** Two buffers for the index: a rehash fills the idle one, then empties the old. */
  private readonly slotBufs = [resizable(MIN_RECORDS * 2 * 4, MAX_RECORDS * 2 * 4), resizable(0, MAX_RECORDS * 2 * 4)];
  private active = 0;
  private data = new Uint32Array(this.dataBuf);
  /** Per record: LIVE and the caller's marks. */
  private marks = new Uint8Array(this.marksBuf);
  /** Record index + 1 per slot, 0 for empty; twice the records' capacity. */
  private slots = new Int32Array(this.slotBufs[0]!);
  /** Records in [0, used) are live or free. */
  private used = 0;
  /** Free records form a list through their TABLE word; -1 ends it. */
  private freeHead = -1;
  private live = 0;
  /** Scratch record for lookups (no allocation per event). */
  private readonly probe = new Uint32Array(RECORD);

  constructor() {
    this.views();
  }

  get size(): number {
    return this.live;
  }

  /**
   * Add or replace a route. Returns its record and the route it replaced,
   * or undefined when the route does not fit the layout (the caller keeps
   * it some other way).
   */
  add(r: Route): { record: number; replaced: Route | undefined } | undefined {
    if (!encode(r, this.probe)) return undefined;
    const slot = this.find(this.probe, 0);
    if (slot >= 0) {
      const rec = this.slots[slot]! - 1;
      const before = this.route(rec);
      this.data.set(this.probe, rec * RECORD);
      return { record: rec, replaced: before };
    }
    if (this.live + 1 > this.marks.length) this.grow(this.marks.length * 2);
    let rec: number;
    if (this.freeHead >= 0) {
      rec = this.freeHead;
      this.freeHead = (this.data[rec * RECORD + TABLE]! | 0) - 1;
    } else {
      rec = this.used++;
    }
    this.data.set(this.probe, rec * RECORD);
    this.marks[rec] = LIVE;
    this.insertSlot(rec);
    this.live++;
    return { record: rec, replaced: undefined };
  }

  /** Remove a route by identity; returns what was stored, or undefined when absent (or not of this layout). */
  delete(r: Route): Route | undefined {
    if (!encode(r, this.probe)) return undefined;
    const slot = this.find(this.probe, 0);
    if (slot < 0) return undefined;
    const rec = this.slots[slot]! - 1;
    const before = this.route(rec);
    this.removeSlot(slot);
    this.live--;
    if (this.live === 0) {
      this.clear();
    } else {
      this.marks[rec] = 0;
      this.data[rec * RECORD + TABLE] = this.freeHead + 1;
      this.freeHead = rec;
    }
    return before;
  }

  /** The record holding this route's identity, or -1. */
  recordOf(r: Route): number {
    if (!encode(r, this.probe)) return -1;
    const slot = this.find(this.probe, 0);
    return slot < 0 ? -1 : this.slots[slot]! - 1;
  }

  mark(record: number, bit: number): void {
    this.marks[record]! |= bit;
  }

  clearMarks(): void {
    const m = this.marks;
    for (let i = 0; i < this.used; i++) m[i]! &= LIVE;
  }

  /** Remove and return every route with none of `bits` marked; clears all marks. */
  sweep(bits: number): Route[] {
    const gone: Route[] = [];
    for (let rec = 0; rec < this.used; rec++) {
      const m = this.marks[rec]!;
      if (m & LIVE && !(m & bits)) gone.push(this.route(rec));
    }
    this.clearMarks();
    for (const r of gone) this.delete(r);
    return gone;
  }

  /** Forget everything and give the memory back. */
  clear(): void {
    this.used = 0;
    this.freeHead = -1;
    this.live = 0;
    this.dataBuf.resize(0); // zeroes what grows back
    this.dataBuf.resize(MIN_RECORDS * RECORD * 4);
    this.marksBuf.resize(0);
    this.marksBuf.resize(MIN_RECORDS);
    this.slotBufs[1 - this.active]!.resize(0);
    const cur = this.slotBufs[this.active]!;
    cur.resize(0);
    cur.resize(MIN_RECORDS * 2 * 4);
    this.views();
  }

  /** The route stored in a record, as the platform reports it. */
  route(rec: number): Route {
    const d = this.data;
    const o = rec * RECORD;
    const packed = d[o + PACKED]!;
    const extra = d[o + EXTRA]!;
    const route: Route = {
      family: 4,
      table: d[o + TABLE]!,
      dst: formatIpv4(d[o + DST]!),
      dstLen: packed & 0x3f,
      gateway: packed & HAS_GATEWAY ? formatIpv4(d[o + GATEWAY]!) : undefined,
      prefsrc: packed & HAS_PREFSRC ? formatIpv4(d[o + PREFSRC]!) : undefined,
      ifindex: d[o + IFINDEX]! | 0,
      metric: d[o + METRIC]!,
      protocol: (packed >>> 14) & 255,
      scope: (packed >>> 22) & 255,
      type: (packed >>> 6) & 255,
    };
    // As rtnl-decode.ts builds it: the rare extras only when set.
    if (extra & ONLINK) route.onlink = true;
    if (extra & 0xff) route.tos = extra & 0xff;
    return route;
  }

  /** Fixed-length views over the buffers as they are now. */
  private views(): void {
    this.data = new Uint32Array(this.dataBuf, 0, this.dataBuf.byteLength / 4);
    this.marks = new Uint8Array(this.marksBuf, 0, this.marksBuf.byteLength);
    const s = this.slotBufs[this.active]!;
    this.slots = new Int32Array(s, 0, s.byteLength / 4);
  }

  /** Room for `records` records: the records grow in place, the index is rebuilt in the other buffer. */
  private grow(records: number): void {
    if (records > MAX_RECORDS) throw new RangeError(`more than ${MAX_RECORDS} IPv4 routes`);
    this.dataBuf.resize(records * RECORD * 4);
    this.marksBuf.resize(records);
    const old = this.slotBufs[this.active]!;
    this.active = 1 - this.active;
    this.slotBufs[this.active]!.resize(records * 2 * 4);
    this.views();
    for (let rec = 0; rec < this.used; rec++) if (this.marks[rec]! & LIVE) this.insertSlot(rec);
    old.resize(0);
  }

  /** Hash of the identity words of the record at a[o]. */
  private hash(a: Uint32Array, o: number): number {
    let h = Math.imul(a[o + TABLE]! ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ a[o + DST]!, 0xc2b2ae35);
    h = Math.imul(h ^ a[o + METRIC]!, 0x85ebca6b);
    h = Math.imul(h ^ a[o + IFINDEX]!, 0xc2b2ae35);
    h = Math.imul(h ^ a[o + GATEWAY]!, 0x85ebca6b);
    h = Math.imul(h ^ (a[o + PACKED]! & IDENTITY_PACKED), 0xc2b2ae35);
    h = Math.imul(h ^ (a[o + EXTRA]! & 0xff), 0x85ebca6b);
    return (h ^ (h >>> 15)) & (this.slots.length - 1);
  }

  private sameIdentity(rec: number, a: Uint32Array, o: number): boolean {
    const d = this.data;
    const r = rec * RECORD;
    return (
      d[r + TABLE] === a[o + TABLE] && d[r + DST] === a[o + DST] && d[r + METRIC] === a[o + METRIC] && d[r + IFINDEX] === a[o + IFINDEX] &&
      d[r + GATEWAY] === a[o + GATEWAY] && (d[r + PACKED]! & IDENTITY_PACKED) === (a[o + PACKED]! & IDENTITY_PACKED) &&
      (d[r + EXTRA]! & 0xff) === (a[o + EXTRA]! & 0xff)
    );
  }

  /** The slot holding the identity of the record at a[o], or -1. */
  private find(a: Uint32Array, o: number): number {
    const mask = this.slots.length - 1;
    for (let s = this.hash(a, o); ; s = (s + 1) & mask) {
      const v = this.slots[s]!;
      if (v === 0) return -1;
      if (this.sameIdentity(v - 1, a, o)) return s;
    }
  }

  private insertSlot(rec: number): void {
    const mask = this.slots.length - 1;
    let s = this.hash(this.data, rec * RECORD);
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = rec + 1;
  }

  /** Empty a slot and move later entries of its probe run back (no tombstones). */
  private removeSlot(slot: number): void {
    const mask = this.slots.length - 1;
    let hole = slot;
    this.slots[hole] = 0;
    for (let s = (hole + 1) & mask; this.slots[s] !== 0; s = (s + 1) & mask) {
      const rec = this.slots[s]! - 1;
      const home = this.hash(this.data, rec * RECORD);
      // It may move into the hole unless its home lies cyclically in (hole, s].
      const stays = hole <= s ? home > hole && home <= s : home > hole || home <= s;
      if (stays) continue;
      this.slots[hole] = rec + 1;
      this.slots[s] = 0;
      hole = s;
    }
  }
}

/** Fill a record from a route; false when the route does not fit (not IPv4 throughout). */
function encode(r: Route, out: Uint32Array): boolean {
  if (r.metrics !== undefined || r.from !== undefined) return false;
  const dst = parseIpv4(r.dst);
  if (dst < 0 || r.dstLen > 32) return false;
  let gateway = 0;
  let prefsrc = 0;
  let flags = 0;
  if (r.gateway !== undefined) {
    gateway = parseIpv4(r.gateway);
    if (gateway < 0) return false;
    flags |= HAS_GATEWAY;
  }
  if (r.prefsrc !== undefined) {
    prefsrc = parseIpv4(r.prefsrc);
    if (prefsrc < 0) return false;
    flags |= HAS_PREFSRC;
  }
  out[TABLE] = r.table;
  out[DST] = dst;
  out[METRIC] = r.metric;
  out[IFINDEX] = r.ifindex;
  out[GATEWAY] = gateway;
  out[PREFSRC] = prefsrc;
  out[PACKED] = (r.dstLen | ((r.type & 255) << 6) | ((r.protocol & 255) << 14) | ((r.scope & 255) << 22) | flags) >>> 0;
  out[EXTRA] = ((r.tos ?? 0) & 255) | (r.onlink ? ONLINK : 0);
  return true;
}
