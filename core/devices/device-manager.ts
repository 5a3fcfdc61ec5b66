/**
 * Keeps one Device per link in the model: creates it when a link appears
 * (the kind registry picks the kind), follows the link's changes, and drops
 * it when the link goes. Decides whether a device is managed from the config
 * ([keyfile] unmanaged-devices, then [device*] sections in order).
 *
 * An idle managed device is DISCONNECTED with carrier and UNAVAILABLE
 * without; while an active connection is applied, the activation manager
 * owns the device's state (setState) and hands it back with settle().
 */
import {
  ArpType,
  NMDeviceState,
  NMDeviceStateReason,
  nmTypeDescription,
  permanentMacOf,
  type ConfigView,
  type DeviceRegistry,
  type DeviceView,
  type EventBus,
  type Link,
  type Logger,
} from '../../sdk/index.js';
import { Device } from './device.js';
import { DeviceSpec } from './device-spec.js';
import { matchSectionOrder } from '../config/connection-defaults.js';
import type { MergedConfig } from '../config/merged-config.js';
import type { KindRegistry } from './kind-registry.js';

export const DEVICE_PATH_PREFIX = '/org/freedesktop/NetworkManager/Devices/';

interface DeviceSection {
  name: string;
  match: DeviceSpec;
  managed?: boolean;
  ignoreCarrier?: boolean;
  stop: boolean;
}

export class DeviceManager implements DeviceRegistry {
  private byIndex = new Map<number, Device>();
  /** The devices attached to each controller's ifindex: a bridge's Ports is read at every change of it, 1000s of devices in all. */
  private portIndex = new Map<number, Set<Device>>();
  private nameIndex = new Map<string, Device>();
  private nextId = 1;
  private unmanagedSpec!: DeviceSpec;
  /** [main] ignore-carrier (deprecated in NetworkManager, still read). */
  private ignoreCarrierSpec!: DeviceSpec;
  private sections: DeviceSection[] = [];
  /** Managed state a user set over D-Bus; wins over config until the link goes. */
  private explicit = new Map<number, boolean>();
  /** Manager.Enable(false) turns networking off: every device is unmanaged until it is on again. */
  private networking = true;

  constructor(
    private kinds: KindRegistry,
    private events: EventBus,
    private logger: Logger,
    config: ConfigView,
    /** Unmanaged specs from elsewhere than the config (settings plugins: NM_CONTROLLED=no). */
    private extraUnmanaged: () => string[] = () => [],
  ) {
    this.configure(config);
  }

  /** (Re)read the config's device rules; existing devices are re-evaluated. */
  configure(config: ConfigView): void {
    this.unmanagedSpec = new DeviceSpec([...config.getList('keyfile', 'unmanaged-devices'), ...this.extraUnmanaged()]);
    this.ignoreCarrierSpec = new DeviceSpec(config.getList('main', 'ignore-carrier'));
    const optionalBoolean = (s: string, key: string) => (config.get(s, key) === undefined ? undefined : config.getBoolean(s, key, false));
    // NetworkManager's order (later files first, [device] last) when the config knows its files; a plain view keeps its own.
    const groups = (config as Partial<MergedConfig>).groupFiles?.();
    const names = groups ? matchSectionOrder(groups, 'device') : config.sections().filter((s) => s.startsWith('device'));
    this.sections = names
      .map((s) => ({
        name: s,
        match: new DeviceSpec(config.getList(s, 'match-device')),
        managed: optionalBoolean(s, 'managed'),
        ignoreCarrier: optionalBoolean(s, 'ignore-carrier'),
        stop: config.getBoolean(s, 'stop-match', false),
      }));
    for (const d of this.byIndex.values()) this.refreshState(d, NMDeviceStateReason.NOW_MANAGED);
  }

  all(): Iterable<DeviceView> {
    return this.byIndex.values();
  }
  byIfindex(ifindex: number): Device | undefined {
    return this.byIndex.get(ifindex);
  }
  byName(name: string): Device | undefined {
    return this.nameIndex.get(name);
  }
  get size(): number {
    return this.byIndex.size;
  }

  /** Whether config says the device is managed, and why not when it is not. */
  private decideManaged(link: Link, kind: string): { managed: boolean; reason: number } {
    if (!this.networking) return { managed: false, reason: NMDeviceStateReason.NETWORKING_OFF };
    const forced = this.explicit.get(link.ifindex);
    if (forced !== undefined) {
      return forced ? { managed: true, reason: NMDeviceStateReason.NOW_MANAGED } : { managed: false, reason: NMDeviceStateReason.UNMANAGED_USER_EXPLICIT };
    }
    const subject = { name: link.name, mac: link.mac, permMac: permanentMacOf(link), type: nmTypeDescription(kind, link.kind) };
    if (this.unmanagedSpec.matches(subject)) return { managed: false, reason: NMDeviceStateReason.UNMANAGED_USER_CONF };
    for (const s of this.sections) {
      if (!s.match.empty && !s.match.matches(subject)) continue;
      if (s.managed !== undefined) {
        return s.managed ? { managed: true, reason: NMDeviceStateReason.NOW_MANAGED } : { managed: false, reason: NMDeviceStateReason.UNMANAGED_USER_CONF };
      }
      if (s.stop) break;
    }
    // NetworkManager 1.42 leaves loopback unmanaged.
    if (link.arptype === ArpType.loopback) return { managed: false, reason: NMDeviceStateReason.UNMANAGED_BY_DEFAULT };
    return { managed: true, reason: NMDeviceStateReason.NOW_MANAGED };
  }

