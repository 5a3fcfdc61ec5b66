/**
 * Keyfile document → settings, by NetworkManager's reading rules
 * (nm_keyfile_read): each group is a setting ("[ethernet]" or
 * "[802-3-ethernet]"), each property is read by its row in
 * special-properties.ts or by its type (generic-values.ts).
 *
 * What NetworkManager only warns about and drops, nmk refuses when the
 * value is wrong (an invalid address, prefix, MAC, integer or boolean is an
 * error naming file, line and key) and warns about when it is merely unknown
 * (a setting or key nmk does not know, as a newer NetworkManager may write).
 * What it skips ([.nmmeta], unknown settings and keys) it keeps in
 * ctx.kept, so a rewrite puts it back unchanged (preserved.ts).
 */
import type { ConnectionSettings, SettingValues } from '../../sdk/index.js';
import { hasGenericForm, readGeneric } from './generic-values.js';
import { groupForSetting, settingForGroup, type PropertyDefinition } from './model.js';
import type { ReadContext } from './read-context.js';
import { specialRow, VPN_SECRETS_GROUP, type SpecialRow } from './special-properties.js';
import { auxiliaryGroupOwner } from './link-rows.js';

/** NetworkManager's own bookkeeping group in keyfiles (nm-generated, volatile...). */
const NMMETA_GROUP = '.nmmeta';

/** Computed only when the file lacks the value. */
export interface Fallbacks {
  /** connection.id when the file has none: the file name without ".nmconnection". */
  id(): string;
  /** connection.uuid when the file has none: derived from the file's path. */
  uuid(): string;
}

export function keyfileToSettings(ctx: ReadContext, fallbacks: Fallbacks): ConnectionSettings {
  const settings: ConnectionSettings = {};
  const groupOf = new Map<string, string>();
  for (const group of ctx.doc.groupNames()) {
    if (group === NMMETA_GROUP) {
      ctx.kept.keepGroup(ctx.doc.getGroup(group)!);
      continue;
    }
    if (group === VPN_SECRETS_GROUP) {
      if (ctx.doc.hasGroup('vpn')) ctx.kept.writtenGroup(group);
      else {
        ctx.warnings.push(`${ctx.file}:${ctx.lineOf(group) ?? 0}: [${group}] without a [vpn] group not read; kept as is`);
        ctx.kept.keepGroup(ctx.doc.getGroup(group)!);
      }
      continue;
    }
    const owners = auxiliaryGroupOwner(group);
    if (owners) {
      // [wireguard-peer.*] and [ethernet-s390-options] are read with their setting's group.
      if (owners.some((g) => ctx.doc.hasGroup(g))) ctx.kept.writtenGroup(group);
      else {
        ctx.warnings.push(`${ctx.file}:${ctx.lineOf(group) ?? 0}: [${group}] without a [${owners[0]}] group not read; kept as is`);
        ctx.kept.keepGroup(ctx.doc.getGroup(group)!);
      }
      continue;
    }
    const def = settingForGroup(group);
    if (!def) {
      ctx.warnings.push(`${ctx.file}:${ctx.lineOf(group) ?? 0}: unknown setting [${group}] not read; kept as is`);
      ctx.kept.keepGroup(ctx.doc.getGroup(group)!);
      continue;
    }
    const earlier = groupOf.get(def.name);
    if (earlier !== undefined) ctx.warnings.push(`${ctx.file}:${ctx.lineOf(group) ?? 0}: [${group}] repeats setting ${def.name} of [${earlier}]; the later one is used`);
    groupOf.set(def.name, group);
    ctx.kept.settingGroup(def.name, groupForSetting(def));
    settings[def.name] = readSetting(ctx, group, def.name);
  }
  for (const { group, key, reason } of ctx.kept.unkeepable) ctx.warn(group, key, `cannot be kept for a rewrite: ${reason}`);
  const connection = (settings.connection ??= {});
  if (typeof connection.id !== 'string' || connection.id === '') connection.id = fallbacks.id();
  if (typeof connection.uuid !== 'string' || connection.uuid === '') connection.uuid = fallbacks.uuid();
  return settings;
}

/** How one setting is read, worked out once per setting from its table and the special rows. */
interface ReadPlan {
  /** Rows with their own reader, called for every group of the setting. */
  readers: Array<{ prop: PropertyDefinition; read: NonNullable<SpecialRow['read']> }>;
  /** Properties read by type from the key of their own name. */
  generic: Map<string, PropertyDefinition>;
  /** Keys that belong to the setting without being read here (skipped properties, keys special rows own). */
  known: Set<string>;
  owners: Array<(key: string) => boolean>;
}

const PLANS = new Map<string, ReadPlan>();

function planFor(setting: string): ReadPlan {
  let plan = PLANS.get(setting);
  if (plan) return plan;
  plan = { readers: [], generic: new Map(), known: new Set(), owners: [] };
  for (const prop of settingForGroup(setting)!.properties) {
    const row = specialRow(setting, prop.name);
    if (row?.ownsKey) plan.owners.push(row.ownsKey);
    if (row?.skip) plan.known.add(prop.name);
    else if (row?.read) {
      plan.known.add(prop.name);
      plan.readers.push({ prop, read: row.read });
    } else plan.generic.set(prop.name, prop);
  }
  PLANS.set(setting, plan);
  return plan;
}

function readSetting(ctx: ReadContext, group: string, setting: string): SettingValues {
  const plan = planFor(setting);
  const values: SettingValues = {};
  // Keys in file order: only what the file holds is looked at.
  for (const key of ctx.keys(group)) {
    const prop = plan.generic.get(key);
    if (prop) {
      if (hasGenericForm(prop)) values[prop.name] = readGeneric(ctx, group, key, prop);
      else {
        ctx.warn(group, key, `nmk cannot read ${prop.type} properties from keyfiles yet; kept as is`);
        ctx.kept.keepKey(setting, group, ctx.doc.getEntry(group, key)!);
      }
    } else if (!plan.known.has(key) && !plan.owners.some((owns) => owns(key))) {
      ctx.warn(group, key, `unknown property of ${setting} not read; kept as is`);
      ctx.kept.keepKey(setting, group, ctx.doc.getEntry(group, key)!);
    }
  }
  for (const { prop, read } of plan.readers) read(ctx, group, prop, values);
  return values;
}
