/**
 * The manager's activation API as rows (org.freedesktop.NetworkManager):
 * ActivateConnection, AddAndActivateConnection(2), DeactivateConnection and
 * the properties that name active connections. They are merged into the
 * manager's interface by the D-Bus frontend, replacing the rows of the same
 * name, so the manager object stays one interface.
 */
import { NMActiveConnectionState, NMDeviceType, NMState, type ConnectionSettings } from '../../../sdk/index.js';
import { managerState } from './manager-object.js';
import { connectionTypeFor } from '../../activation/compatibility.js';
import type { ActivationManager } from '../../activation/activation-manager.js';
import type { ActiveConnection } from '../../activation/active-connection.js';
import type { Device } from '../../devices/device.js';
import type { DeviceManager } from '../../devices/device-manager.js';
import type { Profile } from '../../settings/profile.js';
import type { SettingsStore } from '../../settings/settings-store.js';
import { settingsFromWire } from '../../settings/dbus-form.js';
import { DBusError } from '../errors.js';
import type { InterfaceDef, MethodRow, PropertyRow } from '../rows.js';
import { requirePrivileged } from './auth.js';
import { NO_OBJECT } from './paths.js';
import { randomUUID } from '../../../sdk/crypto.js';

export interface ActivationBackend {
  activation: ActivationManager;
  devices: DeviceManager;
  settings: SettingsStore;
  onManualActivation(uuid: string): void;
  /** Manager.Enable: networking on, or off (every active connection deactivated first). */
  setNetworking(on: boolean): Promise<void>;
  /** The manager's connectivity (NMConnectivityState); without checking NetworkManager guesses full. */
  connectivity?: () => number;
  /** VPN connections (core/vpn): profiles of type vpn are activated there, over a base connection. */
  vpn?: {
    activate(profile: Profile, opts: { baseAcPath?: string; device?: Device }): Promise<ActiveConnection>;
    get(path: string): ActiveConnection | undefined;
    deactivate(ac: ActiveConnection): Promise<void>;
    all(): Iterable<ActiveConnection>;
  };
}

const ro = (name: string, signature: string, get: () => unknown): PropertyRow => ({ name, signature, access: 'read', get });

const UNKNOWN_CONNECTION = 'org.freedesktop.NetworkManager.UnknownConnection';
const UNKNOWN_DEVICE = 'org.freedesktop.NetworkManager.UnknownDevice';
const CONNECTION_NOT_ACTIVE = 'org.freedesktop.NetworkManager.ConnectionNotActive';
const INVALID_ARGUMENTS = 'org.freedesktop.NetworkManager.InvalidArguments';

/** The connection that carries the default route with the lowest metric: IPv4 first, then IPv6 (NetworkManager's primary). */
function primary(b: ActivationBackend): ActiveConnection | undefined {
  return b.activation.bestDefault(4) ?? b.activation.bestDefault(6);
}

