/**
 * DHCPv6 messages (RFC 8415) between client and server: a type byte, a
 * 24-bit transaction id, then options as (code, length, data). Only what the
 * client sends and reads is modelled; every other option is kept raw.
 * decodeMessage() never throws on what a server sends: a message that does
 * not parse is reported as an error string, an option that does not parse is
 * skipped with a note, as systemd's sd-dhcp6-client (NetworkManager's
 * internal client) does.
 */

export enum MsgType {
  Solicit = 1,
  Advertise = 2,
  Request = 3,
  Confirm = 4,
  Renew = 5,
  Rebind = 6,
  Reply = 7,
  Release = 8,
  Decline = 9,
  Reconfigure = 10,
  InformationRequest = 11,
}

export const MSG_NAMES: Record<number, string> = {
  1: 'SOLICIT', 2: 'ADVERTISE', 3: 'REQUEST', 4: 'CONFIRM', 5: 'RENEW', 6: 'REBIND', 7: 'REPLY', 8: 'RELEASE', 9: 'DECLINE', 10: 'RECONFIGURE', 11: 'INFORMATION-REQUEST',
};

export enum Opt {
  ClientId = 1,
  ServerId = 2,
  IaNa = 3,
  IaAddr = 5,
  Oro = 6,
  Preference = 7,
  ElapsedTime = 8,
  StatusCode = 13,
  RapidCommit = 14,
  DnsServers = 23,
  DomainList = 24,
  IaPd = 25,
  IaPrefix = 26,
  SntpServers = 31,
  InformationRefreshTime = 32,
  ClientFqdn = 39,
  NtpServer = 56,
  SolMaxRt = 82,
  InfMaxRt = 83,
}

/** RFC 8415 21.13 status codes, named as the RFC spells them (for log lines). */
export const STATUS_NAMES: Record<number, string> = {
  0: 'Success', 1: 'UnspecFail', 2: 'NoAddrsAvail', 3: 'NoBinding', 4: 'NotOnLink', 5: 'UseMulticast', 6: 'NoPrefixAvail',
};
export const STATUS_NO_BINDING = 3;

export interface Status {
  code: number;
  message: string;
}

export interface IaAddress {
  address: string;
  preferred: number;
  valid: number;
}

export interface IaPrefix {
  prefix: string;
  prefixlen: number;
  preferred: number;
  valid: number;
}

export interface Ia {
  type: Opt.IaNa | Opt.IaPd;
  iaid: number;
  t1: number;
  t2: number;
  addresses: IaAddress[];
  prefixes: IaPrefix[];
  /** A non-success status of the IA itself. */
  status?: Status;
}

export interface Dhcp6Message {
  type: number;
  xid: number;
  clientId?: Buffer;
  serverId?: Buffer;
  preference?: number;
  /** A top-level status option (absent means success). */
  status?: Status;
  rapidCommit: boolean;
  ias: Ia[];
  dns: string[];
  domains: string[];
  ntpAddresses: string[];
  ntpNames: string[];
  sntp: string[];
  fqdn?: string;
  /** Seconds (option 32). */
  refreshTime?: number;
  /** Options that did not parse, each a short note for the log. */
  notes: string[];
}

/** The address of 16 bytes, in RFC 5952 text (what inet_ntop prints). */
export function ip6ToString(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i]! << 8) | b[i + 1]!);
  // The longest run of two or more zero words becomes "::" (the first such run on a tie).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  // IPv4-mapped addresses read as inet_ntop prints them.
  if (best === 0 && bestLen === 5 && words[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}

/** Text to 16 bytes (a scope "%..." is dropped); throws on anything else. */
export function ip6ToBytes(text: string): Buffer {
  const t = text.split('%')[0]!;
  const halves = t.split('::');
  if (halves.length > 2) throw new Error(`not an IPv6 address: ${text}`);
  const part = (s: string) => (s === '' ? [] : s.split(':'));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const words = (ps: string[]) => ps.map((p) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(p)) throw new Error(`not an IPv6 address: ${text}`);
    return parseInt(p, 16);
  });
  const h = words(head);
  const tl = words(tail);
  const fill = 8 - h.length - tl.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) throw new Error(`not an IPv6 address: ${text}`);
  const all = [...h, ...Array(halves.length === 2 ? fill : 0).fill(0), ...tl];
  const b = Buffer.alloc(16);
  all.forEach((w, i) => b.writeUInt16BE(w, 2 * i));
  return b;
}

