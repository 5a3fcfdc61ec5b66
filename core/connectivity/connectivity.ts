/**
 * Connectivity checking, NetworkManager 1.42's way: per device and per
 * address family a state (FULL, PORTAL, LIMITED, NONE) from an HTTP request
 * to `[connectivity] uri` sent from the device's address, checked when the
 * device changes state and periodically after that (family-check.ts), and
 * the manager's state as the best over devices, where the device with the
 * best default route decides (nm-manager.c _get_best_connectivity).
 *
 * With checking off (no valid uri, `enabled=false`, `interval=0`, or
 * ConnectivityCheckEnabled set false) NetworkManager still reports a state,
 * a guess: FULL for an activated device with a default route, LIMITED for
 * one without, NONE otherwise. So does nmk.
 *
 * The daemon constructs it, passes it to the D-Bus frontend (for the rows in
 * core/dbus/nm/connectivity-rows.ts) and calls start() once devices exist.
 */
import { NMConnectivity, NMDeviceState, NMDeviceType, type ConfigView, type DeviceView, type EventBus, type Family, type Logger, type NetworkModel } from '../../sdk/index.js';
import { readConnectivityConfig, type ConnectivityConfig } from './config.js';
import { FamilyCheck } from './family-check.js';
import type { HttpCheckRequest } from './http-check.js';
import { bestDefaultOf, isMainDefault, precheck } from './precheck.js';
import { betterOf, stateName, type CheckResult, type ConnectivityState } from './states.js';
import { sourceAddress } from './source-address.js';
import { monotonicMs } from '../../sdk/monotonic.js';

/**
 * The HTTP check, imported on the first check: it brings in node's http,
 * https and tls, which a daemon with checking off (the server profile)
 * never needs.
 */
let httpCheckModule: Promise<typeof import('./http-check.js')> | undefined;
const lazyHttpCheck = async (req: HttpCheckRequest): Promise<CheckResult> => (await (httpCheckModule ??= import('./http-check.js'))).httpCheck(req);

export type ConnectivityChange = { kind: 'device'; device: DeviceView; family: Family } | { kind: 'manager' } | { kind: 'config' };

export interface ConnectivityDeps {
  events: EventBus;
  model: NetworkModel;
  devices: { all(): Iterable<DeviceView> };
  config: ConfigView;
  logger: Logger;
  /** The HTTP check (tests replace it). */
  check?: (req: HttpCheckRequest) => Promise<CheckResult>;
  /** Monotonic milliseconds (tests replace it). */
  now?: () => number;
}

interface DeviceChecks {
  device: DeviceView;
  v4: FamilyCheck;
  v6: FamilyCheck;
  /** Whether its states are in `counts` (loopback never counts). */
  counted: boolean;
}

/** Devices with no default route still count, after every device that has one. */
const NO_ROUTE_METRIC = Number.MAX_SAFE_INTEGER;

/** Every state, best first (states.ts ranks them). */
const STATES_BEST_FIRST: readonly ConnectivityState[] = [NMConnectivity.FULL, NMConnectivity.PORTAL, NMConnectivity.LIMITED, NMConnectivity.NONE, NMConnectivity.UNKNOWN];

const isLoopback = (d: DeviceView) => d.deviceType === NMDeviceType.LOOPBACK;

export class Connectivity {
  private cfg: ConnectivityConfig;
  private enabledOverride?: boolean;
  private byPath = new Map<string, DeviceChecks>();
  /** The same entries by the device's ifindex, to go from a default route to its device. */
  private byIfindex = new Map<number, DeviceChecks>();
  /**
   * How many counted devices are in each state, per family: the manager's
   * state when no device has a default route, without a pass over every
   * device on each change (thousands of links made or removed by another tool).
   */
  private counts: Record<Family, Map<ConnectivityState, number>> = { 4: new Map(), 6: new Map() };
  private listeners = new Set<(c: ConnectivityChange) => void>();
  private subs: Array<() => void> = [];
  private managerState: ConnectivityState = NMConnectivity.UNKNOWN;
  /** The manager's state needs computing again (see refreshManager). */
  private managerStale = false;
  private readonly check: (req: HttpCheckRequest) => Promise<CheckResult>;
  private readonly now: () => number;

  constructor(private deps: ConnectivityDeps) {
    this.check = deps.check ?? lazyHttpCheck;
    this.now = deps.now ?? monotonicMs;
    this.cfg = this.readConfig();
  }

