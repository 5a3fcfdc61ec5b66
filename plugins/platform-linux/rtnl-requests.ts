/**
 * Building rtnetlink requests from the SDK's specs. Everything here is pure:
 * validated input in, one finished message out (or InvalidValue, which the
 * platform reports as EINVAL naming the operation). Defaults follow
 * iproute2, so that `ip` and nmk leave the same state behind.
 */
import type { AddressSpec, LinkChange, LinkSpec, RouteSpec, RuleSpec } from '../../sdk/index.js';
import { hasHostBits, InvalidValue, parseIp, parseIpOf, parseMac } from './ip-text.js';
import { KIND_CODECS } from './link-info/kinds.js';
import type { OptionRow, OptionValue } from './link-info/option-row.js';
import { NlMessage } from './nl-message.js';
import { encodeMetrics } from './route-metrics.js';
import * as constants from './rtnl-constants.js';

// A plain copy: under jiti each read of a module namespace goes through a Proxy (see rtnl-decode.ts).
const C = { ...constants };

const IFNAMSIZ = 16;

/** The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or whitespace. */
export function checkLinkName(name: unknown, what = 'name'): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || Buffer.byteLength(name) >= IFNAMSIZ || /[/:\s]/.test(name)) {
    throw new InvalidValue(`${what}: '${String(name)}' is not a valid interface name (1-15 bytes, no '/', ':' or spaces)`);
  }
  return name;
}

function checkInt(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidValue(`${what}: ${String(v)} is not an integer in ${min}..${max}`);
  }
  return v;
}

function ifinfo(msg: NlMessage, index = 0, flags = 0, change = 0): void {
  const at = msg.struct(C.IFINFOMSG_LEN);
  msg.setS32(at + 4, index).setU32(at + 8, flags).setU32(at + 12, change);
}

// ---- links ----------------------------------------------------------------

export interface NewLinkInput {
  spec: LinkSpec;
  /** Parent ifindex, already resolved from a name. */
  parent?: number;
  /** Canonical kind options (from the kind's table). */
  options: Array<[OptionRow, OptionValue]>;
  /** veth peer namespace: an open fd on the namespace file, or a pid. */
  peerNetns?: { fd: number } | { pid: number };
}

export function newLinkRequest({ spec, parent, options, peerNetns }: NewLinkInput): Buffer {
  const msg = new NlMessage(C.RTM_NEWLINK, C.NLM_F_REQUEST | C.NLM_F_ACK | C.NLM_F_CREATE | C.NLM_F_EXCL, 256);
  ifinfo(msg, 0, spec.up ? C.IFF_UP : 0, spec.up ? C.IFF_UP : 0);
  msg.string(C.IFLA_IFNAME, checkLinkName(spec.name));
  if (spec.mtu !== undefined) msg.u32(C.IFLA_MTU, checkInt(spec.mtu, 'mtu', 1, 0x7fffffff));
  if (spec.mac !== undefined) msg.bytes(C.IFLA_ADDRESS, parseMac(spec.mac));
  const codec = KIND_CODECS.get(spec.kind);
  if (parent !== undefined && codec?.parentInInfoData === undefined) msg.u32(C.IFLA_LINK, parent);

  const linkinfo = msg.nest(C.IFLA_LINKINFO);
  msg.string(C.IFLA_INFO_KIND, spec.kind);
  if (spec.kind === 'veth' && spec.peer) {
    // VETH_INFO_PEER holds a whole ifinfomsg plus the peer's own IFLA_* attributes.
    const data = msg.nest(C.IFLA_INFO_DATA);
    const peer = msg.nest(C.VETH_INFO_PEER);
    ifinfo(msg);
    msg.string(C.IFLA_IFNAME, checkLinkName(spec.peer.name, 'peer name'));
    if (peerNetns && 'fd' in peerNetns) msg.u32(C.IFLA_NET_NS_FD, peerNetns.fd);
    if (peerNetns && 'pid' in peerNetns) msg.u32(C.IFLA_NET_NS_PID, peerNetns.pid);
    msg.end(peer);
    msg.end(data);
  } else if (codec && (options.length > 0 || (parent !== undefined && codec.parentInInfoData !== undefined))) {
    const data = msg.nest(C.IFLA_INFO_DATA);
    if (parent !== undefined && codec.parentInInfoData !== undefined) msg.u32(codec.parentInInfoData, parent);
    codec.table.encode(options, msg);
    msg.end(data);
  } else if (options.length > 0) {
    throw new InvalidValue(`kind ${spec.kind} takes no options`);
  }
  msg.end(linkinfo);
  return msg.finish();
}

