/**
 * The root object, /org/freedesktop/NetworkManager: the manager's properties
 * and the methods this version of nmk implements, as rows. Radio switches
 * report no hardware; there are no active connections yet.
 */
import { NMConnectivity, NMDeviceState, NMState, type ConfigView, type DeviceView, type Logger, type LogLevel } from '../../../sdk/index.js';
import { DBusError } from '../errors.js';
import type { InterfaceDef, PropertyRow } from '../rows.js';
import { permissionsFor, requirePrivileged } from './auth.js';
import { encodeVersion, NM_IFACE, NO_OBJECT } from './paths.js';

export interface ManagerBackend {
  version: string;
  devices(): Iterable<DeviceView>;
  deviceByName(name: string): DeviceView | undefined;
  config: ConfigView;
  logger: Logger;
  setLogLevel(level: LogLevel): void;
  logLevel(): string;
  reload(): Promise<void>;
}

const ro = (name: string, signature: string, get: () => unknown): PropertyRow => ({ name, signature, access: 'read', get });

/** NMState from the devices: connected when one is activated, connecting while one activates. */
export function managerState(devices: Iterable<DeviceView>): number {
  let state: number = NMState.DISCONNECTED;
  for (const d of devices) {
    if (d.state === NMDeviceState.ACTIVATED) return NMState.CONNECTED_GLOBAL;
    if (d.state >= NMDeviceState.PREPARE && d.state < NMDeviceState.ACTIVATED) state = NMState.CONNECTING;
  }
  return state;
}

const LOG_LEVELS: Record<string, LogLevel> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERR: 'error', OFF: 'error' };

export function managerInterface(b: ManagerBackend): InterfaceDef {
  const paths = () => [...b.devices()].map((d) => d.path);
  const radio = { WirelessEnabled: false, WwanEnabled: false, WimaxEnabled: false, ConnectivityCheckEnabled: false };
  const radioRow = (name: keyof typeof radio): PropertyRow => ({
    name,
    signature: 'b',
    access: 'readwrite',
    get: () => radio[name],
    set: (v, caller) => {
      requirePrivileged(caller, `change ${name}`);
      radio[name] = Boolean(v);
    },
  });
  return {
    name: NM_IFACE,
    properties: [
      ro('Devices', 'ao', paths),
      ro('AllDevices', 'ao', paths),
      ro('Checkpoints', 'ao', () => []),
      ro('NetworkingEnabled', 'b', () => true),
      radioRow('WirelessEnabled'),
      ro('WirelessHardwareEnabled', 'b', () => false),
      radioRow('WwanEnabled'),
      ro('WwanHardwareEnabled', 'b', () => false),
      radioRow('WimaxEnabled'),
      ro('WimaxHardwareEnabled', 'b', () => false),
      ro('RadioFlags', 'u', () => 0),
      ro('ActiveConnections', 'ao', () => []),
      ro('PrimaryConnection', 'o', () => NO_OBJECT),
      ro('PrimaryConnectionType', 's', () => ''),
      ro('Metered', 'u', () => 0),
      ro('ActivatingConnection', 'o', () => NO_OBJECT),
      ro('Startup', 'b', () => false),
      ro('Version', 's', () => b.version),
      ro('VersionInfo', 'au', () => [encodeVersion(b.version)]),
      ro('Capabilities', 'au', () => []),
      ro('State', 'u', () => managerState(b.devices())),
      ro('Connectivity', 'u', () => NMConnectivity.UNKNOWN),
      ro('ConnectivityCheckAvailable', 'b', () => false),
      radioRow('ConnectivityCheckEnabled'),
      ro('ConnectivityCheckUri', 's', () => b.config.getString('connectivity', 'uri', '')),
      {
        name: 'GlobalDnsConfiguration',
        signature: 'a{sv}',
        access: 'readwrite',
        get: () => ({}),
        set: (_v, caller) => {
          requirePrivileged(caller, 'change the global DNS configuration');
          throw new DBusError('org.freedesktop.NetworkManager.Failed', 'global DNS configuration is not supported by this version of nmk');
        },
      },
    ],
    methods: [
      { name: 'GetDevices', in: [], out: [['devices', 'ao']], handler: paths },
      { name: 'GetAllDevices', in: [], out: [['devices', 'ao']], handler: paths },
      {
        name: 'GetDeviceByIpIface',
        in: [['iface', 's']],
        out: [['device', 'o']],
        handler: ([iface]) => {
          const d = b.deviceByName(iface);
          if (!d) throw new DBusError('org.freedesktop.NetworkManager.UnknownDevice', `no device found for interface '${iface}'`);
          return d.path;
        },
      },
      { name: 'GetPermissions', in: [], out: [['permissions', 'a{ss}']], handler: (_a, caller) => permissionsFor(caller) },
      { name: 'state', in: [], out: [['state', 'u']], handler: () => managerState(b.devices()) },
      { name: 'CheckConnectivity', in: [], out: [['connectivity', 'u']], handler: () => NMConnectivity.UNKNOWN },
      { name: 'GetLogging', in: [], out: [['level', 's'], ['domains', 's']], handler: () => [b.logLevel(), 'ALL'] },
      {
        name: 'SetLogging',
        in: [['level', 's'], ['domains', 's']],
        out: [],
        handler: ([level], caller) => {
          requirePrivileged(caller, 'change logging');
          if (level === '' || level === 'KEEP') return;
          const l = LOG_LEVELS[String(level).toUpperCase()];
          if (!l) throw new DBusError('org.freedesktop.NetworkManager.Failed', `unknown log level '${level}' (TRACE, DEBUG, INFO, WARN, ERR, OFF)`);
          b.setLogLevel(l);
        },
      },
      {
        name: 'Reload',
        in: [['flags', 'u']],
        out: [],
        handler: async (_a, caller) => {
          requirePrivileged(caller, 'reload the configuration');
          await b.reload();
        },
      },
    ],
    signals: [
      { name: 'CheckPermissions', args: [] },
      { name: 'StateChanged', args: [['state', 'u']] },
      { name: 'DeviceAdded', args: [['device_path', 'o']] },
      { name: 'DeviceRemoved', args: [['device_path', 'o']] },
    ],
  };
}
