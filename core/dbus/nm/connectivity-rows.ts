/**
 * Connectivity on D-Bus, as rows merged into the manager's interface
 * (Connectivity, ConnectivityCheckAvailable, ConnectivityCheckEnabled,
 * ConnectivityCheckUri, CheckConnectivity) and the device's
 * (Ip4Connectivity, Ip6Connectivity), replacing the placeholders of the same
 * name; and the function that turns connectivity changes into
 * PropertiesChanged.
 */
import type { DeviceView } from '../../../sdk/index.js';
import type { Connectivity } from '../../connectivity/connectivity.js';
import type { InterfaceDef, PropertyRow } from '../rows.js';
import { requirePrivileged } from './auth.js';
import { DEVICE_IFACE, NM_IFACE, NM_PATH } from './paths.js';

const ro = (name: string, signature: string, get: () => unknown): PropertyRow => ({ name, signature, access: 'read', get });

export function connectivityManagerRows(c: Connectivity): Pick<InterfaceDef, 'properties' | 'methods'> {
  return {
    properties: [
      ro('Connectivity', 'u', () => c.state),
      ro('ConnectivityCheckAvailable', 'b', () => c.available),
      {
        name: 'ConnectivityCheckEnabled',
        signature: 'b',
        access: 'readwrite',
        get: () => c.enabled,
        set: (v, caller) => {
          requirePrivileged(caller, 'enable or disable connectivity checking');
          c.setEnabled(Boolean(v));
        },
      },
      ro('ConnectivityCheckUri', 's', () => c.uri),
    ],
    methods: [
      {
        name: 'CheckConnectivity',
        in: [],
        out: [['connectivity', 'u']],
        handler: async (_a, caller) => {
          // NetworkManager asks for network-control: a check sends requests from every device.
          requirePrivileged(caller, 'recheck connectivity');
          return c.checkNow();
        },
      },
    ],
  };
}

/** The device rows, shared by every device object (the device is the rows' target). */
export function connectivityDeviceRows(c: Connectivity): Pick<InterfaceDef<DeviceView>, 'properties'> {
  const row = (name: string, family: 4 | 6): PropertyRow<DeviceView> => ({ name, signature: 'u', access: 'read', get: (d) => c.deviceState(d, family) });
  return { properties: [row('Ip4Connectivity', 4), row('Ip6Connectivity', 6)] };
}

/** What the object tree needs to announce changes. */
interface ChangeSink {
  changed(path: string, iface: string, properties: readonly string[]): void;
}

/** Announce connectivity changes on the manager and device objects; returns the unsubscribe function. */
export function announceConnectivity(c: Connectivity, tree: ChangeSink): () => void {
  return c.onChange((ch) => {
    if (ch.kind === 'device') tree.changed(ch.device.path, DEVICE_IFACE, [ch.family === 4 ? 'Ip4Connectivity' : 'Ip6Connectivity']);
    else if (ch.kind === 'manager') tree.changed(NM_PATH, NM_IFACE, ['Connectivity']);
    else tree.changed(NM_PATH, NM_IFACE, ['ConnectivityCheckAvailable', 'ConnectivityCheckEnabled', 'ConnectivityCheckUri']);
  });
}
