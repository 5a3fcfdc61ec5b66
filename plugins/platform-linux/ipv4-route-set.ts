/**
 * A set of IPv4 routes in typed arrays: about 40 bytes a route instead of
 * the few hundred that a Route object and a string key in a Map cost. The
 * silent-flush check (silent-route-flush.ts) must remember every IPv4 route
 * of every table, and a routing daemon's table holds 100,000 or more; kept
 * as objects they were 50 MB of heap (PERFORMANCE.md W5 allows 10 MB).
 *
 * A route is one record of RECORD words (Uint32Array), found through an
 * open-addressing hash index (linear probing, deletion by backward shift, so
 * no tombstones). Identity is what the kernel matches on: table, dst/len,
 * metric, type, ifindex and gateway (routeIdentity in silent-route-flush.ts).
 * Routes this layout cannot hold (an IPv6 gateway through RTA_VIA) are the
 * caller's to keep elsewhere: add() returns false for them.
 * Each record also has a byte of marks (present, seen) for the check's sweep.
 * The arrays shrink again when the set empties out, so a flushed table gives
 * its memory back.
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
const RECORD = 7;
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

export class Ipv4RouteSet {
  private data = new Uint32Array(MIN_RECORDS * RECORD);
  /** Per record: LIVE and the caller's marks. */
  private marks = new Uint8Array(MIN_RECORDS);
  /** Record index + 1 per slot, 0 for empty; twice the records' capacity. */
  private slots = new Int32Array(MIN_RECORDS * 2);
  /** Records in [0, used) are either live or on the free list. */
  private used = 0;
  private free: number[] = [];
  private live = 0;
  /** Scratch record for lookups (no allocation per event). */
  private readonly probe = new Uint32Array(RECORD);

  get size(): number {
    return this.live;
  }

  /**
   * Add or replace a route. Returns its record (valid until the next add or
   * delete) and the route it replaced, or undefined when the route does not
   * fit the layout (the caller keeps it some other way).
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
    if (this.live + 1 > this.marks.length) this.resize(this.marks.length * 2);
    const rec = this.free.length > 0 ? this.free.pop()! : this.used++;
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
    this.release(rec);
    return before;
  }

  /** The record holding this route's identity (valid until the next add or delete), or -1. */
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
    // By identity: a deletion may shrink the arrays and renumber the records.
    for (const r of gone) this.delete(r);
    return gone;
  }

  clear(): void {
    this.data = new Uint32Array(MIN_RECORDS * RECORD);
    this.marks = new Uint8Array(MIN_RECORDS);
    this.slots = new Int32Array(MIN_RECORDS * 2);
    this.used = 0;
    this.free = [];
    this.live = 0;
  }

  /** The route stored in a record, as the platform reports it. */
  route(rec: number): Route {
    const d = this.data;
    const o = rec * RECORD;
    const packed = d[o + PACKED]!;
    return {
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
  }

  /** Hash of the identity words of the record at a[o]. */
  private hash(a: Uint32Array, o: number): number {
    let h = Math.imul(a[o + TABLE]! ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ a[o + DST]!, 0xc2b2ae35);
    h = Math.imul(h ^ a[o + METRIC]!, 0x85ebca6b);
    h = Math.imul(h ^ a[o + IFINDEX]!, 0xc2b2ae35);
    h = Math.imul(h ^ a[o + GATEWAY]!, 0x85ebca6b);
    h = Math.imul(h ^ (a[o + PACKED]! & IDENTITY_PACKED), 0xc2b2ae35);
    return (h ^ (h >>> 15)) & (this.slots.length - 1);
  }

  private sameIdentity(rec: number, a: Uint32Array, o: number): boolean {
    const d = this.data;
    const r = rec * RECORD;
    return (
      d[r + TABLE] === a[o + TABLE] && d[r + DST] === a[o + DST] && d[r + METRIC] === a[o + METRIC] && d[r + IFINDEX] === a[o + IFINDEX] &&
      d[r + GATEWAY] === a[o + GATEWAY] && (d[r + PACKED]! & IDENTITY_PACKED) === (a[o + PACKED]! & IDENTITY_PACKED)
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

  private release(rec: number): void {
    this.live--;
    this.marks[rec] = 0;
    if (this.live === 0) return this.clear();
    this.free.push(rec);
    if (this.live < this.marks.length / 4 && this.marks.length > MIN_RECORDS) this.resize(this.marks.length / 2);
  }

  /** Copy the live records into arrays for `records` records and rebuild the index. */
  private resize(records: number): void {
    const oldData = this.data;
    const oldMarks = this.marks;
    const oldUsed = this.used;
    this.data = new Uint32Array(records * RECORD);
    this.marks = new Uint8Array(records);
    this.slots = new Int32Array(records * 2);
    this.free = [];
    let n = 0;
    for (let rec = 0; rec < oldUsed; rec++) {
      if (!(oldMarks[rec]! & LIVE)) continue;
      this.data.set(oldData.subarray(rec * RECORD, rec * RECORD + RECORD), n * RECORD);
      this.marks[n] = oldMarks[rec]!;
      this.insertSlot(n);
      n++;
    }
    this.used = n;
  }
}

/** Fill a record from a route; false when the route does not fit (not IPv4 throughout). */
function encode(r: Route, out: Uint32Array): boolean {
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
  return true;
}
