/**
 * The root object, /org/freedesktop/NetworkManager: the manager's properties
 * and the methods this version of nmk implements, as rows. Radio switches
 * report no hardware; there are no active connections yet.
 */
import { NmkError, NMConnectivity, NMDeviceState, NMState, type ConfigView, type DeviceView, type Logger, type LogLevel } from '../../../sdk/index.js';
import { DBusError } from '../errors.js';
import type { InterfaceDef, PropertyRow } from '../rows.js';
import { permissionsFor, requirePrivileged } from './auth.js';
import { applySetLogging, formatDomains, initialLogState, LEVELS, LOGGER_LEVEL, type LogState, type NmLevel } from './log-domains.js';
import { encodeVersion, NM_IFACE, NO_OBJECT } from './paths.js';

export interface ManagerBackend {
  version: string;
  devices(): Iterable<DeviceView>;
  deviceByName(name: string): DeviceView | undefined;
  config: ConfigView;
  logger: Logger;
  setLogLevel(level: LogLevel): void;
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

/** NMManagerReloadFlags: CONF, DNS_RC, DNS_FULL; none means everything (as SIGHUP). */
const RELOAD = { CONF: 0x1, DNS_RC: 0x2, DNS_FULL: 0x4 } as const;
const RELOAD_ALL = RELOAD.CONF | RELOAD.DNS_RC | RELOAD.DNS_FULL;

/** The NetworkManager level the logger runs at now (the most verbose it writes). */
function loggerLevel(logger: Logger): NmLevel {
  return LEVELS.find((l) => l !== 'OFF' && logger.isEnabled(LOGGER_LEVEL[l])) ?? 'ERR';
}

export function managerInterface(b: ManagerBackend): InterfaceDef {
  const paths = () => [...b.devices()].map((d) => d.path);
  let logging: LogState = initialLogState(loggerLevel(b.logger));
  // The config (a reload, --log-level) may have moved the logger's level since: start again from there.
  const currentLogging = (): LogState => {
    if (LOGGER_LEVEL[logging.level] !== LOGGER_LEVEL[loggerLevel(b.logger)]) logging = initialLogState(loggerLevel(b.logger));
    return logging;
  };
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
      {
        name: 'GetLogging',
        in: [],
        out: [['level', 's'], ['domains', 's']],
        handler: () => {
          const state = currentLogging();
          return [state.level, formatDomains(state)];
        },
      },
      {
        name: 'SetLogging',
        in: [['level', 's'], ['domains', 's']],
        out: [],
        handler: ([level, domains], caller) => {
          requirePrivileged(caller, 'change logging');
          const before = currentLogging();
          // Checked whole first: an unknown level or domain changes nothing.
          logging = applySetLogging(before, String(level), String(domains));
          if (logging.level !== before.level) b.setLogLevel(LOGGER_LEVEL[logging.level]);
          b.logger.info(`logging: level '${logging.level}' domains '${formatDomains(logging)}'`, { uid: caller.uid });
        },
      },
      {
        name: 'Reload',
        in: [['flags', 'u']],
        out: [],
        handler: async ([flags], caller) => {
          requirePrivileged(caller, 'reload the configuration');
          const f = Number(flags);
          if ((f & ~RELOAD_ALL) !== 0) throw new NmkError('MANAGER_INVALID_ARGUMENTS', 'Invalid flags for reload');
          // DNS_RC and DNS_FULL alone ask for nothing nmk keeps apart from the config.
          if (f === 0 || f & RELOAD.CONF) await b.reload();
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
