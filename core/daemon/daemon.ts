/**
 * The daemon's life: a fixed start-up order, reload on SIGHUP, and a stop that
 * leaves the network exactly as it is.
 *
 * Start-up: config -> logger -> container with core services -> plugins (in
 * dependency order) -> platform dump into the model -> devices -> D-Bus name
 * -> ready (log line, sd_notify, 'daemon.ready'). What fails on the way is
 * fatal only when it is required: the config's syntax, the platform, the bus,
 * and plugins listed in [plugins] required.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  NmkError,
  NMVersion,
  SDK_VERSION,
  Tokens,
  type Logger,
  type LogLevel,
  type Platform,
  type PlatformEvent,
} from '../../sdk/index.js';
import { createRootContainer, registerValue, resolveEvery, type DependencyContainer } from '../container.js';
import { ConfigHolder } from '../config/config-holder.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { makePaths } from '../config/paths.js';
import { ActivationManager } from '../activation/activation-manager.js';
import { autoIpServices } from './auto-ip-services.js';
import { Connectivity } from '../connectivity/connectivity.js';
import { DeviceManager } from '../devices/device-manager.js';
import { DnsManager } from '../dns/dns-manager.js';
import { VpnManager } from '../vpn/vpn-manager.js';
import { vpnPluginDirs } from '../vpn/plugin-dirs.js';
import { SecretAgents } from '../secrets/secret-agents.js';
import { AgentCapabilities } from '../secrets/nm-agent-constants.js';
import { AutoconnectPolicy } from '../policy/autoconnect.js';
import { DefaultWired } from '../policy/default-wired.js';
import { KindRegistry } from '../devices/kind-registry.js';
import { LocalEventBus } from '../events/event-bus.js';
import { createLogger, defaultLogFormat, isLogLevel, LogSink, type LogFormat } from '../log/logger.js';
import { LiveNetworkModel } from '../model/network-model.js';
import { SettingsStore } from '../settings/settings-store.js';
import { ConnectionTimestamps } from '../settings/timestamps.js';
import { discoverPlugins } from '../plugins/manifest.js';
import { PluginHost } from '../plugins/plugin-host.js';
import { selectPlugins } from '../plugins/select.js';
import type { DaemonOptions } from './args.js';
import { startDBusFrontend, type DBusFrontend } from './dbus-frontend.js';
import { BUILTIN_PLUGINS, BUILTIN_PROFILES, NMK_VERSION } from './locations.js';
import { notifySystemd } from './sd-notify.js';
import { monotonicMs } from '../../sdk/monotonic.js';

export { BUILTIN_PROFILES, NMK_VERSION };

export interface DaemonDeps {
  /** Where log lines go (tests collect them). */
  sink?: LogSink;
}

function levelFromConfig(v: string | undefined): LogLevel | undefined {
  if (!v) return undefined;
  const l = v.toLowerCase();
  const map: Record<string, LogLevel> = { err: 'error', off: 'error' };
  const level = map[l] ?? l;
  return isLogLevel(level) ? level : undefined;
}

export class Daemon {
  readonly sink: LogSink;
  readonly logger: Logger;
  private loaded!: LoadedConfig;
  private configHolder!: ConfigHolder;
  private container!: DependencyContainer;
  private plugins?: PluginHost;
  private platform?: Platform;
  private model!: LiveNetworkModel;
  private devices!: DeviceManager;
  private activation!: ActivationManager;
  private policy?: AutoconnectPolicy;
  private defaultWired?: DefaultWired;
  private kinds!: KindRegistry;
  private settings!: SettingsStore;
  /** connection.timestamp of each profile, in stateDir/timestamps. */
  private timestamps?: ConnectionTimestamps;
  private dbus?: DBusFrontend;
  /** resolv.conf and the DNS backend; activation hands it each connection's DNS (set/remove by active-connection path). */
  dns?: DnsManager;
  private connectivity?: Connectivity;
  /** VPN connections over NetworkManager's VPN services (core/vpn). */
  private vpn?: VpnManager;
  /** Secret agents (AgentManager): getSecrets for the VPN code; on the bus once the D-Bus frontend starts. */
  readonly secretAgents: SecretAgents;
  private stopping = false;
  readonly startedAt = Date.now();

