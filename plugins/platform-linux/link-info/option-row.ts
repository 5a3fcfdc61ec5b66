/**
 * Kind-specific link options as rows (NetworkManager's bond option table and
 * systemd's netdev gperf tables are the model): one row per option says the
 * NetworkManager option name, what kind of value it is and its range, the
 * IFLA_<KIND>_* attribute and its width, and the sysfs file that shows it.
 * The same row drives validation, the netlink encoding and the decoding of
 * IFLA_INFO_DATA back into Link.info, so a new option is a new row.
 *
 * Names follow NetworkManager; where NetworkManager writes a multi-word
 * property with '-' (bridge "forward-delay") the row uses '_' like the bond
 * options do, and input is accepted in either spelling.
 */
import type { LinkInfoData } from '../../../sdk/index.js';
import { formatHex, formatIp, InvalidValue, parseIp, parseMac } from '../ip-text.js';
import { forEachAttr, NlMessage } from '../nl-message.js';
import * as C from '../rtnl-constants.js';

// Local copies for decode's loop (a TypeScript loader reads imported bindings through a Proxy).
const { NLA_HDRLEN, NLA_TYPE_MASK } = C;

export type Width = 'u8' | 'u16' | 'u32' | 'u64' | 'be16' | 'be32';

/**
 * number: an integer (times `scale` on the wire); bool: true/false (also
 * 0/1, yes/no, on/off on input); enum: a name from `values` (numbers accepted
 * on input); ifindex: a link, by ifindex or by name on input; mac: a
 * hardware address; ip: one address, `attr` for IPv4 and `attr6` for IPv6;
 * ipv4-list/ipv6-list: comma-separated addresses, a nest of up to `max`;
 * vlan-flags: the VLAN_FLAG_* bitmask; qos-map: "from:to,..." pairs.
 */
export type ValueType = 'number' | 'bool' | 'enum' | 'ifindex' | 'mac' | 'ip' | 'ipv4-list' | 'ipv6-list' | 'vlan-flags' | 'qos-map';

export interface OptionRow {
  /** NetworkManager's option name. */
  name: string;
  type: ValueType;
  /** Payload width for number, bool, enum and ifindex values. */
  width?: Width;
  /** number: smallest and largest value (nmk units); lists: most entries; qos-map: largest "to". */
  min?: number;
  max?: number;
  /** qos-map: largest "from". */
  keyMax?: number;
  /** enum: the names and their kernel numbers. */
  values?: Readonly<Record<string, number>>;
  /** Kernel units per nmk unit (bridge times: seconds in nmk, centiseconds in the kernel). */
  scale?: number;
  /** bool: the kernel bit means the opposite (macvlan NOPROMISC for "promiscuous"). */
  inverted?: boolean;
  /** IFLA_<KIND>_* attribute. */
  attr: number;
  /** ip: the attribute used for an IPv6 value. */
  attr6?: number;
  /** The file under /sys/class/net/IFNAME/ that shows the same option, when there is one. */
  sysfs?: string;
}

export type OptionValue = string | number | boolean;
/** Resolves an interface name to its ifindex for ifindex-valued options. */
export type IfindexResolver = (name: string) => number | undefined;

const WIDTH_MAX: Record<Width, number> = {
  u8: 0xff,
  u16: 0xffff,
  u32: 0xffffffff,
  u64: Number.MAX_SAFE_INTEGER,
  be16: 0xffff,
  be32: 0xffffffff,
};
const WIDTH_BYTES: Record<Width, number> = { u8: 1, u16: 2, u32: 4, u64: 8, be16: 2, be32: 4 };

const VLAN_FLAGS_MASK = 0x1f;
const IFLA_VLAN_QOS_MAPPING = 1;

function toInteger(row: OptionRow, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value.trim())) return Number(value.trim());
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new InvalidValue(`${row.name}: '${String(value)}' is not an integer`);
}

function toBool(row: OptionRow, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const s = String(value).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new InvalidValue(`${row.name}: '${String(value)}' is not a boolean`);
}

