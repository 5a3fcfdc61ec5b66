import type { ConfigView, Paths } from './config.js';
import type { EventBus } from './events.js';
import type { Logger } from './logger.js';
import type { Token } from './token.js';

/** The SDK's own version; a plugin's manifest names the range it was written for. */
export const SDK_VERSION = '0.1.0';

export const PLUGIN_KINDS = ['platform', 'device', 'settings', 'dhcp', 'dns', 'vpn', 'other'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/**
 * The manifest, `nmk-plugin.json` in the plugin's folder. It is read and
 * checked before any plugin code runs.
 */
export interface PluginManifest {
  /** Unique name, lowercase, [a-z0-9-]. */
  name: string;
  kind: PluginKind;
  /** The plugin's own version (semver). */
  version: string;
  /** The SDK versions it was written for, e.g. "^0.1.0". */
  sdk: string;
  description?: string;
  /** Token ids the plugin contributes ("contrib.platform", "contrib.device-kind"). */
  provides?: string[];
  /** Plugins that must be set up before this one. */
  needs?: string[];
  /** Entry file relative to the folder; default index.js, then index.ts. */
  entry?: string;
  /**
   * Loaded unless disabled (default true). Settings plugins load only when
   * named in [main] plugins; a plugin with autoload false loads only when
   * named in [plugins] enable (e.g. the fake platform).
   */
  autoload?: boolean;
}

/** What a plugin's setup receives. Everything it needs from core comes through here. */
export interface PluginContext {
  readonly name: string;
  readonly manifest: Readonly<PluginManifest>;
  readonly logger: Logger;
  readonly config: ConfigView;
  readonly paths: Paths;
  readonly events: EventBus;
  /** A core service or a single contribution; throws naming the token if none is registered. */
  resolve<T>(token: Token<T>): T;
  /** Every contribution under a token, in plugin order. */
  resolveAll<T>(token: Token<T>): T[];
  /** Contribute an implementation of a contract, shared with core and other plugins. */
  provide<T>(token: Token<T>, value: T): void;
  /** Register something private to this plugin (its own scope). */
  providePrivate<T>(token: Token<T>, value: T): void;
  /** Run at shutdown; plugins stop in the reverse of their start order. */
  onStop(fn: () => void | Promise<void>): void;
}

export interface PluginDefinition {
  /** Called once, after the plugins it needs. May be async; a time limit applies. */
  setup(ctx: PluginContext): void | Promise<void>;
}

/** The plugin's entry default-exports what this returns. */
export function definePlugin(definition: PluginDefinition): PluginDefinition {
  return definition;
}
