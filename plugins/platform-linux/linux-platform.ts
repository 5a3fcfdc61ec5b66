/**
 * The Linux platform: the Platform contract over rtnetlink, sysctl and sysfs.
 *
 * Requests and dumps go through one socket, pipelined (netlink-socket.ts);
 * notifications come through another, held by a small helper process of
 * our own (netlink-events.ts, native/rtnl-events.c), and become events in
 * event-stream.ts. Option tables
 * for bond, bridge, vlan, macvlan and vxlan are under link-info/.
 */
import { closeSync, openSync } from 'node:fs';
import {
  Errno,
  PlatformError,
  type Address,
  type AddressSpec,
  type BridgeVlan,
  type Family,
  type Link,
  type LinkChange,
  type LinkInfoData,
  type LinkSpec,
  type Logger,
  type Platform,
  type PlatformListener,
  type PlatformSnapshot,
  type Route,
  type RouteSpec,
  type Rule,
  type RuleSpec,
  type EthtoolFeatureStates,
  type EthtoolParamGroup,
  type EthtoolParams,
  type WakeOnLan,
  type WakeOnLanMode,
  describeRule,
} from '../../sdk/index.js';
import { bridgeVlanRequests, decodeBridgeVlans, describeBridgeVlans, diffBridgeVlans, dumpBridgeVlansRequest } from './bridge-vlans.js';
import { EthtoolFeatures } from './ethtool-features.js';
import { EthtoolGenl } from './ethtool-genl.js';
import { describeGroup, EthtoolParamsIo } from './ethtool-params.js';
import { EthtoolWol } from './ethtool-wol.js';
import { EventStream } from './event-stream.js';
import { InvalidValue } from './ip-text.js';
import { KIND_CODECS } from './link-info/kinds.js';
import type { OptionRow, OptionValue } from './link-info/option-row.js';
import { REPLY_OBJECT, RtnlRequestSocket, type ReplyHandler } from './netlink-socket.js';
import { asPlatformError, platformError } from './platform-errors.js';
import { DEFAULT_ROOTS, readValue, sysctlPath, sysfsPath, writeValue, type ProcRoots } from './proc-files.js';
import { AF_UNSPEC, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE, RTM_NEWRULE } from './rtnl-constants.js';
import { decodeAddress, decodeLink, decodeRoute, decodeRule, linkFamily } from './rtnl-decode.js';
import {
  addressRequest,
  checkLinkName,
  deleteLinkRequest,
  dumpAddressesRequest,
  dumpLinksRequest,
  dumpRoutesRequest,
  dumpRulesRequest,
  getLinkRequest,
  newLinkRequest,
  routeRequest,
  ruleRequest,
  setLinkRequest,
} from './rtnl-requests.js';

export interface LinuxPlatformOptions {
  logger?: Logger;
  /**
   * Bytes of notifications the event path holds while we do not read
   * (default 8 MiB), twice over: the event socket's receive buffer
   * (SO_RCVBUFFORCE, so not capped by net.core.rmem_max) and the pipe from
   * the event helper (netlink-events.ts); the kernel doubles both, and holds
   * them, not nmkd. Beyond that, events count as lost and a resync follows. Tests pass a small value to provoke exactly that.
   */
  eventBufferBytes?: number;
  /** SO_RCVBUF asked for the request socket (default 4 MiB); bounds the replies in flight. */
  requestBufferBytes?: number;
  /** Most requests in flight at once (default 4096). */
  maxInFlight?: number;
  /** Where sysctls live (default /proc/sys). */
  procSysRoot?: string;
  /** Where per-link sysfs directories live (default /sys/class/net). */
  sysClassNetRoot?: string;
}

const DUMP_ATTEMPTS = 5;
const STOP_GRACE_MS = 5000;