function enumName(row: OptionRow, n: number): string | undefined {
  for (const [name, v] of Object.entries(row.values!)) if (v === n) return name;
  return undefined;
}

function splitList(value: unknown): string[] {
  return String(value).split(/[\s,]+/).filter(Boolean);
}

function parseQosMap(row: OptionRow, value: unknown): Array<[number, number]> {
  const pairs = new Map<number, number>();
  for (const item of splitList(value)) {
    const m = /^([0-9]+):([0-9]+)$/.exec(item);
    if (!m) throw new InvalidValue(`${row.name}: '${item}' is not a from:to pair`);
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (from > (row.keyMax ?? 0xffffffff) || to > (row.max ?? 0xffffffff)) {
      throw new InvalidValue(`${row.name}: '${item}' is out of range (from at most ${row.keyMax}, to at most ${row.max})`);
    }
    pairs.set(from, to);
  }
  return [...pairs].sort((a, b) => a[0] - b[0]);
}

/** Validate a user-given value and return its canonical form (what decoding will give back). */
export function normalizeOption(row: OptionRow, value: unknown, resolve?: IfindexResolver): OptionValue {
  switch (row.type) {
    case 'number': {
      const n = toInteger(row, value);
      const min = row.min ?? 0;
      const max = row.max ?? Math.floor(WIDTH_MAX[row.width!] / (row.scale ?? 1));
      if (n < min || n > max) throw new InvalidValue(`${row.name}: ${n} is out of range ${min}..${max}`);
      return n;
    }
    case 'bool':
      return toBool(row, value);
    case 'enum': {
      if (typeof value === 'string' && Object.hasOwn(row.values!, value)) return value;
      const asNumber = typeof value === 'number' || (typeof value === 'string' && /^[0-9]+$/.test(value)) ? Number(value) : NaN;
      const name = Number.isInteger(asNumber) ? enumName(row, asNumber) : undefined;
      if (name === undefined) {
        throw new InvalidValue(`${row.name}: '${String(value)}' is not one of ${Object.keys(row.values!).join(', ')}`);
      }
      return name;
    }
    case 'ifindex': {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
      if (typeof value === 'string' && /^[0-9]+$/.test(value)) return Number(value);
      if (typeof value === 'string' && value !== '') {
        const i = resolve?.(value);
        if (i === undefined) throw new InvalidValue(`${row.name}: no link named '${value}'`);
        return i;
      }
      throw new InvalidValue(`${row.name}: '${String(value)}' is not a link`);
    }
    case 'mac': {
      const bytes = parseMac(String(value), row.name);
      if (bytes.length !== 6) throw new InvalidValue(`${row.name}: '${String(value)}' is not a 6-byte MAC address`);
      return formatHex(bytes, 0, 6);
    }
    case 'ip': {
      const ip = parseIp(String(value), row.name);
      if (ip.family === 6 && row.attr6 === undefined) throw new InvalidValue(`${row.name}: IPv6 is not supported`);
      return formatIp(ip.bytes, 0, ip.bytes.length);
    }
    case 'ipv4-list':
    case 'ipv6-list': {
      const family = row.type === 'ipv4-list' ? 4 : 6;
      const items = splitList(value).map((t) => {
        const ip = parseIp(t, row.name);
        if (ip.family !== family) throw new InvalidValue(`${row.name}: '${t}' is not an IPv${family} address`);
        return formatIp(ip.bytes, 0, ip.bytes.length);
      });
      if (row.max !== undefined && items.length > row.max) throw new InvalidValue(`${row.name}: at most ${row.max} addresses`);
      return items.join(',');
    }
    case 'vlan-flags': {
      const n = toInteger(row, value);
      if (n < 0 || n > VLAN_FLAGS_MASK) throw new InvalidValue(`${row.name}: ${n} has unknown flag bits (mask 0x${VLAN_FLAGS_MASK.toString(16)})`);
      return n;
    }
    case 'qos-map':
      return parseQosMap(row, value).map(([f, t]) => `${f}:${t}`).join(',');
  }
}

