/**
 * The fake platform's in-memory "kernel": links, addresses, routes, sysctls
 * and sysfs files with the rules of the real one that nmk depends on.
 *
 * - ifindexes count up from 1 (lo, up); a veth's peer is registered first;
 * - veth ends point at each other (parent) and take each other down with
 *   them; vlan/macvlan/vxlan links die with their parent;
 * - carrier: a veth end has it when both ends are up, a bridge or bond when
 *   a port has it, a vlan/macvlan when its parent has it;
 * - an IPv4 address on an up link adds its prefix route (main table, proto
 *   kernel, scope link, the address as prefsrc); a second address in the
 *   same subnet is secondary and goes with its primary; an IPv6 address
 *   adds its prefix route (metric 256). Local-table routes are not kept;
 * - a link going down loses its IPv4 routes and its IPv6 addresses and
 *   routes, and gets its IPv4 prefix routes back when it comes up; removing
 *   the last IPv4 address of a link removes the IPv4 routes through it.
 *   (The Linux platform reports the kernel's silent IPv4 flushes as 'del'
 *   events; the fake emits the same events.)
 * - a bridge port reports its options in portInfo, the kernel's defaults
 *   each time it is attached, and loses them when released; a change of a
 *   link's or a port's options changes only the options it names. (Unlike
 *   the kernel, which announces a port option change only while the port
 *   is up, the fake reports every change.)
 * - renaming a link that is up is EBUSY, as on Linux before 6.2 (Debian
 *   12's 6.1); newer kernels allow it, so code that renames must set the
 *   link down first to work everywhere.
 * Every change is reported through `emit`, in the order the kernel would.
 */
import {
  Errno,
  LOCKABLE_ROUTE_METRICS,
  ROUTE_METRIC_NAMES,
  type Address,
  type AddressSpec,
  type Family,
  type Link,
  type LinkChange,
  type LinkInfoData,
  type LinkSpec,
  type PlatformEvent,
  type PlatformSnapshot,
  type Route,
  type RouteMetricName,
  type RouteMetrics,
  type RouteSpec,
} from '../../sdk/index.js';
import { FAKE_KINDS, LOOPBACK_KIND, normalizeGiven, normalizeInfo, normalizeOption, normalizePortInfo, sysfsText, type FakeKind, type FakeOption } from './fake-kinds.js';
import { checkInt, checkName, fail, maskBytes, osErrno, parseIp, parseMac, sameNetwork, textOf, type Ip } from './fake-values.js';

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_LOOPBACK = 0x8;
const IFF_RUNNING = 0x40;
const IFF_MASTER = 0x400;
const IFF_SLAVE = 0x800;
const IFF_MULTICAST = 0x1000;
const IFF_LOWER_UP = 0x10000;
const IFA_F_SECONDARY = 0x01;
const IFA_F_PERMANENT = 0x80;
const IFA_F_NOPREFIXROUTE = 0x200;
const FOREVER = 0xffffffff;
const RT_MAIN = 254;

/** What injectExternal may add: a link no nmk request made (a NIC, another tool's link). */
export interface ExternalLinkSpec {
  name: string;
  /** "" (default) is a physical NIC. */
  kind?: string;
  mac?: string;
  mtu?: number;
  up?: boolean;
  /** For kind "": whether the cable is in (default true). */
  carrier?: boolean;
  arptype?: number;
  info?: LinkInfoData;
  parent?: number;
}

interface LinkRecord {
  ifindex: number;
  name: string;
  kind: string;
  def: FakeKind;
  arptype: number;
  adminUp: boolean;
  mtu: number;
  mac: string;
  master: number;
  parent: number;
  /** veth peer ifindex in this namespace, 0 when none (or elsewhere). */
  peer: number;
  externalCarrier: boolean;
  info: LinkInfoData | undefined;
  /** Options as a port of its controller (a bridge port's priority...), while it has one whose kind has port options. */
  portInfo: LinkInfoData | undefined;
  /** Extra sysfs files set by tests. */
  sysfs: Map<string, string>;
  /** What was last reported, to know when a change is worth an event. */
  reported: Link | undefined;
}

interface AddressRecord {
  address: Address;
  ip: Ip;
}

const PER_LINK_SYSCTLS: ReadonlyArray<[string, string]> = [
  ['ipv4/conf/%/forwarding', '0'],
  ['ipv4/conf/%/rp_filter', '0'],
  ['ipv4/conf/%/arp_ignore', '0'],
  ['ipv4/conf/%/promote_secondaries', '0'],
  ['ipv6/conf/%/disable_ipv6', '0'],
  ['ipv6/conf/%/forwarding', '0'],
  ['ipv6/conf/%/accept_ra', '1'],
  ['ipv6/conf/%/autoconf', '1'],
  ['ipv6/conf/%/addr_gen_mode', '0'],
  ['ipv6/conf/%/use_tempaddr', '0'],
];

const GLOBAL_SYSCTLS: ReadonlyArray<[string, string]> = [
  ['net/ipv4/ip_forward', '0'],
  ['net/ipv6/conf/all/forwarding', '0'],
  ['net/ipv6/conf/all/disable_ipv6', '0'],
  ['net/ipv6/conf/default/disable_ipv6', '0'],
  ['net/ipv4/conf/all/forwarding', '0'],
  ['net/ipv4/conf/default/forwarding', '0'],
  ['net/ipv4/conf/all/rp_filter', '0'],
];

