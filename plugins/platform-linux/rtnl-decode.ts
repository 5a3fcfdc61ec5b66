/**
 * Decoding rtnetlink messages into the SDK's plain objects. Each decoder
 * reads one message payload straight from the receive buffer (offset and
 * length, no copies, no intermediate attribute objects) and builds exactly
 * the object it returns, so an event costs one pass over its bytes.
 */
import type { Address, Family, Link, LinkInfoData, PlatformEvent, Route, RouteMetrics, Rule } from '../../sdk/index.js';
import * as ipText from './ip-text.js';
import { KIND_CODECS } from './link-info/kinds.js';
import * as nl from './nl-message.js';
import { decodeMetrics } from './route-metrics.js';
import * as C from './rtnl-constants.js';

// Local copies of what the loops below use. A loader that runs TypeScript
// directly (jiti) turns every use of an imported binding into a property
// read through a Proxy; at thousands of attributes per dump that is most of
// the decoding time.
const { formatHex, formatIp } = ipText;
const { readString } = nl;
const {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  IFA_ADDRESS,
  IFA_BROADCAST,
  IFA_CACHEINFO,
  IFA_FLAGS,
  IFA_LABEL,
  IFA_LOCAL,
  IFADDRMSG_LEN,
  IFF_LOWER_UP,
  IFF_UP,
  IFINFOMSG_LEN,
  IFLA_ADDRESS,
  IFLA_IFNAME,
  IFLA_INFO_DATA,
  IFLA_INFO_KIND,
  IFLA_INFO_SLAVE_DATA,
  IFLA_INFO_SLAVE_KIND,
  IFLA_LINK,
  IFLA_LINK_NETNSID,
  IFLA_LINKINFO,
  IFLA_MASTER,
  IFLA_MTU,
  IFLA_OPERSTATE,
  INFINITY_LIFETIME,
  NLA_HDRLEN,
  NLA_TYPE_MASK,
  OPERSTATES,
  RTA_DST,
  RTA_GATEWAY,
  RTA_METRICS,
  RTA_OIF,
  RTA_PREFSRC,
  RTA_PRIORITY,
  RTA_SRC,
  RTA_TABLE,
  RTA_VIA,
  RTM_DELADDR,
  RTM_DELLINK,
  RTM_DELROUTE,
  RTM_F_CLONED,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWROUTE,
  RTMSG_LEN,
  RTNH_F_ONLINK,
} = C;

const attrLen = (buf: Buffer, p: number): number => buf.readUInt16LE(p);
const attrType = (buf: Buffer, p: number): number => buf.readUInt16LE(p + 2) & NLA_TYPE_MASK;
const next = (p: number, alen: number): number => p + ((alen + 3) & ~3);

/** Family of a link message payload (links other than AF_UNSPEC are bridge-port and IPv6 side channels). */
export function linkFamily(buf: Buffer, at: number): number {
  return buf[at]!;
}