function writeWidth(msg: NlMessage, attr: number, width: Width, n: number): void {
  switch (width) {
    case 'u8': msg.u8(attr, n); break;
    case 'u16': msg.u16(attr, n); break;
    case 'u32': msg.u32(attr, n); break;
    case 'u64': msg.u64(attr, n); break;
    case 'be16': msg.be16(attr, n); break;
    case 'be32': msg.be32(attr, n); break;
  }
}

function readWidth(buf: Buffer, at: number, len: number, width: Width): number {
  // Trust the attribute's own length when the kernel sends another width than the row expects.
  const bytes = Math.min(len, WIDTH_BYTES[width]);
  if (width === 'be16' || width === 'be32') return bytes >= 4 ? buf.readUInt32BE(at) : bytes >= 2 ? buf.readUInt16BE(at) : buf[at]!;
  if (bytes >= 8) return Number(buf.readBigUInt64LE(at));
  if (bytes >= 4) return buf.readUInt32LE(at);
  if (bytes >= 2) return buf.readUInt16LE(at);
  return bytes >= 1 ? buf[at]! : 0;
}

/** Append the attribute for a canonical value (from normalizeOption). */
export function encodeOption(row: OptionRow, value: OptionValue, msg: NlMessage): void {
  switch (row.type) {
    case 'number':
      writeWidth(msg, row.attr, row.width!, (value as number) * (row.scale ?? 1));
      return;
    case 'bool':
      writeWidth(msg, row.attr, row.width!, (value as boolean) !== (row.inverted ?? false) ? 1 : 0);
      return;
    case 'enum':
      writeWidth(msg, row.attr, row.width!, row.values![value as string]!);
      return;
    case 'ifindex':
      writeWidth(msg, row.attr, row.width ?? 'u32', value as number);
      return;
    case 'mac':
      msg.bytes(row.attr, parseMac(value as string));
      return;
    case 'ip': {
      const ip = parseIp(value as string, row.name);
      msg.bytes(ip.family === 6 ? row.attr6! : row.attr, ip.bytes);
      return;
    }
    case 'ipv4-list':
    case 'ipv6-list': {
      const nest = msg.nest(row.attr);
      splitList(value).forEach((t, i) => msg.bytes(i, parseIp(t, row.name).bytes));
      msg.end(nest);
      return;
    }
    case 'vlan-flags': {
      const payload = Buffer.alloc(8);
      payload.writeUInt32LE(value as number, 0);
      payload.writeUInt32LE(VLAN_FLAGS_MASK, 4);
      msg.bytes(row.attr, payload);
      return;
    }
    case 'qos-map': {
      const nest = msg.nest(row.attr);
      for (const [from, to] of parseQosMap(row, value)) {
        const pair = Buffer.alloc(8);
        pair.writeUInt32LE(from, 0);
        pair.writeUInt32LE(to, 4);
        msg.bytes(IFLA_VLAN_QOS_MAPPING, pair);
      }
      msg.end(nest);
      return;
    }
  }
}

/** Decode one attribute payload back into the canonical value. */
export function decodeOption(row: OptionRow, buf: Buffer, at: number, len: number): OptionValue | undefined {
  switch (row.type) {
    case 'number':
      return readWidth(buf, at, len, row.width!) / (row.scale ?? 1);
    case 'bool':
      return (readWidth(buf, at, len, row.width!) !== 0) !== (row.inverted ?? false);
    case 'enum': {
      const n = readWidth(buf, at, len, row.width!);
      return enumName(row, n) ?? n;
    }
    case 'ifindex':
      return readWidth(buf, at, len, row.width ?? 'u32');
    case 'mac':
      return formatHex(buf, at, len);
    case 'ip':
      return formatIp(buf, at, len);
    case 'ipv4-list':
    case 'ipv6-list': {
      const items: string[] = [];
      forEachAttr(buf, at, at + len, (_t, a, l) => items.push(formatIp(buf, a, l)));
      return items.join(',');
    }
    case 'vlan-flags':
      return len >= 4 ? buf.readUInt32LE(at) & VLAN_FLAGS_MASK : 0;
    case 'qos-map': {
      const pairs: Array<[number, number]> = [];
      forEachAttr(buf, at, at + len, (t, a, l) => {
        if (t === IFLA_VLAN_QOS_MAPPING && l >= 8) pairs.push([buf.readUInt32LE(a), buf.readUInt32LE(a + 4)]);
      });
      return pairs.sort((x, y) => x[0] - y[0]).map(([f, t]) => `${f}:${t}`).join(',');
    }
  }
}

