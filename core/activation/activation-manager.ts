/**
 * Activation: takes a device and a profile from DISCONNECTED to ACTIVATED
 * through NetworkManager's states (prepare, config, ip-config, ip-check,
 * secondaries), and back through DEACTIVATING. Each activation is its own
 * async chain; a step checks `cancelled` so that a deactivation requested
 * half-way stops it, and whatever it added is removed again.
 *
 * What this version carries out: software links created from the profile
 * by their kind's linkSpec (bridge, bond, VLAN, macvlan, vxlan, veth,
 * dummy) and deleted again on deactivation; ports attached to their
 * controller, whose activation a port's brings up first; MTU and a literal
 * cloned MAC, link up; static IPv4/IPv6 addresses and routes with
 * NetworkManager's metrics and tables, the gateway's default route unless
 * never-default, and the IPv6 sysctls of the manual, link-local and disabled
 * methods. The automatic methods (DHCP, router discovery and DHCPv6,
 * sharing) run in core/activation/dynamic, fed by the DHCP, ndisc and sharing
 * plugins; both families are configured at once and the connection is
 * activated as soon as NetworkManager's may-fail rule allows (ip-outcome.ts).
 */
import {
  NMActiveConnectionState as AC,
  NMActiveConnectionStateReason as ACReason,
  NMDeviceState as DS,
  NMDeviceStateReason as DSReason,
  NMActivationStateFlags,
  NmkError,
  PlatformError,
  RouteTable,
  Errno,
  type ConnectionSettings,
  type EventBus,
  type LinkSpec,
  type Family,
  type Logger,
  type NetworkModel,
  type Platform,
  type RuleSpec,
  type DnsConfig,
} from '../../sdk/index.js';
import type { Device } from '../devices/device.js';
import type { DeviceManager } from '../devices/device-manager.js';
import type { KindRegistry } from '../devices/kind-registry.js';
import type { Profile } from '../settings/profile.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { ActiveConnection } from './active-connection.js';
import { incompatibility } from './compatibility.js';
import { IFA_F_NOPREFIXROUTE, planIp, type IpPlan } from './ip-plan.js';
import { startAutoIp, type AutoIpServices } from './dynamic/auto-ip.js';
import { dnsConfigsOf } from './dynamic/dns-config.js';
import type { DynamicIpHost } from './dynamic/dynamic-ip.js';
import { decideIp } from './ip-outcome.js';
import { planReapply } from './reapply.js';
import { applyPortOptions } from './port-options.js';
import { LinkRealizer } from './link-realizer.js';
import { clonedMacFor } from './cloned-mac.js';
import { LinkTeardown } from './link-teardown.js';
import { keepsOtherActivations, multiConnectOf, type MultiConnectMode } from './multi-connect.js';

export interface ActivateOptions {
  /** Take over what the link already has: no link, sysctl or address writes; only missing routes are added. */
  assume?: boolean;
  /**
   * The profile was generated to describe what another tool configured
   * ("connected (externally)"): nothing is written and nothing is owned, so
   * taking it down leaves the kernel as it is (but for a link nmk created: `owned`).
   */
  external?: boolean;
  /** nmk created this software link before a restart (the run directory says so): taking it down deletes it. */
  owned?: boolean;
  /** Started by autoconnect (not a user's request): a manual-multiple profile then stays on one device. */
  autoconnect?: boolean;
}

/**
 * What makes a route the same route for nmk: table, destination, metric and
 * preferred source (a subnet route moves to the new address on a reapply).
 */
function routeIdentity(r: { family: number; table?: number; dst: string; dstLen: number; metric?: number; prefsrc?: string }): string {
  return `${r.family}/${r.table ?? 254}/${r.dst}/${r.dstLen}/${r.metric ?? 0}/${r.prefsrc ?? ''}`;
}

/** How long NetworkManager waits for a lost carrier to come back before it deactivates (nm-device.c: 4 s). */
const CARRIER_GRACE_MS = 4000;

/** The controller a port profile names (connection.master: a UUID or an interface name). */
function portOf(settings: ConnectionSettings): string | undefined {
  const m = settings.connection?.master;
  return typeof m === 'string' && m !== '' ? m : undefined;
}


/** Errors from removing something that is already gone: the goal is reached. */
const ALREADY_GONE: ReadonlySet<number> = new Set([Errno.ENOENT, Errno.ESRCH, Errno.EADDRNOTAVAIL, Errno.ENODEV]);
/** Errors from adding something that is already there: the goal is reached too. */
const ALREADY_THERE: ReadonlySet<number> = new Set([Errno.EEXIST]);
const GONE_OR_THERE: ReadonlySet<number> = new Set([...ALREADY_GONE, ...ALREADY_THERE]);

/** A catch handler that lets kernel errors meaning "already so" pass and rethrows every other. */
function allowing(errnos: ReadonlySet<number>): (err: unknown) => void {
  return (err) => {
    if (!(err instanceof PlatformError && errnos.has(err.errno))) throw err;
  };
}

export class ActivationManager {
  private byPath = new Map<string, ActiveConnection>();
  /** The tracked connections that have a default route now (bestDefault's candidates). */
  private withDefault = new Set<ActiveConnection>();
  /** The live connections of each profile, so a lookup by profile does not walk every connection (1000s when many are up). */
  private byUuid = new Map<string, Set<ActiveConnection>>();
  private byDevice = new Map<Device, ActiveConnection>();
  private nextId = 1;
  /** Creates the links of software profiles. */
  private links: LinkRealizer;
  /** Deletes the links nmk created, puts back a port's controller and a cloned MAC's previous address. */
  private teardown: LinkTeardown;
  /** Activations whose link was just created from the profile: its kind options are already set. */
  private freshLinks = new WeakSet<ActiveConnection>();
  /** Brings up a connection's connection.secondaries over it and resolves whether all came up (set by core/vpn). */
  secondaries?: (base: ActiveConnection, profiles: { uuid: string; profile: Profile | undefined }[]) => Promise<boolean>;
  /** Activation requests not yet accepted, by profile UUID. */
  private pending = new Map<string, Promise<ActiveConnection>>();
  /** Settles once an activation's link is configured (a controller's options set before its ports attach). */
  private linkConfigured = new WeakMap<ActiveConnection, Promise<unknown>>();