export function copyLink(l: Link): Link {
  return { ...l, info: l.info && { ...l.info }, portInfo: l.portInfo && { ...l.portInfo } };
}

export class FakeKernel {
  private links = new Map<number, LinkRecord>();
  private addrs = new Map<string, AddressRecord>();
  private routeMap = new Map<string, Route>();
  private sysctls = new Map<string, string>(GLOBAL_SYSCTLS);
  private nextIfindex = 1;

  constructor(private emit: (ev: PlatformEvent) => void) {
    const lo = this.register({ name: 'lo', kind: 'lo', def: LOOPBACK_KIND, arptype: 772, mtu: 65536, mac: '00:00:00:00:00:00', adminUp: true });
    this.addRaw({ family: 4, ifindex: lo.ifindex, address: '127.0.0.1', prefixlen: 8 }, 'lo setup');
    this.addRaw({ family: 6, ifindex: lo.ifindex, address: '::1', prefixlen: 128 }, 'lo setup');
  }

  // ---- reading --------------------------------------------------------------

  snapshot(): PlatformSnapshot {
    return { links: this.linkList(), addresses: this.addressList(), routes: this.routeList() };
  }

  linkList(): Link[] {
    return [...this.links.values()].sort((a, b) => a.ifindex - b.ifindex).map((r) => this.view(r));
  }

  addressList(ifindex?: number): Address[] {
    const out: Address[] = [];
    for (const a of this.addrs.values()) if (ifindex === undefined || a.address.ifindex === ifindex) out.push({ ...a.address });
    return out.sort((x, y) => x.ifindex - y.ifindex || x.family - y.family);
  }

  routeList(filter: { family?: Family; table?: number } = {}): Route[] {
    const out: Route[] = [];
    for (const r of this.routeMap.values()) {
      if (filter.family !== undefined && r.family !== filter.family) continue;
      if (filter.table !== undefined && r.table !== filter.table) continue;
      out.push({ ...r });
    }
    return out;
  }

  find(ifindexOrName: number | string): Link | undefined {
    const rec = typeof ifindexOrName === 'number' ? this.links.get(ifindexOrName) : this.byName(ifindexOrName);
    return rec && this.view(rec);
  }

  nameOf(ifindex: number): string | undefined {
    return this.links.get(ifindex)?.name;
  }

  private byName(name: string): LinkRecord | undefined {
    for (const r of this.links.values()) if (r.name === name) return r;
    return undefined;
  }

  private need(ifindex: number, op: string): LinkRecord {
    const rec = Number.isInteger(ifindex) ? this.links.get(ifindex) : undefined;
    if (!rec) throw fail(Errno.ENODEV, op, `no link with ifindex ${ifindex}`);
    return rec;
  }

  // ---- link state -----------------------------------------------------------

  private carrier(r: LinkRecord, depth = 0): boolean {
    if (!r.adminUp || depth > 8) return false;
    switch (r.def.carrier) {
      case 'always': return true;
      case 'external': return r.externalCarrier;
      case 'peer': { const p = this.links.get(r.peer); return !!p && p.adminUp; }
      case 'parent': { const p = this.links.get(r.parent); return !!p && this.carrier(p, depth + 1); }
      case 'ports':
        for (const port of this.links.values()) if (port.master === r.ifindex && this.carrier(port, depth + 1)) return true;
        return false;
    }
  }

  private view(r: LinkRecord): Link {
    const carrier = this.carrier(r);
    let flags = r.kind === 'lo' ? IFF_LOOPBACK : IFF_BROADCAST | IFF_MULTICAST;
    if (r.adminUp) flags |= IFF_UP;
    if (carrier) flags |= IFF_LOWER_UP | IFF_RUNNING;
    if (r.kind === 'bond') flags |= IFF_MASTER;
    const master = this.links.get(r.master);
    if (master?.kind === 'bond') flags |= IFF_SLAVE;
    return {
      ifindex: r.ifindex,
      name: r.name,
      kind: r.kind === 'lo' ? '' : r.kind,
      arptype: r.arptype,
      flags,
      up: r.adminUp,
      carrier,
      operstate: !r.adminUp ? 'down' : carrier ? r.def.upState : r.def.noCarrierState,
      mtu: r.mtu,
      mac: r.mac,
      master: r.master,
      parent: r.peer || r.parent,
      info: r.info && { ...r.info },
      portKind: master?.kind,
      portInfo: r.portInfo && { ...r.portInfo },
    };
  }

  /** Report every link whose visible state changed, the one that changed first. */
  private refresh(first?: number): void {
    const order = [...this.links.values()].sort((a, b) => (a.ifindex === first ? -1 : b.ifindex === first ? 1 : a.ifindex - b.ifindex));
    for (const r of order) {
      const v = this.view(r);
      if (r.reported && sameLink(r.reported, v)) continue;
      r.reported = v;
      this.emit({ type: 'link', action: 'new', link: copyLink(v) });
    }
  }