/** One kind's rows, indexed for encoding (by name) and decoding (by attribute). */
export class OptionTable {
  private byName = new Map<string, OptionRow>();
  /** Rows by attribute number, an array for decode's loop. */
  private byAttr: Array<OptionRow | undefined> = [];

  constructor(readonly kind: string, readonly rows: readonly OptionRow[]) {
    for (const row of rows) {
      if (this.byName.has(row.name)) throw new Error(`${kind}: option ${row.name} listed twice`);
      this.byName.set(row.name, row);
      for (const attr of [row.attr, row.attr6]) {
        if (attr === undefined) continue;
        if (this.byAttr[attr]) throw new Error(`${kind}: attribute ${attr} used by two options`);
        this.byAttr[attr] = row;
      }
    }
  }

  row(name: string): OptionRow | undefined {
    return this.byName.get(name.replaceAll('-', '_'));
  }

  /**
   * Validate options given by name and return them canonical, in table order
   * (the kernel applies attributes in the order sent, and bond's mode must
   * come before the options that depend on it).
   */
  normalize(info: LinkInfoData, resolve?: IfindexResolver): Array<[OptionRow, OptionValue]> {
    const out: Array<[OptionRow, OptionValue]> = [];
    for (const [name, value] of Object.entries(info)) {
      if (value === undefined) continue;
      const row = this.row(name);
      if (!row) throw new InvalidValue(`${this.kind}: unknown option '${name}'`);
      out.push([row, normalizeOption(row, value, resolve)]);
    }
    const order = new Map(this.rows.map((r, i) => [r, i]));
    return out.sort((a, b) => order.get(a[0])! - order.get(b[0])!);
  }

  /** Write IFLA_INFO_DATA's content for canonical options. */
  encode(options: Array<[OptionRow, OptionValue]>, msg: NlMessage): void {
    for (const [row, value] of options) encodeOption(row, value, msg);
  }

  /**
   * Decode IFLA_INFO_DATA's (or IFLA_INFO_SLAVE_DATA's) attributes in
   * buf[start, end). Unknown attributes are skipped, and the walk stops once
   * every row has its value: of a bridge port's forty-odd IFLA_BRPORT_*
   * attributes the kernel sends state, priority, cost and mode first
   * (br_port_fill_attrs), so its three options cost four attribute reads,
   * not forty, on every event of every port.
   */
  decode(buf: Buffer, start: number, end: number): LinkInfoData {
    const info: LinkInfoData = {};
    const byAttr = this.byAttr;
    let missing = this.rows.length;
    for (let p = start; p + NLA_HDRLEN <= end; ) {
      const alen = buf.readUInt16LE(p);
      if (alen < NLA_HDRLEN || p + alen > end) break;
      const row = byAttr[buf.readUInt16LE(p + 2) & NLA_TYPE_MASK];
      if (row !== undefined) {
        if (!Object.hasOwn(info, row.name)) missing--;
        info[row.name] = decodeOption(row, buf, p + NLA_HDRLEN, alen - NLA_HDRLEN);
        if (missing === 0) break;
      }
      p += (alen + 3) & ~3;
    }
    return info;
  }

  /** Names in string values of ifindex options, which the caller resolves before normalize(). */
  namesToResolve(info: LinkInfoData): string[] {
    const names: string[] = [];
    for (const [name, value] of Object.entries(info)) {
      const row = this.row(name);
      if (row?.type === 'ifindex' && typeof value === 'string' && value !== '' && !/^[0-9]+$/.test(value)) names.push(value);
    }
    return names;
  }
}