/**
 * RTM_NEWLINK on an existing link (no CREATE): flags, MTU, MAC, name,
 * controller and, when given, kind options in IFLA_INFO_DATA and port
 * options in IFLA_INFO_SLAVE_DATA (both canonical, from the tables).
 */
export function setLinkRequest(ifindex: number, change: LinkChange, options?: Array<[OptionRow, OptionValue]>, portOptions?: Array<[OptionRow, OptionValue]>): Buffer {
  const msg = new NlMessage(C.RTM_NEWLINK, C.NLM_F_REQUEST | C.NLM_F_ACK, 96);
  const upMask = change.up === undefined ? 0 : C.IFF_UP;
  ifinfo(msg, ifindex, change.up ? C.IFF_UP : 0, upMask);
  if (change.mac !== undefined) msg.bytes(C.IFLA_ADDRESS, parseMac(change.mac));
  if (change.mtu !== undefined) msg.u32(C.IFLA_MTU, checkInt(change.mtu, 'mtu', 1, 0x7fffffff));
  if (change.name !== undefined) msg.string(C.IFLA_IFNAME, checkLinkName(change.name));
  if (change.master !== undefined) msg.u32(C.IFLA_MASTER, checkInt(change.master, 'master', 0, 0x7fffffff));
  const kindData = change.options && options && options.length > 0 ? { kind: change.options.kind, options } : undefined;
  const portData = change.portOptions && portOptions && portOptions.length > 0 ? { kind: change.portOptions.kind, options: portOptions } : undefined;
  if (!kindData && !portData) return msg.finish();
  const linkinfo = msg.nest(C.IFLA_LINKINFO);
  if (kindData) {
    const codec = KIND_CODECS.get(kindData.kind);
    if (!codec) throw new InvalidValue(`kind ${kindData.kind} takes no options`);
    msg.string(C.IFLA_INFO_KIND, kindData.kind);
    const data = msg.nest(C.IFLA_INFO_DATA);
    codec.table.encode(kindData.options, msg);
    msg.end(data);
  }
  if (portData) {
    const table = KIND_CODECS.get(portData.kind)?.portTable;
    if (!table) throw new InvalidValue(`ports of a ${portData.kind} take no options`);
    msg.string(C.IFLA_INFO_SLAVE_KIND, portData.kind);
    const data = msg.nest(C.IFLA_INFO_SLAVE_DATA);
    table.encode(portData.options, msg);
    msg.end(data);
  }
  msg.end(linkinfo);
  return msg.finish();
}

export function deleteLinkRequest(ifindex: number): Buffer {
  const msg = new NlMessage(C.RTM_DELLINK, C.NLM_F_REQUEST | C.NLM_F_ACK, 32);
  ifinfo(msg, ifindex);
  return msg.finish();
}

/** RTM_GETLINK for one link, by ifindex or by name, without statistics. */
export function getLinkRequest(ifindexOrName: number | string): Buffer {
  const msg = new NlMessage(C.RTM_GETLINK, C.NLM_F_REQUEST | C.NLM_F_ACK, 64);
  ifinfo(msg, typeof ifindexOrName === 'number' ? ifindexOrName : 0);
  if (typeof ifindexOrName === 'string') msg.string(C.IFLA_IFNAME, ifindexOrName);
  msg.u32(C.IFLA_EXT_MASK, C.RTEXT_FILTER_SKIP_STATS);
  return msg.finish();
}

// ---- dumps ----------------------------------------------------------------

export function dumpLinksRequest(): Buffer {
  const msg = new NlMessage(C.RTM_GETLINK, C.NLM_F_REQUEST | C.NLM_F_DUMP, 48);
  ifinfo(msg);
  msg.u32(C.IFLA_EXT_MASK, C.RTEXT_FILTER_SKIP_STATS);
  return msg.finish();
}

export function dumpAddressesRequest(): Buffer {
  const msg = new NlMessage(C.RTM_GETADDR, C.NLM_F_REQUEST | C.NLM_F_DUMP, 32);
  msg.struct(C.IFADDRMSG_LEN);
  return msg.finish();
}

export function dumpRoutesRequest(family: 0 | 4 | 6 = 0): Buffer {
  const msg = new NlMessage(C.RTM_GETROUTE, C.NLM_F_REQUEST | C.NLM_F_DUMP, 32);
  const at = msg.struct(C.RTMSG_LEN);
  msg.setU8(at, family === 4 ? C.AF_INET : family === 6 ? C.AF_INET6 : C.AF_UNSPEC);
  return msg.finish();
}

// ---- addresses ------------------------------------------------------------