  private register(init: Pick<LinkRecord, 'name' | 'kind' | 'def' | 'arptype' | 'mtu' | 'mac' | 'adminUp'> & Partial<LinkRecord>): LinkRecord {
    const ifindex = this.nextIfindex++;
    const rec: LinkRecord = {
      master: 0, parent: 0, peer: 0, externalCarrier: true, info: undefined, portInfo: undefined, sysfs: new Map(), reported: undefined,
      ...init,
      ifindex,
      mac: init.mac || macFor(ifindex),
    };
    this.links.set(ifindex, rec);
    for (const [pattern, value] of PER_LINK_SYSCTLS) this.sysctls.set(`net/${pattern.replace('%', rec.name)}`, value);
    this.sysctls.set(`net/ipv6/conf/${rec.name}/mtu`, String(rec.mtu));
    rec.reported = this.view(rec);
    this.emit({ type: 'link', action: 'new', link: copyLink(rec.reported) });
    return rec;
  }

  // ---- links ----------------------------------------------------------------

  createLink(spec: LinkSpec, op: string): Link {
    checkName(spec?.name, op);
    const def = typeof spec.kind === 'string' && spec.kind !== '' ? FAKE_KINDS.get(spec.kind) : undefined;
    if (!def) throw fail(Errno.EOPNOTSUPP, op, `unknown link kind '${String(spec.kind)}'`);
    return this.addLink({ ...spec, kind: spec.kind }, def, op, false);
  }

  /** A link that appeared without nmk asking (a NIC, another tool). */
  addExternalLink(spec: ExternalLinkSpec, op: string): Link {
    checkName(spec.name, op);
    const kind = spec.kind ?? '';
    const def = FAKE_KINDS.get(kind);
    if (!def) throw fail(Errno.EOPNOTSUPP, op, `unknown link kind '${kind}'`);
    return this.addLink({ ...spec, kind, parent: spec.parent }, def, op, true, spec);
  }

  private addLink(spec: LinkSpec, def: FakeKind, op: string, external: boolean, ext?: ExternalLinkSpec): Link {
    if (this.byName(spec.name)) throw fail(Errno.EEXIST, op, `${spec.name} exists`);
    let parent = 0;
    if (spec.parent !== undefined) {
      const p = typeof spec.parent === 'number' ? this.links.get(spec.parent) : this.byName(spec.parent);
      if (!p) throw fail(Errno.ENODEV, op, `no parent ${spec.parent}`);
      parent = p.ifindex;
    } else if (def.needsParent && !external) {
      throw fail(Errno.EINVAL, op, `${spec.kind} needs a parent link`);
    }
    const mtu = spec.mtu === undefined ? (def.needsParent && parent ? this.links.get(parent)!.mtu : def.defaultMtu ?? 1500) : checkInt(spec.mtu, 68, 65535, op, 'mtu');
    const mac = spec.mac === undefined ? '' : parseMac(spec.mac, op);
    const info = spec.kind === 'veth' || (spec.kind === '' && !spec.info) ? undefined : normalizeInfo(def, spec.info ?? {}, op, !external);
    const peerName = spec.kind === 'veth' ? (spec.peer ? checkName(spec.peer.name, op, 'peer name') : undefined) : undefined;
    if (peerName !== undefined && spec.peer?.netns === undefined && (peerName === spec.name || this.byName(peerName))) {
      throw fail(Errno.EEXIST, op, `${peerName} exists`);
    }

    // The kernel registers a veth's peer first, so it gets the lower ifindex.
    let peer: LinkRecord | undefined;
    if (spec.kind === 'veth' && spec.peer?.netns === undefined) {
      peer = this.register({ name: peerName ?? `veth${this.nextIfindex}`, kind: 'veth', def, arptype: 1, mtu, mac: '', adminUp: false });
    }
    const rec = this.register({
      name: spec.name,
      kind: spec.kind,
      def,
      arptype: ext?.arptype ?? 1,
      mtu,
      mac,
      adminUp: false,
      parent,
      peer: peer?.ifindex ?? 0,
      info,
      externalCarrier: ext?.carrier ?? true,
    });
    if (peer) {
      peer.peer = rec.ifindex;
      this.refresh(peer.ifindex);
    }
    if (spec.up) this.setUp(rec, true);
    return this.view(rec);
  }

