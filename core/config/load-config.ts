/**
 * Reads the configuration in NetworkManager's order of precedence, lowest
 * first: the profile (server, desktop, or a packager's own), the main file,
 * then conf.d/*.conf sorted by name. A syntax error is fatal and names the
 * file and line; an unknown key or a bad value is a warning naming the file,
 * line and key, and the key is ignored.
 *
 * Files are opened without blocking and must be regular files: a FIFO, a
 * directory or a symbolic link loop never hangs or silently empties the
 * config. The main file (when named with --config, also when missing) and
 * the profile stop start-up with a message naming them; a conf.d entry that
 * cannot be read is a warning naming it, and is skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileReadError, NmkError, readFileLimitedSync, type Paths } from '../../sdk/index.js';
import { readKeyFileGroups } from './keyfile-groups.js';
import { MergedConfig, parseBoolean } from './merged-config.js';
import { appendKind, findKeyRow, isSpecKey, type ConfigKeyRow } from './schema.js';

export interface LoadConfigOptions {
  paths: Paths;
  /** A profile name (looked up in the profile folders) or a path to a profile file. */
  profile?: string;
  /** Folders that hold <name>.conf profiles, searched in order. */
  profileDirs: string[];
  /** The main file was named (--config, NMK_CONFIG): then it must exist. A missing default one is no error. */
  configNamed?: boolean;
}

/** No config file is anywhere near this; the limit only keeps a runaway file from filling memory. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** The file's text; undefined when it does not exist; throws NmkError naming the file when it cannot be read. */
function readConfigText(file: string): string | undefined {
  try {
    return readFileLimitedSync(file, MAX_CONFIG_BYTES)?.toString('utf8');
  } catch (err) {
    const why = err instanceof FileReadError ? err.reason : `cannot read: ${(err as Error)?.message ?? String(err)}`;
    throw new NmkError('CONFIG_VALUE', `cannot read config file: ${why}`, { file }, { cause: err });
  }
}

export interface LoadedConfig {
  config: MergedConfig;
  /** Files read, in order. */
  files: string[];
  /** Problems that did not stop loading (unknown keys, bad values). */
  warnings: NmkError[];
}

export function findProfile(profile: string, dirs: string[]): string {
  if (profile.includes('/') || profile.endsWith('.conf')) {
    if (!fs.existsSync(profile)) throw new NmkError('CONFIG_VALUE', `profile file not found`, { file: profile });
    return profile;
  }
  for (const dir of dirs) {
    const f = path.join(dir, `${profile}.conf`);
    if (fs.existsSync(f)) return f;
  }
  const known = dirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d) : [])).filter((f) => f.endsWith('.conf')).map((f) => f.slice(0, -5));
  throw new NmkError('CONFIG_VALUE', `unknown profile '${profile}' (known: ${[...new Set(known)].join(', ') || 'none'})`);
}

/** conf.d/*.conf by name; the folder may be missing. A folder that cannot be listed is a warning. */
function confDFiles(dir: string, warnings: NmkError[]): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') warnings.push(new NmkError('CONFIG_VALUE', `cannot list the config folder (${code ?? (err as Error).message}); its files are ignored`, { file: dir }));
    return [];
  }
  return names.filter((f) => f.endsWith('.conf')).sort().map((f) => path.join(dir, f));
}

export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  const warnings: NmkError[] = [];
  const texts: Array<{ file: string; text: string }> = [];
  if (opts.profile) {
    const file = findProfile(opts.profile, opts.profileDirs);
    const text = readConfigText(file);
    if (text === undefined) throw new NmkError('CONFIG_VALUE', 'profile file not found', { file });
    texts.push({ file, text });
  }
  const main = readConfigText(opts.paths.configFile);
  if (main !== undefined) texts.push({ file: opts.paths.configFile, text: main });
  else if (opts.configNamed) throw new NmkError('CONFIG_VALUE', 'config file not found', { file: opts.paths.configFile });
  for (const file of confDFiles(opts.paths.configDir, warnings)) {
    try {
      const text = readConfigText(file);
      // Listed a moment ago, gone now, or a dangling symbolic link.
      if (text === undefined) warnings.push(new NmkError('CONFIG_VALUE', 'config file not found (a dangling symbolic link?); skipped', { file }));
      else texts.push({ file, text });
    } catch (err) {
      warnings.push(new NmkError('CONFIG_VALUE', `${(err as NmkError).reason}; skipped`, { file }));
    }
  }

  const files = texts.map((t) => t.file);
  const config = new MergedConfig();
  for (const { file, text } of texts) {
    for (const group of readKeyFileGroups(text, file, (section, key) => isSpecKey(section, baseKey(key)))) {
      config.addGroup(group.name, file);
      for (const entry of group.entries) {
        const problem = checkEntry(group.name, entry.key, entry.value);
        if (problem) {
          warnings.push(new NmkError(problem.code, problem.message, { file, line: entry.line, key: `${group.name}.${entry.key}` }));
          continue;
        }
        config.set(group.name, entry.key, entry.value, `${file}:${entry.line}`);
      }
    }
  }
  warnings.sort((a, b) => files.indexOf(a.origin.file!) - files.indexOf(b.origin.file!) || (a.origin.line ?? 0) - (b.origin.line ?? 0));
  return { config, files, warnings };
}

/** "key+" and "key-" (from "key+=v", "key-=v") name "key". */
const baseKey = (rawKey: string): string => rawKey.replace(/(?<=.)[+-]$/, '');

function checkEntry(section: string, rawKey: string, value: string): { code: 'CONFIG_UNKNOWN_KEY' | 'CONFIG_VALUE'; message: string } | undefined {
  const key = baseKey(rawKey);
  const { row, sectionKnown } = findKeyRow(section, key);
  if (!row) {
    return {
      code: 'CONFIG_UNKNOWN_KEY',
      message: sectionKnown ? `unknown key '${key}' in section [${section}]; ignored` : `unknown section [${section}]; key '${key}' ignored`,
    };
  }
  if (key !== rawKey && !appendKind(section, key)) {
    // NetworkManager drops it without a word (nm-config.c read_config); nmk says so.
    return { code: 'CONFIG_VALUE', message: `'${rawKey}=' in section [${section}] is dropped: NetworkManager takes += and -= only on list keys (device specs, [main] plugins), not on ${key}` };
  }
  const bad = checkValue(row, value);
  return bad ? { code: 'CONFIG_VALUE', message: `invalid value '${value}' for ${key}: ${bad}; ignored` } : undefined;
}

function checkValue(row: ConfigKeyRow, value: string): string | undefined {
  switch (row.type) {
    case 'boolean':
      return parseBoolean(value) === undefined ? 'expected true or false' : undefined;
    case 'integer': {
      if (!/^\s*-?\d+\s*$/.test(value)) return 'expected an integer';
      const n = Number.parseInt(value, 10);
      if (row.min !== undefined && n < row.min) return `must be at least ${row.min}`;
      if (row.max !== undefined && n > row.max) return `must be at most ${row.max}`;
      return undefined;
    }
    case 'enum':
      return row.choices!.includes(value.trim()) ? undefined : `expected one of ${row.choices!.join(', ')}`;
    default:
      return undefined;
  }
}