function lifetime(v: number | undefined, what: string): number {
  return v === undefined ? C.INFINITY_LIFETIME : checkInt(v, what, 0, C.INFINITY_LIFETIME);
}

export function addressRequest(add: boolean, spec: AddressSpec): Buffer {
  const family = spec.family;
  if (family !== 4 && family !== 6) throw new InvalidValue(`family: ${String(family)} is not 4 or 6`);
  const local = parseIpOf(family, spec.address, 'address');
  const prefixlen = checkInt(spec.prefixlen, 'prefixlen', 0, family === 4 ? 32 : 128);
  const ifindex = checkInt(spec.ifindex, 'ifindex', 1, 0x7fffffff);
  const flags = spec.flags === undefined ? 0 : checkInt(spec.flags, 'flags', 0, 0xffffffff);

  const create = spec.replace ? C.NLM_F_CREATE | C.NLM_F_REPLACE : C.NLM_F_CREATE | C.NLM_F_EXCL;
  const msg = new NlMessage(add ? C.RTM_NEWADDR : C.RTM_DELADDR, C.NLM_F_REQUEST | C.NLM_F_ACK | (add ? create : 0), 96);
  const at = msg.struct(C.IFADDRMSG_LEN);
  // iproute2 gives IPv4 loopback addresses host scope; everything else starts global.
  const scope = family === 4 && local[0] === 127 ? C.RT_SCOPE_HOST : C.RT_SCOPE_UNIVERSE;
  msg.setU8(at, family === 4 ? C.AF_INET : C.AF_INET6).setU8(at + 1, prefixlen).setU8(at + 2, flags & 0xff).setU8(at + 3, scope).setU32(at + 4, ifindex);
  msg.bytes(C.IFA_LOCAL, local);
  msg.bytes(C.IFA_ADDRESS, spec.peer !== undefined ? parseIpOf(family, spec.peer, 'peer') : local);
  if (spec.broadcast !== undefined) {
    if (family !== 4) throw new InvalidValue('broadcast: only IPv4 addresses have one');
    msg.bytes(C.IFA_BROADCAST, parseIpOf(4, spec.broadcast, 'broadcast'));
  }
  if (add && (spec.validLifetime !== undefined || spec.preferredLifetime !== undefined)) {
    const valid = lifetime(spec.validLifetime, 'validLifetime');
    const preferred = spec.preferredLifetime === undefined ? valid : lifetime(spec.preferredLifetime, 'preferredLifetime');
    if (preferred > valid) throw new InvalidValue(`preferredLifetime ${preferred} exceeds validLifetime ${valid}`);
    const ci = Buffer.alloc(16);
    ci.writeUInt32LE(preferred, 0);
    ci.writeUInt32LE(valid, 4);
    msg.bytes(C.IFA_CACHEINFO, ci);
  }
  if (add && flags > 0xff) msg.u32(C.IFA_FLAGS, flags);
  return msg.finish();
}

// ---- routes ---------------------------------------------------------------

