/**
 * One profile file, text ↔ settings, with every failure an NmkError naming
 * the file, the line and the key:
 *   CONFIG_SYNTAX  the text is not a key file (bad line, invalid UTF-8, NUL)
 *   CONFIG_VALUE   a value cannot be read, or the profile does not verify
 *                  (the model's verifyConnection, after normalizeConnection)
 */
import path from 'node:path';
import { KeyFileParseError, NmkError, parse, type ConnectionSettings, type KeyFileDocument } from '../../sdk/index.js';
import { idFromFileName } from './file-names.js';
import { groupForSetting, normalizeAndVerify, settingForGroup, type VerifyProblem } from './model.js';
import type { PreservedKeyfile } from './preserved.js';
import { PLUGIN_NAME, ReadContext } from './read-context.js';
import { keyfileToSettings } from './reader.js';
import { uuidFromPath } from './uuid-from-path.js';
import { canStoreSettings, settingsToKeyfile } from './writer.js';
import { specialRow } from './special-properties.js';

export interface ParsedProfile {
  /** Normalised and verified. */
  settings: ConnectionSettings;
  /** Things NetworkManager would also accept with a warning (unknown keys, deprecated forms). */
  warnings: string[];
  /** What the file holds that nmk does not read, for a rewrite; undefined when nothing. */
  preserved?: PreservedKeyfile;
}

/**
 * Reads a profile from the text or bytes of `file`. `uuidSeed` is the path
 * NetworkManager would see for the file (the state root removed): it seeds
 * the UUID of a file that names none. It may be a function, asked only then.
 */
export function parseProfile(input: string | Uint8Array, file: string, uuidSeed: string | (() => string) = file): ParsedProfile {
  let doc: KeyFileDocument;
  try {
    doc = parse(input, file);
  } catch (err) {
    if (err instanceof KeyFileParseError) {
      throw new NmkError('CONFIG_SYNTAX', err.reason, { file, line: err.line || undefined, key: err.key, plugin: PLUGIN_NAME }, { cause: err });
    }
    throw err;
  }
  const ctx = new ReadContext(doc, file);
  const raw = keyfileToSettings(ctx, { id: () => idFromFileName(path.basename(file)), uuid: () => uuidFromPath(typeof uuidSeed === 'string' ? uuidSeed : uuidSeed()) });
  const { settings, problems } = normalizeAndVerify(raw);
  if (problems.length > 0) {
    const where = locate(ctx, problems[0]!);
    throw ctx.error(where.group, where.key, `invalid profile: ${problems.map((p) => p.message).join('; ')}`);
  }
  const preserved = ctx.kept.finish(doc);
  return preserved ? { settings, warnings: ctx.warnings, preserved } : { settings, warnings: ctx.warnings };
}

/**
 * The keyfile text NetworkManager would write for these settings, with what
 * a previous file held that nmk does not read put back (preserved.ts).
 */
export function serializeProfile(settings: ConnectionSettings, preserved?: PreservedKeyfile): string {
  return settingsToKeyfile(settings, preserved).serialize();
}

/** Whether every property of the profile has a keyfile form. */
export function canStore(settings: ConnectionSettings): boolean {
  return canStoreSettings(settings);
}

/** Keys that hold a property in the file, by property (for properties not stored under their own name). */
const KEYS_OF: Record<string, (key: string) => boolean> = {
  'address-data': (k) => /^addresses?[0-9]*$/.test(k),
  'route-data': (k) => /^routes?[0-9]*$/.test(k),
  gateway: (k) => k === 'gateway' || /^addresses?[0-9]*$/.test(k),
  'routing-rules': (k) => /^routing-rule[0-9]*$/.test(k),
};

/**
 * The group and key a verification problem is about, so its message can
 * name the line: the property's own key, the first key that holds it, or a
 * dictionary key (bond option, VPN data item) quoted in the message.
 */
function locate(ctx: ReadContext, problem: VerifyProblem): { group: string; key?: string } {
  const def = problem.setting ? settingForGroup(problem.setting) : undefined;
  if (!def) return { group: ctx.doc.groupNames()[0] ?? 'connection' };
  const group = [groupForSetting(def), def.name].find((g) => ctx.doc.hasGroup(g)) ?? groupForSetting(def);
  const property = problem.property;
  if (!property) return { group };
  const keys = ctx.doc.keys(group);
  if (keys.includes(property)) return { group, key: property };
  const row = specialRow(def.name, property);
  const dictionaryKeys = row?.ownsKey ? keys.filter((k) => row.ownsKey!(k)) : [];
  const mentioned = dictionaryKeys.find((k) => new RegExp(`['"\\s]${escapeRegExp(k)}['"\\s=:]`).test(` ${problem.message} `));
  if (mentioned) return { group, key: mentioned };
  const holder = keys.find((k) => KEYS_OF[property]?.(k) ?? false) ?? dictionaryKeys[0];
  // A property the file does not hold (a missing connection.type) is named anyway, on its group's line.
  return { group, key: holder ?? property };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