/** struct ifinfomsg + IFLA_* attributes at buf[at, at+len). */
export function decodeLink(buf: Buffer, at: number, len: number): Link {
  const end = at + len;
  const arptype = buf.readUInt16LE(at + 2);
  const ifindex = buf.readInt32LE(at + 4);
  const flags = buf.readUInt32LE(at + 8);
  let name = '';
  let mtu = 0;
  let mac = '';
  let master = 0;
  let parent = 0;
  let operstate = 0;
  let kind = '';
  let portKind: string | undefined;
  let dataAt = -1;
  let dataEnd = -1;
  let portDataAt = -1;
  let portDataEnd = -1;
  let parentElsewhere = false;

  for (let p = at + IFINFOMSG_LEN; p + NLA_HDRLEN <= end; ) {
    const alen = attrLen(buf, p);
    if (alen < NLA_HDRLEN || p + alen > end) break;
    const d = p + NLA_HDRLEN;
    const dlen = alen - NLA_HDRLEN;
    switch (attrType(buf, p)) {
      case IFLA_IFNAME: name = readString(buf, d, dlen); break;
      case IFLA_MTU: mtu = buf.readUInt32LE(d); break;
      case IFLA_ADDRESS: mac = formatHex(buf, d, dlen); break;
      case IFLA_MASTER: master = buf.readUInt32LE(d); break;
      case IFLA_LINK: parent = buf.readInt32LE(d); break;
      case IFLA_LINK_NETNSID: parentElsewhere = true; break;
      case IFLA_OPERSTATE: operstate = buf[d]!; break;
      case IFLA_LINKINFO:
        for (let q = d; q + NLA_HDRLEN <= d + dlen; ) {
          const ilen = attrLen(buf, q);
          if (ilen < NLA_HDRLEN || q + ilen > d + dlen) break;
          const itype = attrType(buf, q);
          if (itype === IFLA_INFO_KIND) kind = readString(buf, q + NLA_HDRLEN, ilen - NLA_HDRLEN);
          else if (itype === IFLA_INFO_SLAVE_KIND) portKind = readString(buf, q + NLA_HDRLEN, ilen - NLA_HDRLEN);
          else if (itype === IFLA_INFO_DATA) { dataAt = q + NLA_HDRLEN; dataEnd = q + ilen; }
          else if (itype === IFLA_INFO_SLAVE_DATA) { portDataAt = q + NLA_HDRLEN; portDataEnd = q + ilen; }
          q = next(q, ilen);
        }
        break;
    }
    p = next(p, alen);
  }

  let info: LinkInfoData | undefined;
  const codec = kind ? KIND_CODECS.get(kind) : undefined;
  if (codec && dataAt >= 0) {
    info = codec.table.decode(buf, dataAt, dataEnd);
    // vxlan names its underlying link inside INFO_DATA; report it as the parent like vlan's IFLA_LINK.
    if (codec.parentInInfoData !== undefined && parent === 0) parent = infoDataU32(buf, dataAt, dataEnd, codec.parentInInfoData);
  }
  // A port's options, by its controller kind's port table (the kernel sends
  // every IFLA_BRPORT_* it has; the table keeps the ones it has rows for).
  const portTable = portKind !== undefined && portDataAt >= 0 ? KIND_CODECS.get(portKind)?.portTable : undefined;
  const portInfo = portTable ? portTable.decode(buf, portDataAt, portDataEnd) : undefined;

  return {
    ifindex,
    name,
    kind,
    arptype,
    flags,
    up: (flags & IFF_UP) !== 0,
    carrier: (flags & IFF_LOWER_UP) !== 0,
    operstate: OPERSTATES[operstate] ?? String(operstate),
    mtu,
    mac,
    master,
    // IFLA_LINK equal to the link itself means "no parent" (some drivers
    // report their own ifindex); with IFLA_LINK_NETNSID it is an ifindex in
    // another namespace (a veth peer moved away), which would name the wrong
    // link here.
    parent: parent === ifindex || parentElsewhere ? 0 : parent,
    info,
    portKind,
    portInfo,
  };
}

function infoDataU32(buf: Buffer, start: number, end: number, type: number): number {
  for (let p = start; p + NLA_HDRLEN <= end; ) {
    const alen = attrLen(buf, p);
    if (alen < NLA_HDRLEN || p + alen > end) break;
    if (attrType(buf, p) === type && alen >= NLA_HDRLEN + 4) return buf.readUInt32LE(p + NLA_HDRLEN);
    p = next(p, alen);
  }
  return 0;
}

