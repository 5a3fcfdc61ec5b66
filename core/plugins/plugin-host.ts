/**
 * Loads the selected plugins and runs their setup, one after the other in
 * dependency order (each may rely on what earlier ones provided):
 *  - the entry is imported natively when it is JavaScript, through jiti when
 *    it is TypeScript (no build step for third-party plugins);
 *  - setup runs under a time limit, with a warning naming a slow plugin while it runs;
 *  - contributions are committed to the shared container only when setup succeeds;
 *  - a failing optional plugin is logged and skipped; a failing required one stops start-up;
 *  - stop runs the plugins' stop hooks last-started-first.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  NmkError,
  type ConfigView,
  type EventBus,
  type Logger,
  type Paths,
  type PluginContext,
  type PluginDefinition,
  type Token,
} from '../../sdk/index.js';
import { registerValue, resolveEvery, resolveOne, type DependencyContainer } from '../container.js';
import type { PluginCandidate } from './manifest.js';
import type { Selection } from './select.js';

export interface PluginHostOptions {
  root: DependencyContainer;
  logger: Logger;
  config: ConfigView;
  paths: Paths;
  events: EventBus;
  setupTimeoutMs: number;
  /** Where jiti keeps its transpile cache (under the state root, not /tmp/jiti). */
  cacheDir: string;
}

interface Running {
  name: string;
  stops: Array<() => void | Promise<void>>;
}

export interface LoadReport {
  loaded: string[];
  failed: Array<{ name: string; error: NmkError }>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The SDK entry a third-party plugin imports as 'nmk/sdk' (source or compiled, whichever runs). */
const SDK_ENTRY = path.resolve(here, '../../sdk/index' + (here.includes(`${path.sep}dist${path.sep}`) ? '.js' : '.ts'));
const require = createRequire(import.meta.url);
/**
 * What a third-party TypeScript plugin may import from the daemon itself: the
 * SDK and the container library, so tokens and decorators are the daemon's own.
 */
const PLUGIN_ALIASES = {
  'nmk/sdk': SDK_ENTRY,
  '@nmk/sdk': SDK_ENTRY,
  tsyringe: require.resolve('tsyringe'),
  'reflect-metadata': require.resolve('reflect-metadata'),
};

export class PluginHost {
  private running: Running[] = [];
  private jiti?: { import(id: string): Promise<unknown> };

  constructor(private opts: PluginHostOptions) {}

  get names(): string[] {
    return this.running.map((r) => r.name);
  }

  async loadAll(selection: Selection): Promise<LoadReport> {
    const report: LoadReport = { loaded: [], failed: [] };
    for (const candidate of selection.ordered) {
      const name = candidate.manifest.name;
      const failedNeed = (candidate.manifest.needs ?? []).find((n) => report.failed.some((f) => f.name === n));
      if (failedNeed) {
        const error = new NmkError('PLUGIN_DEPENDENCY', `not started because plugin '${failedNeed}' it needs failed`, { plugin: name });
        this.fail(report, name, error, selection.required.has(name));
        continue;
      }
      try {
        await this.start(candidate);
        report.loaded.push(name);
      } catch (err) {
        const error =
          err instanceof NmkError && err.origin.plugin
            ? err
            : new NmkError('PLUGIN_SETUP', `setup failed: ${(err as Error)?.message ?? String(err)}`, { plugin: name, hook: 'setup', file: candidate.entryFile }, { cause: err });
        this.fail(report, name, error, selection.required.has(name));
      }
    }
    return report;
  }

  private fail(report: LoadReport, name: string, error: NmkError, required: boolean): void {
    report.failed.push({ name, error });
    if (required) {
      throw new NmkError(error.code, `required plugin ${name} failed: ${error.reason}`, { ...error.origin, plugin: name }, { cause: error });
    }
    this.opts.logger.error(`plugin ${name} failed; continuing without it`, { plugin: name, error: error.toString() });
  }

  private async importEntry(c: PluginCandidate): Promise<PluginDefinition> {
    let mod: any;
    try {
      if (/\.m?ts$/.test(c.entryFile)) {
        // jiti is loaded only when a TypeScript plugin is: compiled built-ins do not pay for it.
        const { createJiti } = await import('jiti');
        this.jiti ??= createJiti(import.meta.url, {
          fsCache: this.opts.cacheDir,
          interopDefault: true,
          alias: PLUGIN_ALIASES,
        });
        mod = await this.jiti.import(c.entryFile);
      } else {
        mod = await import(pathToFileURL(c.entryFile).href);
      }
    } catch (err) {
      throw new NmkError('PLUGIN_SETUP', `cannot load entry: ${(err as Error)?.message ?? err}`, { plugin: c.manifest.name, hook: 'load', file: c.entryFile }, { cause: err });
    }
    const def = mod?.default ?? mod;
    if (!def || typeof def.setup !== 'function') {
      throw new NmkError('PLUGIN_SETUP', 'entry does not export a plugin (default export of definePlugin({ setup }))', { plugin: c.manifest.name, hook: 'load', file: c.entryFile });
    }
    return def as PluginDefinition;
  }

  private async start(c: PluginCandidate): Promise<void> {
    const name = c.manifest.name;
    const def = await this.importEntry(c);
    const scope = this.opts.root.createChildContainer();
    const staged: Array<[Token<unknown>, unknown]> = [];
    const running: Running = { name, stops: [] };
    const logger = this.opts.logger.child({ plugin: name });
    const ctx: PluginContext = {
      name,
      manifest: Object.freeze({ ...c.manifest }),
      logger,
      config: this.opts.config,
      paths: this.opts.paths,
      events: this.opts.events,
      resolve: (token) => resolveOne(scope, token, `plugin ${name}`),
      resolveAll: (token) => resolveEvery(scope, token),
      provide: (token, value) => {
        const declared = c.manifest.provides ?? [];
        if (!declared.includes(token)) {
          logger.warn(`provides '${token}' but its manifest does not list it in "provides"`, { file: c.manifestFile });
        }
        staged.push([token, value]);
      },
      providePrivate: (token, value) => registerValue(scope, token, value),
      onStop: (fn) => running.stops.push(fn),
    };

    const started = Date.now();
    const slow = setInterval(() => {
      logger.warn(`setup still running after ${Math.round((Date.now() - started) / 1000)} s`);
    }, 2000);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => def.setup(ctx)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new NmkError('PLUGIN_TIMEOUT', `setup did not finish within ${this.opts.setupTimeoutMs} ms`, { plugin: name, hook: 'setup' })),
            this.opts.setupTimeoutMs,
          );
        }),
      ]);
    } catch (err) {
      await this.runStops(running);
      throw err instanceof NmkError ? err : new NmkError('PLUGIN_SETUP', `setup threw: ${(err as Error)?.message ?? String(err)}`, { plugin: name, hook: 'setup' }, { cause: err });
    } finally {
      clearInterval(slow);
      clearTimeout(timer);
    }
    for (const [token, value] of staged) registerValue(this.opts.root, token, value);
    this.running.push(running);
    logger.debug('plugin started', { version: c.manifest.version, ms: Date.now() - started, from: c.dir });
  }

  private async runStops(r: Running): Promise<void> {
    for (const fn of [...r.stops].reverse()) {
      try {
        await Promise.race([fn(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      } catch (err) {
        this.opts.logger.warn('stop hook failed', { plugin: r.name, err });
      }
    }
  }

  /** Stop every plugin, last started first. */
  async stopAll(): Promise<void> {
    while (this.running.length) await this.runStops(this.running.pop()!);
  }
}
