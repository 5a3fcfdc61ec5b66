/**
 * The fake platform: the Platform contract kept in memory with the kernel's
 * semantics (fake-kernel.ts), for unit tests of everything above the
 * platform. Events are delivered asynchronously and in order, one microtask
 * after the change, so a test that awaits a call has seen its events.
 *
 * Test helpers:
 * - simulateOverflow(): events not yet delivered are lost and one
 *   {type:'resync', snapshot} follows, as after a kernel ENOBUFS;
 * - injectExternal(change): another tool (or the hardware) changed
 *   something: the change happens and its events arrive, but nothing is
 *   recorded in `calls` and failNext does not apply;
 * - failNext(op, errno, times?): the next call(s) of that method reject with
 *   PlatformError(errno) and change nothing;
 * - calls: every Platform call made, in order, with its arguments.
 *
 * Bridge VLANs are a plain list per bridge or port (a port's go when it
 * leaves its bridge); the kernel's own default-pvid entries are not made up.
 * A bridge port's options (LinkChange.portOptions, the brport/ files) start
 * at the kernel's defaults on each attach and are refused (EOPNOTSUPP) on a
 * link that is not a port yet.
 */
import {
  Errno,
  type Address,
  type AddressSpec,
  type BridgeVlan,
  type Family,
  type Link,
  type LinkChange,
  type LinkSpec,
  type Platform,
  type PlatformEvent,
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
import { copyLink, FakeKernel, type ExternalLinkSpec } from './fake-kernel.js';
import { FakeRules } from './fake-rules.js';
import { fail } from './fake-values.js';
import { FakeEthtool } from './fake-ethtool.js';
import { FakeWol } from './fake-wol.js';

export type { ExternalLinkSpec } from './fake-kernel.js';

/** The Platform methods, by name, as failNext and calls name them. */
export type FakeOperation = Exclude<keyof Platform, 'start' | 'stop'> | 'start';

/** Something that changed behind nmk's back. */
export type ExternalChange =
  | { type: 'add-link'; link: ExternalLinkSpec }
  | { type: 'set-link'; ifindex: number; change: LinkChange & { carrier?: boolean } }
  | { type: 'delete-link'; ifindex: number }
  | { type: 'add-address'; address: AddressSpec }
  | { type: 'remove-address'; address: AddressSpec }
  | { type: 'add-route'; route: RouteSpec }
  | { type: 'remove-route'; route: RouteSpec }
  | { type: 'add-rule'; rule: RuleSpec }
  | { type: 'remove-rule'; rule: RuleSpec }
  /** Set (or create) a sysctl. */
  | { type: 'sysctl'; name: string; value: string }
  /** Set (or create) a file under /sys/class/net/IFNAME/. */
  | { type: 'sysfs'; ifname: string; attribute: string; value: string };

export interface FakeCall {
  op: FakeOperation;
  args: unknown[];
}

export class FakePlatform implements Platform {
  /** Every Platform call made (not injectExternal), in order. */
  readonly calls: FakeCall[] = [];

  private readonly kernel = new FakeKernel((ev) => this.queue(ev));
  /** Policy routing rules: no events, read on demand (as on Linux, where nmk does not listen for them). */
  private readonly ruleTable = new FakeRules();
  private listener: PlatformListener | undefined;
  private pending: PlatformEvent[] = [];
  private drainScheduled = false;
  private failures = new Map<FakeOperation, number[]>();
  /** setBridgeVlans lists, with the bridge a port had then (0 for a bridge itself). */
  private readonly vlanTable = new Map<number, { master: number; vlans: BridgeVlan[] }>();
  /** Wake-on-LAN of physical NICs (fake-wol.ts). */
  private readonly wol = new FakeWol();
  /** Offload features of every link, coalescing/rings/pause of physical NICs (fake-ethtool.ts). */
  private readonly ethtool = new FakeEthtool();

  // ---- test helpers -------------------------------------------------------------

  /** Lose the events not yet delivered and deliver one resync with the current state. */
  simulateOverflow(): void {
    if (!this.listener) return;
    this.pending = [{ type: 'resync', snapshot: this.kernel.snapshot() }];
    this.scheduleDrain();
  }

  /** Apply a change made by someone else; returns the new link for 'add-link'. Throws PlatformError like the kernel would. */
  injectExternal(change: ExternalChange): Link | undefined {
    const op = `external ${change.type}`;
    switch (change.type) {
      case 'add-link': return this.kernel.addExternalLink(change.link, op);
      case 'set-link': {
        const { carrier, ...rest } = change.change;
        this.kernel.setLink(change.ifindex, rest, op, carrier);
        return undefined;
      }
      case 'delete-link': this.kernel.deleteLink(change.ifindex, op); return undefined;
      case 'add-address': this.kernel.addAddress(change.address, op); return undefined;
      case 'remove-address': this.kernel.removeAddress(change.address, op); return undefined;
      case 'add-route': this.kernel.addRoute(change.route, op); return undefined;
      case 'remove-route': this.kernel.removeRoute(change.route, op); return undefined;
      case 'add-rule': this.ruleTable.add(change.rule, op); return undefined;
      case 'remove-rule': this.ruleTable.remove(change.rule, op); return undefined;
      case 'sysctl': this.kernel.writeSysctl(change.name, change.value, op, true); return undefined;
      case 'sysfs': this.kernel.writeSysfs(change.ifname, change.attribute, change.value, op, true); return undefined;
    }
  }

  /** Make the next `times` calls of `op` reject with PlatformError(errno) and change nothing. */
  failNext(op: FakeOperation, errno: number = Errno.EIO, times = 1): void {
    const queue = this.failures.get(op) ?? [];
    for (let i = 0; i < times; i++) queue.push(errno);
    this.failures.set(op, queue);
  }

  // ---- events ---------------------------------------------------------------------

  async start(listener: PlatformListener): Promise<PlatformSnapshot> {
    this.enter('start', [], 'start');
    if (this.listener) throw new Error('FakePlatform.start: already started');
    this.listener = listener;
    this.pending = [];
    return this.kernel.snapshot();
  }

  async stop(): Promise<void> {
    this.listener = undefined;
    this.pending = [];
  }

  private queue(ev: PlatformEvent): void {
    if (!this.listener) return;
    this.pending.push(ev);
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    queueMicrotask(() => {
      this.drainScheduled = false;
      const events = this.pending;
      this.pending = [];
      for (const ev of events) {
        if (!this.listener) return;
        try {
          this.listener(ev);
        } catch {
          // A throwing listener must not stop the others' events (the Linux platform logs it).
        }
      }
    });
  }

  /** Record the call and apply a failNext, if one is pending. */
  private enter(op: FakeOperation, args: unknown[], operation: string): void {
    this.calls.push({ op, args });
    const queue = this.failures.get(op);
    const errno = queue?.shift();
    if (queue && queue.length === 0) this.failures.delete(op);
    if (errno !== undefined) throw fail(errno, operation, 'failNext');
  }

  private describe(ifindex: number): string {
    const name = this.kernel.nameOf(ifindex);
    return name ? `${name} (ifindex ${ifindex})` : `ifindex ${ifindex}`;
  }

  // ---- reading ----------------------------------------------------------------------

  async links(): Promise<Link[]> {
    this.enter('links', [], 'dump links');
    return this.kernel.linkList();
  }

  async link(ifindexOrName: number | string): Promise<Link | undefined> {
    this.enter('link', [ifindexOrName], `get link ${ifindexOrName}`);
    const l = this.kernel.find(ifindexOrName);
    return l && copyLink(l);
  }

  async addresses(ifindex?: number): Promise<Address[]> {
    this.enter('addresses', [ifindex], 'dump addresses');
    return this.kernel.addressList(ifindex);
  }

  async routes(filter?: { family?: Family; table?: number }): Promise<Route[]> {
    this.enter('routes', [filter], 'dump routes');
    return this.kernel.routeList(filter);
  }

  // ---- changing ---------------------------------------------------------------------

  async createLink(spec: LinkSpec): Promise<Link> {
    const op = `create link ${spec?.name} (${spec?.kind})`;
    this.enter('createLink', [spec], op);
    return this.kernel.createLink(spec, op);
  }

  async deleteLink(ifindex: number): Promise<void> {
    const op = `delete link ${this.describe(ifindex)}`;
    this.enter('deleteLink', [ifindex], op);
    this.kernel.deleteLink(ifindex, op);
  }

  async setLink(ifindex: number, change: LinkChange): Promise<void> {
    const op = `set link ${this.describe(ifindex)}`;
    this.enter('setLink', [ifindex, change], op);
    this.kernel.setLink(ifindex, change, op);
  }

  async addAddress(spec: AddressSpec): Promise<void> {
    const op = `add address ${spec.address}/${spec.prefixlen} to ${this.describe(spec.ifindex)}`;
    this.enter('addAddress', [spec], op);
    this.kernel.addAddress(spec, op);
  }

  async removeAddress(spec: AddressSpec): Promise<void> {
    const op = `remove address ${spec.address}/${spec.prefixlen} from ${this.describe(spec.ifindex)}`;
    this.enter('removeAddress', [spec], op);
    this.kernel.removeAddress(spec, op);
  }

  async addRoute(spec: RouteSpec): Promise<void> {
    const op = `add route ${spec.dst}/${spec.dstLen}${spec.ifindex ? ` dev ${this.describe(spec.ifindex)}` : ''}`;
    this.enter('addRoute', [spec], op);
    this.kernel.addRoute(spec, op);
  }

  async removeRoute(spec: RouteSpec): Promise<void> {
    const op = `remove route ${spec.dst}/${spec.dstLen}${spec.ifindex ? ` dev ${this.describe(spec.ifindex)}` : ''}`;
    this.enter('removeRoute', [spec], op);
    this.kernel.removeRoute(spec, op);
  }

  async rules(family?: Family): Promise<Rule[]> {
    this.enter('rules', [family], 'dump rules');
    return this.ruleTable.list(family);
  }

  async addRule(spec: RuleSpec): Promise<void> {
    const op = `add rule ${describeRule(spec)}`;
    this.enter('addRule', [spec], op);
    this.ruleTable.add(spec, op);
  }

  async removeRule(spec: RuleSpec): Promise<void> {
    const op = `remove rule ${describeRule(spec)}`;
    this.enter('removeRule', [spec], op);
    this.ruleTable.remove(spec, op);
  }

  async readSysctl(name: string): Promise<string> {
    const op = `read sysctl ${name}`;
    this.enter('readSysctl', [name], op);
    return this.kernel.readSysctl(name, op);
  }

  async writeSysctl(name: string, value: string): Promise<void> {
    const op = `write sysctl ${name}=${value}`;
    this.enter('writeSysctl', [name, value], op);
    this.kernel.writeSysctl(name, value, op);
  }

  async readSysfs(ifname: string, attribute: string): Promise<string> {
    const op = `read sysfs ${ifname}/${attribute}`;
    this.enter('readSysfs', [ifname, attribute], op);
    return this.kernel.readSysfs(ifname, attribute, op);
  }

  async writeSysfs(ifname: string, attribute: string, value: string): Promise<void> {
    const op = `write sysfs ${ifname}/${attribute}=${value}`;
    this.enter('writeSysfs', [ifname, attribute, value], op);
    this.kernel.writeSysfs(ifname, attribute, value, op);
  }

  async bridgeVlans(ifindex: number): Promise<BridgeVlan[]> {
    this.enter('bridgeVlans', [ifindex], `dump bridge VLANs (for ${this.describe(ifindex)})`);
    return this.currentVlans(ifindex).map((v) => ({ ...v }));
  }

  async setBridgeVlans(ifindex: number, vlans: readonly BridgeVlan[]): Promise<void> {
    const op = `set bridge VLANs of ${this.describe(ifindex)}`;
    this.enter('setBridgeVlans', [ifindex, vlans], op);
    const link = this.kernel.find(ifindex);
    if (!link) throw fail(Errno.ENODEV, op);
    const master = link.kind === 'bridge' ? 0 : link.master;
    if (link.kind !== 'bridge' && (master === 0 || this.kernel.find(master)?.kind !== 'bridge')) throw fail(Errno.EOPNOTSUPP, op, `${link.name} is neither a bridge nor a bridge port`);
    const seen = new Set<number>();
    for (const v of vlans) {
      if (!(v.vidStart >= 1 && v.vidEnd <= 4094 && v.vidStart <= v.vidEnd) || (v.pvid && v.vidStart !== v.vidEnd)) throw fail(Errno.EINVAL, op, `bad VLAN ${v.vidStart}-${v.vidEnd}`);
      for (let vid = v.vidStart; vid <= v.vidEnd; vid++) {
        if (seen.has(vid)) throw fail(Errno.EINVAL, op, `VLAN ${vid} listed twice`);
        seen.add(vid);
      }
    }
    if (vlans.filter((v) => v.pvid).length > 1) throw fail(Errno.EINVAL, op, 'more than one pvid');
    // One entry per VID, in VID order, as the Linux platform reads them back.
    const expanded = vlans.flatMap((v) => Array.from({ length: v.vidEnd - v.vidStart + 1 }, (_, i) => ({ vidStart: v.vidStart + i, vidEnd: v.vidStart + i, pvid: v.pvid, untagged: v.untagged })));
    this.vlanTable.set(ifindex, { master, vlans: expanded.sort((a, b) => a.vidStart - b.vidStart) });
  }

  async wakeOnLan(ifindex: number): Promise<WakeOnLan> {
    const op = `read wake-on-lan of ${this.describe(ifindex)}`;
    this.enter('wakeOnLan', [ifindex], op);
    return this.wol.get(this.kernel.find(ifindex), op);
  }

  async setWakeOnLan(ifindex: number, modes: readonly WakeOnLanMode[], password?: string): Promise<void> {
    const op = `set wake-on-lan of ${this.describe(ifindex)} to ${modes.length ? modes.join(',') : 'off'}`;
    this.enter('setWakeOnLan', [ifindex, modes, password], op);
    this.wol.set(this.kernel.find(ifindex), modes, password, op);
  }

  async ethtoolFeatures(ifindex: number): Promise<EthtoolFeatureStates> {
    const op = `read offload features of ${this.describe(ifindex)}`;
    this.enter('ethtoolFeatures', [ifindex], op);
    return this.ethtool.features(this.kernel.find(ifindex), op);
  }

  async setEthtoolFeatures(ifindex: number, wanted: Readonly<Record<string, boolean>>): Promise<void> {
    const op = `set offload features of ${this.describe(ifindex)}: ${Object.entries(wanted).map(([k, v]) => `${k} ${v ? 'on' : 'off'}`).join(', ') || 'none'}`;
    this.enter('setEthtoolFeatures', [ifindex, { ...wanted }], op);
    this.ethtool.setFeatures(this.kernel.find(ifindex), wanted, op);
  }

  async ethtoolParams(ifindex: number, group: EthtoolParamGroup): Promise<EthtoolParams> {
    const op = `read ${group} of ${this.describe(ifindex)}`;
    this.enter('ethtoolParams', [ifindex, group], op);
    return this.ethtool.params(this.kernel.find(ifindex), group, op);
  }

  async setEthtoolParams(ifindex: number, group: EthtoolParamGroup, values: Readonly<EthtoolParams>): Promise<void> {
    const op = `set ${group} of ${this.describe(ifindex)}: ${Object.entries(values).map(([k, v]) => `${k} ${String(v)}`).join(', ') || 'none'}`;
    this.enter('setEthtoolParams', [ifindex, group, { ...values }], op);
    this.ethtool.setParams(this.kernel.find(ifindex), group, values, op);
  }

  /** The stored list while the link is still the bridge or the port it was. */
  private currentVlans(ifindex: number): BridgeVlan[] {
    const entry = this.vlanTable.get(ifindex);
    const link = this.kernel.find(ifindex);
    if (!entry || !link || (entry.master === 0 ? link.kind !== 'bridge' : link.master !== entry.master)) return [];
    return entry.vlans;
  }
}