export function activationRows(b: ActivationBackend): Pick<InterfaceDef, 'properties' | 'methods'> {
  const deviceAt = (path: string): Device | undefined => {
    if (path === NO_OBJECT || path === '') return undefined;
    const d = [...b.devices.all()].find((x) => x.path === path) as Device | undefined;
    if (!d) throw new DBusError(UNKNOWN_DEVICE, `no device at ${path}`);
    return d;
  };
  /** ActivateConnection with "/" as connection: the best available profile for the device (highest autoconnect priority). */
  const bestFor = (device: Device): Profile => {
    let best: Profile | undefined;
    for (const p of b.settings.profiles()) {
      const ifname = p.settings.connection?.['interface-name'];
      if (ifname !== device.name) continue;
      const prio = Number(p.settings.connection?.['autoconnect-priority'] ?? 0);
      if (!best || prio > Number(best.settings.connection?.['autoconnect-priority'] ?? 0)) best = p;
    }
    if (!best) throw new DBusError(UNKNOWN_CONNECTION, `no profile is available for device ${device.name}`);
    return best;
  };
  const activate = async (connectionPath: string, devicePath: string, specificObject = NO_OBJECT): Promise<ActiveConnection> => {
    const device = deviceAt(devicePath);
    let profile: Profile | undefined;
    if (connectionPath === NO_OBJECT || connectionPath === '') {
      if (!device) throw new DBusError(INVALID_ARGUMENTS, 'give a connection, a device, or both');
      profile = bestFor(device);
    } else {
      profile = b.settings.byPath(connectionPath);
      if (!profile) throw new DBusError(UNKNOWN_CONNECTION, `no connection at ${connectionPath}`);
    }
    b.onManualActivation(profile.uuid);
    // A VPN runs over a base connection: the specific object names its active connection, else the device's, else the default route's.
    if (profile.settings.connection?.type === 'vpn') {
      if (!b.vpn) throw new DBusError('org.freedesktop.NetworkManager.ConnectionNotAvailable', `cannot activate '${profile.id}': this nmk has no VPN support`);
      return b.vpn.activate(profile, { ...(specificObject !== NO_OBJECT && specificObject !== '' ? { baseAcPath: specificObject } : {}), ...(device ? { device } : {}) });
    }
    return b.activation.activate(profile, device);
  };

  const methods: MethodRow[] = [
    {
      name: 'ActivateConnection',
      in: [['connection', 'o'], ['device', 'o'], ['specific_object', 'o']],
      out: [['active_connection', 'o']],
      handler: async ([connection, device, specificObject], caller) => {
        requirePrivileged(caller, 'activate a connection');
        return (await activate(connection, device, specificObject)).path;
      },
    },
    {
      name: 'AddAndActivateConnection',
      in: [['connection', 'a{sa{sv}}'], ['device', 'o'], ['specific_object', 'o']],
      out: [['path', 'o'], ['active_connection', 'o']],
      handler: async ([connection, device], caller) => {
        requirePrivileged(caller, 'add and activate a connection');
        const p = await addFor(b, settingsFromWire(connection), deviceAt(device), 'disk');
        return [p.path, (await activate(p.path, device)).path];
      },
    },
    {
      name: 'AddAndActivateConnection2',
      in: [['connection', 'a{sa{sv}}'], ['device', 'o'], ['specific_object', 'o'], ['options', 'a{sv}']],
      out: [['path', 'o'], ['active_connection', 'o'], ['result', 'a{sv}']],
      handler: async ([connection, device, , options], caller) => {
        requirePrivileged(caller, 'add and activate a connection');
        const persist = options?.persist?.value ?? 'disk';
        if (!['disk', 'memory', 'volatile'].includes(persist)) throw new DBusError(INVALID_ARGUMENTS, `persist must be disk, memory or volatile, not '${persist}'`);
        const p = await addFor(b, settingsFromWire(connection), deviceAt(device), persist === 'disk' ? 'disk' : 'memory');
        return [p.path, (await activate(p.path, device)).path, {}];
      },
    },
    {
      name: 'DeactivateConnection',
      in: [['active_connection', 'o']],
      out: [],
      handler: async ([path], caller) => {
        requirePrivileged(caller, 'deactivate a connection');
        const vpn = b.vpn?.get(path);
        if (vpn) return b.vpn!.deactivate(vpn);
        const ac = b.activation.get(path);
        if (!ac) throw new DBusError(CONNECTION_NOT_ACTIVE, `${path} is not an active connection`);
        await b.activation.deactivate(ac);
      },
    },
  ];
  methods.push({
    name: 'Enable',
    in: [['enable', 'b']],
    out: [],
    handler: async ([on], caller) => {
      requirePrivileged(caller, on ? 'enable networking' : 'disable networking');
      if (Boolean(on) === b.devices.networkingEnabled) throw new DBusError('org.freedesktop.NetworkManager.AlreadyEnabledOrDisabled', `networking is already ${on ? 'enabled' : 'disabled'}`);
      await b.setNetworking(Boolean(on));
    },
  });
  const properties: PropertyRow[] = [
    ro('NetworkingEnabled', 'b', () => b.devices.networkingEnabled),
    ro('State', 'u', () => overallState(b.devices, b.activation, b.connectivity)),
    ro('ActiveConnections', 'ao', () => [...b.activation.all(), ...(b.vpn?.all() ?? [])].map((ac) => ac.path)),
    ro('PrimaryConnection', 'o', () => primary(b)?.path ?? NO_OBJECT),
    ro('PrimaryConnectionType', 's', () => primary(b)?.type ?? ''),
    ro('ActivatingConnection', 'o', () => [...b.activation.all()].find((ac) => ac.state === NMActiveConnectionState.ACTIVATING)?.path ?? NO_OBJECT),
  ];
  return { properties, methods };
}

