/**
 * Where outgoing messages are written: one chunk of memory with a cursor,
 * shared by every message, messages one right after the other. A burst of
 * signals then costs no buffer per message (a 1 KiB buffer each, mostly
 * unused, was a third of the encoder's time in garbage collection), nothing
 * is copied but the start of a message that outgrows the chunk, and a loop
 * turn's messages can go to the socket as one span (wire.ts, OutgoingBytes).
 *
 * D-Bus aligns every value to its size from the start of its message, so
 * alignment is counted from `start`. Bytes of finished messages are never
 * written again: the cursor only moves forward, and a message that fails
 * is simply abandoned.
 */

/** The usual chunk: hundreds of signals, or an InterfacesAdded of a few dozen objects. */
const CHUNK_BYTES = 64 * 1024;

export class Writer {
  buf: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  pos = 0;
  /** Where the message being written starts. */
  start = 0;

  /** Start a message at the cursor. */
  begin(): void {
    this.start = this.pos;
  }

  /**
   * Close the message that lies between `start` and `pos` of `buf` (read
   * them first). A chunk grown for one big message is let go with it.
   */
  commit(): void {
    if (this.buf.length > CHUNK_BYTES) {
      this.buf = Buffer.allocUnsafeSlow(CHUNK_BYTES);
      this.pos = 0;
    }
    this.start = this.pos;
  }

  /** Drop a message that could not be encoded. */
  abandon(): void {
    this.pos = this.start;
  }

  /**
   * Where the cursor is, from the start of the message. Absolute positions
   * do not survive a message moving to a bigger chunk; these do.
   */
  mark(): number {
    return this.pos - this.start;
  }

  /** Write a uint32 at an earlier mark (a length known only afterwards). */
  patchU32(mark: number, v: number): void {
    this.putU32(this.start + mark, v);
  }

  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  /** Move the message so far to a new chunk with room for `n` more bytes (doubling for big messages). */
  private grow(n: number): void {
    const used = this.pos - this.start;
    const next = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, (used + n) * 2));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = used;
  }

  /** Pad to a multiple of `n` (1, 2, 4 or 8) from the start of the message. */
  align(n: number): void {
    const pad = (this.start - this.pos) & (n - 1);
    if (pad === 0) return;
    this.reserve(pad);
    // Padding is at most 7 bytes: a loop beats Buffer.fill's call overhead.
    for (let i = 0; i < pad; i++) this.buf[this.pos++] = 0;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.align(4);
    this.reserve(4);
    this.putU32(this.pos, v);
    this.pos += 4;
  }

  private putU32(at: number, v: number): void {
    const buf = this.buf;
    buf[at] = v;
    buf[at + 1] = v >>> 8;
    buf[at + 2] = v >>> 16;
    buf[at + 3] = v >>> 24;
  }

  string(s: string): void {
    this.align(4);
    // At most 3 UTF-8 bytes per UTF-16 unit: write once, then patch the length.
    this.reserve(4 + s.length * 3 + 1);
    const at = this.pos + 4;
    let length = asciiInto(this.buf, at, s);
    if (length < 0) length = this.buf.write(s, at, 'utf8');
    this.putU32(this.pos, length);
    this.pos = at + length;
    this.buf[this.pos++] = 0;
  }

  /** A signature: length byte, ASCII, NUL. */
  signature(s: string): void {
    this.reserve(s.length + 2);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = s.length;
    for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
    buf[pos++] = 0;
    this.pos = pos;
  }

  /** Bytes of a Buffer, Uint8Array or checked byte array. */
  bytes(b: ArrayLike<number>): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Make room for a fixed-size number and return where it goes. */
  slot(size: number): number {
    this.align(size);
    this.reserve(size);
    const at = this.pos;
    this.pos += size;
    return at;
  }
}

/**
 * Copy a pure-ASCII string of up to 128 units byte by byte (names, paths,
 * most values); -1 when it is longer or not ASCII, for Buffer.write to do.
 */
function asciiInto(buf: Buffer, at: number, s: string): number {
  if (s.length > 128) return -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    buf[at + i] = c;
  }
  return s.length;
}
