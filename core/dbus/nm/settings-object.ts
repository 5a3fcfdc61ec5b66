/**
 * /org/freedesktop/NetworkManager/Settings. The profile store arrives with
 * the settings issue; until then the list is empty and lookups say so.
 */
import os from 'node:os';
import { DBusError } from '../errors.js';
import type { InterfaceDef } from '../rows.js';
import { SETTINGS_IFACE } from './paths.js';

export function settingsInterface(): InterfaceDef {
  return {
    name: SETTINGS_IFACE,
    properties: [
      { name: 'Connections', signature: 'ao', access: 'read', get: () => [] },
      { name: 'Hostname', signature: 's', access: 'read', get: () => os.hostname() },
      { name: 'CanModify', signature: 'b', access: 'read', get: () => false },
    ],
    methods: [
      { name: 'ListConnections', in: [], out: [['connections', 'ao']], handler: () => [] },
      {
        name: 'GetConnectionByUuid',
        in: [['uuid', 's']],
        out: [['connection', 'o']],
        handler: ([uuid]) => {
          throw new DBusError('org.freedesktop.NetworkManager.Settings.InvalidConnection', `no connection with the UUID '${uuid}'`);
        },
      },
    ],
    signals: [
      { name: 'NewConnection', args: [['connection', 'o']] },
      { name: 'ConnectionRemoved', args: [['connection', 'o']] },
    ],
  };
}