  constructor(
    private devices: DeviceManager,
    private kinds: KindRegistry,
    private settings: SettingsStore,
    private platform: () => Platform,
    private model: NetworkModel,
    private events: EventBus,
    private logger: Logger,
    /** DHCP, router discovery and sharing; without them the automatic methods fail their family. */
    private auto?: AutoIpServices,
    /** Where each connection's DNS goes (core/dns). */
    private dns?: { set(key: string, configs: DnsConfig[]): void; remove(key: string): void },
  ) {
    this.links = new LinkRealizer(kinds, settings, platform, model, events, logger);
    this.teardown = new LinkTeardown(platform, model, logger);
    // IPv6 sharing asks the connection with the best IPv6 default route for delegated prefixes.
    auto?.delegation?.attach(() => this.bestDefault(6), events);
    events.on('device.removed', ({ device }) => {
      const ac = this.byDevice.get(device as Device);
      if (ac) this.finish(ac, ACReason.DEVICE_REMOVED);
    });
    events.on('link.changed', ({ link, previous }) => {
      if (link.carrier !== previous.carrier) this.onCarrier(link.ifindex, link.carrier);
    });
    events.on('connection.removed', ({ uuid }) => {
      for (const ac of this.ofProfile(uuid)) void this.deactivate(ac, ACReason.CONNECTION_REMOVED, DSReason.CONNECTION_REMOVED);
    });
  }

  /**
   * Carrier lost on an active device: after NetworkManager's grace time the
   * connection goes down (reason carrier), unless carrier is ignored there or
   * the device is a port (a bond or bridge handles its ports' carrier).
   */
  private onCarrier(ifindex: number, carrier: boolean): void {
    const d = this.devices.byIfindex(ifindex);
    const ac = d ? this.byDevice.get(d) : undefined;
    if (!d || !ac || ac.done) return;
    if (carrier) {
      clearTimeout(ac.carrierTimer);
      ac.carrierTimer = undefined;
      return;
    }
    if (ac.controller || this.devices.ignoresCarrier(d) || ac.carrierTimer) return;
    this.logger.info(`${d.name}: carrier lost; deactivating in ${CARRIER_GRACE_MS / 1000} s unless it comes back`, { device: d.name });
    ac.carrierTimer = setTimeout(() => {
      ac.carrierTimer = undefined;
      if (!ac.done && !d.link.carrier) void this.deactivate(ac, ACReason.DEVICE_DISCONNECTED, DSReason.CARRIER);
    }, CARRIER_GRACE_MS);
    ac.carrierTimer.unref();
  }

  /** The activated connection whose default route has the lowest metric (NetworkManager's Default / primary). */
  bestDefault(family: Family): ActiveConnection | undefined {
    let best: ActiveConnection | undefined;
    // Asked at every state change of every connection: only those with a default route are candidates.
    for (const ac of this.withDefault) {
      const m = family === 4 ? ac.defaultMetric4 : ac.defaultMetric6;
      if (m === undefined || ac.state !== AC.ACTIVATED) continue;
      const b = best && (family === 4 ? best.defaultMetric4 : best.defaultMetric6);
      if (b === undefined || m < b) best = ac;
    }
    return best;
  }

  all(): Iterable<ActiveConnection> {
    return this.byPath.values();
  }
  /** The next active-connection number: VPN connections (core/vpn) share the numbering of the object paths. */
  allocateId(): number {
    return this.nextId++;
  }
  get(path: string): ActiveConnection | undefined {
    return this.byPath.get(path);
  }
  /** The connections of one profile (a copy: callers deactivate while they walk it). */
  private ofProfile(uuid: string): ActiveConnection[] {
    const set = this.byUuid.get(uuid);
    return set ? [...set] : [];
  }
  ofDevice(device: Device): ActiveConnection | undefined {
    return this.byDevice.get(device);
  }

  /**
   * Start activating `profile` on `device` (or on the device its interface
   * name names). Resolves with the active connection as soon as the request
   * is accepted; the states follow on the bus. Throws an NmkError naming the
   * problem when the request cannot even start.
   */
  activate(profile: Profile, device?: Device, options: ActivateOptions = {}): Promise<ActiveConnection> {
    // One request per profile at a time: autoconnect, or a port that needs its
    // controller, joins the one under way instead of starting a second one that
    // would deactivate it (a re-activation waits for the previous one to go down first).
    // A profile that may be active on several devices (connection.multi-connect) has one request per device.
    const key = keepsOtherActivations(this.multiConnect(profile), options.autoconnect === true) && device ? `${profile.uuid}@${device.name}` : profile.uuid;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const request = this.activateNow(profile, device, options).finally(() => {
      if (this.pending.get(key) === request) this.pending.delete(key);
    });
    this.pending.set(key, request);
    return request;
  }

  /** The profile's connection.multi-connect, its `[connection]` default applied. */
  multiConnect(profile: Profile): MultiConnectMode {
    return multiConnectOf(profile.settings, this.auto?.config);
  }