export function routeRequest(add: boolean, spec: RouteSpec): Buffer {
  const family = spec.family;
  if (family !== 4 && family !== 6) throw new InvalidValue(`family: ${String(family)} is not 4 or 6`);
  const dst = parseIpOf(family, spec.dst, 'dst');
  const dstLen = checkInt(spec.dstLen, 'dstLen', 0, family === 4 ? 32 : 128);
  if (family === 4 && hasHostBits(dst, dstLen)) throw new InvalidValue(`dst: ${spec.dst}/${dstLen} has host bits set`);
  const gateway = spec.gateway !== undefined ? parseIp(spec.gateway, 'gateway') : undefined;
  const table = spec.table === undefined ? C.RT_TABLE_MAIN : checkInt(spec.table, 'table', 1, 0xffffffff);
  const type = spec.type === undefined ? (add ? C.RTN_UNICAST : 0) : checkInt(spec.type, 'type', 0, 255);
  const protocol = spec.protocol === undefined ? (add ? C.RTPROT_BOOT : 0) : checkInt(spec.protocol, 'protocol', 0, 255);
  let scope: number;
  if (spec.scope !== undefined) scope = checkInt(spec.scope, 'scope', 0, 255);
  else if (!add) scope = C.RT_SCOPE_NOWHERE; // matches any scope
  else if (family === 6) scope = C.RT_SCOPE_UNIVERSE; // the kernel keeps no scope for IPv6 routes
  else if (type === C.RTN_LOCAL) scope = C.RT_SCOPE_HOST;
  else if (type === C.RTN_UNICAST && !gateway) scope = C.RT_SCOPE_LINK;
  else scope = C.RT_SCOPE_UNIVERSE;

  const tos = spec.tos === undefined ? 0 : checkInt(spec.tos, 'tos', 0, 255);
  let from: Uint8Array | undefined;
  let fromLen = 0;
  if (spec.from !== undefined || spec.fromLen !== undefined) {
    if (family !== 6) throw new InvalidValue('from: only IPv6 routes have a source prefix');
    from = parseIpOf(6, spec.from ?? '::', 'from');
    fromLen = spec.fromLen === undefined ? 128 : checkInt(spec.fromLen, 'fromLen', 0, 128);
  }

  const msg = new NlMessage(add ? C.RTM_NEWROUTE : C.RTM_DELROUTE, C.NLM_F_REQUEST | C.NLM_F_ACK | (add ? C.NLM_F_CREATE | C.NLM_F_EXCL : 0), 128);
  const at = msg.struct(C.RTMSG_LEN);
  msg.setU8(at, family === 4 ? C.AF_INET : C.AF_INET6).setU8(at + 1, dstLen).setU8(at + 2, fromLen).setU8(at + 3, tos)
    .setU8(at + 4, table < 256 ? table : 0).setU8(at + 5, protocol).setU8(at + 6, scope).setU8(at + 7, type);
  // onlink and metrics only when adding: a delete that named them would match only routes with exactly those.
  if (add && spec.onlink) msg.setU32(at + 8, C.RTNH_F_ONLINK);
  if (dstLen > 0) msg.bytes(C.RTA_DST, dst);
  if (from && fromLen > 0) msg.bytes(C.RTA_SRC, from);
  if (gateway) {
    if (gateway.family === family) msg.bytes(C.RTA_GATEWAY, gateway.bytes);
    else {
      // A gateway of the other family (IPv4 via IPv6) is RTA_VIA: u16 family then the address.
      const via = Buffer.alloc(2 + gateway.bytes.length);
      via.writeUInt16LE(gateway.family === 4 ? C.AF_INET : C.AF_INET6, 0);
      via.set(gateway.bytes, 2);
      msg.bytes(C.RTA_VIA, via);
    }
  }
  if (spec.ifindex !== undefined && spec.ifindex !== 0) msg.u32(C.RTA_OIF, checkInt(spec.ifindex, 'ifindex', 1, 0x7fffffff));
  if (spec.metric !== undefined) msg.u32(C.RTA_PRIORITY, checkInt(spec.metric, 'metric', 0, 0xffffffff));
  if (spec.prefsrc !== undefined) msg.bytes(C.RTA_PREFSRC, parseIpOf(family, spec.prefsrc, 'prefsrc'));
  msg.u32(C.RTA_TABLE, table);
  if (add) encodeMetrics(msg, spec.metrics);
  return msg.finish();
}

// ---- rules ------------------------------------------------------------------

/** Actions a rule may take here: to table, nop, blackhole, unreachable, prohibit (goto needs a target nmk has no use for). */
const RULE_ACTIONS = new Set([1, 3, 6, 7, 8]);

function rulePrefix(family: 4 | 6, address: string | undefined, len: number | undefined, what: string): [Uint8Array, number] | undefined {
  if (address === undefined && len === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  const bytes = parseIpOf(family, address ?? (family === 4 ? '0.0.0.0' : '::'), what);
  const n = len === undefined ? max : checkInt(len, `${what}Len`, 0, max);
  // A zero-length prefix matches everything: the kernel's "from all".
  return n === 0 ? undefined : [bytes, n];
}

function portRange(v: unknown, what: string): Buffer | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 2) throw new InvalidValue(`${what}: expected [start, end]`);
  // The kernel takes ports 1..65534 (fib_rule_port_range_valid).
  const start = checkInt(v[0], `${what} start`, 1, 0xfffe);
  const end = checkInt(v[1], `${what} end`, start, 0xfffe);
  const b = Buffer.alloc(4);
  b.writeUInt16LE(start, 0);
  b.writeUInt16LE(end, 2);
  return b;
}

/**
 * RTM_NEWRULE (NLM_F_EXCL: an equal rule is EEXIST, as `ip rule add`) or
 * RTM_DELRULE. Attributes as NetworkManager sends them
 * (_nl_msg_new_routing_rule); the priority always goes along.
 */
