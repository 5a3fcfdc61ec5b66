/**
 * Reads the configuration in NetworkManager's order of precedence, lowest
 * first: the profile (server, desktop, or a packager's own), the main file,
 * then conf.d/*.conf sorted by name. A syntax error is fatal and names the
 * file and line; an unknown key or a bad value is a warning naming the file,
 * line and key, and the key is ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NmkError, type Paths } from '../../sdk/index.js';
import { readKeyFileGroups } from './keyfile-groups.js';
import { MergedConfig, parseBoolean } from './merged-config.js';
import { findKeyRow, type ConfigKeyRow } from './schema.js';

export interface LoadConfigOptions {
  paths: Paths;
  /** A profile name (looked up in the profile folders) or a path to a profile file. */
  profile?: string;
  /** Folders that hold <name>.conf profiles, searched in order. */
  profileDirs: string[];
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

export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  const files: string[] = [];
  if (opts.profile) files.push(findProfile(opts.profile, opts.profileDirs));
  if (fs.existsSync(opts.paths.configFile)) files.push(opts.paths.configFile);
  if (fs.existsSync(opts.paths.configDir)) {
    for (const f of fs.readdirSync(opts.paths.configDir).sort()) {
      if (f.endsWith('.conf')) files.push(path.join(opts.paths.configDir, f));
    }
  }

  const config = new MergedConfig();
  const warnings: NmkError[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err: any) {
      throw new NmkError('CONFIG_SYNTAX', `cannot read config file: ${err.code ?? err.message}`, { file });
    }
    for (const group of readKeyFileGroups(text, file)) {
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

function checkEntry(section: string, rawKey: string, value: string): { code: 'CONFIG_UNKNOWN_KEY' | 'CONFIG_VALUE'; message: string } | undefined {
  const key = rawKey.replace(/[+-]$/, '');
  const { row, sectionKnown } = findKeyRow(section, key);
  if (!row) {
    return {
      code: 'CONFIG_UNKNOWN_KEY',
      message: sectionKnown ? `unknown key '${key}' in section [${section}]; ignored` : `unknown section [${section}]; key '${key}' ignored`,
    };
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