/** A DNS name in wire format (RFC 1035 3.1, no compression), as RFC 8415 10 requires for DHCPv6. */
export function encodeName(name: string, opts: { terminate?: boolean } = {}): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l !== '');
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l);
    if (b.length > 63) throw new Error(`DNS label longer than 63 bytes: ${l}`);
    parts.push(Buffer.from([b.length]), b);
  }
  if (opts.terminate !== false) parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** A label's bytes as text: letters, digits, '-' and '_' as they are, anything else as \DDD (systemd's escaping). */
function labelText(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += /[A-Za-z0-9_-]/.test(String.fromCharCode(c)) ? String.fromCharCode(c) : `\\${String(c).padStart(3, '0')}`;
  return s;
}

/** Names in wire format one after another (option 24; one name for FQDN and NTP). Throws on a malformed one. */
export function decodeNames(data: Uint8Array): string[] {
  const names: string[] = [];
  let labels: string[] = [];
  let i = 0;
  while (i < data.length) {
    const len = data[i]!;
    if (len === 0) {
      if (labels.length) names.push(labels.join('.'));
      labels = [];
      i++;
      continue;
    }
    if (len > 63) throw new Error('compressed or oversized label');
    if (i + 1 + len > data.length) throw new Error('label runs past the option');
    labels.push(labelText(data.subarray(i + 1, i + 1 + len)));
    i += 1 + len;
  }
  // A name without its terminating zero (RFC 4704 allows that for a partial FQDN).
  if (labels.length) names.push(labels.join('.'));
  return names;
}

function opt(code: number, data: Uint8Array): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(code, 0);
  h.writeUInt16BE(data.length, 2);
  return Buffer.concat([h, data]);
}

export interface IaToSend {
  type: Opt.IaNa | Opt.IaPd;
  iaid: number;
  /** Addresses (IA_NA) or prefixes (IA_PD) held, for RENEW, REBIND and RELEASE; lifetimes are sent as 0. */
  addresses?: string[];
  prefixes?: { prefix: string; prefixlen: number }[];
}

export interface MessageToSend {
  type: MsgType;
  xid: number;
  clientId: Uint8Array;
  serverId?: Uint8Array;
  ias?: IaToSend[];
  rapidCommit?: boolean;
  /** Option codes to request, in the order given. */
  oro?: number[];
  /** Centiseconds since the transaction began (capped at 0xffff). */
  elapsed: number;
  fqdn?: string;
}

function encodeIa(ia: IaToSend): Buffer {
  // T1 and T2 are 0: the client leaves them to the server (RFC 8415 21.4).
  const head = Buffer.alloc(ia.type === Opt.IaNa || ia.type === Opt.IaPd ? 12 : 4);
  head.writeUInt32BE(ia.iaid >>> 0, 0);
  const subs: Buffer[] = [];
  for (const a of ia.addresses ?? []) subs.push(opt(Opt.IaAddr, Buffer.concat([ip6ToBytes(a), Buffer.alloc(8)])));
  for (const p of ia.prefixes ?? []) subs.push(opt(Opt.IaPrefix, Buffer.concat([Buffer.alloc(8), Buffer.from([p.prefixlen]), ip6ToBytes(p.prefix)])));
  return opt(ia.type, Buffer.concat([head, ...subs]));
}

/**
 * The FQDN option (RFC 4704) as sd-dhcp6-client sends it: the S flag (the
 * server updates the AAAA record), then the name; a single label (a bare
 * host name) goes without the terminating zero, marking it partial.
 */
export function encodeFqdn(name: string): Buffer {
  const single = !name.replace(/\.$/, '').includes('.');
  return opt(Opt.ClientFqdn, Buffer.concat([Buffer.from([0x01]), encodeName(name, { terminate: !single })]));
}

