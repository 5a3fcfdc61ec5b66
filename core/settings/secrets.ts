/**
 * Secrets across an update, as NetworkManager 1.42 keeps them
 * (nm-settings-connection.c update_auth_cb; nm-connection.c
 * nm_connection_update_secrets; nm-setting.c aggregate/update_one_secret):
 *
 *  - An update that carries no secret at all keeps every stored secret: they
 *    are merged into the new settings. An update that carries any secret
 *    replaces them all (the ones it does not carry are gone).
 *  - The merge is all or nothing: when the new settings lack a setting the
 *    stored profile has, nothing is merged (nm_connection_update_secrets
 *    refuses the whole dictionary).
 *  - Flags do not matter here: the settings plugins write only system-owned
 *    secrets (flags 0), and the store keeps what the files read back, so an
 *    agent-owned or not-saved secret is in neither (NetworkManager's GetSecrets
 *    without a secret agent shows none either).
 *
 * Which property is a secret comes only from the settings tables (`secret`,
 * and `recordSecrets` for records holding secrets), so settings added to the
 * tables need nothing here.
 * Pure: the inputs are never changed.
 */
import {
  recordCodec,
  settingDefinition,
  type ConnectionSettings,
  type DBusValue,
  type PropertyDefinition,
  type SettingValue,
} from '../../sdk/index.js';

/** The rows of a setting that hold secrets, whole or in their records (none for a setting without a table). */
function secretRows(setting: string): readonly PropertyDefinition[] {
  return settingDefinition(setting)?.properties.filter((p) => p.secret || p.recordSecrets) ?? [];
}

function isDict(row: PropertyDefinition, value: SettingValue | undefined): value is Record<string, string> {
  return row.type === 'dict' && value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Whether a secret property holds a value (NetworkManager: "not its default"; an empty dictionary or byte array is none). */
function holdsSecret(row: PropertyDefinition, value: SettingValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (row.recordSecrets) return secretRecords(row, value).some((r) => Object.keys(r.secrets).length > 0);
  if (isDict(row, value)) return Object.keys(value).length > 0;
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length > 0;
  return true;
}

/** Whether any setting of the profile holds a secret (NM_CONNECTION_AGGREGATE_ANY_SECRETS). */
export function hasAnySecret(settings: ConnectionSettings): boolean {
  return Object.entries(settings).some(([setting, values]) => secretRows(setting).some((row) => holdsSecret(row, values[row.name])));
}

/**
 * `target` with the secrets of `from` merged in (nm_connection_update_secrets
 * with a whole profile): a secret replaces the target's value, items of a
 * dictionary of secrets are added to the target's. When `from` has a setting
 * `target` lacks, `target` is returned as it is.
 */
export function mergeSecrets(target: ConnectionSettings, from: ConnectionSettings): ConnectionSettings {
  if (Object.keys(from).some((setting) => !(setting in target))) return target;
  let out = target;
  const put = (setting: string, name: string, value: SettingValue) => {
    if (out === target) out = { ...target };
    out[setting] = { ...out[setting], [name]: value };
  };
  for (const [setting, values] of Object.entries(from)) {
    for (const row of secretRows(setting)) {
      const value = values[row.name];
      if (!holdsSecret(row, value)) continue;
      const current = out[setting]![row.name];
      if (row.recordSecrets) {
        const merged = mergeRecordSecrets(row, current, value!);
        if (merged) put(setting, row.name, merged);
      } else {
        put(setting, row.name, isDict(row, value) ? { ...(isDict(row, current) ? current : {}), ...value } : value!);
      }
    }
  }
  return out;
}

/**
 * The settings an update stores: `incoming` itself when it carries any
 * secret, else `incoming` with the stored profile's secrets kept.
 */
export function keepStoredSecrets(stored: ConnectionSettings, incoming: ConnectionSettings): ConnectionSettings {
  return hasAnySecret(incoming) ? incoming : mergeSecrets(incoming, stored);
}

/*
 * Records that hold secrets of their own (wireguard.peers: each peer's
 * preshared-key), as the row's `recordSecrets` names them: a record is found
 * by its key field, and only its secret fields move. A stored record the
 * update removed is skipped; NetworkManager stops merging there instead
 * (nm-setting-wireguard.c update_one_secret: "non-existing peer"), which
 * would drop every later secret, the private key too.
 */
interface SecretRecord {
  key: unknown;
  /** The record's D-Bus form, fields by name. */
  fields: Record<string, DBusValue>;
  /** Its secret fields that hold a value. */
  secrets: Record<string, DBusValue>;
}

function secretRecords(row: PropertyDefinition, value: SettingValue): SecretRecord[] {
  const codec = recordCodec(row.setting, row.name);
  if (!codec || !Array.isArray(value)) return [];
  const { key, fields } = row.recordSecrets!;
  return (value as unknown[]).flatMap((text) => {
    const r = typeof text === 'string' ? codec.toDBus(text) : undefined;
    if (!r?.ok) return [];
    const secrets = Object.fromEntries(Object.entries(r.value).filter(([name, v]) => fields.includes(name) && v.value !== '' && v.value !== undefined));
    return [{ key: r.value[key]?.value, fields: r.value, secrets }];
  });
}

/** `current` records with the secrets of `from`'s records of the same key; undefined when nothing changes. */
function mergeRecordSecrets(row: PropertyDefinition, current: SettingValue | undefined, from: SettingValue): string[] | undefined {
  const codec = recordCodec(row.setting, row.name);
  if (!codec || current === undefined) return undefined;
  const sources = secretRecords(row, from);
  const records = secretRecords(row, current);
  // A record that does not read is not ours to rewrite: leave the property alone.
  if (!Array.isArray(current) || records.length !== current.length) return undefined;
  let changed = false;
  const texts = records.map((r) => {
    const secrets = sources.find((s) => s.key !== undefined && s.key === r.key)?.secrets ?? {};
    if (Object.keys(secrets).length === 0) return r;
    changed = true;
    return { ...r, fields: { ...r.fields, ...secrets } };
  });
  if (!changed) return undefined;
  const out: string[] = [];
  for (const r of texts) {
    const text = codec.fromDBus(r.fields);
    if (!text.ok) return undefined;
    out.push(text.value);
  }
  return out;
}
