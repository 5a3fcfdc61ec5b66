/**
 * Settings → keyfile document, the way NetworkManager 1.42 writes it
 * (nm_keyfile_write): settings in NetworkManager's order, each under its
 * keyfile alias ([ethernet], [wifi], [wifi-security]); properties sorted by
 * name; a property holding its default is left out (except the few
 * NetworkManager always writes); a secret whose flags say "agent-owned" or
 * "not saved" is left out; a setting with nothing to write is an empty group.
 * What the file held that nmk does not read (`preserved`, from the reader)
 * goes back in its place (preserved.ts).
 */
import { KeyFileDocument, valuesEqual, type ConnectionSettings, type SettingValue } from '../../sdk/index.js';
import { hasGenericForm, writeGeneric } from './generic-values.js';
import { groupForSetting, settingForGroup, type PropertyDefinition } from './model.js';
import { restoreKeptGroups, writeKeptKey, type PreservedKeyfile } from './preserved.js';
import { compareProperties, compareSettings } from './setting-order.js';
import { secretFlagsOf, specialRow } from './special-properties.js';
import { WriteContext } from './write-context.js';

export function settingsToKeyfile(settings: ConnectionSettings, preserved?: PreservedKeyfile): KeyFileDocument {
  const doc = new KeyFileDocument();
  const w = new WriteContext(doc, settings);
  for (const setting of Object.keys(settings).sort(compareSettings)) {
    const def = settingForGroup(setting);
    if (!def || def.name !== setting) throw w.error(setting, '*', `unknown setting '${setting}'`);
    const group = groupForSetting(def);
    const values = settings[setting]!;
    const sortName = (name: string) => specialRow(setting, name)?.sortName ?? name;
    // Properties NetworkManager always writes are written from their default when absent
    // (an absent ipv6.addr-gen-mode is "default", but a missing key would read as "default-or-eui64").
    const always = def.properties.filter((p) => specialRow(setting, p.name)?.persistDefault && p.default !== undefined).map((p) => p.name);
    const names = [...new Set([...Object.keys(values), ...always])].sort((a, b) => compareProperties(setting, sortName(a), sortName(b)));
    // Kept keys are merged in by name, where a newer NetworkManager writes them.
    const kept = preserved?.keysOf(setting) ?? [];
    let k = 0;
    for (const name of names) {
      const prop = def.properties.find((p) => p.name === name);
      if (!prop) throw w.error(setting, name, `unknown property '${setting}.${name}'`);
      for (; k < kept.length && compareProperties(setting, kept[k]!.key, sortName(name)) < 0; k++) writeKeptKey(doc, group, kept[k]!);
      writeProperty(w, group, prop, values[name] ?? prop.default!, values);
    }
    for (; k < kept.length; k++) writeKeptKey(doc, group, kept[k]!);
    if (!doc.hasGroup(group)) doc.addGroup(group);
  }
  if (preserved) restoreKeptGroups(doc, preserved);
  return doc;
}

function writeProperty(w: WriteContext, group: string, prop: PropertyDefinition, value: SettingValue, values: Record<string, SettingValue>): void {
  const row = specialRow(prop.setting, prop.name);
  if (row?.skip || value === undefined || value === null) return;
  if (!row?.persistDefault && isDefault(prop, value)) return;
  if (prop.secret && secretFlagsOf(values, prop) !== 0) return;
  if (row?.write) return row.write(w, group, value, prop);
  if (!hasGenericForm(prop)) {
    if (isEmpty(value)) return;
    throw w.error(prop.setting, prop.name, `nmk cannot store ${prop.type} properties in keyfiles yet`);
  }
  writeGeneric(w, group, prop.name, value, prop);
}

/** Whether a value is the property's default (and so is not written). */
export function isDefault(prop: PropertyDefinition, value: SettingValue): boolean {
  return prop.default !== undefined && valuesEqual(prop.default, value);
}

/** Whether every present property of a profile has a keyfile form. */
export function canStoreSettings(settings: ConnectionSettings): boolean {
  for (const [setting, values] of Object.entries(settings)) {
    const def = settingForGroup(setting);
    if (!def || def.name !== setting) return false;
    for (const [name, value] of Object.entries(values)) {
      const prop = def.properties.find((p) => p.name === name);
      if (!prop) return false;
      const row = specialRow(setting, name);
      if (row?.skip || row?.write || hasGenericForm(prop)) continue;
      if (!isDefault(prop, value) && !isEmpty(value)) return false;
    }
  }
  return true;
}

function isEmpty(value: SettingValue): boolean {
  if (Array.isArray(value) || value instanceof Uint8Array) return value.length === 0;
  if (value && typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}
