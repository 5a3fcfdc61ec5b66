/**
 * Autoconnect, NetworkManager's policy: an idle managed device gets the best
 * profile that may autoconnect on it (highest autoconnect-priority, then the
 * most recently used: autoconnect-order.ts), and a software profile that may
 * autoconnect gets its link created. Passes are coalesced: any number of
 * triggers in one tick make one pass.
 *
 * Blocking, as NetworkManager does it: a profile taken down by the user is
 * not brought back until the user activates it again; a device disconnected
 * by the user (Device.Disconnect) does not autoconnect until its Autoconnect
 * property is set again; a profile that fails autoconnect-retries times
 * (-1: 4) in a row rests for five minutes.
 *
 * The first pass after start-up takes over instead of configuring: a device
 * whose link already carries what a profile describes is assumed (nothing is
 * written to the kernel), and the profile that was active on a device before
 * a restart (the run directory remembers it) is re-adopted the same way.
 * The run directory also remembers which links nmk created, so that taking
 * one down after a restart still deletes it (created-links.ts).
 */
import {
  NMActiveConnectionState as AC,
  NMActiveConnectionStateReason as ACReason,
  NMDeviceState as DS,
  type EventBus,
  type Logger,
  type NetworkModel,
} from '../../sdk/index.js';
import type { ActivateOptions, ActivationManager } from '../activation/activation-manager.js';
import { incompatibility } from '../activation/compatibility.js';
import { MultiConnect } from '../activation/multi-connect.js';
import type { Device } from '../devices/device.js';
import type { DeviceManager } from '../devices/device-manager.js';
import type { KindRegistry } from '../devices/kind-registry.js';
import type { Profile } from '../settings/profile.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { TimestampView } from '../settings/timestamps.js';
import { byAutoconnectPriority, byTimestamp } from './autoconnect-order.js';
import { CreatedLinks } from './created-links.js';
import { StateDir } from './state-dir.js';
import { configuredExternally, generateProfile } from './external.js';
import { matchesKernel } from './take-over.js';

/** NetworkManager's default for autoconnect-retries -1, and how long an exhausted profile rests. */
const DEFAULT_RETRIES = 4;
const RETRY_RESET_MS = 300_000;

export interface AutoconnectOptions {
  /** connection.timestamp of each profile: the most recently used wins a tie of priorities, as in NetworkManager. */
  timestamps?: TimestampView;
  /** Where the run directory keeps the links nmk created (deleted when taken down, also after a restart). */
  createdLinksDir?: string;
}

interface Tries {
  left: number;
  resetTimer?: NodeJS.Timeout;
}

export class AutoconnectPolicy {
  private scheduled = false;
  private started = false;
  /** Networking off (Manager.Enable false): no autoconnect until it is on again. */
  private paused = false;
  /** Profiles the user took down: not autoconnected until activated by hand. */
  private blockedByUser = new Set<string>();
  private tries = new Map<string, Tries>();
  private offs: Array<() => void> = [];
  /** What is active on each device (ifname → uuid), written after each tick. */
  private state: StateDir;
  /** Generated (external) profiles: removed when their connection ends. */
  private generated = new Set<string>();
  private created?: CreatedLinks;

  constructor(
    private devices: DeviceManager,
    private kinds: KindRegistry,
    private settings: SettingsStore,
    private activation: ActivationManager,
    private model: NetworkModel,
    private events: EventBus,
    private logger: Logger,
    /** Where the run directory keeps the profile active on each device (re-adopted after a restart). */
    private stateDir: string,
    private options: AutoconnectOptions = {},
  ) {
    if (options.createdLinksDir) this.created = new CreatedLinks(options.createdLinksDir, logger);
    this.state = new StateDir(stateDir, logger, 'the active profile');
  }