  start(): void {
    const e = this.deps.events;
    this.subs.push(
      e.on('device.added', ({ device }) => this.entry(device).forEach((f) => f.updateInterval(false))),
      e.on('device.removed', ({ device }) => this.drop(device)),
      e.on('device.state-changed', ({ device, state, oldState }) => {
        // NetworkManager checks at once on these transitions; other changes only start checking where none is scheduled.
        const now = state === NMDeviceState.ACTIVATED || state === NMDeviceState.DISCONNECTED || oldState >= NMDeviceState.ACTIVATED;
        this.entry(device).forEach((f) => f.updateInterval(now));
        this.refreshManager();
      }),
      // The guess made with checking off follows the default route, which can arrive after the state.
      e.on('route.added', ({ route }) => this.routeChanged(route.ifindex, route.dstLen)),
      e.on('route.removed', ({ route }) => this.routeChanged(route.ifindex, route.dstLen)),
      e.on('config.reloaded', () => this.reconfigure()),
    );
    for (const d of this.deps.devices.all()) this.entry(d).forEach((f) => f.updateInterval(true));
    this.refreshManager();
  }

  stop(): void {
    for (const off of this.subs.splice(0)) off();
    for (const c of this.byPath.values()) for (const f of [c.v4, c.v6]) f.dispose();
    this.byPath.clear();
    this.byIfindex.clear();
    for (const f of [4, 6] as const) this.counts[f].clear();
    this.managerStale = false;
  }

