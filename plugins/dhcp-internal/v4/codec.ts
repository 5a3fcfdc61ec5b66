/**
 * The DHCPv4 message (RFC 2131 section 2: the BOOTP header, the magic cookie
 * and the options), decoded and encoded. Options are gathered per RFC 3396:
 * every instance of a code, from the options field, then `file`, then `sname`
 * when option 52 overloads them, concatenated in that order. Encoding splits
 * options longer than 255 bytes into consecutive instances and spills into
 * `file` and `sname` (option 52) when the options field is full.
 */
import { bytesToIp4, ip4ToBytes } from './ip4.js';
import { Opt } from './options.js';

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;
export const FLAG_BROADCAST = 0x8000;

const MAGIC = [99, 130, 83, 99];
const OFF_CHADDR = 28;
const OFF_SNAME = 44;
const OFF_FILE = 108;
const OFF_MAGIC = 236;
const OFF_OPTIONS = 240;
const SNAME_LEN = 64;
const FILE_LEN = 128;
/** The BOOTP minimum (RFC 951: a 64-byte vendor area); some relays drop anything shorter. */
const BOOTP_MIN_LEN = 300;

const OVERLOAD_FILE = 1;
const OVERLOAD_SNAME = 2;

export interface Dhcp4Message {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** The first `hlen` bytes of chaddr (at most 16). */
  chaddr: Uint8Array;
  /** Server host name and boot file name fields, when not overloaded with options. */
  sname?: string;
  file?: string;
  /** Option code → its data (all instances concatenated, RFC 3396). */
  options: Map<number, Uint8Array>;
}

export type DecodeResult = { message: Dhcp4Message; notes: string[] } | { error: string };

/**
 * Decode one DHCP payload. A packet too short, without the magic cookie or
 * with a bad hlen is an error (the caller drops it); a truncated option list
 * keeps what was read before the damage and says so in `notes`.
 */
