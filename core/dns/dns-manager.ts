/**
 * The DNS manager: holds every active connection's DNS configs, orders and
 * merges them as NetworkManager 1.42 does, hands the result to the backend
 * `[main] dns=` names and writes resolv.conf through the rc-manager.
 *
 * - set(key, configs) replaces one active connection's configs (both
 *   families); remove(key) drops them. Changes are coalesced: one update per
 *   tick, and one update at a time (a change during an update runs one more).
 * - An update whose result equals the last applied one does nothing.
 * - Failures stay local: a backend that rejects, a file that cannot be
 *   written, a missing program are one warning each naming what failed; the
 *   last resolv.conf stays, and the next change tries again.
 * - A backend that cannot start, or a mode no plugin provides, falls back to
 *   "default" with a warning.
 * - SIGHUP (config.reloaded) re-reads the mode, rc-manager and [global-dns].
 * - stop(): a caching backend's resolv.conf (127.0.0.1) is replaced by the
 *   real servers before the backend stops, as NetworkManager does for dnsmasq
 *   (not for systemd-resolved, which keeps running).
 */
import { promises as fsp } from 'node:fs';
import type { ConfigView, DnsBackend, DnsBackendFactory, DnsConfig, DnsState, EventBus, GlobalDns, Logger, Paths, ResolvConfContent } from '../../sdk/index.js';
import { BUILTIN_BACKENDS, defaultBackend } from './builtin-backends.js';
import { buildConfiguration, type DnsConfigurationEntry } from './configuration.js';
import { decideMode } from './dns-mode.js';
import { resolvConfConfigs, sortConfigs, type HeldConfig } from './dns-order.js';
import { computeRouting } from './dns-routing.js';
import { readGlobalDns } from './global-dns.js';
import { rcFiles, RC_WRITERS, replaceFile, writeOwn, type RcManagerMode } from './rc-manager.js';
import { renderResolvConf } from './resolv-conf-text.js';
import { mergeResolvConf, type ResolvData } from './resolv-merge.js';

export interface DnsManagerDeps {
  config: ConfigView;
  paths: Paths;
  logger: Logger;
  /** For config.reloaded; optional in tests. */
  events?: EventBus;
  /** The DnsBackend contributions (read at start and at reload). */
  factories: () => DnsBackendFactory[];
}

export interface DnsSnapshot {
  mode: string;
  rcManager: RcManagerMode;
  configuration: DnsConfigurationEntry[];
}

/** The fields whose change moves a config to the tail of its priority class (NM re-adds a changed config). */
function contentKey(c: DnsConfig): string {
  const { isDefault: _d, hasDefaultRoute: _h, routing: _r, ...rest } = c;
  return JSON.stringify(rest);
}

