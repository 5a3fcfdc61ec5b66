/**
 * VPN connections, as NetworkManager 1.42 runs them (nm-vpn-manager.c,
 * nm-vpn-connection.c): a profile of type vpn is activated over a base
 * connection (the one named, or the one with the default route); its
 * plugin is found by vpn.service-type among the .name files; the service is
 * started, asked whether the profile's secrets are enough (then the secret
 * agents are), told to Connect, and its Config/Ip4Config/Ip6Config are
 * applied to the tunnel (vpn-apply.ts). States and reasons are NetworkManager's.
 * The base connection going down, the profile being deleted, the service
 * stopping or exiting all end it; whatever it added is removed and the
 * service is stopped.
 */
import {
  NMActiveConnectionState as AC,
  NMActiveConnectionStateReason as Reason,
  NMDeviceState,
  NmkError,
  type ConnectionSettings,
  type DnsConfig,
  type EventBus,
  type Logger,
  type NetworkModel,
  type Platform,
  type VpnPluginDefinition,
} from '../../sdk/index.js';
import type { ActivationManager } from '../activation/activation-manager.js';
import type { ActiveConnection } from '../activation/active-connection.js';
import type { BusConnection } from '../dbus/connection.js';
import type { Device } from '../devices/device.js';
import type { Profile } from '../settings/profile.js';
import { settingsToWire } from '../settings/dbus-form.js';
import { DBusError } from '../dbus/errors.js';
import { DBusVpnService } from './dbus-vpn-service.js';
import { discoverVpnPlugins, type VpnPluginInfo } from './plugin-info.js';
import { chooseVpnPlugin, type VpnPluginChoice } from './sdk-plugins.js';
import { SdkVpnService } from './sdk-vpn-service.js';
import { applyVpnConfig, removeVpnConfig, vpnDnsConfigs } from './vpn-apply.js';
import { parseGeneric, parseIpConfig } from './vpn-config.js';
import { VpnActiveConnection } from './vpn-active-connection.js';
import { activateSecondaries } from './vpn-secondaries.js';
import { INTERACTIVE_NOT_SUPPORTED, VpnServiceState, VpnStartError, VpnPluginFailure, type VpnConnectionDict, type VpnDict, type VpnService } from './vpn-service.js';
import { AC_STATE_OF_VPN, VPN_STATE_NAME, VpnState } from './vpn-states.js';

/** NetworkManager's default vpn.timeout: how long the service has to report the IP config after Connect. */
const DEFAULT_CONNECT_TIMEOUT_S = 60;
/** How long the tunnel interface the service names may take to show up in the model. */
const TUNDEV_WAIT_MS = 3000;

/** Secret agents (core/secrets): the setting's secrets as plain values (SecretAgents.getSecretSettings). */
export interface VpnSecretsSource {
  getSecrets(req: { profile: Profile; settingName: string; hints: string[]; flags: number; requestNew: boolean }): Promise<Record<string, Record<string, unknown>>>;
  /** Whether every registered agent passes VPN hints on (NetworkManager then uses ConnectInteractive). */
  allAgentsHaveVpnHints?(): boolean;
}
/** NMSecretAgentGetSecretsFlags. */
const SECRETS_FLAG = { NONE: 0, ALLOW_INTERACTION: 0x1, REQUEST_NEW: 0x2, USER_REQUESTED: 0x4 } as const;

/** What a change was, for the D-Bus side. */
export type VpnChange = 'new' | 'state' | 'ip' | 'banner' | 'gone';

/** Builds the object that carries a connection: the classic D-Bus service by default. */
export type VpnServiceFactory = (info: VpnPluginInfo, id: number) => VpnService;

export interface VpnManagerDeps {
  activation: ActivationManager;
  model: NetworkModel;
  platform: () => Platform;
  events: EventBus;
  logger: Logger;
  dns?: { set(key: string, configs: DnsConfig[]): void; remove(key: string): void };
  /** Directories of .name files, in order (a later one overrides an earlier one). */
  pluginDirs: readonly string[];
  secrets?: () => VpnSecretsSource | undefined;
  /** Replaces the classic service (tests). */
  serviceFactory?: VpnServiceFactory;
  /** TypeScript VPN plugins (Tokens.VpnPlugin), run in-process by SdkVpnService. */
  sdkPlugins?: () => readonly VpnPluginDefinition[];
  /** [vpn] prefer: 'sdk' (default) or 'classic', when both serve a service type. */
  prefer?: () => string | undefined;
}