/** Options in sd-dhcp6-client's order: IAs, FQDN, ORO, client id, elapsed time (server id and rapid commit first). */
export function encodeMessage(m: MessageToSend): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(((m.type & 0xff) << 24) | (m.xid & 0xffffff), 0);
  const parts: Buffer[] = [head];
  if (m.rapidCommit) parts.push(opt(Opt.RapidCommit, Buffer.alloc(0)));
  if (m.serverId) parts.push(opt(Opt.ServerId, m.serverId));
  for (const ia of m.ias ?? []) parts.push(encodeIa(ia));
  if (m.fqdn) parts.push(encodeFqdn(m.fqdn));
  if (m.oro?.length) {
    const b = Buffer.alloc(2 * m.oro.length);
    m.oro.forEach((c, i) => b.writeUInt16BE(c, 2 * i));
    parts.push(opt(Opt.Oro, b));
  }
  parts.push(opt(Opt.ClientId, m.clientId));
  const e = Buffer.alloc(2);
  e.writeUInt16BE(Math.min(0xffff, Math.max(0, Math.floor(m.elapsed))), 0);
  parts.push(opt(Opt.ElapsedTime, e));
  return Buffer.concat(parts);
}

interface RawOption {
  code: number;
  data: Buffer;
}

/** Options one after another; throws when one runs past the end. */
function splitOptions(buf: Buffer): RawOption[] {
  const out: RawOption[] = [];
  let i = 0;
  while (i < buf.length) {
    if (i + 4 > buf.length) throw new Error(`option header cut off at offset ${i}`);
    const code = buf.readUInt16BE(i);
    const len = buf.readUInt16BE(i + 2);
    if (i + 4 + len > buf.length) throw new Error(`option ${code} of ${len} bytes runs past the end at offset ${i}`);
    out.push({ code, data: buf.subarray(i + 4, i + 4 + len) });
    i += 4 + len;
  }
  return out;
}

function decodeStatus(data: Buffer): Status {
  if (data.length < 2) throw new Error('status code shorter than 2 bytes');
  // The message is UTF-8 without a terminating zero; control characters are replaced for the log.
  return { code: data.readUInt16BE(0), message: data.subarray(2).toString('utf8').replace(/[\x00-\x1f\x7f]/g, '?') };
}

function decodeAddresses(data: Buffer, what: string): string[] {
  if (data.length === 0 || data.length % 16 !== 0) throw new Error(`${what}: length ${data.length} is not a multiple of 16`);
  const out: string[] = [];
  for (let i = 0; i < data.length; i += 16) out.push(ip6ToString(data.subarray(i, i + 16)));
  return out;
}

/**
 * An IA_NA or IA_PD as sd-dhcp6-client accepts it: T1 <= T2 (and not
 * T1 = 0 with T2 > 0); addresses and prefixes with a valid lifetime that is
 * not 0 and not below the preferred one; a sub-option with a non-success
 * status drops that address. A non-success status of the IA is kept in
 * `status` (the caller ignores the IA then).
 */
function decodeIa(type: Opt.IaNa | Opt.IaPd, data: Buffer, notes: string[]): Ia | undefined {
  if (data.length < 12) throw new Error(`IA of ${data.length} bytes`);
  const ia: Ia = { type, iaid: data.readUInt32BE(0), t1: data.readUInt32BE(4), t2: data.readUInt32BE(8), addresses: [], prefixes: [] };
  if (ia.t1 > ia.t2) throw new Error(`IA with T1 ${ia.t1} > T2 ${ia.t2}`);
  if (ia.t1 === 0 && ia.t2 > 0) throw new Error(`IA with T1 0 and T2 ${ia.t2}`);
  for (const sub of splitOptions(data.subarray(12))) {
    try {
      if (sub.code === Opt.StatusCode) {
        const st = decodeStatus(sub.data);
        if (st.code !== 0) ia.status = st;
      } else if (sub.code === Opt.IaAddr && type === Opt.IaNa) {
        if (sub.data.length < 24) throw new Error(`IA address of ${sub.data.length} bytes`);
        const a = { address: ip6ToString(sub.data.subarray(0, 16)), preferred: sub.data.readUInt32BE(16), valid: sub.data.readUInt32BE(20) };
        if (a.valid === 0) throw new Error(`address ${a.address} with valid lifetime 0`);
        if (a.preferred > a.valid) throw new Error(`address ${a.address} with preferred lifetime ${a.preferred} > valid ${a.valid}`);
        if (subStatusFailed(sub.data.subarray(24))) throw new Error(`address ${a.address} with a failure status`);
        ia.addresses.push(a);
      } else if (sub.code === Opt.IaPrefix && type === Opt.IaPd) {
        if (sub.data.length < 25) throw new Error(`IA prefix of ${sub.data.length} bytes`);
        const p = { preferred: sub.data.readUInt32BE(0), valid: sub.data.readUInt32BE(4), prefixlen: sub.data[8]!, prefix: ip6ToString(sub.data.subarray(9, 25)) };
        if (p.valid === 0) throw new Error(`prefix ${p.prefix}/${p.prefixlen} with valid lifetime 0`);
        if (p.preferred > p.valid) throw new Error(`prefix ${p.prefix}/${p.prefixlen} with preferred lifetime ${p.preferred} > valid ${p.valid}`);
        if (p.prefixlen > 128) throw new Error(`prefix length ${p.prefixlen}`);
        if (subStatusFailed(sub.data.subarray(25))) throw new Error(`prefix ${p.prefix}/${p.prefixlen} with a failure status`);
        ia.prefixes.push(p);
      }
    } catch (e) {
      notes.push(`IA ${ia.iaid}: ${(e as Error).message}, ignored`);
    }
  }
  return ia;
}