  deleteLink(ifindex: number, op: string): void {
    const rec = this.need(ifindex, op);
    if (rec.kind === 'lo') throw fail(Errno.EOPNOTSUPP, op, 'the loopback cannot be deleted');
    const doomed: LinkRecord[] = [rec];
    if (rec.peer && this.links.has(rec.peer)) doomed.push(this.links.get(rec.peer)!);
    // Upper links (vlan, macvlan, vxlan) go with their lower one.
    for (let i = 0; i < doomed.length; i++) {
      for (const r of this.links.values()) if (r.parent === doomed[i]!.ifindex && !doomed.includes(r)) doomed.push(r);
    }
    for (const r of doomed) if (r.adminUp) this.setUp(r, false);
    for (const r of doomed) {
      for (const port of this.links.values()) {
        if (port.master !== r.ifindex) continue;
        port.master = 0;
        port.portInfo = undefined;
      }
    }
    this.refresh();
    for (const r of doomed) {
      for (const [key, a] of [...this.addrs]) {
        if (a.address.ifindex === r.ifindex) {
          this.addrs.delete(key);
          this.emit({ type: 'address', action: 'del', address: { ...a.address } });
        }
      }
      this.dropRoutes((route) => route.ifindex === r.ifindex);
    }
    for (const r of doomed) {
      this.links.delete(r.ifindex);
      for (const key of [...this.sysctls.keys()]) if (key.split('/')[3] === r.name && /^net\/ipv[46]\/conf\//.test(key)) this.sysctls.delete(key);
      this.emit({ type: 'link', action: 'del', link: { ...this.viewDeleted(r) } });
    }
    this.refresh();
  }

  private viewDeleted(r: LinkRecord): Link {
    const v = this.view(r);
    return { ...v, up: false, carrier: false, flags: v.flags & ~(IFF_UP | IFF_LOWER_UP | IFF_RUNNING), operstate: 'down', master: 0, portKind: undefined, portInfo: undefined };
  }

  /**
   * Apply a change in the kernel's order (port options, then address, mtu,
   * name, master, flags); earlier steps stay when a later one fails. Port
   * options go to the controller the link has before this change, as the
   * kernel picks their handler before it applies IFLA_MASTER.
   */
  setLink(ifindex: number, change: LinkChange, op: string, carrier?: boolean): void {
    const rec = this.need(ifindex, op);
    if (change.portOptions) this.setPortOptions(rec, change.portOptions, op);
    if (change.mac !== undefined) rec.mac = parseMac(change.mac, op);
    if (change.mtu !== undefined) {
      rec.mtu = checkInt(change.mtu, 68, 65535, op, 'mtu');
      this.sysctls.set(`net/ipv6/conf/${rec.name}/mtu`, String(rec.mtu));
    }
    if (change.name !== undefined && change.name !== rec.name) {
      checkName(change.name, op);
      if (this.byName(change.name)) throw fail(Errno.EEXIST, op, `${change.name} exists`);
      if (rec.adminUp) throw fail(Errno.EBUSY, op, 'a link must be down to be renamed');
      this.rename(rec, change.name);
    }
    if (change.master !== undefined) this.setMaster(rec, checkInt(change.master, 0, 0x7fffffff, op, 'master'), op);
    if (change.options) {
      if (change.options.kind !== rec.kind) throw fail(Errno.EOPNOTSUPP, op, `${rec.name} is a ${rec.kind || 'link'}, not a ${change.options.kind}`);
      // Only the options named change; the others keep what the link has, as in the kernel.
      rec.info = { ...rec.info, ...normalizeGiven(rec.def, change.options.info, op) };
    }
    if (carrier !== undefined) rec.externalCarrier = carrier;
    if (change.up !== undefined && change.up !== rec.adminUp) this.setUp(rec, change.up);
    this.refresh(rec.ifindex);
  }

  private rename(rec: LinkRecord, name: string): void {
    for (const [key, value] of [...this.sysctls]) {
      const parts = key.split('/');
      if (/^net\/ipv[46]\/conf\//.test(key) && parts[3] === rec.name) {
        this.sysctls.delete(key);
        parts[3] = name;
        this.sysctls.set(parts.join('/'), value);
      }
    }
    rec.name = name;
    for (const a of this.addrs.values()) if (a.address.ifindex === rec.ifindex && a.address.family === 4) a.address.label = name;
  }

  private setMaster(rec: LinkRecord, master: number, op: string): void {
    if (master === rec.master) return;
    if (master !== 0) {
      const m = this.links.get(master);
      if (!m) throw fail(Errno.EINVAL, op, `no master with ifindex ${master}`);
      if (!m.def.controller) throw fail(Errno.EOPNOTSUPP, op, `${m.name} (${m.kind || 'ethernet'}) cannot have ports`);
      if (m === rec) throw fail(Errno.EBUSY, op, 'a link cannot be its own port');
      if (rec.kind === 'lo') throw fail(Errno.EINVAL, op, 'the loopback cannot be a port');
      if (rec.def.controller && m.kind === 'bridge' && rec.kind === 'bridge') throw fail(osErrno.ELOOP, op, 'a bridge cannot be a port of a bridge');
    }
    rec.master = master;
    // A port starts with the kernel's port defaults each time it is attached.
    const def = master !== 0 ? this.links.get(master)!.def : undefined;
    rec.portInfo = def?.portDefaults ? { ...def.portDefaults } : undefined;
  }

  private setPortOptions(rec: LinkRecord, change: NonNullable<LinkChange['portOptions']>, op: string): void {
    const m = rec.master !== 0 ? this.links.get(rec.master) : undefined;
    if (!m?.def.portOptions) throw fail(Errno.EOPNOTSUPP, op, `${rec.name} is not a port of a link whose ports take options`);
    if (m.kind !== change.kind) throw fail(Errno.EOPNOTSUPP, op, `${rec.name} is a port of a ${m.kind}, not of a ${change.kind}`);
    rec.portInfo = { ...rec.portInfo, ...normalizePortInfo(m.def, change.info, op) };
  }

  /** The port option of a link's controller shown by a sysfs file of the link (brport/priority), when it is a port. */
  private portFile(rec: LinkRecord, attribute: string): FakeOption | undefined {
    if (rec.master === 0) return undefined;
    return this.links.get(rec.master)?.def.portOptions?.find((o) => o.sysfs === attribute);
  }

  private setUp(rec: LinkRecord, up: boolean): void {
    rec.adminUp = up;
    this.refresh(rec.ifindex);
    if (!up) {
      // The kernel flushes IPv4 routes through a link that goes down (silently;
      // the Linux platform reports them) and IPv6 removes addresses and routes.
      this.dropRoutes((r) => r.ifindex === rec.ifindex);
      for (const [key, a] of [...this.addrs]) {
        if (a.address.ifindex === rec.ifindex && a.address.family === 6 && rec.kind !== 'lo') {
          this.addrs.delete(key);
          this.emit({ type: 'address', action: 'del', address: { ...a.address } });
        }
      }
    } else {
      for (const a of this.addrs.values()) if (a.address.ifindex === rec.ifindex) this.addPrefixRoute(a, rec);
    }
  }

  // ---- addresses --------------------------------------------------------------

  addAddress(spec: AddressSpec, op: string): void {
    this.addRaw(spec, op);
  }

  private addRaw(spec: AddressSpec, op: string): void {
    const family = spec.family;
    if (family !== 4 && family !== 6) throw fail(Errno.EINVAL, op, `family ${String(family)}`);
    const ip = parseIp(spec.address, family, op, 'address');
    const prefixlen = checkInt(spec.prefixlen, 0, family === 4 ? 32 : 128, op, 'prefixlen');
    const rec = this.need(spec.ifindex, op);
    const peer = spec.peer !== undefined ? parseIp(spec.peer, family, op, 'peer').text : undefined;
    const broadcast = spec.broadcast !== undefined ? parseIp(spec.broadcast, 4, op, 'broadcast').text : undefined;
    const valid = spec.validLifetime === undefined ? FOREVER : checkInt(spec.validLifetime, 0, FOREVER, op, 'validLifetime');
    const preferred = spec.preferredLifetime === undefined ? valid : checkInt(spec.preferredLifetime, 0, FOREVER, op, 'preferredLifetime');
    if (preferred > valid) throw fail(Errno.EINVAL, op, 'preferred lifetime exceeds valid lifetime');
    const key = addressKey(family, rec.ifindex, ip.text, prefixlen);
    if (this.addrs.has(key)) {
      if (!spec.replace) throw fail(Errno.EEXIST, op, `${ip.text}/${prefixlen} exists on ${rec.name}`);
      this.addrs.delete(key);
    }
    let flags = (spec.flags ?? 0) | (valid === FOREVER ? IFA_F_PERMANENT : 0);
    if (family === 4) {
      for (const a of this.addrs.values()) {
        const o = a.address;
        if (o.family === 4 && o.ifindex === rec.ifindex && o.prefixlen === prefixlen && !(o.flags & IFA_F_SECONDARY) && sameNetwork(a.ip.bytes, ip.bytes, prefixlen)) {
          flags |= IFA_F_SECONDARY;
          break;
        }
      }
    }
    const address: Address = {
      family,
      ifindex: rec.ifindex,
      address: ip.text,
      prefixlen,
      peer,
      broadcast,
      label: family === 4 ? rec.name : undefined,
      scope: scopeOf(ip),
      flags,
      validLifetime: valid,
      preferredLifetime: preferred,
    };
    const record = { address, ip };
    this.addrs.set(key, record);
    this.emit({ type: 'address', action: 'new', address: { ...address } });
    this.addPrefixRoute(record, rec);
  }

  private addPrefixRoute(a: AddressRecord, rec: LinkRecord): void {
    const { address, ip } = a;
    const max = address.family === 4 ? 32 : 128;
    if (!rec.adminUp || rec.kind === 'lo' || address.prefixlen >= max || address.flags & (IFA_F_NOPREFIXROUTE | IFA_F_SECONDARY)) return;
    const route: Route = address.family === 4
      ? { family: 4, table: RT_MAIN, dst: textOf(maskBytes(ip.bytes, address.prefixlen)), dstLen: address.prefixlen, prefsrc: address.address, ifindex: rec.ifindex, metric: 0, protocol: 2, scope: 253, type: 1 }
      : { family: 6, table: RT_MAIN, dst: textOf(maskBytes(ip.bytes, address.prefixlen)), dstLen: address.prefixlen, ifindex: rec.ifindex, metric: 256, protocol: 2, scope: 0, type: 1 };
    const key = routeKey(route);
    if (this.routeMap.has(key)) return;
    this.routeMap.set(key, route);
    this.emit({ type: 'route', action: 'new', route: { ...route } });
  }

  removeAddress(spec: AddressSpec, op: string): void {
    const family = spec.family;
    if (family !== 4 && family !== 6) throw fail(Errno.EINVAL, op, `family ${String(family)}`);
    const ip = parseIp(spec.address, family, op, 'address');
    const prefixlen = checkInt(spec.prefixlen, 0, family === 4 ? 32 : 128, op, 'prefixlen');
    const rec = this.need(spec.ifindex, op);
    const key = addressKey(family, rec.ifindex, ip.text, prefixlen);
    const found = this.addrs.get(key);
    if (!found || (family === 6 && found.address.prefixlen !== prefixlen)) throw fail(Errno.EADDRNOTAVAIL, op, `${ip.text}/${prefixlen} is not on ${rec.name}`);
    const doomed = [found];
    if (family === 4 && !(found.address.flags & IFA_F_SECONDARY)) {
      // Without promote_secondaries the kernel removes the secondaries with their primary.
      for (const a of this.addrs.values()) {
        const o = a.address;
        if (o !== found.address && o.family === 4 && o.ifindex === rec.ifindex && o.prefixlen === prefixlen && o.flags & IFA_F_SECONDARY && sameNetwork(a.ip.bytes, ip.bytes, prefixlen)) doomed.push(a);
      }
    }
    for (const a of doomed) {
      this.addrs.delete(addressKey(family, rec.ifindex, a.address.address, a.address.prefixlen));
      this.emit({ type: 'address', action: 'del', address: { ...a.address } });
    }
    const net = textOf(maskBytes(ip.bytes, prefixlen));
    const stillCovered = [...this.addrs.values()].some((a) => a.address.family === family && a.address.ifindex === rec.ifindex && a.address.prefixlen === prefixlen && sameNetwork(a.ip.bytes, ip.bytes, prefixlen));
    if (!stillCovered) this.dropRoutes((r) => r.family === family && r.ifindex === rec.ifindex && r.protocol === 2 && r.dst === net && r.dstLen === prefixlen);
    if (family === 4) {
      const removed = new Set(doomed.map((a) => a.address.address));
      this.dropRoutes((r) => r.family === 4 && r.prefsrc !== undefined && removed.has(r.prefsrc));
      const lastV4 = ![...this.addrs.values()].some((a) => a.address.family === 4 && a.address.ifindex === rec.ifindex);
      if (lastV4) this.dropRoutes((r) => r.family === 4 && r.ifindex === rec.ifindex);
    }
  }

  // ---- routes -----------------------------------------------------------------

  addRoute(spec: RouteSpec, op: string): void {
    const route = this.routeFromSpec(spec, op, true);
    const key = routeKey(route);
    if (this.routeMap.has(key)) throw fail(Errno.EEXIST, op, 'a route with that destination, table and metric exists');
    this.routeMap.set(key, route);
    this.emit({ type: 'route', action: 'new', route: { ...route } });
  }

  removeRoute(spec: RouteSpec, op: string): void {
    const want = this.routeFromSpec(spec, op, false);
    for (const [key, r] of this.routeMap) {
      if (r.family !== want.family || r.table !== want.table || r.dst !== want.dst || r.dstLen !== want.dstLen) continue;
      if (spec.metric !== undefined && r.metric !== want.metric) continue;
      if ((r.tos ?? 0) !== (want.tos ?? 0) || r.from !== want.from || r.fromLen !== want.fromLen) continue;
      if (spec.gateway !== undefined && r.gateway !== want.gateway) continue;
      if (spec.ifindex && r.ifindex !== spec.ifindex) continue;
      if (spec.protocol !== undefined && r.protocol !== spec.protocol) continue;
      if (spec.type !== undefined && r.type !== spec.type) continue;
      if (spec.scope !== undefined && spec.scope !== 255 && r.scope !== spec.scope) continue;
      this.routeMap.delete(key);
      this.emit({ type: 'route', action: 'del', route: { ...r } });
      return;
    }
    throw fail(Errno.ESRCH, op, 'no such route');
  }

  private routeFromSpec(spec: RouteSpec, op: string, adding: boolean): Route {
    const family = spec.family;
    if (family !== 4 && family !== 6) throw fail(Errno.EINVAL, op, `family ${String(family)}`);
    const dstIp = parseIp(spec.dst, family, op, 'dst');
    const dstLen = checkInt(spec.dstLen, 0, family === 4 ? 32 : 128, op, 'dstLen');
    const masked = maskBytes(dstIp.bytes, dstLen);
    // IPv4 refuses host bits; IPv6 quietly masks them.
    if (family === 4 && masked.some((b, i) => b !== dstIp.bytes[i])) throw fail(Errno.EINVAL, op, `${spec.dst}/${dstLen} has host bits set`);
    const table = spec.table === undefined ? RT_MAIN : checkInt(spec.table, 1, 0xffffffff, op, 'table');
    const type = spec.type === undefined ? 1 : checkInt(spec.type, 0, 255, op, 'type');
    const metric = spec.metric === undefined ? (family === 6 && adding ? 1024 : 0) : checkInt(spec.metric, 0, 0xffffffff, op, 'metric');
    const gateway = spec.gateway !== undefined ? parseIp(spec.gateway, family, op, 'gateway') : undefined;
    let ifindex = spec.ifindex ?? 0;
    const base: Route = { family, table, dst: textOf(masked), dstLen, gateway: gateway?.text, metric, type, ifindex, protocol: 0, scope: 0 };
    // tos and the IPv6 source prefix are part of a route's identity, so removals name them too.
    const tos = spec.tos === undefined ? 0 : checkInt(spec.tos, 0, 255, op, 'tos');
    if (tos && family === 6) throw fail(Errno.EINVAL, op, 'tos: not available for IPv6');
    if (tos & 0x03) throw fail(Errno.EINVAL, op, 'tos: the ECN bits must be 0');
    if (tos) base.tos = tos;
    if (spec.from !== undefined || spec.fromLen !== undefined) {
      if (family !== 6) throw fail(Errno.EINVAL, op, 'from: only IPv6 routes have a source prefix');
      const fromIp = parseIp(spec.from ?? '::', 6, op, 'from');
      const fromLen = spec.fromLen === undefined ? 128 : checkInt(spec.fromLen, 0, 128, op, 'fromLen');
      if (fromLen > 0) {
        base.from = textOf(maskBytes(fromIp.bytes, fromLen));
        base.fromLen = fromLen;
      }
    }
    if (!adding) return { ...base, protocol: spec.protocol ?? 0, scope: spec.scope ?? 255 };
    const metrics = normalizeMetrics(spec.metrics, op);
    if (metrics) base.metrics = metrics;
    if (spec.onlink) {
      if (!ifindex) throw fail(Errno.ENODEV, op, 'onlink needs a link');
      if (family === 4 && !gateway) throw fail(Errno.EINVAL, op, 'onlink needs a gateway on IPv4');
      base.onlink = true;
    }

    if (ifindex) {
      const rec = this.need(ifindex, op);
      if (!rec.adminUp) throw fail(osErrno.ENETDOWN, op, `${rec.name} is down`);
    }
    if (type === 1) {
      if (gateway && spec.onlink) {
        // onlink: the gateway is on the given link, whatever its addresses say.
      } else if (gateway) {
        const via = this.linkReaching(gateway, ifindex);
        if (!via) throw fail(Errno.ENETUNREACH, op, `gateway ${gateway.text} is not on a connected network`);
        ifindex = via;
      } else if (!ifindex) {
        throw fail(Errno.ENODEV, op, 'a unicast route needs a gateway or a link');
      }
    } else if (family === 6 && (type === 6 || type === 7 || type === 8)) {
      ifindex = 1; // IPv6 reject routes sit on lo
    }
    if (spec.prefsrc !== undefined) {
      const src = parseIp(spec.prefsrc, family, op, 'prefsrc');
      if (![...this.addrs.values()].some((a) => a.ip.text === src.text)) throw fail(Errno.EINVAL, op, `prefsrc ${src.text} is not a local address`);
    }
    const scope = family === 6 ? 0 : spec.scope ?? (type === 2 ? 254 : type === 1 && !gateway ? 253 : 0);
    return { ...base, ifindex, protocol: spec.protocol ?? 3, scope, prefsrc: spec.prefsrc !== undefined ? parseIp(spec.prefsrc, family, op, 'prefsrc').text : undefined };
  }

  /** The up link with an address whose subnet holds `gw` (IPv6 link-local: the given link). */
  private linkReaching(gw: Ip, ifindex: number): number | undefined {
    if (gw.family === 6 && gw.bytes[0] === 0xfe && (gw.bytes[1]! & 0xc0) === 0x80) return ifindex || undefined;
    for (const a of this.addrs.values()) {
      const rec = this.links.get(a.address.ifindex);
      if (!rec?.adminUp || a.address.family !== gw.family) continue;
      if (ifindex && a.address.ifindex !== ifindex) continue;
      if (sameNetwork(a.ip.bytes, gw.bytes, a.address.prefixlen)) return a.address.ifindex;
    }
    return undefined;
  }

  private dropRoutes(match: (r: Route) => boolean): void {
    for (const [key, r] of [...this.routeMap]) {
      if (!match(r)) continue;
      this.routeMap.delete(key);
      this.emit({ type: 'route', action: 'del', route: { ...r } });
    }
  }

  // ---- sysctl and sysfs -------------------------------------------------------

  readSysctl(name: string, op: string): string {
    const value = this.sysctls.get(sysctlKey(name, op));
    if (value === undefined) throw fail(Errno.ENOENT, op, 'no such sysctl');
    return value;
  }

  writeSysctl(name: string, value: string, op: string, create = false): void {
    const key = sysctlKey(name, op);
    if (!create && !this.sysctls.has(key)) throw fail(Errno.ENOENT, op, 'no such sysctl');
    this.sysctls.set(key, String(value).trim());
    const m = /^net\/ipv6\/conf\/([^/]+)\/disable_ipv6$/.exec(key);
    const rec = m ? this.byName(m[1]!) : undefined;
    if (rec && String(value).trim() === '1') {
      for (const [k, a] of [...this.addrs]) {
        if (a.address.ifindex === rec.ifindex && a.address.family === 6) {
          this.addrs.delete(k);
          this.emit({ type: 'address', action: 'del', address: { ...a.address } });
        }
      }
      this.dropRoutes((r) => r.family === 6 && r.ifindex === rec.ifindex);
    }
  }

  readSysfs(ifname: string, attribute: string, op: string): string {
    const rec = this.byName(checkName(ifname, op, 'interface'));
    if (!rec) throw fail(Errno.ENOENT, op, `no link named ${ifname}`);
    const v = this.view(rec);
    switch (attribute) {
      case 'ifindex': return String(rec.ifindex);
      case 'mtu': return String(rec.mtu);
      case 'address': return rec.mac;
      case 'operstate': return v.operstate;
      case 'type': return String(rec.arptype);
      case 'flags': return `0x${(v.flags & 0xffff).toString(16)}`;
      case 'carrier':
        if (!rec.adminUp) throw fail(Errno.EINVAL, op, 'carrier is unknown while the link is down');
        return v.carrier ? '1' : '0';
    }
    const opt = rec.def.options.find((o) => o.sysfs === attribute);
    if (opt) return sysfsText(opt, rec.info?.[opt.name]);
    const portOpt = this.portFile(rec, attribute);
    if (portOpt) return sysfsText(portOpt, rec.portInfo?.[portOpt.name]);
    const stored = rec.sysfs.get(attribute);
    if (stored === undefined) throw fail(Errno.ENOENT, op, `no sysfs file ${attribute}`);
    return stored;
  }

  writeSysfs(ifname: string, attribute: string, value: string, op: string, create = false): void {
    const rec = this.byName(checkName(ifname, op, 'interface'));
    if (!rec) throw fail(Errno.ENOENT, op, `no link named ${ifname}`);
    if (attribute === 'mtu') return this.setLink(rec.ifindex, { mtu: Number(value) }, op);
    if (['ifindex', 'address', 'operstate', 'type', 'flags', 'carrier'].includes(attribute)) throw fail(osErrno.EACCES, op, `${attribute} is read-only`);
    const opt = rec.def.options.find((o) => o.sysfs === attribute);
    if (opt) {
      const raw = opt.type === 'number' ? Number(String(value).trim()) / (opt.scale ?? 1) : String(value).trim();
      rec.info = { ...rec.info, [opt.name]: normalizeOption(opt, raw, op) };
      this.refresh(rec.ifindex);
      return;
    }
    const portOpt = this.portFile(rec, attribute);
    if (portOpt) {
      rec.portInfo = { ...rec.portInfo, [portOpt.name]: normalizeOption(portOpt, portOpt.type === 'number' ? Number(String(value).trim()) : String(value).trim(), op) };
      this.refresh(rec.ifindex);
      return;
    }
    if (!create && !rec.sysfs.has(attribute)) throw fail(Errno.ENOENT, op, `no sysfs file ${attribute}`);
    rec.sysfs.set(attribute, String(value).replace(/\n$/, ''));
  }
}

function sameLink(a: Link, b: Link): boolean {
  return a.name === b.name && a.flags === b.flags && a.up === b.up && a.carrier === b.carrier && a.operstate === b.operstate && a.mtu === b.mtu &&
    a.mac === b.mac && a.master === b.master && a.parent === b.parent && a.portKind === b.portKind && JSON.stringify(a.info) === JSON.stringify(b.info) &&
    JSON.stringify(a.portInfo) === JSON.stringify(b.portInfo);
}

function macFor(ifindex: number): string {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `02:00:00:${hex((ifindex >> 16) & 0xff)}:${hex((ifindex >> 8) & 0xff)}:${hex(ifindex & 0xff)}`;
}

function scopeOf(ip: Ip): number {
  if (ip.family === 4) return ip.bytes[0] === 127 ? 254 : 0;
  if (ip.text === '::1') return 254;
  return ip.bytes[0] === 0xfe && (ip.bytes[1]! & 0xc0) === 0x80 ? 253 : 0;
}

function addressKey(family: number, ifindex: number, address: string, prefixlen: number): string {
  // IPv6 allows an address once per link whatever its prefix; IPv4 once per prefix length.
  return family === 4 ? `4|${ifindex}|${address}/${prefixlen}` : `6|${ifindex}|${address}`;
}

function routeKey(r: Route): string {
  return `${r.family}|${r.table}|${r.dst}/${r.dstLen}|${r.metric}|${r.tos ?? 0}|${r.from ?? ''}/${r.fromLen ?? 0}`;
}

/** What the kernel caps a metric at (ip_metrics_convert). */
const METRIC_CAPS: Partial<Record<RouteMetricName, number>> = { mtu: 65535 - 15, advmss: 65535 - 40 };

/** Metrics as the kernel keeps and reports them: zeros dropped, caps applied, locks in LOCKABLE_ROUTE_METRICS order. */
function normalizeMetrics(m: RouteMetrics | undefined, op: string): RouteMetrics | undefined {
  if (m === undefined) return undefined;
  if (typeof m !== 'object' || m === null) throw fail(Errno.EINVAL, op, 'metrics: not an object');
  const out: RouteMetrics = {};
  for (const [name, value] of Object.entries(m)) {
    if (value === undefined || name === 'lock') continue;
    if (!(ROUTE_METRIC_NAMES as readonly string[]).includes(name)) throw fail(Errno.EINVAL, op, `metrics: unknown metric '${name}'`);
    const n = checkInt(typeof value === 'boolean' ? Number(value) : value, 0, 0xffffffff, op, `metrics.${name}`);
    if (n === 0) continue;
    if (name === 'quickack') out.quickack = true;
    else out[name as Exclude<RouteMetricName, 'quickack'>] = Math.min(n, METRIC_CAPS[name as RouteMetricName] ?? n);
  }
  if (m.lock !== undefined) {
    if (!Array.isArray(m.lock)) throw fail(Errno.EINVAL, op, 'metrics.lock: not a list');
    for (const name of m.lock) if (!(LOCKABLE_ROUTE_METRICS as readonly string[]).includes(name)) throw fail(Errno.EINVAL, op, `metrics.lock: '${String(name)}' cannot be locked`);
    const lock = LOCKABLE_ROUTE_METRICS.filter((name) => m.lock!.includes(name));
    if (lock.length) out.lock = lock;
  }
  return Object.keys(out).length ? out : undefined;
}

function sysctlKey(name: string, op: string): string {
  if (typeof name !== 'string') throw fail(Errno.EINVAL, op, 'not a sysctl name');
  const rel = name.trim().replace(/^\/proc\/sys\//, '').replace(/^\/+/, '');
  const parts = rel.includes('/') ? rel.split('/') : rel.split('.');
  if (parts.length === 0 || parts.some((p) => p === '' || p === '.' || p === '..')) throw fail(Errno.EINVAL, op, `'${name}' is not a sysctl name`);
  return parts.join('/');
}