  private async activateNow(profile: Profile, device: Device | undefined, options: ActivateOptions): Promise<ActiveConnection> {
    const settings = profile.settings;
    // A port needs its controller first: activating the port brings the controller up.
    const controllerRef = portOf(settings);
    const controller = controllerRef ? await this.controllerFor(profile, controllerRef, options) : undefined;
    let created = false;
    const keepOthers = keepsOtherActivations(this.multiConnect(profile), options.autoconnect === true);
    let target = device ?? this.existingDeviceFor(profile, keepOthers);
    if (!target) {
      target = await this.links.realize(profile);
      created = true;
    }
    const why = incompatibility(settings, target);
    if (why) throw new NmkError('UNKNOWN_DEVICE', `no suitable device found for '${profile.id}': ${why}`);
    if (!target.managed) throw new NmkError('CONNECTION_NOT_AVAILABLE', `cannot activate '${profile.id}': device ${target.name} is not managed`);

    const previous = this.byDevice.get(target);
    // Re-activation keeps the link (configureLink applies the new options to it); nmk still owns a link it created.
    const owned = previous?.createdLink === true;
    if (previous) {
      previous.createdLink = false;
      await this.deactivate(previous, ACReason.DEVICE_DISCONNECTED, DSReason.NEW_ACTIVATION);
    }
    // One profile active on one device at a time (connection.multi-connect single, NetworkManager's default).
    if (!keepOthers) for (const other of this.ofProfile(profile.uuid)) await this.deactivate(other, ACReason.DEVICE_DISCONNECTED, DSReason.NEW_ACTIVATION);

    const ac = new ActiveConnection(this.nextId++, profile, structuredClone(settings), target);
    ac.createdLink = created || owned || options.owned === true;
    if (created) this.freshLinks.add(ac);
    ac.controller = controller;
    controller?.ports.add(ac);
    if (controller) {
      ac.stateFlags |= NMActivationStateFlags.IS_PORT;
      controller.stateFlags |= NMActivationStateFlags.CONTROLLER_HAS_PORTS;
    }
    // A kind that takes ports (options for them) is a controller.
    if (target.kindRow.portOptions) ac.stateFlags |= NMActivationStateFlags.IS_CONTROLLER;
    ac.assumed = options.assume === true || options.external === true;
    if (options.external) ac.stateFlags |= NMActivationStateFlags.EXTERNAL;
    this.byPath.set(ac.path, ac);
    let same = this.byUuid.get(ac.uuid);
    if (!same) this.byUuid.set(ac.uuid, (same = new Set()));
    same.add(ac);
    this.byDevice.set(target, ac);
    target.active = ac;
    this.logger.debug('activation requested', { device: target.name, connection: profile.id, uuid: profile.uuid });
    this.setAcState(ac, AC.ACTIVATING, ACReason.NONE);
    void this.run(ac).catch((err) => this.logger.error('activation failed unexpectedly', { device: target.name, err: String(err) }));
    if (settings.connection?.['autoconnect-slaves'] === 1 && !options.assume && !options.external) this.activatePorts(ac);
    return ac;
  }

  /**
   * connection.autoconnect-slaves: a controller's activation brings up every
   * port profile that names it (by UUID or interface name), whatever their own
   * autoconnect says, as NetworkManager does.
   */
  private activatePorts(controller: ActiveConnection): void {
    const names = new Set([controller.uuid, controller.device.name]);
    for (const p of this.settings.profiles()) {
      const ref = portOf(p.settings);
      if (!ref || !names.has(ref)) continue;
      if (this.ofProfile(p.uuid).some((a) => !a.done)) continue;
      this.activate(p).catch((err: Error) => this.logger.warn(`port '${p.id}' of '${controller.profile.id}' did not come up: ${err.message}`));
    }
  }

  /** The existing device a profile names by interface-name; undefined when its link does not exist (yet). */
  private existingDeviceFor(profile: Profile, keepOthers: boolean): Device | undefined {
    const ifname = profile.settings.connection?.['interface-name'];
    if (typeof ifname === 'string' && ifname !== '') return this.devices.byName(ifname);
    // No interface named: as NetworkManager, a single profile goes back to the device it is active on; one that may be
    // active on several takes a managed, compatible device that carries nothing yet.
    const mine = this.ofProfile(profile.uuid).filter((ac) => !ac.done).map((ac) => ac.device);
    if (!keepOthers && mine[0]) return mine[0];
    for (const d of this.devices.all() as Iterable<Device>) {
      if (d.managed && !d.active && !mine.includes(d) && incompatibility(profile.settings, d) === undefined) return d;
    }
    throw new NmkError('UNKNOWN_DEVICE', `cannot activate '${profile.id}': it names no interface and no free device fits it; give a device (nmcli connection up ID ifname DEV)`);
  }

  /** The parent a software profile's link needs and that does not exist yet (autoconnect waits for it). */
  missingParent(profile: Profile): string | undefined {
    return this.links.missingParent(profile);
  }

  /**
   * The controller's active connection for a port, activating the controller
   * when it is not active yet. `ref` is a profile UUID or an interface name.
   */
  private async controllerFor(port: Profile, ref: string, options: ActivateOptions): Promise<ActiveConnection> {
    const live = (ac: ActiveConnection | undefined) => ac !== undefined && !ac.done && ac.state !== AC.DEACTIVATING;
    const named = this.devices.byName(ref);
    const byName = named ? this.byDevice.get(named) : undefined;
    const active = this.ofProfile(ref).find(live) ?? (live(byName) ? byName : undefined);
    if (active) return active;
    const profile = this.settings.get(ref) ?? [...this.settings.profiles()].find((p) => p.settings.connection?.['interface-name'] === ref && !portOf(p.settings));
    if (!profile) throw new NmkError('CONNECTION_NOT_AVAILABLE', `cannot activate '${port.id}': its controller '${ref}' matches no profile`, { key: 'connection.master' });
    this.logger.info('activating the controller of a port', { port: port.id, controller: profile.id });
    // Taking over a port takes over its controller as it is, when the controller's link exists.
    const existing = this.existingDeviceFor(profile, false);
    const takeOver = existing !== undefined;
    return this.activate(profile, existing, { assume: options.assume === true && takeOver, external: options.external === true && takeOver });
  }