/** struct ifaddrmsg + IFA_* attributes. Returns undefined for families other than IPv4/IPv6. */
export function decodeAddress(buf: Buffer, at: number, len: number): Address | undefined {
  const end = at + len;
  const fam = buf[at]!;
  if (fam !== AF_INET && fam !== AF_INET6) return undefined;
  const prefixlen = buf[at + 1]!;
  let flags = buf[at + 2]!;
  const scope = buf[at + 3]!;
  const ifindex = buf.readUInt32LE(at + 4);
  let address: string | undefined;
  let local: string | undefined;
  let label: string | undefined;
  let broadcast: string | undefined;
  let preferred = INFINITY_LIFETIME;
  let valid = INFINITY_LIFETIME;

  for (let p = at + IFADDRMSG_LEN; p + NLA_HDRLEN <= end; ) {
    const alen = attrLen(buf, p);
    if (alen < NLA_HDRLEN || p + alen > end) break;
    const d = p + NLA_HDRLEN;
    const dlen = alen - NLA_HDRLEN;
    switch (attrType(buf, p)) {
      case IFA_ADDRESS: address = formatIp(buf, d, dlen); break;
      case IFA_LOCAL: local = formatIp(buf, d, dlen); break;
      case IFA_LABEL: label = readString(buf, d, dlen); break;
      case IFA_BROADCAST: broadcast = formatIp(buf, d, dlen); break;
      case IFA_FLAGS: flags = buf.readUInt32LE(d); break;
      case IFA_CACHEINFO:
        if (dlen >= 8) { preferred = buf.readUInt32LE(d); valid = buf.readUInt32LE(d + 4); }
        break;
    }
    p = next(p, alen);
  }

  // IFA_LOCAL is our own address; IFA_ADDRESS differs from it only on
  // point-to-point links, where it is the peer (NetworkManager reads it the same way).
  const own = local ?? address ?? '';
  return {
    family: (fam === AF_INET ? 4 : 6) as Family,
    ifindex,
    address: own,
    prefixlen,
    peer: local !== undefined && address !== undefined && address !== local ? address : undefined,
    broadcast,
    label,
    scope,
    flags,
    validLifetime: valid,
    preferredLifetime: preferred,
  };
}

/**
 * struct rtmsg + RTA_* attributes. Returns undefined for families other than
 * IPv4/IPv6 (multicast routing tables) and for cloned cache entries, which
 * are not routes anyone configured.
 */
export function decodeRoute(buf: Buffer, at: number, len: number): Route | undefined {
  const end = at + len;
  const fam = buf[at]!;
  if (fam !== AF_INET && fam !== AF_INET6) return undefined;
  const rtmFlags = buf.readUInt32LE(at + 8);
  if (rtmFlags & RTM_F_CLONED) return undefined;
  const dstLen = buf[at + 1]!;
  const fromLen = buf[at + 2]!;
  const tos = buf[at + 3]!;
  let table = buf[at + 4]!;
  const protocol = buf[at + 5]!;
  const scope = buf[at + 6]!;
  const type = buf[at + 7]!;
  let dst: string | undefined;
  let gateway: string | undefined;
  let prefsrc: string | undefined;
  let ifindex = 0;
  let metric = 0;
  let from: string | undefined;
  let metrics: RouteMetrics | undefined;

  for (let p = at + RTMSG_LEN; p + NLA_HDRLEN <= end; ) {
    const alen = attrLen(buf, p);
    if (alen < NLA_HDRLEN || p + alen > end) break;
    const d = p + NLA_HDRLEN;
    const dlen = alen - NLA_HDRLEN;
    switch (attrType(buf, p)) {
      case RTA_DST: dst = formatIp(buf, d, dlen); break;
      case RTA_GATEWAY: gateway = formatIp(buf, d, dlen); break;
      // RTA_VIA: struct rtvia { u16 family; address } (an IPv4 route through an IPv6 gateway).
      case RTA_VIA: if (dlen > 2) gateway = formatIp(buf, d + 2, dlen - 2); break;
      case RTA_PREFSRC: prefsrc = formatIp(buf, d, dlen); break;
      case RTA_OIF: ifindex = buf.readUInt32LE(d); break;
      case RTA_PRIORITY: metric = buf.readUInt32LE(d); break;
      case RTA_TABLE: table = buf.readUInt32LE(d); break;
      case RTA_SRC: from = formatIp(buf, d, dlen); break;
      case RTA_METRICS: metrics = decodeMetrics(buf, d, d + dlen); break;
    }
    p = next(p, alen);
  }

  const route: Route = {
    family: (fam === AF_INET ? 4 : 6) as Family,
    table,
    dst: dst ?? (fam === AF_INET ? '0.0.0.0' : '::'),
    dstLen,
    gateway,
    prefsrc,
    ifindex,
    metric,
    protocol,
    scope,
    type,
  };
  // Rare extras go on only when set, so ordinary routes stay as small as before.
  if (rtmFlags & RTNH_F_ONLINK) route.onlink = true;
  if (tos !== 0) route.tos = tos;
  if (fromLen > 0 && from !== undefined) {
    route.from = from;
    route.fromLen = fromLen;
  }
  if (metrics) route.metrics = metrics;
  return route;
}