  private idleState(d: { managed: boolean; link: Link; kind: string }): number {
    if (!d.managed) return NMDeviceState.UNMANAGED;
    return d.link.carrier || this.ignoresCarrier(d) ? NMDeviceState.DISCONNECTED : NMDeviceState.UNAVAILABLE;
  }

  /**
   * Whether the device is available without carrier, and keeps its active
   * connection when carrier goes: the first [device*] section that matches
   * and sets ignore-carrier, else [main] ignore-carrier.
   */
  ignoresCarrier(d: { link: Link; kind: string }): boolean {
    const subject = { name: d.link.name, mac: d.link.mac, permMac: permanentMacOf(d.link), type: nmTypeDescription(d.kind, d.link.kind) };
    for (const s of this.sections) {
      if (!s.match.empty && !s.match.matches(subject)) continue;
      if (s.ignoreCarrier !== undefined) return s.ignoreCarrier;
      if (s.stop) break;
    }
    return this.ignoreCarrierSpec.matches(subject);
  }

  addLink(link: Link): Device {
    const existing = this.byIndex.get(link.ifindex);
    if (existing) return existing;
    const kind = this.kinds.kindFor(link);
    const m = this.decideManaged(link, kind.name);
    const d = new Device(`${DEVICE_PATH_PREFIX}${this.nextId++}`, link, kind, { state: 0, reason: m.reason, managed: m.managed });
    d.state = this.idleState(d);
    this.byIndex.set(link.ifindex, d);
    this.nameIndex.set(link.name, d);
    this.attach(d, link.master);
    this.logger.debug('device added', { device: link.name, kind: kind.name, managed: d.managed, state: d.state });
    this.events.emit('device.added', { device: d });
    return d;
  }

  changeLink(link: Link, previous: Link): void {
    const d = this.byIndex.get(link.ifindex);
    if (!d) {
      this.addLink(link);
      return;
    }
    if (previous.name !== link.name) {
      if (this.nameIndex.get(previous.name) === d) this.nameIndex.delete(previous.name);
      this.nameIndex.set(link.name, d);
    }
    if (d.link.master !== link.master) {
      this.detach(d, d.link.master);
      this.attach(d, link.master);
    }
    d.link = link;
    this.events.emit('device.changed', { device: d });
    if (previous.carrier !== link.carrier) this.refreshState(d, NMDeviceStateReason.CARRIER);
  }

  removeLink(link: Link): void {
    this.explicit.delete(link.ifindex);
    const d = this.byIndex.get(link.ifindex);
    if (!d) return;
    this.byIndex.delete(link.ifindex);
    this.detach(d, d.link.master);
    if (this.nameIndex.get(d.name) === d) this.nameIndex.delete(d.name);
    this.logger.debug('device removed', { device: d.name });
    this.events.emit('device.removed', { device: d });
  }

  private refreshState(d: Device, reason: number): void {
    // The activation's state machine owns an active device's state.
    if (d.active) return;
    const m = this.decideManaged(d.link, d.kind);
    const managedChanged = d.managed !== m.managed;
    d.managed = m.managed;
    const next = this.idleState(d);
    if (next === d.state) {
      if (managedChanged) this.events.emit('device.changed', { device: d });
      return;
    }
    const old = d.state;
    d.state = next;
    d.stateReason = m.managed ? reason : m.reason;
    this.events.emit('device.state-changed', { device: d, state: next, oldState: old, reason: d.stateReason });
  }

  /** Move a device to a state (the activation manager's steps), announcing the change. */
  setState(d: Device, state: number, reason: number): void {
    if (d.state === state && d.stateReason === reason) return;
    const old = d.state;
    d.state = state;
    d.stateReason = reason;
    this.events.emit('device.state-changed', { device: d, state, oldState: old, reason });
  }

  /** After a deactivation: back to the idle state the device's link and config call for. */
  settle(d: Device, reason: number): void {
    if (d.active || !this.byIndex.has(d.ifindex)) return;
    this.setState(d, this.idleState(d), reason);
  }

  get networkingEnabled(): boolean {
    return this.networking;
  }

  /** Networking on or off (Manager.Enable); the caller deactivates what was active first. */
  setNetworking(on: boolean): void {
    if (this.networking === on) return;
    this.networking = on;
    for (const d of this.byIndex.values()) this.refreshState(d, on ? NMDeviceStateReason.NOW_MANAGED : NMDeviceStateReason.NETWORKING_OFF);
  }

  /** A user's request (D-Bus Managed=...): takes effect at once and holds until the link goes. */
  setManaged(device: DeviceView, managed: boolean): void {
    const d = this.byIndex.get(device.ifindex);
    if (!d) return;
    this.explicit.set(d.ifindex, managed);
    this.refreshState(d, NMDeviceStateReason.NOW_MANAGED);
  }

  /** Object path of the device for an ifindex, "/" when there is none. */
  pathOf(ifindex: number): string {
    return this.byIndex.get(ifindex)?.path ?? '/';
  }

  /** Devices whose controller is the given link. */
  portsOf(ifindex: number): DeviceView[] {
    const set = this.portIndex.get(ifindex);
    if (!set) return [];
    // In the order the devices were found (ifindex order), whatever order they were attached in.
    return [...set].sort((a, b) => a.ifindex - b.ifindex);
  }

  private attach(d: Device, master: number | undefined): void {
    if (!master) return;
    let set = this.portIndex.get(master);
    if (!set) this.portIndex.set(master, (set = new Set()));
    set.add(d);
  }

  private detach(d: Device, master: number | undefined): void {
    const set = master ? this.portIndex.get(master) : undefined;
    if (set?.delete(d) && set.size === 0) this.portIndex.delete(master!);
  }
}