  /** Take the connection down, removing what it added. Resolves when it is DEACTIVATED. */
  async deactivate(ac: ActiveConnection, reason: number = ACReason.USER_DISCONNECTED, deviceReason: number = DSReason.USER_REQUESTED): Promise<void> {
    if (ac.done || ac.state === AC.DEACTIVATING) return;
    ac.cancelled = true;
    this.setAcState(ac, AC.DEACTIVATING, reason);
    this.setDeviceState(ac.device, DS.DEACTIVATING, deviceReason);
    // A controller's ports go down with it (NetworkManager: dependency failed).
    await Promise.all(this.portsOf(ac).map((p) => this.deactivate(p, ACReason.DEPENDENCY_FAILED, DSReason.DEPENDENCY_FAILED)));
    await this.undo(ac);
    this.finish(ac, reason, deviceReason);
  }

  private portsOf(ac: ActiveConnection): ActiveConnection[] {
    return [...ac.ports].filter((p) => !p.done);
  }

  // ---- the activation chain -------------------------------------------------

  private async run(ac: ActiveConnection): Promise<void> {
    const d = ac.device;
    // An assumed connection goes through the same states, each for the reason "connection assumed".
    const reason = ac.assumed ? DSReason.CONNECTION_ASSUMED : DSReason.NONE;
    const step = (state: number) => {
      if (ac.cancelled) return false;
      this.setDeviceState(d, state, reason);
      return true;
    };
    if (!step(DS.PREPARE)) return;
    if (!step(DS.CONFIG)) return;
    const configured = this.configureLink(ac);
    this.linkConfigured.set(ac, configured.catch(() => undefined));
    try {
      await configured;
    } catch (err) {
      return this.fail(ac, DSReason.CONFIG_FAILED, err);
    }
    ac.stateFlags |= NMActivationStateFlags.LAYER2_READY;
    if (!step(DS.IP_CONFIG)) return;
    // A port has no IP configuration of its own; an external connection configures nothing.
    const plans: IpPlan[] = ac.controller || ac.external ? [] : [planIp(ac.applied, 4, d.deviceType, d.name, d.ifindex), planIp(ac.applied, 6, d.deviceType, d.name, d.ifindex)];
    // Both families at once: the connection is activated as soon as the may-fail rule allows, the other family goes on.
    const statics: Promise<boolean>[] = [];
    const results = plans.map((plan) =>
      this.configureFamily(ac, plan, (applied) => statics.push(applied)).then((done) => {
        if (done && !plan.inert && !ac.cancelled) ac.stateFlags |= plan.family === 4 ? NMActivationStateFlags.IP4_READY : NMActivationStateFlags.IP6_READY;
        return done;
      }),
    );
    const outcome = await decideIp(plans, results);
    if (ac.cancelled) return;
    if (!outcome.activated) {
      const plan = plans.find((p) => p.family === outcome.failedFamily);
      const dyn = plan && ac.dynamic.get(plan.family);
      const reason = plan && !plan.supported ? DSReason.IP_METHOD_UNSUPPORTED : dyn?.startFailed ? DSReason.DHCP_START_FAILED : DSReason.IP_CONFIG_UNAVAILABLE;
      return this.fail(ac, reason, new Error(`IPv${outcome.failedFamily} could not be configured${plan && !plan.supported ? ` (method '${plan.method}' is not supported by this version of nmk)` : ''}`));
    }
    // The may-fail rule decides on the automatic parts; a family's static addresses and routes are all in the
    // kernel before the device is activated, as NetworkManager commits them (its Default and primary follow them).
    await Promise.all(statics);
    if (ac.cancelled) return;
    if (!step(DS.IP_CHECK)) return;
    if (!step(DS.SECONDARIES)) return;
    this.updateDefaultMetrics(ac);
    // connection.secondaries (VPNs) come up over this connection before it is ACTIVATED; one failing fails it (nm-policy.c).
    const secondaries = ac.assumed || ac.external ? [] : ((ac.applied.connection?.secondaries as string[] | undefined) ?? []);
    if (secondaries.length > 0) {
      const ok = this.secondaries ? await this.secondaries(ac, secondaries.map((uuid) => ({ uuid, profile: this.settings.get(uuid) }))) : false;
      if (ac.cancelled) return;
      if (!ok) return this.fail(ac, DSReason.SECONDARY_CONNECTION_FAILED, new Error(this.secondaries ? 'a secondary connection (connection.secondaries) failed' : 'connection.secondaries needs VPN support, which this daemon lacks'));
    }
    if (!step(DS.ACTIVATED)) return;
    this.setAcState(ac, AC.ACTIVATED, ACReason.NONE);
    // Only an activated connection can be the best default: the DNS of the connections that gained or lost that says so again.
    this.refreshDefaultDns();
    this.logger.info('activated', { device: d.name, connection: ac.profile.id });
  }