/** struct fib_rule_hdr + FRA_* attributes. Returns undefined for families other than IPv4/IPv6 (multicast routing rules). */
export function decodeRule(buf: Buffer, at: number, len: number): Rule | undefined {
  const end = at + len;
  const fam = buf[at]!;
  if (fam !== AF_INET && fam !== AF_INET6) return undefined;
  const toLen = buf[at + 1]!;
  const fromLen = buf[at + 2]!;
  const tos = buf[at + 3]!;
  const rule: Rule = { family: fam === AF_INET ? 4 : 6, priority: 0, table: buf[at + 4]!, action: buf[at + 7]!, protocol: 0 };
  if (buf.readUInt32LE(at + 8) & C.FIB_RULE_INVERT) rule.invert = true;
  let fwmark: number | undefined;
  let fwmask: number | undefined;
  nl.forEachAttr(buf, at + C.FIB_RULE_HDR_LEN, end, (type, d, dlen) => {
    switch (type) {
      case C.FRA_PRIORITY: rule.priority = buf.readUInt32LE(d); break;
      case C.FRA_TABLE: rule.table = buf.readUInt32LE(d); break;
      case C.FRA_SRC: if (fromLen > 0) { rule.from = formatIp(buf, d, dlen); rule.fromLen = fromLen; } break;
      case C.FRA_DST: if (toLen > 0) { rule.to = formatIp(buf, d, dlen); rule.toLen = toLen; } break;
      case C.FRA_IIFNAME: rule.iifname = readString(buf, d, dlen); break;
      case C.FRA_OIFNAME: rule.oifname = readString(buf, d, dlen); break;
      case C.FRA_FWMARK: fwmark = buf.readUInt32LE(d); break;
      case C.FRA_FWMASK: fwmask = buf.readUInt32LE(d); break;
      // 0xffffffff (-1) is "not set".
      case C.FRA_SUPPRESS_PREFIXLEN: { const v = buf.readUInt32LE(d); if (v !== 0xffffffff) rule.suppressPrefixlength = v; break; }
      case C.FRA_PROTOCOL: rule.protocol = buf[d]!; break;
      case C.FRA_IP_PROTO: rule.ipproto = buf[d]!; break;
      case C.FRA_SPORT_RANGE: if (dlen >= 4) rule.sport = [buf.readUInt16LE(d), buf.readUInt16LE(d + 2)]; break;
      case C.FRA_DPORT_RANGE: if (dlen >= 4) rule.dport = [buf.readUInt16LE(d), buf.readUInt16LE(d + 2)]; break;
      case C.FRA_UID_RANGE: if (dlen >= 8) rule.uidRange = [buf.readUInt32LE(d), buf.readUInt32LE(d + 4)]; break;
    }
  });
  if (tos !== 0) rule.tos = tos;
  if (fwmark !== undefined || fwmask !== undefined) {
    rule.fwmark = fwmark ?? 0;
    rule.fwmask = fwmask ?? 0;
  }
  return rule;
}

/**
 * One notification as a platform event, or undefined for messages the
 * platform does not report (bridge-port and IPv6 side-channel link messages,
 * other address families, cloned routes).
 */
export function decodeEvent(type: number, buf: Buffer, at: number, len: number): PlatformEvent | undefined {
  switch (type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      // AF_BRIDGE messages describe a port's bridge state; a DELLINK among
      // them means "left the bridge", not "deleted".
      if (linkFamily(buf, at) !== AF_UNSPEC) return undefined;
      return { type: 'link', action: type === RTM_NEWLINK ? 'new' : 'del', link: decodeLink(buf, at, len) };
    case RTM_NEWADDR:
    case RTM_DELADDR: {
      const address = decodeAddress(buf, at, len);
      return address && { type: 'address', action: type === RTM_NEWADDR ? 'new' : 'del', address };
    }
    case RTM_NEWROUTE:
    case RTM_DELROUTE: {
      const route = decodeRoute(buf, at, len);
      return route && { type: 'route', action: type === RTM_NEWROUTE ? 'new' : 'del', route };
    }
    default:
      return undefined;
  }
}