export function ruleRequest(add: boolean, spec: RuleSpec): Buffer {
  const family = spec.family;
  if (family !== 4 && family !== 6) throw new InvalidValue(`family: ${String(family)} is not 4 or 6`);
  const priority = checkInt(spec.priority, 'priority', 0, 0xffffffff);
  const action = spec.action === undefined ? (add ? C.FR_ACT_TO_TBL : 0) : checkInt(spec.action, 'action', 0, 255);
  if (action !== 0 && !RULE_ACTIONS.has(action)) throw new InvalidValue(`action: ${action} is not to-table (1), nop (3), blackhole (6), unreachable (7) or prohibit (8)`);
  const table = spec.table === undefined ? 0 : checkInt(spec.table, 'table', 0, 0xffffffff);
  // The kernel would pick an unused table for IPv4 (and refuse IPv6): nmk must know which table it configured.
  if (add && action === C.FR_ACT_TO_TBL && table === 0) throw new InvalidValue('table: a rule that looks up a table needs one (1..4294967295)');
  const from = rulePrefix(family, spec.from, spec.fromLen, 'from');
  const to = rulePrefix(family, spec.to, spec.toLen, 'to');
  const tos = spec.tos === undefined ? 0 : checkInt(spec.tos, 'tos', 0, 255);

  const msg = new NlMessage(add ? C.RTM_NEWRULE : C.RTM_DELRULE, C.NLM_F_REQUEST | C.NLM_F_ACK | (add ? C.NLM_F_CREATE | C.NLM_F_EXCL : 0), 128);
  const at = msg.struct(C.FIB_RULE_HDR_LEN);
  msg.setU8(at, family === 4 ? C.AF_INET : C.AF_INET6).setU8(at + 1, to?.[1] ?? 0).setU8(at + 2, from?.[1] ?? 0).setU8(at + 3, tos)
    .setU8(at + 4, table < 256 ? table : 0).setU8(at + 7, action).setU32(at + 8, spec.invert ? C.FIB_RULE_INVERT : 0);
  if (table !== 0) msg.u32(C.FRA_TABLE, table);
  msg.u32(C.FRA_PRIORITY, priority);
  if (from) msg.bytes(C.FRA_SRC, from[0]);
  if (to) msg.bytes(C.FRA_DST, to[0]);
  if (spec.suppressPrefixlength !== undefined) msg.u32(C.FRA_SUPPRESS_PREFIXLEN, checkInt(spec.suppressPrefixlength, 'suppressPrefixlength', 0, family === 4 ? 32 : 128));
  if (spec.iifname !== undefined) msg.string(C.FRA_IIFNAME, checkLinkName(spec.iifname, 'iifname'));
  if (spec.oifname !== undefined) msg.string(C.FRA_OIFNAME, checkLinkName(spec.oifname, 'oifname'));
  if (spec.fwmark !== undefined || spec.fwmask !== undefined) {
    const mark = spec.fwmark === undefined ? 0 : checkInt(spec.fwmark, 'fwmark', 0, 0xffffffff);
    msg.u32(C.FRA_FWMARK, mark);
    msg.u32(C.FRA_FWMASK, spec.fwmask === undefined ? (mark ? 0xffffffff : 0) : checkInt(spec.fwmask, 'fwmask', 0, 0xffffffff));
  }
  if (spec.protocol !== undefined) msg.u8(C.FRA_PROTOCOL, checkInt(spec.protocol, 'protocol', 0, 255));
  if (spec.ipproto !== undefined && spec.ipproto !== 0) msg.u8(C.FRA_IP_PROTO, checkInt(spec.ipproto, 'ipproto', 0, 255));
  const sport = portRange(spec.sport, 'sport');
  if (sport) msg.bytes(C.FRA_SPORT_RANGE, sport);
  const dport = portRange(spec.dport, 'dport');
  if (dport) msg.bytes(C.FRA_DPORT_RANGE, dport);
  if (spec.uidRange !== undefined) {
    const r = spec.uidRange;
    if (!Array.isArray(r) || r.length !== 2) throw new InvalidValue('uidRange: expected [start, end]');
    const start = checkInt(r[0], 'uidRange start', 0, 0xfffffffe);
    const end = checkInt(r[1], 'uidRange end', start, 0xfffffffe);
    const b = Buffer.alloc(8);
    b.writeUInt32LE(start, 0);
    b.writeUInt32LE(end, 4);
    msg.bytes(C.FRA_UID_RANGE, b);
  }
  return msg.finish();
}

export function dumpRulesRequest(family: 0 | 4 | 6 = 0): Buffer {
  const msg = new NlMessage(C.RTM_GETRULE, C.NLM_F_REQUEST | C.NLM_F_DUMP, 32);
  const at = msg.struct(C.FIB_RULE_HDR_LEN);
  msg.setU8(at, family === 4 ? C.AF_INET : family === 6 ? C.AF_INET6 : C.AF_UNSPEC);
  return msg.finish();
}