  /**
   * MTU, cloned MAC, controller, link up. A bond takes a port only while the
   * port is down, so a port is taken down, attached, then brought up.
   */
  private async configureLink(ac: ActiveConnection): Promise<void> {
    const d = ac.device;
    // Taken over: the link is as the profile wants it; writing it again would be a change.
    if (ac.assumed) return;
    if (ac.controller) await this.attachPort(ac, ac.controller);
    if (!this.freshLinks.has(ac)) await this.applyKindOptions(ac);
    const wired = ac.applied['802-3-ethernet'] ?? {};
    const change: { up: boolean; mtu?: number; mac?: string } = { up: true };
    if (typeof wired.mtu === 'number' && wired.mtu > 0 && wired.mtu !== d.link.mtu) change.mtu = wired.mtu;
    // A literal address or NetworkManager's generated ones (stable, random; preserve and permanent leave it); deactivation puts the old one back.
    const mac = await this.teardown.macs.prepare(ac, clonedMacFor(ac.applied, d, this.auto), this.platform());
    if (mac) change.mac = mac;
    if (!d.link.up && !ac.controller) await this.writeIpv6SysctlsBeforeUp(ac);
    await this.platform().setLink(d.ifindex, change);
    await d.kindRow.configure?.({ device: d, settings: ac.applied, reapply: false, platform: this.platform(), logger: this.logger });
  }

  /**
   * disable_ipv6 and accept_ra while the link is still down. A link raised
   * first gets a link-local address and sends duplicate address detection
   * and MLD packets, which a profile with IPv6 disabled never wants on the
   * wire. Whatever fails here is written again, and reported, by the IPv6
   * configuration.
   */
  private async writeIpv6SysctlsBeforeUp(ac: ActiveConnection): Promise<void> {
    const d = ac.device;
    const plan = planIp(ac.applied, 6, d.deviceType, d.name, d.ifindex);
    if (!plan.supported || plan.problem) return;
    const platform = this.platform();
    await Promise.all(
      plan.sysctls.map(([name, value]) =>
        platform.writeSysctl(name, value).then(
          () => void ac.earlySysctls.set(name, value),
          () => undefined,
        ),
      ),
    );
  }

