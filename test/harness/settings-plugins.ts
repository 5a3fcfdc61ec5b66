/**
 * Shared by the settings plugins' unit tests (keyfile, ifcfg-rh, ifupdown,
 * ifnet), which each had their own copy: temporary trees standing in for /,
 * the PluginContext a plugin's setup receives, an independent NetworkManager
 * legacy UUID to check the plugins' against, comparison of profiles by
 * meaning, and the check that a broken file gave exactly one error naming it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import {
  connectionDifferences,
  normalizeConnection,
  NmkError,
  type ConfigView,
  type ConnectionSettings,
  type Logger,
  type PluginContext,
  type PluginDefinition,
  type PluginManifest,
  type SettingsSource,
  type SourceLoadResult,
  Tokens,
} from '../../sdk/index.js';

/** A temporary directory holding `files` (paths relative to it, directories made as needed); cleanup() removes it. */
export function tempTree(prefix: string, files: Record<string, string | Uint8Array> = {}): { root: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return { root, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
  isEnabled: () => false,
};

/** The plugin's nmk-plugin.json. */
export function readManifest(pluginDir: string): PluginManifest {
  return JSON.parse(fs.readFileSync(path.join(pluginDir, 'nmk-plugin.json'), 'utf8')) as PluginManifest;
}

/** The manifest the loader expects of settings plugin `name`: kind settings, SDK ^0.1.0, one SettingsSource, an entry that exists. */
export function expectSettingsManifest(pluginDir: string, name: string): void {
  const manifest = readManifest(pluginDir);
  expect(manifest).toMatchObject({ name, kind: 'settings', sdk: '^0.1.0', provides: ['contrib.settings-source'], entry: 'index.ts' });
  expect(fs.existsSync(path.join(pluginDir, manifest.entry!))).toBe(true);
}

export interface PluginContextOptions {
  /** The plugin's folder (its manifest is read from there). */
  pluginDir: string;
  /** The state root: every path of ctx.paths is below it. */
  root: string;
  /** Config values by "section.key" (booleans as 'true'/'false'). */
  config?: Record<string, string>;
  logger?: Logger;
}

/**
 * The context a plugin's setup receives from the loader, over a state root,
 * with what it provides recorded (token id and value, in order). Events and
 * resolve() are not available: a settings plugin's setup needs neither.
 */
export function pluginContext(options: PluginContextOptions): { ctx: PluginContext; provided: Array<[string, unknown]> } {
  const { root, config = {} } = options;
  const provided: Array<[string, unknown]> = [];
  const value = (s: string, k: string): string | undefined => config[`${s}.${k}`];
  const view: ConfigView = {
    get: value,
    getString: (s, k, f) => value(s, k) ?? f,
    getBoolean: (s, k, f) => (value(s, k) === undefined ? f : value(s, k) === 'true'),
    getInteger: (s, k, f) => (value(s, k) === undefined ? f : Number(value(s, k))),
    getList: () => [],
    sections: () => [],
    origin: () => undefined,
  };
  const under = (p: string): string => path.join(root, p);
  const manifest = readManifest(options.pluginDir);
  const ctx: PluginContext = {
    name: manifest.name,
    manifest,
    logger: options.logger ?? silentLogger,
    config: view,
    paths: { root, configFile: under('/etc/nmk/nmk.conf'), configDir: under('/etc/nmk/conf.d'), etcDir: under('/etc/nmk'), runDir: under('/run/nmk'), stateDir: under('/var/lib/nmk'), under },
    events: undefined as never,
    resolve: () => {
      throw new Error('resolve() is not available to a settings plugin under test');
    },
    resolveAll: () => [],
    provide: (token, v) => void provided.push([token, v]),
    providePrivate: () => undefined,
    onStop: () => undefined,
  };
  return { ctx, provided };
}

/** Runs the plugin's setup; it must provide exactly one thing, a SettingsSource, which is returned. */
export async function settingsSourceOf(plugin: PluginDefinition, options: PluginContextOptions): Promise<SettingsSource> {
  const { ctx, provided } = pluginContext(options);
  await plugin.setup(ctx);
  expect(provided.map(([token]) => token)).toEqual([Tokens.SettingsSource]);
  return provided[0]![1] as SettingsSource;
}

/**
 * NetworkManager's NM_UUID_TYPE_LEGACY (MD5 of the text laid out as a UUID),
 * written here apart from the SDK's uuidFromString so tests check one
 * against the other.
 */
export function nmLegacyUuid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function interfaceName(s: ConnectionSettings): string {
  return String(s.connection?.['interface-name']);
}

function isEmpty(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && Object.keys(v).length === 0;
}

/** connectionDifferences, with an empty list or dict the same as none (NetworkManager cannot tell them apart). */
export function meaningDiff(a: ConnectionSettings, b: ConnectionSettings): string[] {
  return connectionDifferences(a, b).filter((d) => {
    const [setting, prop] = d.split('.') as [string, string | undefined];
    return prop === undefined || !(isEmpty(a[setting]?.[prop]) && isEmpty(b[setting]?.[prop]));
  });
}

/**
 * Differences in meaning between a read profile and an expectation written
 * as plain settings (normalised first; a missing UUID is the legacy UUID of the id).
 */
export function differences(actual: ConnectionSettings, expected: ConnectionSettings): string[] {
  const want = structuredClone(expected);
  want.connection!.uuid ??= nmLegacyUuid(String(want.connection!.id));
  return meaningDiff(actual, normalizeConnection(want));
}

export interface ExpectedFileError {
  code: string;
  /** The file the error must name (absolute). */
  file: string;
  /** 0: the file as a whole (no line). */
  line: number;
  /** '': no key. */
  key: string;
  /** Part of the message. */
  contains: string;
}

/** Exactly one NmkError, naming the file, line and key in its origin and at the start of its message. */
export function expectOneFileError(errors: readonly NmkError[], want: ExpectedFileError): void {
  expect(errors.map(String), 'exactly one error').toHaveLength(1);
  const e = errors[0]!;
  expect(e).toBeInstanceOf(NmkError);
  expect(e.code).toBe(want.code);
  expect(e.origin.file).toBe(want.file);
  expect(e.origin.line ?? 0).toBe(want.line);
  expect(e.origin.key ?? '').toBe(want.key);
  expect(e.message).toContain(want.contains);
  // The message names its origin, so whoever logs it names the culprit.
  expect(e.message.startsWith(`${want.file}${want.line ? `:${want.line}` : ''}: `)).toBe(true);
}

/** A folder of a broken-input corpus: case.json says the one error its tree gives and the interfaces that still load. */
export interface BrokenCase {
  /** `file` relative to the case's root (the plugin's default file when absent). */
  error: Omit<ExpectedFileError, 'file'> & { file?: string };
  loads: string[];
}

/**
 * One test per folder of `dir` (each holding root/, a tree standing in for /,
 * and case.json): loading the tree gives exactly the error case.json names,
 * and every interface it lists still loads.
 */
export function itLoadsBrokenCases(dir: string, options: { load: (root: string) => Promise<SourceLoadResult>; defaultFile?: string }): void {
  for (const name of fs.readdirSync(dir).sort()) {
    it(`${name}: one error, the rest loads`, async () => {
      const root = path.join(dir, name, 'root');
      const want = JSON.parse(fs.readFileSync(path.join(dir, name, 'case.json'), 'utf8')) as BrokenCase;
      const file = want.error.file ?? options.defaultFile;
      if (file === undefined) throw new Error(`${name}/case.json names no error file and the test gives no default`);
      const { profiles, errors } = await options.load(root);
      expectOneFileError(errors, { ...want.error, file: path.join(root, file) });
      expect(profiles.map((p) => interfaceName(p.settings)).sort()).toEqual([...want.loads].sort());
    });
  }
}