export function decodeMessage(data: Uint8Array): DecodeResult {
  if (data.length < OFF_OPTIONS) return { error: `packet of ${data.length} bytes is shorter than a DHCP header (240)` };
  for (let i = 0; i < 4; i++) {
    if (data[OFF_MAGIC + i] !== MAGIC[i]) return { error: 'no DHCP magic cookie' };
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const hlen = data[2]!;
  if (hlen > 16) return { error: `hlen ${hlen} is larger than chaddr (16)` };
  const notes: string[] = [];
  const chunks = new Map<number, Uint8Array[]>();
  const take = (from: number, to: number, area: string) => walkOptions(data, from, to, area, chunks, notes);

  // Option 52 lives in the options field; read it first to know which other areas carry options.
  take(OFF_OPTIONS, data.length, 'options');
  const overloadData = chunks.get(Opt.OVERLOAD)?.[0];
  const overload = overloadData && overloadData.length >= 1 ? overloadData[0]! : 0;
  if (overload & OVERLOAD_FILE) take(OFF_FILE, OFF_FILE + FILE_LEN, 'file');
  if (overload & OVERLOAD_SNAME) take(OFF_SNAME, OFF_SNAME + SNAME_LEN, 'sname');

  const options = new Map<number, Uint8Array>();
  for (const [code, parts] of chunks) options.set(code, concat(parts));

  return {
    message: {
      op: data[0]!,
      htype: data[1]!,
      hlen,
      hops: data[3]!,
      xid: view.getUint32(4),
      secs: view.getUint16(8),
      flags: view.getUint16(10),
      ciaddr: bytesToIp4(data, 12),
      yiaddr: bytesToIp4(data, 16),
      siaddr: bytesToIp4(data, 20),
      giaddr: bytesToIp4(data, 24),
      chaddr: data.slice(OFF_CHADDR, OFF_CHADDR + hlen),
      sname: overload & OVERLOAD_SNAME ? undefined : cString(data.subarray(OFF_SNAME, OFF_SNAME + SNAME_LEN)),
      file: overload & OVERLOAD_FILE ? undefined : cString(data.subarray(OFF_FILE, OFF_FILE + FILE_LEN)),
      options,
    },
    notes,
  };
}

function walkOptions(data: Uint8Array, from: number, to: number, area: string, chunks: Map<number, Uint8Array[]>, notes: string[]): void {
  let pos = from;
  while (pos < to) {
    const code = data[pos++]!;
    if (code === Opt.PAD) continue;
    if (code === Opt.END) return;
    if (pos >= to) {
      notes.push(`option ${code} in ${area} has no length byte`);
      return;
    }
    const len = data[pos++]!;
    if (pos + len > to) {
      notes.push(`option ${code} in ${area} claims ${len} bytes but only ${to - pos} remain`);
      return;
    }
    // Option 52 counts only in the options field (RFC 2132 9.3); an instance elsewhere is ignored.
    if (!(code === Opt.OVERLOAD && area !== 'options')) {
      const list = chunks.get(code) ?? [];
      list.push(data.slice(pos, pos + len));
      chunks.set(code, list);
    }
    pos += len;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function cString(b: Uint8Array): string | undefined {
  const end = b.indexOf(0);
  const s = b.subarray(0, end < 0 ? b.length : end);
  return s.length ? Buffer.from(s).toString('latin1') : undefined;
}

export interface EncodeOptions {
  /** Largest DHCP payload to produce (the peer's maximum message size minus IP and UDP headers). Default 548. */
  maxSize?: number;
}

/**
 * Encode a message; `options` are written in their Map order (the message
 * type first, as some servers expect). Throws when the options do not fit
 * even with `file` and `sname` overloaded.
 */
export function encodeMessage(m: Dhcp4Message, opts: EncodeOptions = {}): Uint8Array {
  const maxSize = Math.max(opts.maxSize ?? 548, BOOTP_MIN_LEN);
  const tlvs = optionBytes(m.options);
  const mainRoom = maxSize - OFF_OPTIONS;
  let main: number[] = [];
  let file: number[] | undefined;
  let sname: number[] | undefined;
  if (tlvs.length + 1 <= mainRoom) {
    main = [...tlvs, Opt.END];
  } else {
    // Keep room for option 52 (3 bytes) and END in the options field; the rest goes to file, then sname.
    const areas = [
      { room: mainRoom - 3 - 1, out: [] as number[] },
      { room: FILE_LEN - 1, out: [] as number[] },
      { room: SNAME_LEN - 1, out: [] as number[] },
    ];
    fillAreas(m.options, areas);
    const overload = (areas[1]!.out.length ? OVERLOAD_FILE : 0) | (areas[2]!.out.length ? OVERLOAD_SNAME : 0);
    main = [Opt.OVERLOAD, 1, overload, ...areas[0]!.out, Opt.END];
    if (areas[1]!.out.length) file = [...areas[1]!.out, Opt.END];
    if (areas[2]!.out.length) sname = [...areas[2]!.out, Opt.END];
  }
  const out = new Uint8Array(Math.max(OFF_OPTIONS + main.length, BOOTP_MIN_LEN));
  const view = new DataView(out.buffer);
  out[0] = m.op;
  out[1] = m.htype;
  out[2] = m.hlen;
  out[3] = m.hops;
  view.setUint32(4, m.xid >>> 0);
  view.setUint16(8, m.secs);
  view.setUint16(10, m.flags);
  out.set(addr(m.ciaddr), 12);
  out.set(addr(m.yiaddr), 16);
  out.set(addr(m.siaddr), 20);
  out.set(addr(m.giaddr), 24);
  out.set(m.chaddr.subarray(0, 16), OFF_CHADDR);
  if (sname) out.set(sname, OFF_SNAME);
  else if (m.sname) out.set(Buffer.from(m.sname, 'latin1').subarray(0, SNAME_LEN - 1), OFF_SNAME);
  if (file) out.set(file, OFF_FILE);
  else if (m.file) out.set(Buffer.from(m.file, 'latin1').subarray(0, FILE_LEN - 1), OFF_FILE);
  out.set(MAGIC, OFF_MAGIC);
  out.set(main, OFF_OPTIONS);
  return out;
}

function addr(text: string): Uint8Array {
  const b = ip4ToBytes(text);
  if (!b) throw new Error(`not an IPv4 address: ${text}`);
  return b;
}

/** Options as TLVs, each longer than 255 bytes split into consecutive instances (RFC 3396). */
function optionBytes(options: Map<number, Uint8Array>): number[] {
  const out: number[] = [];
  for (const [code, data] of options) {
    if (data.length === 0) out.push(code, 0);
    for (let at = 0; at < data.length; at += 255) {
      const part = data.subarray(at, at + 255);
      out.push(code, part.length, ...part);
    }
  }
  return out;
}

/** Spread options over the areas in order, splitting an option where an area ends (RFC 3396 allows any split). */
function fillAreas(options: Map<number, Uint8Array>, areas: { room: number; out: number[] }[]): void {
  let i = 0;
  const space = () => areas[i]!.room - areas[i]!.out.length;
  for (const [code, data] of options) {
    let at = 0;
    do {
      while (i < areas.length && space() < 3) i++;
      if (i >= areas.length) throw new Error(`DHCP options do not fit in one message (option ${code})`);
      const n = Math.min(255, data.length - at, space() - 2);
      areas[i]!.out.push(code, n, ...data.subarray(at, at + n));
      at += n;
    } while (at < data.length);
  }
}