  /** Take over what the kernel has, then autoconnect; later changes trigger passes. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.created?.load(this.model.links());
    this.takeOver();
    const again = () => this.schedule();
    this.offs.push(
      this.events.on('device.added', again),
      this.events.on('connection.added', again),
      this.events.on('connection.updated', again),
      this.events.on('device.state-changed', ({ state }) => {
        if (state === DS.DISCONNECTED) again();
      }),
      this.events.on('activation.state-changed', (e) => this.onActivation(e)),
      this.events.on('link.removed', ({ link }) => this.created?.remove(link.ifindex)),
    );
    this.schedule();
  }

  /** Stops the policy; resolves when its state files are written. */
  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    for (const t of this.tries.values()) clearTimeout(t.resetTimer);
    await Promise.all([this.state.flush(), this.created?.flush()]);
  }

  /** Networking off or on again. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.schedule();
  }

  /** A manual activation lifts the user's block on the profile. */
  unblock(uuid: string): void {
    this.blockedByUser.delete(uuid);
    this.tries.delete(uuid);
  }

  /** The user took the profile down (DeactivateConnection): keep it down. */
  blockByUser(uuid: string): void {
    this.blockedByUser.add(uuid);
  }

  private schedule(): void {
    if (this.scheduled || !this.started) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pass();
    });
  }

  private mayAutoconnect(p: Profile): boolean {
    if (p.settings.connection?.autoconnect === false) return false;
    if (this.blockedByUser.has(p.uuid)) return false;
    const t = this.tries.get(p.uuid);
    return !t || t.left > 0;
  }

  /**
   * One pass: O(devices + profiles). Profiles are indexed by the interface
   * they name, so a thousand idle devices do not each scan a thousand profiles.
   */
  private pass(): void {
    if (this.paused) return;
    const active = new Set<string>();
    for (const ac of this.activation.all()) if (ac.state < AC.DEACTIVATING) active.add(ac.uuid);
    // connection.multi-connect multiple: autoconnect on every idle device it fits, whatever it is active on already.
    const multiple = (p: Profile) => this.activation.multiConnect(p) === MultiConnect.MULTIPLE;
    const profiles = [...this.settings.profiles()].filter((p) => (!active.has(p.uuid) || multiple(p)) && this.mayAutoconnect(p));
    if (profiles.length === 0) return;
    // Highest priority first, then the most recently used, then the UUID (NetworkManager's order).
    const order = byAutoconnectPriority(this.options.timestamps);
    profiles.sort(order);
    const byIfname = new Map<string, Profile[]>();
    const anyInterface: Profile[] = [];
    for (const p of profiles) {
      const n = p.settings.connection?.['interface-name'];
      if (typeof n === 'string' && n) {
        const list = byIfname.get(n);
        if (list) list.push(p);
        else byIfname.set(n, [p]);
      } else anyInterface.push(p);
    }
    const taken = new Set<string>();
    const fits = (q: Profile, d: Device) => !taken.has(q.uuid) && incompatibility(q.settings, d) === undefined;
    for (const d of this.devices.all() as Iterable<Device>) {
      if (!d.managed || d.active || !d.autoconnect) continue;
      // An unavailable device that is merely down may be waiting for nothing but its carrier.
      const waiting = d.state === DS.UNAVAILABLE && !d.link.up;
      if (d.state !== DS.DISCONNECTED && !waiting) continue;
      const named = byIfname.get(d.name)?.find((q) => fits(q, d));
      const general = anyInterface.find((q) => fits(q, d));
      const p = named && general ? (order(general, named) < 0 ? general : named) : (named ?? general);
      if (!p) continue;
      if (waiting) {
        // Up, then the carrier (a DISCONNECTED state change) brings the next pass.
        this.activation.bringUp(d).catch((err: Error) => this.logger.warn(`cannot bring ${d.name} up: ${err.message}`));
        continue;
      }
      if (!multiple(p)) taken.add(p.uuid);
      this.start1(p, d, { autoconnect: true });
    }
    // Software profiles whose link does not exist yet: their kind creates it.
    for (const p of profiles) {
      if (taken.has(p.uuid)) continue;
      const ifname = p.settings.connection?.['interface-name'];
      if (typeof ifname !== 'string' || !ifname || this.devices.byName(ifname)) continue;
      if (!this.kinds.creatorOf(String(p.settings.connection?.type ?? ''))) continue;
      // A VLAN or macvlan waits for its parent; the parent's device.added triggers the next pass.
      if (this.activation.missingParent(p)) continue;
      taken.add(p.uuid);
      this.start1(p, undefined, { autoconnect: true });
    }
  }

  private start1(p: Profile, d: Device | undefined, options: ActivateOptions = {}): void {
    this.activation.activate(p, d, options).catch((err: Error) => {
      this.logger.warn(`autoconnect of '${p.id}' failed: ${err.message}`);
      this.countFailure(p.uuid);
    });
  }

  /**
   * Start-up: re-adopt what was active before a restart, assume what
   * matches, and describe what another tool configured with a generated
   * profile ("connected (externally)"); write nothing to the kernel.
   */
  private takeOver(): void {
    const remembered = new Map([...this.state.readAll()].filter(([, uuid]) => uuid !== ''));
    const claimed = new Set<Device>();
    // Controllers before ports, so that a port finds its controller's connection.
    const devices = [...(this.devices.all() as Iterable<Device>)].sort((a, b) => Number(a.link.master !== 0) - Number(b.link.master !== 0));
    for (const d of devices) {
      if (!d.managed || d.active || !d.link.up) continue;
      const before = remembered.get(d.name);
      const prior = before ? this.settings.get(before) : undefined;
      // Without a record, the most recently used profile that fits is taken first (NetworkManager's guess).
      const candidates = prior ? [prior] : [...this.settings.profiles()].filter((p) => p.settings.connection?.autoconnect !== false).sort(byTimestamp(this.options.timestamps));
      const match = candidates.find((p) => incompatibility(p.settings, d) === undefined && matchesKernel(p.settings, d, this.model, p === prior));
      if (!match) continue;
      claimed.add(d);
      this.logger.info(prior ? 're-adopting the profile active before the restart' : 'assuming the matching profile', { device: d.name, connection: match.id });
      this.start1(match, d, { assume: true, owned: this.created?.has(d.ifindex, d.name) });
    }
    for (const d of devices) {
      if (claimed.has(d) || !d.managed || d.active || !configuredExternally(d, this.model, this.devices)) continue;
      const settings = generateProfile(d, this.model, (ifindex) => this.devices.byIfindex(ifindex));
      if (!settings) continue;
      let p: Profile;
      try {
        p = this.settings.addGenerated(settings);
      } catch (err) {
        this.logger.debug(`${d.name} is configured externally but cannot be described: ${(err as Error).message}`);
        continue;
      }
      this.generated.add(p.uuid);
      this.logger.info('connected externally', { device: d.name });
      this.activation.activate(p, d, { external: true, owned: this.created?.has(d.ifindex, d.name) }).catch((err: Error) => this.logger.warn(`describing ${d.name} as external failed: ${err.message}`));
    }
  }

  private onActivation(e: { path: string; uuid: string; device: { name: string }; state: number; reason: number; failed?: boolean }): void {
    if (e.state === AC.ACTIVATING) {
      // Recorded as soon as the activation starts: a daemon killed before it completes still deletes the link when taken down.
      const ac = this.activation.get(e.path);
      if (ac?.createdLink) this.created?.add(ac.device.ifindex, ac.device.name);
      return;
    }
    if (e.state === AC.ACTIVATED) {
      this.tries.delete(e.uuid);
      if (!this.generated.has(e.uuid)) this.state.set(e.device.name, e.uuid);
      return;
    }
    if (e.state !== AC.DEACTIVATED) return;
    this.state.set(e.device.name, undefined);
    if (this.generated.delete(e.uuid)) {
      const p = this.settings.get(e.uuid);
      if (p) this.settings.removeGenerated(p);
      this.schedule();
      return;
    }
    if (e.reason === ACReason.USER_DISCONNECTED) this.blockByUser(e.uuid);
    else if (e.failed) this.countFailure(e.uuid);
    this.schedule();
  }

  private countFailure(uuid: string): void {
    const p = this.settings.get(uuid);
    if (!p) return;
    const setting = Number(p.settings.connection?.['autoconnect-retries'] ?? -1);
    if (setting === 0) return; // 0: retry for ever
    const t = this.tries.get(uuid) ?? { left: setting > 0 ? setting : DEFAULT_RETRIES };
    t.left--;
    this.tries.set(uuid, t);
    if (t.left <= 0 && !t.resetTimer) {
      this.logger.info(`'${p.id}' failed too often; not autoconnected for ${RETRY_RESET_MS / 1000} s`);
      t.resetTimer = setTimeout(() => {
        this.tries.delete(uuid);
        this.schedule();
      }, RETRY_RESET_MS);
      t.resetTimer.unref();
    }
  }
}