/** NMState: asleep while networking is off, else from the active connections (or, without them, the devices). */
export function overallState(devices: DeviceManager, activation?: ActivationManager, connectivity?: () => number): number {
  if (!devices.networkingEnabled) return NMState.ASLEEP;
  // Connectivity is asked only when a connection with the default route is activated: it is a pass over every device.
  return activation ? bestConnectionState(activation, connectivity ?? (() => NM_CONNECTIVITY_FULL)) : managerState(devices.all());
}

const NM_CONNECTIVITY_FULL = 4;

/**
 * NetworkManager's find_best_device_state (nm-manager.c): an activated
 * connection with the default route is "connected (global)" when the
 * connectivity is full and "(site only)" otherwise; one without the default
 * route is "(local only)"; an activation or deactivation nmk carries out (not
 * one it assumed or describes) is connecting/disconnecting. Loopback is left out.
 */
export function bestConnectionState(activation: ActivationManager, connectivity: () => number): number {
  let best: number = NMState.DISCONNECTED;
  const best4 = activation.bestDefault(4);
  const best6 = activation.bestDefault(6);
  for (const ac of activation.all()) {
    if (ac.device.deviceType === NMDeviceType.LOOPBACK) continue;
    const ownWork = !ac.assumed;
    if (ac.state === NMActiveConnectionState.ACTIVATED) {
      if (ac === best4 || ac === best6) {
        if (connectivity() === NM_CONNECTIVITY_FULL) return NMState.CONNECTED_GLOBAL;
        best = NMState.CONNECTED_SITE;
      } else if (best < NMState.CONNECTING) best = NMState.CONNECTED_LOCAL;
    } else if (ac.state === NMActiveConnectionState.ACTIVATING) {
      if (ownWork && best !== NMState.CONNECTED_GLOBAL) best = NMState.CONNECTING;
    } else if (ac.state === NMActiveConnectionState.DEACTIVATING) {
      if (ownWork && best < NMState.DISCONNECTING) best = NMState.DISCONNECTING;
    }
  }
  return best;
}

/** Names of the manager properties an activation's progress changes (the ActiveConnections list changes only when one starts or ends). */
export const ACTIVATION_MANAGER_PROPERTIES = ['PrimaryConnection', 'PrimaryConnectionType', 'ActivatingConnection', 'State', 'NetworkingEnabled'] as const;

/** AddAndActivate: fill what NetworkManager fills for a partial profile (type, interface name, id, uuid) from the device. */
async function addFor(b: ActivationBackend, partial: ConnectionSettings, device: Device | undefined, persist: 'disk' | 'memory'): Promise<Profile> {
  const settings: ConnectionSettings = structuredClone(partial);
  const c = (settings.connection ??= {});
  if (device) {
    c.type ??= connectionTypeFor(device);
    c['interface-name'] ??= device.name;
  }
  c.uuid ??= randomUUID();
  c.id ??= device ? device.name : String(c.type ?? 'connection');
  return b.settings.add(settings, { persist });
}

/** Merge rows into an interface, replacing rows of the same name. */
export function mergeRows(base: InterfaceDef, extra: Pick<InterfaceDef, 'properties' | 'methods'>): InterfaceDef {
  const names = (rows: readonly { name: string }[] | undefined) => new Set((rows ?? []).map((r) => r.name));
  const pNames = names(extra.properties);
  const mNames = names(extra.methods);
  return {
    ...base,
    properties: [...(base.properties ?? []).filter((r) => !pNames.has(r.name)), ...(extra.properties ?? [])],
    methods: [...(base.methods ?? []).filter((r) => !mNames.has(r.name)), ...(extra.methods ?? [])],
  };
}
