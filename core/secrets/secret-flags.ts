/**
 * Secrets by their flags, on the D-Bus form agents speak (a{sa{sv}}):
 * which secret belongs to the system and which to an agent, what an agent
 * may return, and the copy of a profile an agent is sent. NetworkManager's
 * rules (nm-agent-manager.c _con_get_request_start_proceed,
 * set_secrets_not_required; nm-settings-connection.c get_cmp_flags,
 * validate_secret_flags; nm-core-internal.h _nm_connection_serialize_secrets).
 *
 * A secret's flags live beside it: the property its settings row names in
 * `secretFlags` ("psk" -> "psk-flags"), or for a VPN secret the data item
 * "<name>-flags". No flags means 0: owned by the system. A secret inside a
 * record (wireguard.peers' preshared-key) counts as system-owned here.
 */
import { settingDefinition, type ConnectionSettings, type PropertyDefinition } from '../../sdk/index.js';
import { settingsToWire, type WireSettings } from '../settings/dbus-form.js';
import { Variant, variant } from '../dbus/values.js';
import { SecretFlags } from './nm-agent-constants.js';

export type { WireSettings };
export type WireSetting = Record<string, Variant>;

const VPN = 'vpn';
const VPN_SECRETS = 'secrets';
const VPN_DATA = 'data';

function row(setting: string, key: string): PropertyDefinition | undefined {
  return settingDefinition(setting)?.properties.find((p) => p.name === key);
}

function isSecret(setting: string, key: string): boolean {
  const r = row(setting, key);
  return Boolean(r?.secret || r?.recordSecrets);
}

function flagsValue(v: unknown): number {
  const n = typeof v === 'string' ? Number.parseInt(v, 10) : typeof v === 'number' ? v : 0;
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** The NMSettingSecretFlags of one secret (`key` is a VPN secret's name when `setting` is vpn). */
export function secretFlags(settings: ConnectionSettings, setting: string, key: string): number {
  const values = settings[setting] ?? {};
  if (setting === VPN) return flagsValue((values[VPN_DATA] as Record<string, string> | undefined)?.[`${key}-flags`]);
  const flagsName = row(setting, key)?.secretFlags;
  return flagsName ? flagsValue(values[flagsName]) : SecretFlags.NONE;
}

/** Owned by the system: neither agent-owned nor not-saved (SERIALIZE_WITH_SECRETS_SYSTEM_OWNED). */
export function isSystemOwned(flags: number): boolean {
  return (flags & (SecretFlags.AGENT_OWNED | SecretFlags.NOT_SAVED)) === 0;
}

function dictOf(v: Variant | undefined): Record<string, string> {
  const value = v?.value;
  if (value instanceof Map) return Object.fromEntries(value) as Record<string, string>;
  return value && typeof value === 'object' ? (value as Record<string, string>) : {};
}

/**
 * Only the secrets of `wire` whose flags (read from `settings`) pass `keep`;
 * anything that is not a secret is dropped, and so are empty settings
 * (NetworkManager's _nm_connection_for_each_secret with remove_non_secrets).
 */
export function filterSecrets(settings: ConnectionSettings, wire: WireSettings, keep: (flags: number) => boolean): WireSettings {
  const out: WireSettings = {};
  for (const [setting, values] of Object.entries(wire ?? {})) {
    const kept: WireSetting = {};
    for (const [key, v] of Object.entries(values ?? {})) {
      if (!isSecret(setting, key)) continue;
      if (setting === VPN && key === VPN_SECRETS) {
        const items = Object.entries(dictOf(v)).filter(([name]) => keep(secretFlags(settings, VPN, name)));
        if (items.length) kept[key] = variant('a{ss}', Object.fromEntries(items));
      } else if (keep(secretFlags(settings, setting, key))) {
        kept[key] = v;
      }
    }
    if (Object.keys(kept).length) out[setting] = kept;
  }
  return out;
}

/** The profile's system-owned secrets, every setting (what NetworkManager calls existing_secrets). */
export function systemSecrets(settings: ConnectionSettings): WireSettings {
  return filterSecrets(settings, settingsToWire(settings, { withSecrets: true, onlySecrets: true }), isSystemOwned);
}

/** Whether a setting's secrets dictionary holds anything (g_variant_n_children; an empty VPN dict is nothing). */
export function holdsSecrets(values: WireSetting | undefined): boolean {
  if (!values) return false;
  return Object.entries(values).some(([key, v]) => !(key === VPN_SECRETS && Object.keys(dictOf(v)).length === 0));
}

/** The names of the secrets a setting's dictionary holds (for logs: names only, never values). */
export function secretNames(setting: string, values: WireSetting | undefined): string[] {
  if (!values) return [];
  return Object.entries(values).flatMap(([key, v]) => (setting === VPN && key === VPN_SECRETS ? Object.keys(dictOf(v)).map((n) => `${key}.${n}`) : [key]));
}

/** `base` with `over`'s secrets on top; a VPN secrets dictionary is merged item by item (nm_connection_update_secrets). */
export function mergeSettingSecrets(setting: string, base: WireSetting | undefined, over: WireSetting | undefined): WireSetting {
  const out: WireSetting = { ...(base ?? {}), ...(over ?? {}) };
  if (setting === VPN && (base?.[VPN_SECRETS] || over?.[VPN_SECRETS])) {
    out[VPN_SECRETS] = variant('a{ss}', { ...dictOf(base?.[VPN_SECRETS]), ...dictOf(over?.[VPN_SECRETS]) });
  }
  return out;
}

/**
 * The profile as one agent is sent it: every non-secret property, plus the
 * requested setting's system secrets when the agent may see them; otherwise
 * each system secret is flagged NOT_REQUIRED so the agent's dialog does not
 * ask for what nmk already has.
 */
export function connectionForAgent(settings: ConnectionSettings, settingName: string, existing: WireSettings, includeSystem: boolean): WireSettings {
  const wire = settingsToWire(settings, { withSecrets: false });
  if (includeSystem) {
    if (existing[settingName] && wire[settingName]) wire[settingName] = mergeSettingSecrets(settingName, wire[settingName], existing[settingName]);
    return wire;
  }
  for (const [setting, values] of Object.entries(existing)) {
    const target = wire[setting];
    if (!target) continue;
    if (setting === VPN) {
      const names = Object.keys(dictOf(values[VPN_SECRETS]));
      if (names.length) {
        const data = { ...dictOf(target[VPN_DATA]) };
        for (const n of names) data[`${n}-flags`] = String(SecretFlags.NOT_REQUIRED);
        target[VPN_DATA] = variant('a{ss}', data);
      }
      continue;
    }
    for (const key of Object.keys(values)) {
      const flagsName = row(setting, key)?.secretFlags;
      if (flagsName) target[flagsName] = variant('u', SecretFlags.NOT_REQUIRED);
    }
  }
  return wire;
}