function sameData(a: ResolvData, b: ResolvData): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class DnsManager {
  private held = new Map<string, HeldConfig[]>();
  private seq = 0;
  private hostname?: string;
  private global?: GlobalDns;
  private mode = 'default';
  private rcManager: RcManagerMode = 'unmanaged';
  private backend: DnsBackend = defaultBackend;
  private readonly files;
  private readonly listeners = new Set<() => void>();
  private lastConfiguration = '[]';
  private lastApplied?: string;
  /** What /etc/resolv.conf was last given (a caching backend's content differs from the plain one). */
  private lastWritten?: { content: ResolvData; plain: ResolvData };
  private notices = new Set<string>();
  private scheduled?: NodeJS.Immediate;
  private running?: Promise<void>;
  private dirty = false;
  private started = false;
  private stopped = false;
  private offReload?: () => void;

  constructor(private readonly deps: DnsManagerDeps) {
    this.files = rcFiles(deps.paths);
  }

  /** Replace the DNS configs of one active connection (key: its D-Bus path), for both families. */
  set(key: string, configs: readonly DnsConfig[]): void {
    const old = this.held.get(key) ?? [];
    const next: HeldConfig[] = [];
    const perFamily = new Map<number, number>();
    for (const config of configs) {
      // The n-th config of a family keeps its place when its content is unchanged.
      const n = perFamily.get(config.family) ?? 0;
      perFamily.set(config.family, n + 1);
      const before = old.filter((h) => h.config.family === config.family)[n];
      const keep = before && contentKey(before.config) === contentKey(config);
      next.push({ config: { ...config }, seq: keep ? before.seq : ++this.seq });
    }
    if (next.length === 0) this.held.delete(key);
    else this.held.set(key, next);
    this.schedule();
  }

  remove(key: string): void {
    if (this.held.delete(key)) this.schedule();
  }

  /** The host name: its domain joins the search list (NetworkManager's hostdomain). */
  setHostname(hostname: string | undefined): void {
    if (hostname === this.hostname) return;
    this.hostname = hostname;
    this.schedule();
  }

  /** Called after Mode, RcManager or Configuration changed (at most once per update). */
  onChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): DnsSnapshot {
    return { mode: this.mode, rcManager: this.rcManager, configuration: JSON.parse(this.lastConfiguration) };
  }

  /** The state a backend gets, from what is held now. */
  state(): DnsState {
    const configs = sortConfigs([...this.held.values()].flat());
    const routing = computeRouting(configs);
    const merged = mergeResolvConf(resolvConfConfigs(configs), this.global, this.hostname);
    return {
      configs: configs.map((c, i) => ({ ...c, routing: routing[i] })),
      ...(this.global ? { global: this.global } : {}),
      ...merged,
      ...(this.hostname ? { hostname: this.hostname } : {}),
    };
  }

  async start(): Promise<void> {
    await this.configure();
    this.started = true;
    this.offReload = this.deps.events?.on('config.reloaded', () => void this.reload());
    // Global DNS applies from the start; otherwise resolv.conf waits for the first connection (no empty file
    // written over a working one while nmkd restarts and takes its connections over again).
    if (this.held.size > 0 || this.global) this.schedule();
  }

  /** Re-read mode, rc-manager and [global-dns]; a changed mode restarts the backend. Then update. */
  async reload(): Promise<void> {
    if (this.stopped) return;
    await this.idle();
    await this.configure();
    this.lastApplied = undefined;
    this.schedule();
  }

  /** Resolves when no update is scheduled or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.scheduled || this.running) {
      if (this.running) await this.running;
      else await new Promise((r) => setImmediate(r));
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.offReload?.();
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    await this.running;
    // Leave a resolv.conf that works without us: the real servers, not a local cache that is about to stop.
    // systemd-resolved outlives nmkd, so its stub stays listed (NetworkManager restores only for dnsmasq).
    const last = this.lastWritten;
    if (last && !sameData(last.content, last.plain) && this.rcManager !== 'unmanaged' && this.backend.name !== 'systemd-resolved') {
      await this.writeResolvConf(last.plain).catch((err: Error) => this.deps.logger.warn(`could not restore resolv.conf on shutdown: ${err.message}`));
    }
    await this.backend.stop().catch((err: Error) => this.deps.logger.warn(`DNS backend '${this.backend.name}' did not stop cleanly: ${err.message}`));
  }

  private async configure(): Promise<void> {
    const { config, paths, logger } = this.deps;
    const g = readGlobalDns(config);
    for (const w of g.warnings) logger.warn(w);
    this.global = g.global;

    const plugins = this.deps.factories().map((f) => f.name);
    let decision = await decideMode(config, paths, plugins);
    for (const w of decision.warnings) logger.warn(w);
    if (decision.mode !== this.mode || !this.started) {
      const { backend, fellBack } = await this.createBackend(decision.mode);
      await this.swapBackend(backend);
      // A mode that could not start runs as "default"; rc-manager=auto is decided for what runs.
      if (fellBack) decision = await decideMode(config, paths, plugins, 'default');
    }
    const changed = decision.mode !== this.mode || decision.rcManager !== this.rcManager;
    this.mode = decision.mode;
    this.rcManager = decision.rcManager;
    this.notices.clear();
    if (changed || !this.started) {
      logger.info(`dns=${this.mode} rc-manager=${this.rcManager}${decision.rcAuto ? ' (auto)' : ''}${BUILTIN_BACKENDS[this.mode] ? '' : `, plugin=${this.backend.name}`}`);
      this.emitChanged();
    }
  }

  private async swapBackend(next: DnsBackend): Promise<void> {
    const old = this.backend;
    this.backend = next;
    if (old !== next && !BUILTIN_BACKENDS[old.name]) {
      await old.stop().catch((err: Error) => this.deps.logger.warn(`DNS backend '${old.name}' did not stop cleanly: ${err.message}`));
    }
  }

  private async createBackend(mode: string): Promise<{ backend: DnsBackend; fellBack: boolean }> {
    const builtin = BUILTIN_BACKENDS[mode];
    if (builtin) return { backend: builtin, fellBack: false };
    const factory = this.deps.factories().find((f) => f.name === mode);
    if (!factory) {
      this.deps.logger.warn(`dns=${mode}: no DNS plugin named '${mode}' is loaded (is dns-${mode} installed, or disabled in [plugins] disable?); using dns=default`);
      return { backend: defaultBackend, fellBack: true };
    }
    try {
      return { backend: await factory.create(), fellBack: false };
    } catch (err) {
      this.deps.logger.warn(`DNS backend '${mode}' could not start: ${(err as Error).message}; using dns=default`);
      return { backend: defaultBackend, fellBack: true };
    }
  }

  private emitChanged(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        this.deps.logger.warn(`DNS change listener failed: ${(err as Error).message}`);
      }
    }
  }

  private schedule(): void {
    if (this.stopped || !this.started || this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      void this.run();
    });
  }

  private run(): Promise<void> {
    if (this.running) {
      this.dirty = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.dirty = false;
        await this.update().catch((err: Error) => this.deps.logger.warn(`DNS update failed: ${err.message}`));
      } while (this.dirty && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async update(): Promise<void> {
    const { logger } = this.deps;
    const state = this.state();
    const configuration = JSON.stringify(buildConfiguration(state.configs, state.global));
    if (configuration !== this.lastConfiguration) {
      this.lastConfiguration = configuration;
      this.emitChanged();
    }
    const key = JSON.stringify([this.mode, this.rcManager, this.backend.name, state]);
    if (key === this.lastApplied) return;

    let content: ResolvConfContent;
    try {
      content = await this.backend.update(state);
    } catch (err) {
      logger.warn(`DNS backend '${this.backend.name}' failed: ${(err as Error).message}; resolv.conf keeps its last content`);
      this.lastApplied = undefined;
      return;
    }
    if (this.stopped) return;
    const plain: ResolvData = { nameservers: state.nameservers, searches: state.searches, options: state.options };
    // The servers before any local cache, for tools that want them (NetworkManager's no-stub-resolv.conf).
    await fsp.mkdir(this.deps.paths.runDir, { recursive: true }).catch(() => undefined);
    await replaceFile(this.files.noStub, renderResolvConf(plain)).catch((err: Error) => logger.debug(err.message));
    try {
      if (content === 'leave') {
        // Nothing goes to /etc; nmk's own copy still shows the merged servers, as NetworkManager's does.
        await writeOwn(this.files, renderResolvConf(plain));
      } else {
        await this.writeResolvConf(content);
        this.lastWritten = { content, plain };
      }
      this.lastApplied = key;
    } catch (err) {
      logger.warn(`resolv.conf not updated (rc-manager=${this.rcManager}): ${(err as Error).message}; the previous content stays`);
      this.lastApplied = undefined;
    }
  }

  private async writeResolvConf(data: ResolvData): Promise<void> {
    const outcome = await RC_WRITERS[this.rcManager](this.files, renderResolvConf(data), data);
    const n = outcome.notice;
    // A lasting situation (a foreign symlink, a missing program) is logged when it first appears, not at every update.
    if (n && !this.notices.has(n.message)) {
      this.notices.add(n.message);
      this.deps.logger[n.level](n.message);
    }
  }
}