export class VpnManager {
  private byPath = new Map<string, VpnActiveConnection>();
  private listeners = new Set<(vac: VpnActiveConnection, change: VpnChange) => void>();
  private conn?: BusConnection;

  constructor(private d: VpnManagerDeps) {
    d.activation.secondaries = (base, profiles) => activateSecondaries(this, base, profiles, d.logger);
    d.events.on('activation.state-changed', ({ path, state }) => {
      if (state < AC.DEACTIVATING) return;
      // The base connection going down takes its VPNs down first (NetworkManager: device disconnected).
      for (const vac of [...this.byPath.values()]) if (vac.base.path === path) void this.deactivate(vac, Reason.DEVICE_DISCONNECTED);
    });
    d.events.on('connection.removed', ({ uuid }) => {
      for (const vac of [...this.byPath.values()]) if (vac.uuid === uuid) void this.deactivate(vac, Reason.CONNECTION_REMOVED);
    });
  }

  /** The daemon's bus: classic services are reached over it. */
  attachBus(conn: BusConnection): void {
    this.conn = conn;
  }

  onChange(listener: (vac: VpnActiveConnection, change: VpnChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  private changed(vac: VpnActiveConnection, change: VpnChange): void {
    // A listener's bug (the D-Bus side) must not fail the VPN.
    for (const l of this.listeners) {
      try {
        l(vac, change);
      } catch (err) {
        this.d.logger.error(`VPN change listener failed: ${err instanceof Error ? err.message : String(err)}`, { connection: vac.profile.id, change });
      }
    }
  }

  all(): Iterable<VpnActiveConnection> {
    return this.byPath.values();
  }
  get(path: string): VpnActiveConnection | undefined {
    return this.byPath.get(path);
  }

  /** The plugins installed now (read on each activation, as a package may have been installed meanwhile). */
  plugins(): VpnPluginInfo[] {
    const found = discoverVpnPlugins(this.d.pluginDirs);
    for (const e of found.errors) this.d.logger.warn(`VPN plugin file skipped: ${e}`);
    return found.plugins;
  }

  /**
   * Start a VPN over `base` (an active connection path or a device), or over
   * the connection with the default route. Resolves with the new active
   * connection at once; its states follow.
   */
  async activate(profile: Profile, opts: { baseAcPath?: string; device?: Device } = {}): Promise<VpnActiveConnection> {
    const serviceType = String(profile.settings.vpn?.['service-type'] ?? '');
    if (!serviceType) throw new NmkError('CONNECTION_NOT_AVAILABLE', `cannot activate '${profile.id}': its vpn.service-type is empty`, { key: 'vpn.service-type' });
    const choice = chooseVpnPlugin(this.plugins(), this.d.sdkPlugins?.() ?? [], serviceType, this.d.prefer?.());
    const info = choice?.info;
    if (!choice || !info) throw new NmkError('CONNECTION_NOT_AVAILABLE', `The VPN service '${serviceType}' was not installed.`, { key: 'vpn.service-type' });
    const base = this.baseFor(profile, opts);
    if (!info.supportsMultiple && [...this.byPath.values()].some((v) => v.service && String(v.applied.vpn?.['service-type']) === serviceType)) {
      throw new NmkError('CONNECTION_NOT_AVAILABLE', `The '${info.name}' plugin only supports a single active connection.`);
    }
    // One activation of a profile at a time: a second request replaces the first.
    for (const other of [...this.byPath.values()]) if (other.uuid === profile.uuid) await this.deactivate(other, Reason.USER_DISCONNECTED);
    if (!this.conn && !this.d.serviceFactory && !choice.sdk) throw new NmkError('CONNECTION_NOT_AVAILABLE', `cannot activate '${profile.id}': nmk is not on D-Bus, which VPN services need`);

    const vac = new VpnActiveConnection(this.d.activation.allocateId(), profile, structuredClone(profile.settings), base.device, base);
    this.byPath.set(vac.path, vac);
    this.d.logger.info(`starting VPN '${profile.id}' (${info.name}) over '${base.profile.id}' on ${base.device.name}`, { connection: profile.id, plugin: info.file });
    this.changed(vac, 'new');
    this.setVpnState(vac, VpnState.PREPARE, Reason.NONE);
    void this.run(vac, choice).catch((err) => this.fail(vac, Reason.UNKNOWN, err));
    return vac;
  }

  private baseFor(profile: Profile, opts: { baseAcPath?: string; device?: Device }): ActiveConnection {
    const a = this.d.activation;
    const base = opts.baseAcPath ? a.get(opts.baseAcPath) : opts.device ? a.ofDevice(opts.device) : (a.bestDefault(4) ?? a.bestDefault(6));
    if (!base) {
      const what = opts.baseAcPath ?? opts.device?.name;
      throw new NmkError('CONNECTION_NOT_AVAILABLE', what ? `cannot activate '${profile.id}': ${what} has no active connection to carry the VPN` : `cannot activate '${profile.id}': Could not find source connection (no active connection has a default route)`);
    }
    // A base still bringing up its secondaries (device state SECONDARIES) carries them (nm-vpn-manager.c).
    if (base.state !== AC.ACTIVATED && base.device.state !== NMDeviceState.SECONDARIES) throw new NmkError('CONNECTION_NOT_AVAILABLE', 'The base device for the VPN connection was not active.');
    return base;
  }

  private async run(vac: VpnActiveConnection, { info, sdk }: VpnPluginChoice): Promise<void> {
    const logger = this.d.logger.child({ vpn: vac.profile.id });
    const service = this.d.serviceFactory
      ? this.d.serviceFactory(info, vac.id)
      : sdk
        ? new SdkVpnService({ definition: sdk, logger })
        : new DBusVpnService({ info, id: vac.id, conn: this.conn!, logger });
    vac.service = service;
    this.wire(vac, service);
    try {
      await service.start();
    } catch (err) {
      const reason = err instanceof VpnStartError && err.kind === 'timeout' ? Reason.SERVICE_START_TIMEOUT : Reason.SERVICE_START_FAILED;
      return this.fail(vac, reason, err);
    }
    if (vac.done || vac.cancelled) return;
    this.setVpnState(vac, VpnState.NEED_AUTH, Reason.NONE);
    // First the profile's own (system) secrets, then the agents' existing ones, then new ones (NetworkManager's three passes).
    let settings = vac.applied;
    const passes = [
      { flags: -1, requestNew: false },
      { flags: SECRETS_FLAG.USER_REQUESTED, requestNew: false },
      { flags: SECRETS_FLAG.ALLOW_INTERACTION | SECRETS_FLAG.USER_REQUESTED, requestNew: true },
    ];
    for (const [i, pass] of passes.entries()) {
      if (pass.flags >= 0) {
        const agents = this.d.secrets?.();
        if (!agents) return this.fail(vac, Reason.NO_SECRETS, new Error('the VPN service needs secrets the profile does not hold, and no secret agent can be asked (nmk has no secret agent support in this build)'));
        try {
          settings = mergeSecrets(settings, await agents.getSecrets({ profile: vac.profile, settingName: 'vpn', hints: [], flags: pass.flags, requestNew: pass.requestNew }));
        } catch (err) {
          if (i === passes.length - 1) return this.fail(vac, Reason.NO_SECRETS, err);
          continue;
        }
      }
      if (vac.cancelled) return;
      let missing: string;
      try {
        missing = await service.needSecrets(wire(settings));
      } catch (err) {
        return this.fail(vac, Reason.NO_SECRETS, err);
      }
      if (vac.cancelled) return;
      if (!missing) {
        vac.applied = settings;
        return this.connect(vac, service, settings);
      }
      this.d.logger.debug(`VPN service wants more secrets (pass ${i + 1})`, { connection: vac.profile.id, setting: missing });
    }
    return this.fail(vac, Reason.NO_SECRETS, new Error('the secret agents did not provide sufficient secrets'));
  }

  private async connect(vac: VpnActiveConnection, service: VpnService, settings: ConnectionSettings): Promise<void> {
    this.setVpnState(vac, VpnState.CONNECT, Reason.NONE);
    const dict = wire(settings);
    try {
      // ConnectInteractive only when every agent can pass the plugin's hints on; else Connect, and a bad login is a Failure (nm-vpn-connection.c).
      const interactive = this.d.secrets?.()?.allAgentsHaveVpnHints?.() ?? true;
      if (!interactive) this.d.logger.debug('connect: calling Connect, as not every secret agent supports VPN hints', { connection: vac.profile.id });
      try {
        await service.connect(dict, interactive);
      } catch (err) {
        if (!(err instanceof DBusError && err.dbusName === INTERACTIVE_NOT_SUPPORTED)) throw err;
        this.d.logger.debug('connect: falling back to non-interactive connect', { connection: vac.profile.id });
        await service.connect(dict, false);
      }
    } catch (err) {
      return this.fail(vac, Reason.SERVICE_START_FAILED, err);
    }
    if (vac.done || vac.cancelled) return;
    const t = Number(vac.applied.vpn?.timeout ?? 0);
    const seconds = t > 0 ? t : DEFAULT_CONNECT_TIMEOUT_S;
    vac.connectTimer = setTimeout(() => {
      if (vac.vpnState === VpnState.CONNECT || vac.vpnState === VpnState.IP_CONFIG_GET) void this.fail(vac, Reason.CONNECT_TIMEOUT, new Error(`the VPN service reported no IP configuration within ${seconds} s`));
    }, seconds * 1000);
  }

  /** The service's signals. */
  private wire(vac: VpnActiveConnection, s: VpnService): void {
    // The config signals are handled one after the other: Ip4Config must not start while Config still waits for the tunnel link.
    let configs = Promise.resolve();
    const inOrder = (fn: () => Promise<void>) => {
      configs = configs.then(fn).catch((err) => this.fail(vac, Reason.IP_CONFIG_INVALID, err));
    };
    s.on('config', (d) => inOrder(() => this.onConfig(vac, d, false)));
    s.on('ip4config', (d) => inOrder(() => this.onIpConfig(vac, 4, d)));
    s.on('ip6config', (d) => inOrder(() => this.onIpConfig(vac, 6, d)));
    s.on('failure', (f) => {
      this.d.logger.warn(`VPN service reports a failure: ${FAILURE_NAME[f] ?? f}`, { connection: vac.profile.id });
      vac.failureReason = f === VpnPluginFailure.LOGIN_FAILED ? Reason.LOGIN_FAILED : f === VpnPluginFailure.BAD_IP_CONFIG ? Reason.IP_CONFIG_INVALID : Reason.UNKNOWN;
    });
    s.on('state', (st) => {
      this.d.logger.debug(`VPN service state ${st}`, { connection: vac.profile.id });
      if (st === VpnServiceState.STOPPED && vac.vpnState >= VpnState.PREPARE && vac.vpnState <= VpnState.ACTIVATED) {
        void this.fail(vac, vac.failureReason, new Error('the VPN service stopped'));
      }
    });
    s.on('banner', (text) => {
      vac.banner = text;
      this.changed(vac, 'banner');
    });
    s.on('secrets-required', (message, secrets) => {
      if (vac.vpnState !== VpnState.CONNECT && vac.vpnState !== VpnState.NEED_AUTH) return;
      void this.interactiveSecrets(vac, s, message, secrets);
    });
    s.on('gone', (why) => {
      if (vac.done || vac.cancelled) return;
      this.d.logger.warn(`VPN '${vac.profile.id}': ${why}`, { connection: vac.profile.id });
      void this.teardown(vac, VpnState.DISCONNECTED, Reason.SERVICE_STOPPED, false);
    });
  }

  /** SecretsRequired during connect: ask the agents for new secrets with the plugin's hints, then NewSecrets. */
  private async interactiveSecrets(vac: VpnActiveConnection, s: VpnService, message: string, hints: string[]): Promise<void> {
    this.setVpnState(vac, VpnState.NEED_AUTH, Reason.NONE);
    const agents = this.d.secrets?.();
    if (!agents) return this.fail(vac, Reason.NO_SECRETS, new Error('the VPN service asks for secrets and no secret agent can be asked'));
    try {
      const got = await agents.getSecrets({ profile: vac.profile, settingName: 'vpn', hints: [...hints, ...(message ? [`x-vpn-message:${message}`] : [])], flags: SECRETS_FLAG.ALLOW_INTERACTION | SECRETS_FLAG.USER_REQUESTED, requestNew: true });
      vac.applied = mergeSecrets(vac.applied, got);
      await s.newSecrets(wire(vac.applied));
      this.setVpnState(vac, VpnState.CONNECT, Reason.NONE);
    } catch (err) {
      await this.fail(vac, Reason.NO_SECRETS, err);
    }
  }

  private async onConfig(vac: VpnActiveConnection, d: VpnDict, oldStyle: boolean): Promise<void> {
    if (vac.vpnState < VpnState.NEED_AUTH || vac.done || vac.cancelled) return;
    const g = parseGeneric(d);
    const method = (s: 'ipv4' | 'ipv6') => String(vac.applied[s]?.method ?? 'auto') === 'auto';
    // Old style (no Config signal): Ip4Config carries everything, IPv4 only.
    if (oldStyle) {
      g.hasIp4 = true;
      g.hasIp6 = false;
    }
    g.hasIp4 &&= method('ipv4');
    g.hasIp6 &&= method('ipv6');
    if (vac.vpnState === VpnState.CONNECT) this.setVpnState(vac, VpnState.IP_CONFIG_GET, Reason.NONE);
    if (!g.gateway4 && !g.gateway6) throw new Error('config: no VPN gateway address received');
    vac.ipIfindex = g.tundev ? await this.waitForLink(g.tundev) : vac.device.ifindex;
    vac.generic = g;
    if (g.banner !== undefined && g.banner !== vac.banner) {
      vac.banner = g.banner;
      this.changed(vac, 'banner');
    }
    await this.checkComplete(vac);
  }

  private async onIpConfig(vac: VpnActiveConnection, family: 4 | 6, d: VpnDict): Promise<void> {
    if (vac.vpnState < VpnState.NEED_AUTH || vac.vpnState > VpnState.ACTIVATED || vac.done || vac.cancelled) return;
    if (family === 4 && !vac.generic) await this.onConfig(vac, d, true);
    if (!vac.generic) return;
    if (Object.keys(d).length === 0) {
      if (family === 4) vac.generic.hasIp4 = false;
      else vac.generic.hasIp6 = false;
      return this.checkComplete(vac);
    }
    if (vac.vpnState === VpnState.CONNECT) this.setVpnState(vac, VpnState.IP_CONFIG_GET, Reason.NONE);
    if (!(family === 4 ? vac.generic.hasIp4 : vac.generic.hasIp6)) return this.checkComplete(vac);
    const c = parseIpConfig(family, d, family === 4 ? vac.generic.gateway4 : vac.generic.gateway6);
    if (c instanceof Error) throw c;
    if (family === 4) vac.ip4 = c;
    else vac.ip6 = c;
    await this.checkComplete(vac);
  }

  private async checkComplete(vac: VpnActiveConnection): Promise<void> {
    const g = vac.generic;
    if (!g || (g.hasIp4 && !vac.ip4) || (g.hasIp6 && !vac.ip6)) return;
    if (vac.vpnState !== VpnState.IP_CONFIG_GET) return;
    clearTimeout(vac.connectTimer);
    await applyVpnConfig(vac, { platform: this.d.platform(), model: this.d.model, logger: this.d.logger });
    if (vac.cancelled) return;
    this.d.dns?.set(vac.path, vpnDnsConfigs(vac));
    this.changed(vac, 'ip');
    this.setVpnState(vac, VpnState.ACTIVATED, Reason.NONE);
    this.d.logger.info(`VPN '${vac.profile.id}' activated`, { connection: vac.profile.id, tundev: vac.generic?.tundev, address: vac.ip4?.address ?? vac.ip6?.address });
  }

  private waitForLink(name: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const look = () => {
        const l = this.d.model.linkByName(name);
        if (l) return resolve(l.ifindex);
        if (Date.now() - started > TUNDEV_WAIT_MS) return reject(new Error(`config: failed to look up VPN interface index for "${name}"`));
        setTimeout(look, 20);
      };
      look();
    });
  }