function subStatusFailed(data: Buffer): boolean {
  return splitOptions(data).some((o) => o.code === Opt.StatusCode && decodeStatus(o.data).code !== 0);
}

/** Parses what a server sent: the message, or why it is not one. */
export function decodeMessage(buf: Buffer): Dhcp6Message | { error: string } {
  if (buf.length < 4) return { error: `${buf.length} bytes is too short for a DHCPv6 message` };
  const m: Dhcp6Message = {
    type: buf[0]!,
    xid: buf.readUInt32BE(0) & 0xffffff,
    rapidCommit: false,
    ias: [],
    dns: [],
    domains: [],
    ntpAddresses: [],
    ntpNames: [],
    sntp: [],
    notes: [],
  };
  let options: RawOption[];
  try {
    options = splitOptions(buf.subarray(4));
  } catch (e) {
    return { error: (e as Error).message };
  }
  for (const o of options) {
    try {
      switch (o.code) {
        case Opt.ClientId:
          if (m.clientId) return { error: 'more than one client id' };
          m.clientId = Buffer.from(o.data);
          break;
        case Opt.ServerId:
          if (m.serverId) return { error: 'more than one server id' };
          m.serverId = Buffer.from(o.data);
          break;
        case Opt.Preference:
          if (o.data.length !== 1) return { error: `preference of ${o.data.length} bytes` };
          m.preference = o.data[0];
          break;
        case Opt.StatusCode: {
          const st = decodeStatus(o.data);
          if (st.code !== 0) m.status = st;
          break;
        }
        case Opt.RapidCommit:
          m.rapidCommit = true;
          break;
        case Opt.IaNa:
        case Opt.IaPd: {
          const ia = decodeIa(o.code, o.data, m.notes);
          if (ia) m.ias.push(ia);
          break;
        }
        case Opt.DnsServers:
          m.dns.push(...decodeAddresses(o.data, 'DNS servers'));
          break;
        case Opt.DomainList:
          for (const d of decodeNames(o.data)) if (!m.domains.includes(d)) m.domains.push(d);
          break;
        case Opt.SntpServers:
          m.sntp.push(...decodeAddresses(o.data, 'SNTP servers'));
          break;
        case Opt.NtpServer:
          for (const sub of splitOptions(o.data)) {
            // Suboptions: 1 server address, 2 multicast address, 3 server name (RFC 5908).
            if (sub.code === 1 || sub.code === 2) {
              if (sub.data.length !== 16) throw new Error(`NTP address of ${sub.data.length} bytes`);
              m.ntpAddresses.push(ip6ToString(sub.data));
            } else if (sub.code === 3) {
              for (const n of decodeNames(sub.data)) if (!m.ntpNames.includes(n)) m.ntpNames.push(n);
            }
          }
          break;
        case Opt.ClientFqdn:
          if (o.data.length >= 2) m.fqdn = decodeNames(o.data.subarray(1))[0];
          break;
        case Opt.InformationRefreshTime:
          if (o.data.length !== 4) return { error: `information refresh time of ${o.data.length} bytes` };
          m.refreshTime = o.data.readUInt32BE(0);
          break;
      }
    } catch (e) {
      m.notes.push(`option ${o.code}: ${(e as Error).message}, ignored`);
    }
  }
  return m;
}
