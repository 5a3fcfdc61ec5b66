/**
 * One profile's object, /org/freedesktop/NetworkManager/Settings/N:
 * org.freedesktop.NetworkManager.Settings.Connection. GetSettings never
 * carries secrets; GetSecrets gives them to root only. The D-Bus form of a
 * profile is computed once per change (keyed on its version), not per call.
 */
import { NmkError, type ConnectionSettings } from '../../../sdk/index.js';
import type { Profile } from '../../settings/profile.js';
import { isGenerated, type SettingsStore } from '../../settings/settings-store.js';
import { settingsFromWire, settingsToWire, type WireSettings } from '../../settings/dbus-form.js';
import type { InterfaceDef } from '../rows.js';
import { requirePrivileged } from './auth.js';
import { pluginArgument, update2Persist } from './settings-args.js';
import { GetSecretsFlags } from '../../secrets/nm-agent-constants.js';
import type { SecretAgents } from '../../secrets/secret-agents.js';
import type { TimestampView } from '../../settings/timestamps.js';
import { variant } from '../values.js';

export const CONNECTION_IFACE = 'org.freedesktop.NetworkManager.Settings.Connection';

/** NMSettingsConnectionFlags. */
const FLAG_UNSAVED = 0x01;
/** NM_GENERATED | VOLATILE | EXTERNAL: a profile made up to describe a device another tool configured. */
const FLAGS_EXTERNAL = 0x02 | 0x04 | 0x08;

/** The cached public (secret-free) D-Bus form of each profile. */
const cache = new WeakMap<Profile, { version: number; wire: WireSettings }>();

export function publicSettings(p: Profile, timestamps?: TimestampView): WireSettings {
  const c = cache.get(p);
  const wire = c && c.version === p.version ? c.wire : settingsToWire(p.settings, { withSecrets: false });
  if (wire !== c?.wire) cache.set(p, { version: p.version, wire });
  // As NetworkManager's GetSettings: the kept activation time replaces the profile's own (nm-settings-connection.c).
  const t = timestamps?.get(p.uuid);
  return t ? { ...wire, connection: { ...wire.connection, timestamp: variant('t', BigInt(t)) } } : wire;
}

/**
 * The Settings.Connection interface, built once and shared by every
 * profile's object: the profile is each object's target.
 */
export function connectionInterface(store: SettingsStore, agents?: SecretAgents, timestamps?: TimestampView): InterfaceDef<Profile> {
  /** After an update, the caller's agents keep its agent-owned secrets (NetworkManager sends SaveSecrets; no reply is awaited). */
  const update = async (p: Profile, settings: ConnectionSettings, persist: Parameters<SettingsStore['update']>[2], caller: { uid: number }, plugin?: string) => {
    await store.update(p, settings, persist, plugin);
    agents?.saveSecrets({ path: p.path, id: p.id, settings }, { uid: caller.uid }).catch(() => undefined);
  };
  return {
    name: CONNECTION_IFACE,
    properties: [
      { name: 'Unsaved', signature: 'b', access: 'read', get: (p) => Boolean(p.stored.runtime) },
      { name: 'Flags', signature: 'u', access: 'read', get: (p) => (p.stored.runtime ? FLAG_UNSAVED : 0) | (isGenerated(p) ? FLAGS_EXTERNAL : 0) },
      { name: 'Filename', signature: 's', access: 'read', get: (p) => p.stored.file },
    ],
    methods: [
      { name: 'GetSettings', in: [], out: [['settings', 'a{sa{sv}}']], handler: (_a, _caller, p) => publicSettings(p, timestamps) },
      {
        name: 'GetSecrets',
        in: [['setting_name', 's']],
        out: [['secrets', 'a{sa{sv}}']],
        handler: ([setting], caller, p) => {
          requirePrivileged(caller, `read the secrets of '${p.id}'`);
          // NetworkManager answers only for a setting the profile has (an empty name is none).
          if (!setting || p.settings[setting] === undefined) {
            throw new NmkError('SETTING_NOT_FOUND', `Connection didn't have requested setting '${setting}'.`);
          }
          // As NetworkManager's GetSecrets, the caller's own secret agents are asked too (nm-settings-connection.c
          // dbus_get_secrets_auth_cb); without any, the stored secrets answer alone.
          if (agents?.registry.all().some((a) => a.uid === caller.uid)) {
            return agents.getSecrets({ profile: p, settingName: setting, flags: GetSecretsFlags.USER_REQUESTED | GetSecretsFlags.NO_ERRORS, subject: { uid: caller.uid } });
          }
          const all = settingsToWire(p.settings, { withSecrets: true, onlySecrets: true });
          return all[setting] ? { [setting]: all[setting] } : {};
        },
      },
      {
        name: 'Update',
        in: [['properties', 'a{sa{sv}}']],
        out: [],
        handler: async ([props], caller, p) => {
          requirePrivileged(caller, `modify '${p.id}'`);
          await update(p, settingsFromWire(props), 'disk', caller);
        },
      },
      {
        name: 'UpdateUnsaved',
        in: [['properties', 'a{sa{sv}}']],
        out: [],
        handler: async ([props], caller, p) => {
          requirePrivileged(caller, `modify '${p.id}'`);
          await update(p, settingsFromWire(props), 'memory', caller);
        },
      },
      {
        name: 'Update2',
        in: [['settings', 'a{sa{sv}}'], ['flags', 'u'], ['args', 'a{sv}']],
        out: [['result', 'a{sv}']],
        handler: async ([props, flags, args], caller, p) => {
          // Flags and arguments first, as NetworkManager checks them before anything else.
          const persist = update2Persist(Number(flags));
          const plugin = pluginArgument(args);
          requirePrivileged(caller, `modify '${p.id}'`);
          // An empty settings dict means "keep the settings, change only where they are stored".
          const next = props && Object.keys(props).length ? settingsFromWire(props) : p.settings;
          await update(p, next, persist, caller, plugin);
          return {};
        },
      },
      {
        name: 'Save',
        in: [],
        out: [],
        handler: async (_a, caller, p) => {
          requirePrivileged(caller, `save '${p.id}'`);
          await store.update(p, p.settings, 'disk');
        },
      },
      {
        name: 'Delete',
        in: [],
        out: [],
        handler: async (_a, caller, p) => {
          requirePrivileged(caller, `delete '${p.id}'`);
          await store.delete(p);
        },
      },
      {
        name: 'ClearSecrets',
        in: [],
        out: [],
        handler: (_a, caller, p) => {
          requirePrivileged(caller, `clear the secrets of '${p.id}'`);
          throw new NmkError('INVALID_ARGUMENT', 'clearing secrets is not supported by this version of nmk');
        },
      },
    ],
    signals: [
      { name: 'Updated', args: [] },
      { name: 'Removed', args: [] },
    ],
  };
}