  /** Take the VPN down (nmcli connection down, the base going down). Resolves once it is DISCONNECTED. */
  async deactivate(ac: ActiveConnection, reason: number = Reason.USER_DISCONNECTED): Promise<void> {
    if (ac instanceof VpnActiveConnection) await this.teardown(ac, VpnState.DISCONNECTED, reason, true);
  }

  /** nmk stopping: every VPN is disconnected and its service stopped (they need nmk's bus). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.byPath.values()].map((vac) => this.teardown(vac, VpnState.DISCONNECTED, Reason.DEVICE_DISCONNECTED, true)));
  }

  private async fail(vac: VpnActiveConnection, reason: number, err: unknown): Promise<void> {
    if (vac.done || vac.cancelled) return;
    this.d.logger.warn(`VPN '${vac.profile.id}' failed: ${err instanceof Error ? err.message : String(err)}`, { connection: vac.profile.id, reason });
    vac.failed = true;
    await this.teardown(vac, VpnState.FAILED, reason, true);
  }

  private async teardown(vac: VpnActiveConnection, final: number, reason: number, disconnect: boolean): Promise<void> {
    if (vac.done || vac.cancelled) return;
    vac.cancelled = true;
    clearTimeout(vac.connectTimer);
    // An activated VPN taken down passes through DEACTIVATING; its VPN state stays activated meanwhile (NetworkManager's mapping).
    if (vac.vpnState === VpnState.ACTIVATED && final === VpnState.DISCONNECTED) {
      vac.state = AC.DEACTIVATING;
      vac.stateReason = reason;
      this.changed(vac, 'state');
    }
    const s = vac.service;
    if (s && disconnect) await s.disconnect().catch((err) => this.d.logger.debug(`Disconnect: ${err instanceof Error ? err.message : String(err)}`));
    this.d.dns?.remove(vac.path);
    await removeVpnConfig(vac, { platform: this.d.platform(), model: this.d.model, logger: this.d.logger });
    await s?.stop().catch((err) => this.d.logger.warn(`stopping the VPN service: ${err instanceof Error ? err.message : String(err)}`));
    this.byPath.delete(vac.path);
    this.setVpnState(vac, final, reason);
    this.changed(vac, 'gone');
  }

  private setVpnState(vac: VpnActiveConnection, state: number, reason: number): void {
    if (vac.vpnState === state) return;
    const old = vac.vpnState;
    vac.vpnState = state;
    vac.vpnReason = reason;
    vac.state = AC_STATE_OF_VPN[state] ?? vac.state;
    vac.stateReason = reason;
    this.d.logger.debug(`VPN state ${VPN_STATE_NAME[old]} -> ${VPN_STATE_NAME[state]} (reason ${reason})`, { connection: vac.profile.id });
    this.changed(vac, 'state');
  }
}

const FAILURE_NAME: Record<number, string> = { 0: 'login-failed', 1: 'connect-failed', 2: 'bad-ip-config' };

/** The profile as the service receives it: every secret included. */
function wire(settings: ConnectionSettings): VpnConnectionDict {
  return settingsToWire(settings, { withSecrets: true });
}

/** Secrets from the agents (vpn.secrets and other secret properties) merged over the profile's. */
export function mergeSecrets(settings: ConnectionSettings, got: Record<string, Record<string, unknown>>): ConnectionSettings {
  const out = structuredClone(settings);
  for (const [name, props] of Object.entries(got ?? {})) {
    const target = ((out as Record<string, Record<string, unknown>>)[name] ??= {});
    for (const [k, v0] of Object.entries(props ?? {})) {
      const v = v0 && typeof v0 === 'object' && 'value' in (v0 as object) ? (v0 as { value: unknown }).value : v0;
      if (k === 'secrets' && v && typeof v === 'object') target.secrets = { ...((target.secrets as object) ?? {}), ...(v as object) };
      else target[k] = v;
    }
  }
  return out;
}