export class LinuxPlatform implements Platform {
  private readonly requests: RtnlRequestSocket;
  /** The ethtool generic-netlink family (Wake-on-LAN, features, coalescing, rings, pause); its socket opens on first use. */
  private readonly genl = new EthtoolGenl();
  private readonly wol = new EthtoolWol(this.genl);
  private readonly features = new EthtoolFeatures(this.genl);
  private readonly params = new EthtoolParamsIo(this.genl);
  private readonly roots: ProcRoots;

  private readonly stream: EventStream;
  /** Names from any source (events, dumps, our own requests), for operation texts. */
  private names = new Map<number, string>();

  constructor(opts: LinuxPlatformOptions = {}) {
    this.roots = { procSys: opts.procSysRoot ?? DEFAULT_ROOTS.procSys, sysClassNet: opts.sysClassNetRoot ?? DEFAULT_ROOTS.sysClassNet };
    this.requests = new RtnlRequestSocket({
      logger: opts.logger,
      recvBufferBytes: opts.requestBufferBytes ?? 4 * 1024 * 1024,
      maxInFlight: opts.maxInFlight ?? 4096,
    });
    this.stream = new EventStream({
      logger: opts.logger,
      bufferBytes: opts.eventBufferBytes ?? 8 * 1024 * 1024,
      dumpAll: () => this.dumpAll(),
      dumpIpv4Routes: () => this.dumpRoutes(4),
      named: (ifindex, name) => {
        if (name === undefined) this.names.delete(ifindex);
        else this.names.set(ifindex, name);
      },
    });
  }

  // ---- events ---------------------------------------------------------------

  async start(listener: PlatformListener): Promise<PlatformSnapshot> {
    if (this.stream.started) throw new Error('LinuxPlatform.start: already started');
    try {
      return await this.stream.start(listener);
    } catch (e) {
      throw asPlatformError(e, 'start: subscribe and dump');
    }
  }

