/**
 * A profile that describes a device as another tool configured it
 * (NetworkManager's nm_device_generate_connection): shown as "connected
 * (externally)", kept in memory only, and applied without touching the
 * kernel. Only what the kernel shows is described: the type, the interface,
 * the controller of a port and the port's options as the kernel holds them
 * (a bridge port's priority, path cost and hairpin mode), the kind's
 * identity (a VLAN's id and parent), and the global addresses with the
 * default route's gateway.
 */
import { randomUUID } from '../../sdk/crypto.js';
import type { ConnectionSettings, Family, LinkInfoData, NetworkModel, PortOptionRow, SettingValues } from '../../sdk/index.js';
import type { Device } from '../devices/device.js';
import type { DeviceManager } from '../devices/device-manager.js';
import { bestDefaultRoute } from '../model/default-route.js';

/** NMSettingMacvlanMode by the kernel's mode name. */
const MACVLAN_MODE: Record<string, number> = { vepa: 1, bridge: 2, private: 3, passthru: 4, source: 5 };

/** Per link kind: the setting that names what the kernel's link is (what a profile of that type needs to verify). */
const IDENTITY: Record<string, (d: Device, model: NetworkModel) => [string, SettingValues] | undefined> = {
  bridge: () => ['bridge', {}],
  bond: (d) => ['bond', { options: { mode: String(d.link.info?.mode ?? 'balance-rr') } }],
  dummy: () => ['dummy', {}],
  vlan: (d, m) => ['vlan', { id: Number(d.link.info?.id ?? 0), parent: m.link(d.link.parent)?.name ?? '' }],
  macvlan: (d, m) => ['macvlan', { parent: m.link(d.link.parent)?.name ?? '', mode: MACVLAN_MODE[String(d.link.info?.mode)] ?? 0, tap: false }],
  macvtap: (d, m) => ['macvlan', { parent: m.link(d.link.parent)?.name ?? '', mode: MACVLAN_MODE[String(d.link.info?.mode)] ?? 0, tap: true }],
  vxlan: (d) => {
    const remote = d.link.info?.remote ?? d.link.info?.group;
    return remote === undefined ? undefined : ['vxlan', { id: Number(d.link.info?.id ?? 0), remote: String(remote) }];
  },
};

/** Whether another tool configured the link: up, with a global address, or attached to (or carrying) ports. */
export function configuredExternally(d: Device, model: NetworkModel, devices: DeviceManager): boolean {
  if (!d.link.up) return false;
  if (d.link.master) return true;
  if (devices.portsOf(d.ifindex).length > 0) return true;
  return model.addresses(d.ifindex).some((a) => a.scope === 0);
}

/** The controller's device kind, looked up by ifindex (DeviceManager.byIfindex). */
export type DeviceLookup = (ifindex: number) => Pick<Device, 'kindRow'> | undefined;

export function generateProfile(d: Device, model: NetworkModel, deviceOf: DeviceLookup): ConnectionSettings | undefined {
  const type = d.kindRow.connectionTypes?.[0];
  if (!type) return undefined;
  const settings: ConnectionSettings = {
    connection: { id: d.name, uuid: randomUUID(), type, 'interface-name': d.name, autoconnect: false },
  };
  const identity = IDENTITY[d.link.kind];
  if (identity) {
    const row = identity(d, model);
    if (!row) return undefined;
    settings[row[0]] = row[1];
  }
  const controller = d.link.master ? model.link(d.link.master) : undefined;
  if (controller) {
    settings.connection!.master = controller.name;
    settings.connection!['slave-type'] = controller.kind;
    portSettings(settings, d.link.portInfo, deviceOf(controller.ifindex)?.kindRow.portOptions ?? []);
    return settings;
  }
  for (const family of [4, 6] as Family[]) settings[family === 4 ? 'ipv4' : 'ipv6'] = ipOf(d, model, family);
  return settings;
}

/**
 * A port's options as the kernel holds them, into the port settings of the
 * controller kind's rows (NetworkManager's master_update_slave_connection
 * reads brport/priority, path_cost and hairpin_mode the same way, defaults
 * included). Rows the platform has no option for (a bond port's queue id,
 * shown only in the controller's sysfs) are left to the setting's default.
 */
function portSettings(settings: ConnectionSettings, portInfo: LinkInfoData | undefined, rows: readonly PortOptionRow[]): void {
  for (const row of rows) {
    const value = row.option !== undefined ? portInfo?.[row.option] : undefined;
    if (value === undefined) continue;
    (settings[row.setting] ??= {})[row.property] = value;
  }
}

function ipOf(d: Device, model: NetworkModel, family: Family): SettingValues {
  const addresses = model.addresses(d.ifindex).filter((a) => a.family === family && a.scope === 0).map((a) => ({ address: a.address, prefix: a.prefixlen }));
  if (addresses.length === 0) return { method: family === 4 ? 'disabled' : 'ignore' };
  const values: SettingValues = { method: 'manual', 'address-data': addresses };
  const gw = bestDefaultRoute(model.routes(d.ifindex), family)?.gateway;
  if (gw) values.gateway = gw;
  return values;
}
