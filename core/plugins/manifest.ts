/**
 * Reading and checking a plugin's manifest (nmk-plugin.json) before any of its
 * code runs: fields and their types as rows, the SDK range it was written for,
 * and an entry file that exists.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { NmkError, PLUGIN_KINDS, SDK_VERSION, type PluginManifest } from '../../sdk/index.js';

export const MANIFEST_FILE = 'nmk-plugin.json';

interface FieldRow {
  field: keyof PluginManifest | 'autoload';
  required: boolean;
  check: (v: unknown) => string | undefined;
}

const isString = (v: unknown) => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty string');
const isStringArray = (v: unknown) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0) ? undefined : 'must be an array of strings';

/**
 * semver, loaded on the first third-party plugin: it is 47 modules whose
 * regular expressions cost the daemon about 1.5 MB of resident memory
 * (bench/memory-idle.ts), and built-in plugins ship in the same build as the
 * SDK, so their version and range are checked by a unit test
 * (test/unit/builtin-manifests.test.ts) instead of at every start.
 */
let semverModule: typeof import('semver') | undefined;
function semver(): typeof import('semver') {
  semverModule ??= createRequire(import.meta.url)('semver') as typeof import('semver');
  return semverModule;
}

/** The checks that need semver: skipped for built-in plugins (see semver()). */
const SEMVER_FIELDS = new Set(['version', 'sdk']);

const FIELDS: readonly FieldRow[] = [
  { field: 'name', required: true, check: (v) => isString(v) ?? (/^[a-z0-9][a-z0-9-]*$/.test(v as string) ? undefined : 'must match [a-z0-9-]+') },
  { field: 'kind', required: true, check: (v) => ((PLUGIN_KINDS as readonly unknown[]).includes(v) ? undefined : `must be one of ${PLUGIN_KINDS.join(', ')}`) },
  { field: 'version', required: true, check: (v) => isString(v) ?? (semver().valid(v as string) ? undefined : 'must be a semver version') },
  { field: 'sdk', required: true, check: (v) => isString(v) ?? (semver().validRange(v as string) ? undefined : 'must be a semver range') },
  { field: 'description', required: false, check: isString },
  { field: 'provides', required: false, check: isStringArray },
  { field: 'needs', required: false, check: isStringArray },
  { field: 'entry', required: false, check: isString },
  { field: 'autoload', required: false, check: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false') },
];

export interface PluginCandidate {
  manifest: PluginManifest & { autoload?: boolean };
  dir: string;
  manifestFile: string;
  entryFile: string;
  builtin: boolean;
}

/** Read one plugin folder. Throws an NmkError naming the manifest file on any problem. */
export function readPlugin(dir: string, builtin: boolean): PluginCandidate {
  const manifestFile = path.join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch (err: any) {
    throw new NmkError('PLUGIN_MANIFEST', `unreadable manifest: ${err.message}`, { file: manifestFile });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new NmkError('PLUGIN_MANIFEST', 'manifest must be a JSON object', { file: manifestFile });
  }
  const m = raw as Record<string, unknown>;
  for (const row of FIELDS) {
    const v = m[row.field];
    if (v === undefined) {
      if (row.required) throw new NmkError('PLUGIN_MANIFEST', `missing field '${row.field}'`, { file: manifestFile });
      continue;
    }
    const problem = builtin && SEMVER_FIELDS.has(row.field) ? isString(v) : row.check(v);
    if (problem) throw new NmkError('PLUGIN_MANIFEST', `field '${row.field}' ${problem}`, { file: manifestFile });
  }
  const known = new Set(FIELDS.map((r) => r.field as string));
  const unknown = Object.keys(m).filter((k) => !known.has(k));
  if (unknown.length) throw new NmkError('PLUGIN_MANIFEST', `unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}`, { file: manifestFile });

  const manifest = m as unknown as PluginCandidate['manifest'];
  if (!builtin && !sdkSatisfies(manifest.sdk)) {
    throw new NmkError('PLUGIN_MANIFEST', `plugin ${manifest.name} was written for SDK ${manifest.sdk}; this nmk provides SDK ${SDK_VERSION}`, { file: manifestFile });
  }
  return { manifest, dir, manifestFile, entryFile: findEntry(dir, manifest, manifestFile), builtin };
}

/** Whether this nmk's SDK is in a plugin's range (prereleases count, as an SDK in development does). */
export function sdkSatisfies(range: string): boolean {
  return semver().satisfies(SDK_VERSION, range, { includePrerelease: true });
}

const DEFAULT_ENTRIES = ['index.js', 'index.mjs', 'index.ts', 'index.mts'];

function findEntry(dir: string, m: PluginManifest, manifestFile: string): string {
  const names = m.entry ? [m.entry] : DEFAULT_ENTRIES;
  for (const n of names) {
    const f = path.resolve(dir, n);
    if (!f.startsWith(path.resolve(dir) + path.sep)) {
      throw new NmkError('PLUGIN_MANIFEST', `entry '${n}' points outside the plugin folder`, { file: manifestFile });
    }
    if (fs.existsSync(f)) return f;
  }
  throw new NmkError('PLUGIN_MANIFEST', `entry file not found (looked for ${names.join(', ')})`, { file: manifestFile });
}

/** Every plugin folder in the given roots (a root may itself be a plugin folder). */
export function discoverPlugins(roots: Array<{ dir: string; builtin: boolean }>): { found: PluginCandidate[]; errors: NmkError[] } {
  const found: PluginCandidate[] = [];
  const errors: NmkError[] = [];
  const seen = new Map<string, PluginCandidate>();
  for (const root of roots) {
    if (!fs.existsSync(root.dir)) {
      errors.push(new NmkError('PLUGIN_NOT_FOUND', 'plugin folder does not exist', { file: root.dir }));
      continue;
    }
    const dirs = fs.existsSync(path.join(root.dir, MANIFEST_FILE))
      ? [root.dir]
      : fs.readdirSync(root.dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(root.dir, d.name)).sort();
    for (const dir of dirs) {
      if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) continue;
      try {
        const c = readPlugin(dir, root.builtin);
        const prior = seen.get(c.manifest.name);
        if (prior) {
          errors.push(new NmkError('PLUGIN_MANIFEST', `a plugin named ${c.manifest.name} is already loaded from ${prior.dir}; this one is ignored`, { file: c.manifestFile }));
          continue;
        }
        seen.set(c.manifest.name, c);
        found.push(c);
      } catch (err) {
        errors.push(err as NmkError);
      }
    }
  }
  return { found, errors };
}