  async stop(): Promise<void> {
    this.stream.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.requests.idle(), new Promise<void>((r) => (timer = setTimeout(r, STOP_GRACE_MS)))]);
    clearTimeout(timer);
    this.requests.close();
    this.genl.close();
  }

  // ---- dumps and lookups ----------------------------------------------------

  private async dumpList<T>(build: () => Buffer, operation: string, decode: (type: number, buf: Buffer, at: number, len: number) => T | undefined): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      const out: T[] = [];
      const onReply: ReplyHandler = (type, buf, at, len) => {
        const v = decode(type, buf, at, len);
        if (v !== undefined) out.push(v);
      };
      const interrupted = await this.requests.dump(build(), operation, onReply);
      if (!interrupted) return out;
      if (attempt >= DUMP_ATTEMPTS) {
        throw platformError(Errno.EBUSY, operation, `the kernel interrupted the dump ${attempt} times (the table kept changing)`);
      }
    }
  }

  private dumpLinks(): Promise<Link[]> {
    return this.dumpList(dumpLinksRequest, 'dump links', (type, buf, at, len) =>
      type === RTM_NEWLINK && linkFamily(buf, at) === AF_UNSPEC ? decodeLink(buf, at, len) : undefined,
    );
  }

  private dumpAddresses(): Promise<Address[]> {
    return this.dumpList(dumpAddressesRequest, 'dump addresses', (type, buf, at, len) => (type === RTM_NEWADDR ? decodeAddress(buf, at, len) : undefined));
  }

  private dumpRoutes(family?: Family): Promise<Route[]> {
    return this.dumpList(() => dumpRoutesRequest(family ?? 0), 'dump routes', (type, buf, at, len) => (type === RTM_NEWROUTE ? decodeRoute(buf, at, len) : undefined));
  }

  private async dumpAll(): Promise<PlatformSnapshot> {
    // The socket runs one dump at a time; queueing all three at once saves two round trips.
    const [links, addresses, routes] = await Promise.all([this.dumpLinks(), this.dumpAddresses(), this.dumpRoutes()]);
    return { links, addresses, routes };
  }

  async links(): Promise<Link[]> {
    const links = await this.dumpLinks();
    for (const l of links) this.names.set(l.ifindex, l.name);
    return links;
  }

  async link(ifindexOrName: number | string): Promise<Link | undefined> {
    if (typeof ifindexOrName === 'string') {
      try {
        checkLinkName(ifindexOrName);
      } catch {
        return undefined; // no link can have that name
      }
    } else if (!Number.isInteger(ifindexOrName) || ifindexOrName <= 0 || ifindexOrName > 0x7fffffff) {
      return undefined;
    }
    let found: Link | undefined;
    try {
      await this.requests.request(getLinkRequest(ifindexOrName), `get link ${ifindexOrName}`, REPLY_OBJECT, (type, buf, at, len) => {
        if (type === RTM_NEWLINK) found = decodeLink(buf, at, len);
      });
    } catch (e) {
      if (e instanceof PlatformError && e.errno === Errno.ENODEV) return undefined;
      throw e;
    }
    if (found) this.names.set(found.ifindex, found.name);
    return found;
  }

  async addresses(ifindex?: number): Promise<Address[]> {
    const all = await this.dumpAddresses();
    return ifindex === undefined ? all : all.filter((a) => a.ifindex === ifindex);
  }

  async routes(filter: { family?: Family; table?: number } = {}): Promise<Route[]> {
    const all = await this.dumpRoutes(filter.family);
    return filter.table === undefined ? all : all.filter((r) => r.table === filter.table);
  }

  // ---- links ------------------------------------------------------------------

  async createLink(spec: LinkSpec): Promise<Link> {
    // The options are named in the operation: a kernel that lacks one (a bridge's vlan_filtering) answers only EOPNOTSUPP.
    const options = Object.entries(spec?.info ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${String(v)}`);
    const operation = `create link ${spec?.name} (${spec?.kind}${options.length ? ` with ${options.join(', ')}` : ''})`;
    let fd: number | undefined;
    try {
      checkLinkName(spec.name);
      if (typeof spec.kind !== 'string' || !/^[a-z0-9_-]+$/.test(spec.kind)) throw new InvalidValue(`kind: '${String(spec.kind)}' is not a link kind`);
      const parent = spec.parent === undefined ? undefined : await this.ifindexOf(spec.parent, operation);
      const options = await this.kindOptions(spec, operation);
      let peerNetns: { fd: number } | { pid: number } | undefined;
      if (spec.peer?.netns !== undefined) {
        if (typeof spec.peer.netns === 'number') peerNetns = { pid: spec.peer.netns };
        else peerNetns = { fd: (fd = openSync(spec.peer.netns, 'r')) };
      }
      const request = newLinkRequest({ spec, parent, options, peerNetns });

      // Ask for the new link right behind the creation: the kernel handles both
      // in order, so the answer to the second is the link the first made.
      let link: Link | undefined;
      const created = this.requests.request(request, operation);
      const readBack = this.requests.request(getLinkRequest(spec.name), `${operation}: read back`, REPLY_OBJECT, (type, buf, at, len) => {
        if (type === RTM_NEWLINK) link = decodeLink(buf, at, len);
      });
      const [c, r] = await Promise.allSettled([created, readBack]);
      if (c.status === 'rejected') throw c.reason;
      if (r.status === 'rejected') throw r.reason;
      if (!link) throw platformError(Errno.EIO, operation, 'the kernel acknowledged but did not return the link');
      this.names.set(link.ifindex, link.name);
      return link;
    } catch (e) {
      throw asPlatformError(e, operation);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private async kindOptions(spec: LinkSpec, operation: string): Promise<Array<[OptionRow, OptionValue]>> {
    const info = spec.info ?? {};
    if (Object.values(info).every((v) => v === undefined)) return [];
    const codec = KIND_CODECS.get(spec.kind);
    if (!codec) throw new InvalidValue(`kind ${spec.kind} takes no options (got ${Object.keys(info).join(', ')})`);
    const resolved = new Map<string, number>();
    for (const name of codec.table.namesToResolve(info)) resolved.set(name, await this.ifindexOf(name, operation));
    return codec.table.normalize(info, (name) => resolved.get(name));
  }

  /** Port options, validated by the controller kind's port table (no ifindex-valued ones exist). */
  private portOptions(kind: string, info: LinkInfoData): Array<[OptionRow, OptionValue]> {
    const table = KIND_CODECS.get(kind)?.portTable;
    if (!table) throw new InvalidValue(`ports of a ${kind} take no options (got ${Object.keys(info).join(', ')})`);
    return table.normalize(info);
  }

  private async ifindexOf(ref: number | string, operation: string): Promise<number> {
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref <= 0) throw new InvalidValue(`parent: ${ref} is not an ifindex`);
      return ref;
    }
    const link = await this.link(ref);
    if (!link) throw platformError(Errno.ENODEV, operation, `no link named ${ref}`);
    return link.ifindex;
  }

  async deleteLink(ifindex: number): Promise<void> {
    const operation = `delete link ${this.describe(ifindex)}`;
    try {
      checkIfindex(ifindex);
      await this.requests.request(deleteLinkRequest(ifindex), operation);
      this.names.delete(ifindex);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  async setLink(ifindex: number, change: LinkChange): Promise<void> {
    const operation = `set link ${this.describe(ifindex)}: ${describeChange(change)}`;
    try {
      checkIfindex(ifindex);
      let options = change.options ? await this.kindOptions({ name: '', kind: change.options.kind, info: change.options.info }, operation) : undefined;
      const current = options?.length ? await this.link(ifindex) : undefined;
      // The kernel refuses some options even unchanged on a live link (a bond's mode while it is up or has ports): send only what differs.
      if (options && current) options = options.filter(([row, value]) => String(current.info?.[row.name]) !== String(value));
      const portOptions = change.portOptions ? this.portOptions(change.portOptions.kind, change.portOptions.info) : undefined;
      try {
        await this.requests.request(setLinkRequest(ifindex, change, options, portOptions), operation);
      } catch (e) {
        // A bond takes its mode and some 802.3ad options only while down (EBUSY): take it down for them, then bring it back.
        if (!(options?.length && current?.up && asPlatformError(e, operation).errno === Errno.EBUSY)) throw e;
        await this.requests.request(setLinkRequest(ifindex, { up: false }), `${operation}: take the link down first`);
        await this.requests.request(setLinkRequest(ifindex, { ...change, up: change.up ?? true }, options, portOptions), operation);
      }
      if (change.name !== undefined) this.names.set(ifindex, change.name);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  // ---- addresses and routes ---------------------------------------------------

  async addAddress(spec: AddressSpec): Promise<void> {
    const operation = `add address ${spec.address}/${spec.prefixlen} to ${this.describe(spec.ifindex)}`;
    await this.send(operation, () => addressRequest(true, spec));
  }

  async removeAddress(spec: AddressSpec): Promise<void> {
    const operation = `remove address ${spec.address}/${spec.prefixlen} from ${this.describe(spec.ifindex)}`;
    await this.send(operation, () => addressRequest(false, spec));
  }

  async addRoute(spec: RouteSpec): Promise<void> {
    await this.send(`add route ${this.describeRoute(spec)}`, () => routeRequest(true, spec));
  }

  async removeRoute(spec: RouteSpec): Promise<void> {
    await this.send(`remove route ${this.describeRoute(spec)}`, () => routeRequest(false, spec));
  }

  // Rules are read on demand only (no events, not in the snapshot).
  async rules(family?: Family): Promise<Rule[]> {
    return this.dumpList(() => dumpRulesRequest(family ?? 0), 'dump rules', (type, buf, at, len) => (type === RTM_NEWRULE ? decodeRule(buf, at, len) : undefined));
  }

  async addRule(spec: RuleSpec): Promise<void> {
    await this.send(`add rule ${describeRule(spec)}`, () => ruleRequest(true, spec));
  }

  async removeRule(spec: RuleSpec): Promise<void> {
    await this.send(`remove rule ${describeRule(spec)}`, () => ruleRequest(false, spec));
  }

  private async send(operation: string, build: () => Buffer): Promise<void> {
    try {
      await this.requests.request(build(), operation);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  // ---- sysctl and sysfs -------------------------------------------------------

  async readSysctl(name: string): Promise<string> {
    const operation = `read sysctl ${name}`;
    try {
      return await readValue(sysctlPath(this.roots, name));
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  async writeSysctl(name: string, value: string): Promise<void> {
    const operation = `write sysctl ${name}=${value}`;
    try {
      await writeValue(sysctlPath(this.roots, name), value);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  async readSysfs(ifname: string, attribute: string): Promise<string> {
    const operation = `read sysfs ${ifname}/${attribute}`;
    try {
      return await readValue(sysfsPath(this.roots, ifname, attribute));
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  async writeSysfs(ifname: string, attribute: string, value: string): Promise<void> {
    const operation = `write sysfs ${ifname}/${attribute}=${value}`;
    try {
      await writeValue(sysfsPath(this.roots, ifname, attribute), value);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  // ---- bridge VLANs (bridge-vlans.ts) -------------------------------------------

  async bridgeVlans(ifindex: number): Promise<BridgeVlan[]> {
    // The kernel lists bridge VLANs only in a dump of every bridge and port; a port comes first from its bridge.
    const all = await this.dumpList(dumpBridgeVlansRequest, `dump bridge VLANs (for ${this.describe(ifindex)})`, decodeBridgeVlans);
    return all.find((m) => m.ifindex === ifindex)?.vlans ?? [];
  }

  async setBridgeVlans(ifindex: number, vlans: readonly BridgeVlan[]): Promise<void> {
    let operation = `set bridge VLANs of ${this.describe(ifindex)} to ${describeBridgeVlans(vlans ?? [])}`;
    try {
      checkIfindex(ifindex);
      const link = await this.link(ifindex);
      if (!link) throw platformError(Errno.ENODEV, operation);
      // A bridge's own VLANs are "self"; a port's are handled by its bridge ("master"), as `bridge vlan` does.
      const target = link.kind === 'bridge' ? 'self' : 'master';
      const { add, remove } = diffBridgeVlans(await this.bridgeVlans(ifindex), vlans);
      // Additions first: a VID that stays never stops forwarding, and a new pvid is set before the old one goes.
      for (const [op, list] of [['add', add], ['remove', remove]] as const) {
        if (list.length === 0) continue;
        operation = `${op} bridge VLANs ${describeBridgeVlans(list)} ${op === 'add' ? 'to' : 'from'} ${this.describe(ifindex)} (${target})`;
        for (const msg of bridgeVlanRequests(op, ifindex, target, list)) await this.requests.request(msg, operation);
      }
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  // ---- Wake-on-LAN (ethtool-wol.ts) ---------------------------------------------

  async wakeOnLan(ifindex: number): Promise<WakeOnLan> {
    const operation = `read wake-on-lan of ${this.describe(ifindex)}`;
    try {
      checkIfindex(ifindex);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
    return this.wol.get(ifindex, operation);
  }

  async setWakeOnLan(ifindex: number, modes: readonly WakeOnLanMode[], password?: string): Promise<void> {
    // The password stays out of the text: operations end up in logs and D-Bus errors.
    const operation = `set wake-on-lan of ${this.describe(ifindex)} to ${modes?.length ? modes.join(',') : 'off'}${password === undefined ? '' : ' with a SecureOn password'}`;
    try {
      checkIfindex(ifindex);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
    await this.wol.set(ifindex, modes ?? [], password, operation);
  }

  // ---- other ethtool options (ethtool-features.ts, ethtool-params.ts) ------------

  async ethtoolFeatures(ifindex: number): Promise<EthtoolFeatureStates> {
    const operation = `read offload features of ${this.describe(ifindex)}`;
    try {
      checkIfindex(ifindex);
      return await this.features.get(ifindex, operation);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  async setEthtoolFeatures(ifindex: number, wanted: Readonly<Record<string, boolean>>): Promise<void> {
    const list = Object.entries(wanted ?? {}).map(([k, v]) => `${k} ${v === true ? 'on' : v === false ? 'off' : String(v)}`);
    const operation = `set offload features of ${this.describe(ifindex)}: ${list.length ? list.join(', ') : 'none'}`;
    try {
      checkIfindex(ifindex);
      if (list.length > 0) await this.features.set(ifindex, wanted, operation);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  async ethtoolParams(ifindex: number, group: EthtoolParamGroup): Promise<EthtoolParams> {
    const operation = `read ${describeGroup(group)} of ${this.describe(ifindex)}`;
    try {
      checkIfindex(ifindex);
      return await this.params.get(ifindex, group, operation);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  async setEthtoolParams(ifindex: number, group: EthtoolParamGroup, values: Readonly<EthtoolParams>): Promise<void> {
    const list = Object.entries(values ?? {}).map(([k, v]) => `${k} ${v === true ? 'on' : v === false ? 'off' : String(v)}`);
    const operation = `set ${describeGroup(group)} of ${this.describe(ifindex)}: ${list.length ? list.join(', ') : 'none'}`;
    try {
      checkIfindex(ifindex);
      if (list.length > 0) await this.params.set(ifindex, group, values, operation);
    } catch (e) {
      throw asPlatformError(e, operation);
    }
  }

  // ---- texts ------------------------------------------------------------------

  /** "eth0 (ifindex 3)", or "ifindex 3" when the name is not known. */
  private describe(ifindex: number): string {
    const name = this.names.get(ifindex);
    return name ? `${name} (ifindex ${ifindex})` : `ifindex ${ifindex}`;
  }

  private describeRoute(r: RouteSpec): string {
    let s = `${r.dst}/${r.dstLen}`;
    if (r.type !== undefined && r.type !== 1) s = `type ${r.type} ${s}`;
    if (r.from !== undefined) s += ` from ${r.from}/${r.fromLen ?? 128}`;
    if (r.tos) s += ` tos ${r.tos}`;
    if (r.gateway !== undefined) s += ` via ${r.gateway}`;
    if (r.ifindex) s += ` dev ${this.describe(r.ifindex)}`;
    s += ` table ${r.table ?? 254}`;
    if (r.metric !== undefined) s += ` metric ${r.metric}`;
    return s;
  }
}

function checkIfindex(ifindex: number): void {
  if (!Number.isInteger(ifindex) || ifindex <= 0 || ifindex > 0x7fffffff) throw new InvalidValue(`ifindex: ${String(ifindex)} is not an ifindex`);
}

function describeChange(c: LinkChange): string {
  const parts: string[] = [];
  if (c.up !== undefined) parts.push(c.up ? 'up' : 'down');
  if (c.mtu !== undefined) parts.push(`mtu ${c.mtu}`);
  if (c.mac !== undefined) parts.push(`mac ${c.mac}`);
  if (c.master !== undefined) parts.push(c.master === 0 ? 'nomaster' : `master ${c.master}`);
  if (c.name !== undefined) parts.push(`name ${c.name}`);
  if (c.options) parts.push(`${c.options.kind} ${Object.entries(c.options.info).map(([k, v]) => `${k} ${String(v)}`).join(' ')}`);
  if (c.portOptions) parts.push(`${c.portOptions.kind} port ${Object.entries(c.portOptions.info).map(([k, v]) => `${k} ${String(v)}`).join(' ')}`);
  return parts.length ? parts.join(', ') : 'no change';
}