  /**
   * The profile's kind options on a software link that already existed (a
   * re-activation after `nmcli connection modify`, or a link another tool
   * made). The platform sends only what differs from the kernel and takes a
   * bond down for its mode; a re-activated bond has released its ports by now.
   */
  private async applyKindOptions(ac: ActiveConnection): Promise<void> {
    const kind = ac.device.kindRow;
    if (!kind.linkSpec || kind.creates !== String(ac.applied.connection?.type ?? '')) return;
    let spec: LinkSpec;
    try {
      spec = this.links.linkSpecOf(kind, ac.applied);
    } catch (err) {
      // What linkSpec cannot describe (a parent it cannot name) cannot change on an existing link either.
      this.logger.debug(`not applying kind options to ${ac.device.name}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const info = Object.fromEntries(Object.entries(spec.info ?? {}).filter(([k]) => !kind.afterPorts?.includes(k)));
    if (Object.keys(info).length > 0) await this.platform().setLink(ac.device.ifindex, { options: { kind: spec.kind, info } });
  }

  /**
   * Attach a port to its controller (a bond takes a port only while it is
   * down), then set the controller's options that name this port (a bond's
   * primary), which the kernel refuses before.
   */
  private async attachPort(ac: ActiveConnection, controller: ActiveConnection): Promise<void> {
    const d = ac.device;
    const c = controller.device;
    const platform = this.platform();
    // A bond changes its mode only without ports: the controller's options go first.
    await this.linkConfigured.get(controller);
    // The model can lag behind a release nmk made a moment ago (a re-activation's teardown): "already attached" is the kernel's word.
    const link = d.link.master === c.ifindex ? ((await platform.link(d.ifindex)) ?? d.link) : d.link;
    if (link.master !== c.ifindex) {
      if (link.up && c.kind === 'bond') await platform.setLink(d.ifindex, { up: false });
      await platform.setLink(d.ifindex, { master: c.ifindex });
    }
    const kind = c.kindRow;
    // After the attach, never with it: the kernel takes port options only from a port (port-options.ts).
    if (kind.portOptions) await applyPortOptions({ platform, port: d, controller: c, rows: kind.portOptions, settings: ac.applied });
    await kind.configurePort?.({ port: d, controller: c, settings: ac.applied, reapply: false, platform, logger: this.logger });
    if (!kind.afterPorts || !kind.linkSpec) return;
    const info = this.links.linkSpecOf(kind, controller.applied).info ?? {};
    const naming = Object.fromEntries(Object.entries(info).filter(([k, v]) => kind.afterPorts!.includes(k) && v === d.name));
    if (Object.keys(naming).length > 0) await platform.setLink(c.ifindex, { options: { kind: c.link.kind, info: naming } });
  }

  /**
   * The device was made unmanaged: stop tracking the active connection and
   * let go of the link as NetworkManager 1.42 does (nm_device_cleanup with
   * CLEANUP_TYPE_REMOVED): its addresses, routes, MTU and up state stay, its
   * routing rules go, and it gets back its MAC address and ethtool options
   * (LinkTeardown.release). The connection is gone when this returns; the
   * promise is the kernel part, and never rejects.
   */
  async forget(ac: ActiveConnection): Promise<void> {
    ac.cancelled = true;
    ac.ownedAddresses.splice(0);
    ac.ownedRoutes.splice(0);
    const rules = ac.ownedRules.splice(0);
    this.finish(ac, ACReason.DEVICE_DISCONNECTED);
    // NetworkManager drops the device's rules too (_routing_rules_sync with FALSE: untracked and deleted).
    await this.removeRules(ac, rules);
    await this.teardown.release(ac);
  }

  /**
   * Set a down link up so that its carrier can be seen (NetworkManager does
   * this for the devices it manages); autoconnect asks only for a device a
   * profile is waiting for.
   */
  async bringUp(d: Device): Promise<void> {
    if (d.link.up) return;
    this.logger.debug('bringing the link up to wait for its carrier', { device: d.name });
    await this.platform().setLink(d.ifindex, { up: true });
  }

  /** Device.Delete of a software device: deactivate it, then remove its link. */
  async deleteDevice(d: Device): Promise<void> {
    if (d.active) await this.deactivate(d.active, ACReason.USER_DISCONNECTED, DSReason.USER_REQUESTED);
    await this.platform().deleteLink(d.ifindex).catch(allowing(ALREADY_GONE));
  }

  /**
   * Device.Reapply: apply changed settings to the active device without
   * taking it down (addresses, routes, MTU, kind options the kernel changes
   * live, a port's options). Throws an NmkError naming what cannot change live.
   */
  async reapply(ac: ActiveConnection, next: ConnectionSettings): Promise<void> {
    if (ac.state !== AC.ACTIVATED) throw new NmkError('CONNECTION_NOT_ACTIVE', `'${ac.profile.id}' on ${ac.device.name} is not activated`);
    const d = ac.device;
    // Kind options only where the kind made the link from this type of profile (not an ethernet profile on a veth).
    const makes = d.kindRow.linkSpec && d.kindRow.creates === String(next.connection?.type ?? '');
    const plan = planReapply(d.kindRow, ac.applied, next, (s) => (makes ? this.links.linkSpecOf(d.kindRow, s) : undefined));
    if (typeof plan === 'string') throw new NmkError('INCOMPATIBLE_CONNECTION', `cannot reapply to ${d.name}: ${plan}`);
    const platform = this.platform();
    if (plan.mtu !== undefined || plan.options) await platform.setLink(d.ifindex, { ...(plan.mtu !== undefined ? { mtu: plan.mtu } : {}), ...(plan.options ? { options: plan.options } : {}) });
    const hook = { settings: next, previous: ac.applied, reapply: true, platform, logger: this.logger };
    await d.kindRow.configure?.({ device: d, ...hook });
    if (ac.controller) {
      const c = ac.controller.device;
      if (c.kindRow.portOptions) await applyPortOptions({ platform, port: d, controller: c, rows: c.kindRow.portOptions, settings: next, previous: ac.applied });
      await c.kindRow.configurePort?.({ port: d, controller: c, ...hook });
    }
    if (!ac.controller) {
      const plans = [planIp(next, 4, d.deviceType, d.name, d.ifindex), planIp(next, 6, d.deviceType, d.name, d.ifindex)];
      const wanted = new Set<string>();
      for (const p of plans) {
        for (const a of p.addresses) {
          wanted.add(`a/${a.address}/${a.prefixlen}`);
          if (a.prefixRoute) wanted.add(`r/${routeIdentity(a.prefixRoute)}`);
        }
        for (const r of p.routes) wanted.add(`r/${routeIdentity(r)}`);
      }
      // What the old settings added and the new ones do not want goes; the rest stays untouched.
      const goneRoutes = ac.ownedRoutes.filter((r) => !wanted.has(`r/${routeIdentity(r)}`));
      const goneAddrs = ac.ownedAddresses.filter((a) => !wanted.has(`a/${a.address}/${a.prefixlen}`));
      ac.ownedRoutes.splice(0, ac.ownedRoutes.length, ...ac.ownedRoutes.filter((r) => !goneRoutes.includes(r)));
      ac.ownedAddresses.splice(0, ac.ownedAddresses.length, ...ac.ownedAddresses.filter((a) => !goneAddrs.includes(a)));
      // Make before break: the new addresses and routes first, so the link is never without an address.
      const ownedA = new Set(ac.ownedAddresses.map((a) => `${a.address}/${a.prefixlen}`));
      const ownedR = new Set(ac.ownedRoutes.map((r) => routeIdentity(r)));
      for (const p of plans) {
        if (!p.supported) continue;
        p.addresses = p.addresses.filter((a) => !ownedA.has(`${a.address}/${a.prefixlen}`));
        p.routes = p.routes.filter((r) => !ownedR.has(routeIdentity(r)));
        await this.configureIp(ac, p);
      }
      const quiet = allowing(GONE_OR_THERE);
      await Promise.all(goneRoutes.map((r) => platform.removeRoute(r).catch(quiet)));
      await Promise.all(goneAddrs.map((a) => platform.removeAddress(a).catch(quiet)));
      // Removing an address makes the kernel drop the routes whose gateway it reached: put the kept ones back.
      if (goneAddrs.length > 0) {
        // Subnet routes first: a gateway is reachable only through one.
        await Promise.all(ac.ownedRoutes.filter((r) => !r.gateway).map((r) => platform.addRoute(r).catch(quiet)));
        await Promise.all(ac.ownedRoutes.filter((r) => r.gateway).map((r) => platform.addRoute(r).catch(quiet)));
      }
    }
    ac.applied = structuredClone(next);
    ac.version++;
    this.logger.info('reapplied', { device: d.name, connection: ac.profile.id, options: plan.options ? Object.keys(plan.options.info).join(',') : undefined, mtu: plan.mtu });
  }

  /** The lowest-metric default route of each family in the main table, static or automatic: Default/Default6 and the primary connection follow it. */
  private updateDefaultMetrics(ac: ActiveConnection): void {
    const metric = (family: Family) => {
      const routes = [...ac.ownedRoutes, ...(ac.dynamic.get(family)?.current.routes ?? [])];
      const defaults = routes.filter((r) => r.family === family && r.dstLen === 0 && (r.table ?? RouteTable.main) === RouteTable.main).map((r) => r.metric ?? 0);
      return defaults.length ? Math.min(...defaults) : undefined;
    };
    ac.defaultMetric4 = metric(4);
    ac.defaultMetric6 = metric(6);
    if (ac.defaultMetric4 === undefined && ac.defaultMetric6 === undefined) this.withDefault.delete(ac);
    else if (this.byPath.get(ac.path) === ac) this.withDefault.add(ac);
  }

  /** The static part of a family, then its automatic part (DHCP, router discovery, sharing). Resolves false when the family failed. */
  private async configureFamily(ac: ActiveConnection, plan: IpPlan, staticPart?: (applied: Promise<boolean>) => void): Promise<boolean> {
    const applied = this.configureIp(ac, plan);
    staticPart?.(applied);
    if (!(await applied)) return false;
    this.publishDns(ac);
    // A connection taken over after a restart runs its clients again (a DHCP client asks for the address the link has); an external one configures nothing.
    if (!plan.dynamic || ac.external || ac.cancelled) return true;
    const d = ac.device;
    if (!this.auto) {
      this.logger.warn(`IPv${plan.family} method '${plan.method}' needs the IP autoconfiguration plugins, which this daemon was started without`, { device: d.name, connection: ac.profile.id });
      return false;
    }
    const host: DynamicIpHost = {
      platform: this.platform,
      logger: this.logger.child({ device: d.name, connection: ac.profile.id }),
      changed: () => {
        if (ac.done) return;
        this.updateDefaultMetrics(ac);
        this.publishDns(ac);
        this.refreshDefaultDns();
        this.events.emit('ip.config-changed', { path: ac.path, device: d, family: plan.family });
      },
      lost: (reason, message) => {
        if (ac.done || ac.cancelled) return;
        // A family that may fail, next to one that still works, goes on without its lease (NetworkManager keeps the connection).
        const other = ac.stateFlags & (plan.family === 4 ? NMActivationStateFlags.IP6_READY : NMActivationStateFlags.IP4_READY);
        if (plan.mayFail && other) {
          this.logger.warn(`IPv${plan.family}: ${message}; the connection stays up on IPv${plan.family === 4 ? 6 : 4}`, { device: d.name, connection: ac.profile.id });
          return;
        }
        void this.fail(ac, reason, new Error(message));
      },
      applyMtu: async (family, mtu) => {
        // The profile's own MTU wins; a lease or an advertisement sets it only when the profile leaves it to the network.
        const wired = ac.applied['802-3-ethernet']?.mtu;
        if (typeof wired === 'number' && wired > 0) return;
        if (family === 4) {
          if (mtu !== d.link.mtu && mtu >= 576) await this.platform().setLink(d.ifindex, { mtu });
        } else await this.platform().writeSysctl(`net/ipv6/conf/${d.name}/mtu`, String(mtu));
      },
    };
    const started = startAutoIp(ac, plan, this.auto, host, this.logger);
    if ('error' in started) {
      this.logger.warn(`IPv${plan.family} method '${plan.method}' cannot run: ${started.error}`, { device: d.name, connection: ac.profile.id });
      return false;
    }
    ac.dynamic.set(plan.family, started.dyn);
    return started.ready;
  }

  /** The connection with the best default route per family, as the DNS manager was last told. */
  private dnsBest: Record<Family, ActiveConnection | undefined> = { 4: undefined, 6: undefined };

  /**
   * After the best default route may have moved: publish again the DNS of the
   * connection that lost it and the one that gained it (isDefault orders
   * resolv.conf), and only those: once per change, not per connection.
   */
  private refreshDefaultDns(): void {
    if (!this.dns) return;
    for (const family of [4, 6] as const) {
      const best = this.bestDefault(family);
      const old = this.dnsBest[family];
      if (best === old) continue;
      this.dnsBest[family] = best;
      if (old && !old.done) this.publishDns(old);
      if (best) this.publishDns(best);
    }
  }

  /** Hand the connection's DNS (static and automatic) to the DNS manager. */
  private publishDns(ac: ActiveConnection): void {
    if (!this.dns || ac.done || ac.external || this.byPath.get(ac.path) !== ac) return;
    this.dns.set(ac.path, dnsConfigsOf(ac, (f) => this.bestDefault(f) === ac));
  }

  /** Sysctls, then addresses, then routes of one family. Resolves false when the family failed. */
  private async configureIp(ac: ActiveConnection, plan: IpPlan): Promise<boolean> {
    const d = ac.device;
    if (!plan.supported) {
      this.logger.warn(`IPv${plan.family} method '${plan.method}' is not supported by this version of nmk`, { device: d.name, connection: ac.profile.id });
      return false;
    }
    if (plan.problem) {
      this.logger.warn(`IPv${plan.family} configuration of '${ac.profile.id}' cannot be applied: ${plan.problem}`, { device: d.name, connection: ac.profile.id });
      return false;
    }
    const platform = this.platform();
    try {
      // Independent files: written together, not one thread-pool round trip after another.
      const due = plan.family === 6 ? plan.sysctls.filter(([name, value]) => ac.earlySysctls.get(name) !== value) : plan.sysctls;
      // Only the first configuration skips them: a reapply writes what it wants.
      if (plan.family === 6) ac.earlySysctls.clear();
      if (!ac.assumed) await Promise.all(due.map(([name, value]) => platform.writeSysctl(name, value)));
      const routesPresent = new Set(this.model.routes(d.ifindex).map(routeIdentity));
      const present = new Set(this.model.addresses(d.ifindex).map((a) => `${a.address}/${a.prefixlen}`));
      await Promise.all(
        plan.addresses.map(async (a) => {
          const spec = { family: plan.family, ifindex: d.ifindex, address: a.address, prefixlen: a.prefixlen };
          // An address already there (taken over) keeps the subnet route the kernel gave it.
          if (!present.has(`${a.address}/${a.prefixlen}`)) {
            await platform.addAddress({ ...spec, flags: IFA_F_NOPREFIXROUTE, ...(a.broadcast ? { broadcast: a.broadcast } : {}) });
            if (a.prefixRoute) {
              await platform.addRoute(a.prefixRoute).catch(allowing(ALREADY_THERE));
              ac.ownedRoutes.push(a.prefixRoute);
            }
          }
          ac.ownedAddresses.push(spec);
        }),
      );
      // Routes after addresses: a gateway must be reachable through a prefix the link already has.
      await Promise.all(
        plan.routes.map(async (spec) => {
          if (!routesPresent.has(routeIdentity(spec))) await platform.addRoute(spec).catch(allowing(ALREADY_THERE));
          ac.ownedRoutes.push(spec);
        }),
      );
      // Rules last: they name tables the routes fill. One a tool already added is left as it is, and not owned.
      for (const rule of plan.rules) {
        try {
          await platform.addRule(rule);
          ac.ownedRules.push(rule);
        } catch (err) {
          allowing(ALREADY_THERE)(err);
        }
      }
      return true;
    } catch (err) {
      this.logger.warn(`IPv${plan.family} configuration failed: ${err instanceof Error ? err.message : String(err)}`, { device: d.name, connection: ac.profile.id });
      return false;
    }
  }

  private async fail(ac: ActiveConnection, deviceReason: number, err: unknown): Promise<void> {
    if (ac.cancelled) return;
    ac.cancelled = true;
    ac.failed = true;
    const message = err instanceof Error ? err.message : String(err);
    this.logger.warn(`activation of '${ac.profile.id}' on ${ac.device.name} failed: ${message}`, { device: ac.device.name, connection: ac.profile.id, reason: deviceReason });
    this.setDeviceState(ac.device, DS.FAILED, deviceReason);
    await this.undo(ac);
    // NetworkManager's active connection follows its failed device with "device disconnected" (nm-act-request.c).
    this.finish(ac, ACReason.DEVICE_DISCONNECTED, deviceReason);
  }

  /** Remove what the activation added, routes first; what is already gone is fine. */
  private async undo(ac: ActiveConnection): Promise<void> {
    // An external connection only described what another tool did: nothing to undo but a link nmk created (before a restart).
    if (ac.external) return this.teardown.run(ac);
    // The automatic part first: its clients stop and what they added goes. No RELEASE: NetworkManager 1.42's clients send none.
    await Promise.all([...ac.dynamic.values()].map((dyn) => dyn.stop(false)));
    ac.dynamic.clear();
    const platform = this.platform();
    const quiet = this.cleanupFailure(ac);
    await this.removeRules(ac, ac.ownedRules.splice(0));
    await Promise.all(ac.ownedRoutes.splice(0).map((r) => platform.removeRoute(r).catch(quiet)));
    await Promise.all(ac.ownedAddresses.splice(0).map((a) => platform.removeAddress(a).catch(quiet)));
    await this.teardown.run(ac);
  }

  /** One after another, as they were added; one already gone is fine. */
  private async removeRules(ac: ActiveConnection, rules: readonly RuleSpec[]): Promise<void> {
    const quiet = this.cleanupFailure(ac);
    for (const rule of rules) await this.platform().removeRule(rule).catch(quiet);
  }

  /** A failure while taking back what a connection added: logged, unless what it removes is already gone. */
  private cleanupFailure(ac: ActiveConnection): (err: unknown) => void {
    return (err) => {
      if (err instanceof PlatformError && ALREADY_GONE.has(err.errno)) return;
      this.logger.warn(`cleaning up after '${ac.profile.id}' on ${ac.device.name}: ${err instanceof Error ? err.message : String(err)}`);
    };
  }

  /** DEACTIVATED: the connection is gone; the device goes back to its idle state. */
  private finish(ac: ActiveConnection, reason: number, deviceReason?: number): void {
    if (ac.done) return;
    ac.cancelled = true;
    clearTimeout(ac.carrierTimer);
    this.byPath.delete(ac.path);
    const same = this.byUuid.get(ac.uuid);
    if (same?.delete(ac) && same.size === 0) this.byUuid.delete(ac.uuid);
    ac.controller?.ports.delete(ac);
    if (this.byDevice.get(ac.device) === ac) this.byDevice.delete(ac.device);
    if (ac.device.active === ac) ac.device.active = undefined;
    ac.defaultMetric4 = ac.defaultMetric6 = undefined;
    this.withDefault.delete(ac);
    this.dns?.remove(ac.path);
    this.refreshDefaultDns();
    // A connection that ends without undo (device gone) still stops its clients.
    for (const dyn of ac.dynamic.values()) void dyn.stop(false);
    ac.dynamic.clear();
    this.setAcState(ac, AC.DEACTIVATED, reason);
    if (deviceReason !== undefined) this.devices.settle(ac.device, deviceReason);
  }

  private setAcState(ac: ActiveConnection, state: number, reason: number): void {
    const old = ac.state;
    ac.state = state;
    ac.stateReason = reason;
    this.events.emit('activation.state-changed', { path: ac.path, uuid: ac.uuid, device: ac.device, state, oldState: old, reason, ...(ac.failed ? { failed: true } : {}) });
  }

  private setDeviceState(d: Device, state: number, reason: number): void {
    this.devices.setState(d, state, reason);
  }
}