  constructor(private opts: DaemonOptions, deps: DaemonDeps = {}) {
    const format: LogFormat = opts.logFormat ?? defaultLogFormat();
    this.sink = deps.sink ?? new LogSink({ format, level: (opts.logLevel as LogLevel) ?? 'info', colour: format === 'text' && process.stderr.isTTY });
    this.logger = createLogger(this.sink, {});
    this.secretAgents = new SecretAgents({ log: this.logger.child({ component: 'agents' }) });
  }

  get paths() {
    return makePaths(this.opts.root, { configFile: this.opts.config });
  }

  /** Read the config; syntax errors throw, other problems are logged. */
  private readConfig(): LoadedConfig {
    const paths = this.paths;
    const loaded = loadConfig({
      paths,
      profile: this.opts.profile,
      profileDirs: [path.join(paths.etcDir, 'profiles'), BUILTIN_PROFILES],
      configNamed: this.opts.config !== undefined,
    });
    for (const w of loaded.warnings) this.logger.warn(w.toString(), { code: w.code });
    return loaded;
  }

  private applyLogConfig(): void {
    if (this.opts.logLevel) return;
    const level = levelFromConfig(this.configHolder.get('logging', 'level'));
    if (level) this.sink.setLevel(level);
  }

  async start(): Promise<void> {
    const t0 = Date.now();
    const paths = this.paths;
    this.loaded = this.readConfig();
    this.configHolder = new ConfigHolder(this.loaded.config);
    this.applyLogConfig();
    this.logger.info('nmkd starting', { version: NMK_VERSION, sdk: SDK_VERSION, root: paths.root, profile: this.opts.profile, config: this.loaded.files });

    for (const dir of [paths.runDir, paths.stateDir]) fs.mkdirSync(dir, { recursive: true, mode: 0o755 });

    const events = new LocalEventBus(this.logger.child({ component: 'events' }));
    this.container = createRootContainer();
    registerValue(this.container, Tokens.Logger, this.logger);
    registerValue(this.container, Tokens.Events, events);
    registerValue(this.container, Tokens.Config, this.configHolder);
    // Follows the holder, so a reload's [connection*] sections answer at once.
    registerValue(this.container, Tokens.ConnectionDefaults, this.configHolder.connectionDefaults);
    registerValue(this.container, Tokens.Paths, paths);
    registerValue(this.container, Tokens.Clock, { now: monotonicMs });

    this.model = new LiveNetworkModel(events, this.logger.child({ component: 'model' }));
    registerValue(this.container, Tokens.Model, this.model);
    this.kinds = new KindRegistry();
    this.settings = new SettingsStore(
      () => resolveEvery(this.container, Tokens.SettingsSource),
      events,
      this.logger.child({ component: 'settings' }),
      this.configHolder,
      // Settings plugins can mark devices unmanaged (NM_CONTROLLED=no): re-evaluate after each load.
      () => this.devices?.configure(this.configHolder),
    );
    this.devices = new DeviceManager(this.kinds, events, this.logger.child({ component: 'devices' }), this.configHolder, () => this.settings.unmanagedSpecs());
    registerValue(this.container, Tokens.Devices, this.devices);

    // Plugins, in dependency order.
    const roots = [
      { dir: BUILTIN_PLUGINS, builtin: true },
      ...this.configHolder.getList('plugins', 'path').map((d) => ({ dir: path.resolve(d), builtin: false })),
      ...this.opts.pluginDirs.map((d) => ({ dir: path.resolve(d), builtin: false })),
    ];
    const discovered = discoverPlugins(roots);
    for (const e of discovered.errors) this.logger.error(e.toString(), { code: e.code });
    const selection = selectPlugins(discovered.found, this.configHolder);
    for (const e of selection.errors) {
      // A required plugin that cannot even be selected is fatal.
      if (e.origin.plugin && selection.required.has(e.origin.plugin)) throw e;
      if (e.code === 'PLUGIN_NOT_FOUND' && /required plugin/.test(e.message)) throw e;
      this.logger.error(e.toString(), { code: e.code });
    }
    this.plugins = new PluginHost({
      root: this.container,
      logger: this.logger,
      config: this.configHolder,
      paths,
      events,
      setupTimeoutMs: this.configHolder.getInteger('plugins', 'setup-timeout', 10_000),
      cacheDir: path.join(paths.stateDir, 'jiti-cache'),
    });
    const report = await this.plugins.loadAll(selection);
    this.logger.info('plugins started', { loaded: report.loaded.join(','), failed: report.failed.map((f) => f.name).join(',') || undefined });

    // Device kinds contributed by plugins.
    this.kinds.load(resolveEvery(this.container, Tokens.DeviceKind), (lk, kept, dropped) =>
      this.logger.warn(`link kind '${lk}' is claimed by two device kinds; '${kept.name}' keeps it, '${dropped.name}' is ignored`),
    );

    // Profiles, unless the config says not to read them at start-up (a server option).
    if (this.settings.loadAtStartup) {
      const r = await this.settings.loadAll();
      this.logger.info('profiles loaded', { profiles: r.profiles, errors: r.errors.length });
    } else {
      this.logger.info('profiles not loaded at start-up ([main] load-connections=false)');
    }

    // The platform is required: without it nmk can see nothing.
    const platforms = resolveEvery(this.container, Tokens.Platform);
    if (platforms.length === 0) {
      throw new NmkError('SERVICE_MISSING', 'no platform plugin is loaded (is platform-linux installed, or disabled in [plugins] disable?)');
    }
    if (platforms.length > 1) this.logger.warn('more than one platform plugin is loaded; the first is used');
    this.platform = platforms[0]!;
    const platform = this.platform;
    this.dns = new DnsManager({ config: this.configHolder, paths, logger: this.logger.child({ component: 'dns' }), events, factories: () => resolveEvery(this.container, Tokens.DnsBackend) });
    await this.dns.start();
    const auto = await autoIpServices(this.container, this.configHolder, paths, this.model, this.logger.child({ component: 'ip' }));
    this.activation = new ActivationManager(this.devices, this.kinds, this.settings, () => platform, this.model, events, this.logger.child({ component: 'activation' }), auto, this.dns);
    this.vpn = new VpnManager({ activation: this.activation, model: this.model, platform: () => platform, events, logger: this.logger.child({ component: 'vpn' }), dns: this.dns, pluginDirs: vpnPluginDirs(paths), secrets: () => ({ getSecrets: (req) => this.secretAgents.getSecretSettings(req), allAgentsHaveVpnHints: () => this.secretAgents.allAgentsHaveCapability(AgentCapabilities.VPN_HINTS) }), sdkPlugins: () => resolveEvery(this.container, Tokens.VpnPlugin), prefer: () => this.configHolder.get('vpn', 'prefer') });

    events.on('link.added', ({ link }) => this.devices.addLink(link));
    events.on('link.changed', ({ link, previous }) => this.devices.changeLink(link, previous));
    events.on('link.removed', ({ link }) => this.devices.removeLink(link));
    events.on('model.resynced', () => this.logger.info('model resynchronised', { ...this.model.stats }));

    // Events that arrive while the first dump is read are held and replayed
    // after it, so the model never loses one to the snapshot that replaces it.
    let held: PlatformEvent[] | undefined = [];
    const snapshot = await this.platform.start((ev) => (held ? held.push(ev) : this.model.apply(ev)));
    this.model.load(snapshot);
    const replay = held;
    held = undefined;
    for (const ev of replay) this.model.apply(ev);
    for (const link of this.model.links()) this.devices.addLink(link);
    this.logger.info('platform read', { links: this.model.stats.links, addresses: this.model.stats.addresses, routes: this.model.stats.trackedRoutes });

    // Before anything can activate: ACTIVATED stamps the profile's connection.timestamp.
    this.timestamps = new ConnectionTimestamps({ file: path.join(paths.stateDir, 'timestamps'), logger: this.logger.child({ component: 'settings' }), events });
    this.timestamps.load();
    this.timestamps.start();

    // D-Bus: required, the API is the daemon's reason to exist.
    this.dbus = await startDBusFrontend({
      address: this.opts.bus,
      logger: this.logger.child({ component: 'dbus' }),
      events,
      devices: this.devices,
      activation: this.activation,
      onManualActivation: (uuid) => this.policy?.unblock(uuid),
      pauseAutoconnect: (paused) => this.policy?.setPaused(paused),
      settings: this.settings,
      model: this.model,
      config: this.configHolder,
      version: NMVersion,
      sink: this.sink,
      reload: () => this.reload(),
      dns: this.dns,
      secretAgents: this.secretAgents,
      timestamps: this.timestamps,
      vpn: this.vpn,
      connectivity: (this.connectivity = new Connectivity({ events, model: this.model, devices: this.devices, config: this.configHolder, logger: this.logger.child({ component: 'connectivity' }) })),
    });

    // Take over what the kernel has and autoconnect, once the API can show it.
    this.policy = new AutoconnectPolicy(this.devices, this.kinds, this.settings, this.activation, this.model, events, this.logger.child({ component: 'policy' }), path.join(paths.runDir, 'active'), {
      timestamps: this.timestamps,
      createdLinksDir: path.join(paths.runDir, 'created-links'),
    });
    this.policy.start();
    this.defaultWired = new DefaultWired(this.devices, this.settings, this.configHolder, events, this.logger.child({ component: 'policy' }), path.join(paths.stateDir, 'no-auto-default.state'), readMachineId(paths.root));
    this.defaultWired.start();
    this.connectivity.start();

    const startupMs = Date.now() - t0;
    const mem = process.memoryUsage();
    const mb = (n: number) => Math.round(n / 1e5) / 10;
    this.logger.info('ready', { startupMs, devices: this.devices.size, profiles: this.settings.size, rssMB: mb(mem.rss), heapMB: mb(mem.heapUsed) });
    events.emit('daemon.ready', { startupMs });
    await notifySystemd(this.logger, { ready: true, status: `managing ${this.devices.size} devices` });
  }

