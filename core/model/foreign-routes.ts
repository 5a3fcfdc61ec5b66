/**
 * The routes the model does not keep (route-policy.ts), as a set of 64-bit
 * fingerprints of their identity in one typed array: 16 bytes a route at
 * most, no objects, no strings. It makes the count exact where a bare
 * counter drifts: the kernel re-announces routes it already has (a replace,
 * a link coming up), and after a resync the events held during the dump are
 * replayed on top of a snapshot that may already contain them.
 * Identity is routeKey's (family, table, dst/len, metric, ifindex, type).
 * Two different routes share a fingerprint with odds of about n²/2⁶⁵
 * (1 in 3·10⁹ for 100,000 routes); the cost of that is a count off by one.
 * The table lives in resizable ArrayBuffers: a rehash fills the idle one and
 * empties the other, so memory comes back as soon as the set shrinks,
 * without waiting for V8 to collect outgrown typed arrays (see
 * plugins/platform-linux/ipv4-route-set.ts).
 */
import type { Route } from '../../sdk/index.js';

const MIN_SLOTS = 64;
/** Address space reserved per buffer (not memory): 2²⁵ slots, 16 million routes. */
const MAX_SLOTS = 1 << 25;

type Resizable = ArrayBuffer & { resize(bytes: number): void };
/** ES2024 resizable ArrayBuffer (Node 20 has it; the compile target's lib does not yet name it). */
function resizable(bytes: number): Resizable {
  return new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Resizable)(bytes, { maxByteLength: MAX_SLOTS * 8 });
}

// The running state of fingerprint(): module-level, so hashing allocates nothing.
let ha = 0;
let hb = 0;

function mix(v: number): void {
  ha = Math.imul(ha ^ v, 0x01000193);
  hb = Math.imul((hb ^ v) + 0x7f4a7c15, 0x85ebca6b);
  hb ^= hb >>> 13;
}

/** Two independent 32-bit hashes of a route's identity. */
function fingerprint(r: Route, out: Uint32Array): void {
  ha = 0x811c9dc5 ^ r.family;
  hb = 0x9e3779b9 ^ (r.family << 8);
  mix(r.table);
  mix(r.dstLen);
  mix(r.metric);
  mix(r.ifindex);
  mix(r.type);
  const dst = r.dst;
  for (let i = 0; i < dst.length; i++) mix(dst.charCodeAt(i));
  ha ^= ha >>> 16;
  // 0/0 marks an empty slot; no route may take it.
  out[0] = ha >>> 0 || 1;
  out[1] = hb >>> 0;
}

export class ForeignRouteSet {
  private readonly bufs = [resizable(MIN_SLOTS * 8), resizable(0)];
  private active = 0;
  /** Pairs of words per slot: [lo, hi]; both 0 when empty. */
  private slots = new Uint32Array(this.bufs[0]!, 0, MIN_SLOTS * 2);
  private count = 0;
  private readonly fp = new Uint32Array(2);

  get size(): number {
    return this.count;
  }

  /** Add; false when it was there already. */
  add(r: Route): boolean {
    fingerprint(r, this.fp);
    if (this.find() >= 0) return false;
    if ((this.count + 1) * 2 > this.capacity()) this.resize(this.capacity() * 2);
    this.place(this.fp[0]!, this.fp[1]!);
    this.count++;
    return true;
  }

  /** Remove; false when it was not there. */
  delete(r: Route): boolean {
    fingerprint(r, this.fp);
    const slot = this.find();
    if (slot < 0) return false;
    this.removeAt(slot);
    this.count--;
    if (this.count * 8 < this.capacity() && this.capacity() > MIN_SLOTS) this.resize(this.capacity() / 2);
    return true;
  }

  clear(): void {
    this.bufs[1 - this.active]!.resize(0);
    const cur = this.bufs[this.active]!;
    cur.resize(0); // zeroes what grows back
    cur.resize(MIN_SLOTS * 8);
    this.slots = new Uint32Array(cur, 0, MIN_SLOTS * 2);
    this.count = 0;
  }

  private capacity(): number {
    return this.slots.length / 2;
  }

  private home(lo: number): number {
    return Math.imul(lo, 0x9e3779b1) >>> 0 & (this.capacity() - 1);
  }

  private find(): number {
    const lo = this.fp[0]!;
    const hi = this.fp[1]!;
    const mask = this.capacity() - 1;
    for (let s = this.home(lo); ; s = (s + 1) & mask) {
      const l = this.slots[s * 2]!;
      if (l === 0 && this.slots[s * 2 + 1] === 0) return -1;
      if (l === lo && this.slots[s * 2 + 1] === hi) return s;
    }
  }

  private place(lo: number, hi: number): void {
    const mask = this.capacity() - 1;
    let s = this.home(lo);
    while (this.slots[s * 2] !== 0 || this.slots[s * 2 + 1] !== 0) s = (s + 1) & mask;
    this.slots[s * 2] = lo;
    this.slots[s * 2 + 1] = hi;
  }

  /** Empty a slot and move later entries of its probe run back (no tombstones). */
  private removeAt(slot: number): void {
    const mask = this.capacity() - 1;
    const sl = this.slots;
    let hole = slot;
    sl[hole * 2] = 0;
    sl[hole * 2 + 1] = 0;
    for (let s = (hole + 1) & mask; sl[s * 2] !== 0 || sl[s * 2 + 1] !== 0; s = (s + 1) & mask) {
      const home = this.home(sl[s * 2]!);
      const stays = hole <= s ? home > hole && home <= s : home > hole || home <= s;
      if (stays) continue;
      sl[hole * 2] = sl[s * 2]!;
      sl[hole * 2 + 1] = sl[s * 2 + 1]!;
      sl[s * 2] = 0;
      sl[s * 2 + 1] = 0;
      hole = s;
    }
  }

  /** Rehash into the idle buffer at `capacity` slots, then give the old one back. */
  private resize(capacity: number): void {
    if (capacity > MAX_SLOTS) throw new RangeError(`more than ${MAX_SLOTS / 2} foreign routes`);
    const oldBuf = this.bufs[this.active]!;
    const old = this.slots;
    this.active = 1 - this.active;
    const next = this.bufs[this.active]!;
    next.resize(capacity * 8);
    this.slots = new Uint32Array(next, 0, capacity * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.place(old[i]!, old[i + 1]!);
    oldBuf.resize(0);
  }
}
