/**
 * /org/freedesktop/NetworkManager/Settings: the profile list and the calls
 * that add, load and reload profiles. Mutations are root's only.
 */
import os from 'node:os';
import type { ConnectionSettings, WriteOptions } from '../../../sdk/index.js';
import type { SecretAgents } from '../../secrets/secret-agents.js';
import { settingsFromWire } from '../../settings/dbus-form.js';
import type { SettingsStore } from '../../settings/settings-store.js';
import { DBusError } from '../errors.js';
import type { InterfaceDef } from '../rows.js';
import { requirePrivileged } from './auth.js';
import { SETTINGS_IFACE } from './paths.js';
import { add2Persist, pluginArgument } from './settings-args.js';

export function settingsInterface(store: SettingsStore, agents?: SecretAgents): InterfaceDef {
  /** A new profile's agent-owned secrets go to the caller's agents (NetworkManager's send_agent_owned_secrets; not awaited). */
  const add = async (settings: ConnectionSettings, options: WriteOptions, caller: { uid: number }, plugin?: string) => {
    const p = await store.add(settings, options, plugin);
    agents?.saveSecrets({ path: p.path, id: p.id, settings }, { uid: caller.uid }).catch(() => undefined);
    return p;
  };
  const paths = () => [...store.profiles()].map((p) => p.path);
  return {
    name: SETTINGS_IFACE,
    properties: [
      { name: 'Connections', signature: 'ao', access: 'read', get: paths },
      { name: 'Hostname', signature: 's', access: 'read', get: () => os.hostname() },
      { name: 'CanModify', signature: 'b', access: 'read', get: () => true },
    ],
    methods: [
      { name: 'ListConnections', in: [], out: [['connections', 'ao']], handler: paths },
      {
        name: 'GetConnectionByUuid',
        in: [['uuid', 's']],
        out: [['connection', 'o']],
        handler: ([uuid]) => {
          const p = store.get(String(uuid));
          if (!p) throw new DBusError('org.freedesktop.NetworkManager.Settings.InvalidConnection', `no connection with the UUID '${uuid}'`);
          return p.path;
        },
      },
      {
        name: 'AddConnection',
        in: [['connection', 'a{sa{sv}}']],
        out: [['path', 'o']],
        handler: async ([c], caller) => {
          requirePrivileged(caller, 'add a connection');
          return (await add(settingsFromWire(c), { persist: 'disk' }, caller)).path;
        },
      },
      {
        name: 'AddConnectionUnsaved',
        in: [['connection', 'a{sa{sv}}']],
        out: [['path', 'o']],
        handler: async ([c], caller) => {
          requirePrivileged(caller, 'add a connection');
          return (await add(settingsFromWire(c), { persist: 'memory' }, caller)).path;
        },
      },
      {
        name: 'AddConnection2',
        in: [['settings', 'a{sa{sv}}'], ['flags', 'u'], ['args', 'a{sv}']],
        out: [['path', 'o'], ['result', 'a{sv}']],
        handler: async ([c, flags, args], caller) => {
          // Flags and arguments first, as NetworkManager checks them before anything else.
          const persist = add2Persist(Number(flags));
          const plugin = pluginArgument(args);
          requirePrivileged(caller, 'add a connection');
          const p = await add(settingsFromWire(c), { persist }, caller, plugin);
          return [p.path, {}];
        },
      },
      {
        name: 'LoadConnections',
        in: [['filenames', 'as']],
        out: [['status', 'b'], ['failures', 'as']],
        handler: async ([files], caller) => {
          requirePrivileged(caller, 'load connections');
          const r = await store.loadFiles((files as string[]).map(String));
          return [r.ok, r.failures];
        },
      },
      {
        name: 'ReloadConnections',
        in: [],
        out: [['status', 'b']],
        handler: async (_a, caller) => {
          requirePrivileged(caller, 'reload connections');
          await store.loadAll();
          return true;
        },
      },
    ],
    signals: [
      { name: 'NewConnection', args: [['connection', 'o']] },
      { name: 'ConnectionRemoved', args: [['connection', 'o']] },
    ],
  };
}