  /** SIGHUP: read the config again. A broken file keeps the old config. */
  async reload(): Promise<void> {
    await notifySystemd(this.logger, { reloading: true });
    try {
      const loaded = this.readConfig();
      this.loaded = loaded;
      this.configHolder.current = loaded.config;
      this.applyLogConfig();
      this.devices.configure(this.configHolder);
      this.container.resolve<LocalEventBus>(Tokens.Events).emit('config.reloaded', { files: loaded.files });
      this.logger.info('configuration reloaded', { files: loaded.files });
    } catch (err) {
      this.logger.error(`configuration not reloaded, keeping the previous one: ${String(err)}`);
    }
    await notifySystemd(this.logger, { ready: true });
  }

  /** Stop serving and release everything; the network is left exactly as it is. */
  async stop(signal?: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.logger.info('stopping; the network is left as it is', { signal });
    await notifySystemd(this.logger, { stopping: true });
    try {
      this.container?.resolve<LocalEventBus>(Tokens.Events).emit('daemon.stopping', { signal });
    } catch { /* not started far enough */ }
    await this.policy?.stop().catch((err) => this.logger.warn('autoconnect state not saved', { err }));
    await this.timestamps?.stop().catch((err) => this.logger.warn('connection timestamps not saved', { err }));
    this.connectivity?.stop();
    this.defaultWired?.stop();
    // VPN services are nmk's children and need its bus: they are disconnected and stopped first.
    await this.vpn?.stopAll().catch((err) => this.logger.warn('VPN shutdown failed', { err }));
    await this.dbus?.stop().catch((err) => this.logger.warn('D-Bus shutdown failed', { err }));
    await this.platform?.stop().catch((err) => this.logger.warn('platform shutdown failed', { err }));
    // Before the plugins: a caching backend's resolv.conf is restored while its plugin still runs.
    await this.dns?.stop().catch((err) => this.logger.warn('DNS shutdown failed', { err }));
    await this.plugins?.stopAll();
  }

  describeConfig(): string {
    return (this.loaded ?? this.readConfig()).config.describe();
  }
}

/** /etc/machine-id under the state root, else the host's; empty when neither can be read. */
function readMachineId(root: string): string {
  for (const f of [path.join(root, 'etc/machine-id'), '/etc/machine-id']) {
    try {
      return fs.readFileSync(f, 'utf8').trim();
    } catch {
      /* try the next */
    }
  }
  return '';
}