  /** Called with each change a D-Bus object shows; returns the unsubscribe function. */
  onChange(listener: (c: ConnectivityChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Manager.Connectivity. */
  get state(): ConnectivityState {
    this.settleManager();
    return this.managerState;
  }

  /** Device.Ip4Connectivity / Ip6Connectivity. */
  deviceState(device: DeviceView, family: Family): ConnectivityState {
    const c = this.byPath.get(device.path);
    return c ? (family === 4 ? c.v4 : c.v6).state : NMConnectivity.UNKNOWN;
  }

  /** ConnectivityCheckAvailable: a uri is configured (NetworkManager: the key is set). */
  get available(): boolean {
    return this.cfg.uri !== undefined;
  }

  /** ConnectivityCheckUri. */
  get uri(): string {
    return this.cfg.uri ?? '';
  }

  /** ConnectivityCheckEnabled: checks really run. */
  get enabled(): boolean {
    return this.cfg.enabled;
  }

  /** Set ConnectivityCheckEnabled (stands in for `[connectivity] enabled` until the daemon stops). */
  setEnabled(on: boolean): void {
    this.enabledOverride = on;
    this.reconfigure();
  }

  /**
   * Manager.CheckConnectivity: check every device and family now; the answer
   * is the manager's state once all are back, or as soon as one is FULL and
   * the manager is FULL too (NetworkManager's early answer).
   */
  async checkNow(): Promise<ConnectivityState> {
    const runs: Promise<ConnectivityState>[] = [];
    for (const c of this.byPath.values()) {
      if (!this.possible(c.device)) continue;
      for (const f of [c.v4, c.v6]) runs.push(f.checkNow());
    }
    if (runs.length === 0) return this.state;
    await new Promise<void>((resolve) => {
      let left = runs.length;
      for (const r of runs) {
        void r.then((state) => {
          left--;
          if (left === 0 || (state === NMConnectivity.FULL && this.state === NMConnectivity.FULL)) resolve();
        });
      }
    });
    return this.state;
  }

  private readConfig(): ConnectivityConfig {
    const cfg = readConnectivityConfig(this.deps.config, this.enabledOverride);
    if (cfg.problem) this.deps.logger.error(`connectivity: ${cfg.problem}; connectivity checking is off`, { key: '[connectivity] uri' });
    else if (cfg.https && cfg.uriValid) this.deps.logger.warn(`connectivity: use of HTTPS for connectivity checking is not reliable and is discouraged (URI: ${cfg.uri})`);
    return cfg;
  }

  private reconfigure(): void {
    const before = this.cfg;
    this.cfg = this.readConfig();
    const keys = ['enabled', 'uri', 'interval', 'response'] as const;
    if (keys.every((k) => before[k] === this.cfg[k])) return;
    this.deps.logger.info('connectivity: configuration changed', { enabled: this.cfg.enabled, uri: this.cfg.uri, interval: this.cfg.interval });
    this.emit({ kind: 'config' });
    for (const c of this.byPath.values()) for (const f of [c.v4, c.v6]) f.updateInterval(true);
    this.refreshManager();
  }

  private possible(d: DeviceView): boolean {
    return !isLoopback(d) && d.state !== NMDeviceState.UNKNOWN;
  }

  private entry(device: DeviceView): FamilyCheck[] {
    let c = this.byPath.get(device.path);
    if (!c) {
      c = { device, v4: this.familyCheck(device, 4), v6: this.familyCheck(device, 6), counted: !isLoopback(device) };
      this.byPath.set(device.path, c);
      if (c.counted) for (const f of [4, 6] as const) this.count(f, c.v4.state, 1);
    }
    if (this.byIfindex.get(c.device.ifindex) === c) this.byIfindex.delete(c.device.ifindex);
    c.device = device;
    this.byIfindex.set(device.ifindex, c);
    return [c.v4, c.v6];
  }

  private familyCheck(device: DeviceView, family: Family): FamilyCheck {
    const tag = `(${device.name},IPv${family})`;
    const current = () => this.byPath.get(device.path)?.device ?? device;
    return new FamilyCheck({
      possible: () => this.possible(current()),
      maxInterval: () => (this.cfg.enabled ? this.cfg.interval : 0),
      run: (signal) => this.runCheck(current(), family, signal),
      fakeState: () => this.fakeState(current()),
      changed: (old, now) => {
        if (this.byPath.get(device.path)?.counted) {
          this.count(family, old, -1);
          this.count(family, now, 1);
        }
        this.deps.logger.debug(`connectivity: ${tag} state changed from ${stateName(old)} to ${stateName(now)}`, { device: device.name });
        this.emit({ kind: 'device', device: current(), family });
        this.refreshManager();
      },
      debug: (m) => this.deps.logger.debug(`connectivity: ${tag} ${m}`, { device: device.name }),
      now: this.now,
    });
  }

  /** Kernel state first (no carrier, no address, no route need no request), then HTTP from the device's address. */
  private async runCheck(device: DeviceView, family: Family, signal: AbortSignal): Promise<CheckResult> {
    const pre = precheck(this.deps.model, device.ifindex, family);
    if (pre) return pre;
    const cfg = this.cfg;
    return this.check({ config: cfg, family, localAddress: sourceAddress(this.deps.model, device, family), signal });
  }

  /** NetworkManager's optimistic guess while checking is off. */
  private fakeState(device: DeviceView): ConnectivityState {
    if (device.state !== NMDeviceState.ACTIVATED) return NMConnectivity.NONE;
    return bestDefaultOf(this.deps.model, device.ifindex) ? NMConnectivity.FULL : NMConnectivity.LIMITED;
  }

  private routeChanged(ifindex: number, dstLen: number): void {
    if (dstLen !== 0 || this.cfg.enabled) return;
    for (const c of this.byPath.values()) if (c.device.ifindex === ifindex) for (const f of [c.v4, c.v6]) f.refreshFake();
    this.refreshManager();
  }

  private drop(device: DeviceView): void {
    const c = this.byPath.get(device.path);
    if (!c) return;
    c.v4.dispose();
    c.v6.dispose();
    this.byPath.delete(device.path);
    if (this.byIfindex.get(c.device.ifindex) === c) this.byIfindex.delete(c.device.ifindex);
    if (c.counted) for (const f of [4, 6] as const) this.count(f, (f === 4 ? c.v4 : c.v6).state, -1);
    this.refreshManager();
  }

  private count(family: Family, state: ConnectivityState, delta: number): void {
    const m = this.counts[family];
    const n = (m.get(state) ?? 0) + delta;
    if (n > 0) m.set(state, n);
    else m.delete(state);
  }

  /**
   * The best state of one family: the device(s) with the best default route
   * decide (the best state among them); with no default route anywhere, the
   * best state of every device. Default routes are few: they are found among
   * the model's routes, not by asking every device.
   */
  private bestOf(family: Family): ConnectivityState {
    let best: ConnectivityState = NMConnectivity.UNKNOWN;
    let bestMetric = NO_ROUTE_METRIC;
    for (const r of this.deps.model.defaultRoutes()) {
      if (r.metric > bestMetric || !isMainDefault(r, family)) continue;
      const c = this.byIfindex.get(r.ifindex);
      if (!c || !c.counted) continue;
      const state = (family === 4 ? c.v4 : c.v6).state;
      best = r.metric < bestMetric ? state : betterOf(best, state);
      bestMetric = r.metric;
    }
    if (bestMetric !== NO_ROUTE_METRIC) return best;
    const counts = this.counts[family];
    return STATES_BEST_FIRST.find((s) => counts.has(s)) ?? NMConnectivity.UNKNOWN;
  }

  /**
   * The manager's state is a pass over every device: a storm of device events
   * (thousands of links made or removed by another tool) asks for it once per
   * event, so it is computed once when the events being delivered now are
   * done (a microtask), or sooner when read.
   */
  private refreshManager(): void {
    if (this.managerStale) return;
    this.managerStale = true;
    queueMicrotask(() => this.settleManager());
  }

  private settleManager(): void {
    if (!this.managerStale) return;
    this.managerStale = false;
    const v4 = this.bestOf(4);
    const state = v4 === NMConnectivity.FULL ? v4 : betterOf(v4, this.bestOf(6));
    if (state === this.managerState) return;
    this.deps.logger.info(`connectivity checking indicates ${stateName(state)}`);
    this.managerState = state;
    this.emit({ kind: 'manager' });
  }

  private emit(c: ConnectivityChange): void {
    for (const l of this.listeners) {
      try {
        l(c);
      } catch (err) {
        this.deps.logger.warn('connectivity: a change listener failed', { err });
      }
    }
  }
}
