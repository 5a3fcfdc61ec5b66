/**
 * A device's D-Bus object: the common org.freedesktop.NetworkManager.Device
 * interface as rows, plus the type interfaces its kind contributes (rows from
 * the device plugin), which libnm uses to pick the device's class.
 */
import { NMDeviceCap, NMDeviceStateReason, type ConnectionSettings, type DeviceKind, type DeviceLookup } from '../../../sdk/index.js';
import { settingsFromWire, settingsToWire } from '../../settings/dbus-form.js';
import type { Device } from '../../devices/device.js';
import { DBusError } from '../errors.js';
import type { InterfaceDef, PropertyRow } from '../rows.js';
import { mergeRows } from './activation-rows.js';
import { requirePrivileged } from './auth.js';
import { DEVICE_IFACE, NO_OBJECT } from './paths.js';

/** NMDeviceInterfaceFlags. */
const IFACE_FLAG = { UP: 0x1, LOWER_UP: 0x2, CARRIER: 0x10000 } as const;

/** Kernel driver names by link kind, as `ethtool -i` reports them. */
const DRIVERS: Record<string, string> = { bond: 'bonding', vlan: '8021q', bridge: 'bridge', veth: 'veth', macvlan: 'macvlan', macvtap: 'macvtap', vxlan: 'vxlan', dummy: 'dummy', team: 'team' };

export interface DeviceControl {
  /** Make the device managed or unmanaged at a user's request; the Set replies once it resolves. */
  setManaged(device: Device, managed: boolean): void | Promise<void>;
  /** Deactivate the device's active connection (Device.Disconnect); resolves when it is down. */
  disconnect(device: Device): Promise<void>;
  /** Device.Reapply: new settings (undefined: the profile's current ones) applied live; version 0 skips the check. */
  reapply(device: Device, settings: ConnectionSettings | undefined, version: number): Promise<void>;
  /** Device.Delete: remove a software device's link (deactivating it first). */
  delete(device: Device): Promise<void>;
}

const ro = (name: string, signature: string, get: (d: Device) => unknown): PropertyRow<Device> => ({ name, signature, access: 'read', get });

/**
 * The interfaces of a device object, shared by every device of a kind: the
 * rows get the device as their target (ObjectTree.export's third argument),
 * so a thousand devices hold no rows of their own. `extra` adds rows to the
 * common interface (connectivity's Ip4Connectivity/Ip6Connectivity).
 */
export function deviceInterfaceTable(lookup: DeviceLookup, control: DeviceControl, extra?: Pick<InterfaceDef<Device>, 'properties'>): (kind: DeviceKind) => InterfaceDef<Device>[] {
  const common = commonInterface(lookup, control, extra);
  const byKind = new Map<DeviceKind, InterfaceDef<Device>[]>();
  return (kind) => {
    let defs = byKind.get(kind);
    if (!defs) {
      const typed = kind.dbus.map<InterfaceDef<Device>>((iface) => ({
        name: iface.interface,
        properties: iface.properties.map((p) => ro(p.name, p.signature, (d) => p.get(d, lookup))),
      }));
      byKind.set(kind, (defs = [common, ...typed]));
    }
    return defs;
  };
}

function commonInterface(lookup: DeviceLookup, control: DeviceControl, extra?: Pick<InterfaceDef<Device>, 'properties'>): InterfaceDef<Device> {
  const base: InterfaceDef<Device> = {
    name: DEVICE_IFACE,
    properties: [
      ro('Udi', 's', (d) => (d.kindRow.software ? `/sys/devices/virtual/net/${d.name}` : `/sys/class/net/${d.name}`)),
      ro('Path', 's', () => ''),
      ro('Interface', 's', (d) => d.name),
      ro('IpInterface', 's', (d) => (d.link.up ? d.name : '')),
      ro('Driver', 's', (d) => DRIVERS[d.link.kind] ?? (d.link.kind || 'unknown')),
      ro('DriverVersion', 's', () => ''),
      ro('FirmwareVersion', 's', () => ''),
      ro('Capabilities', 'u', (d) => NMDeviceCap.NM_SUPPORTED | NMDeviceCap.CARRIER_DETECT | (d.kindRow.software ? NMDeviceCap.IS_SOFTWARE : 0)),
      ro('Ip4Address', 'u', () => 0),
      ro('State', 'u', (d) => d.state),
      ro('StateReason', '(uu)', (d) => [d.state, d.stateReason]),
      ro('ActiveConnection', 'o', (d) => d.active?.path ?? NO_OBJECT),
      ro('Ip4Config', 'o', (d) => (d.active ? d.active.ip4Path : NO_OBJECT)),
      ro('Dhcp4Config', 'o', (d) => (d.active?.dynamic.get(4)?.leases.has('dhcp4') ? d.active.dhcpPath(4) : NO_OBJECT)),
      ro('Ip6Config', 'o', (d) => (d.active ? d.active.ip6Path : NO_OBJECT)),
      ro('Dhcp6Config', 'o', (d) => (d.active?.dynamic.get(6)?.leases.has('dhcp6') ? d.active.dhcpPath(6) : NO_OBJECT)),
      {
        name: 'Managed',
        signature: 'b',
        access: 'readwrite',
        get: (d) => d.managed,
        set: (value, caller, d) => {
          requirePrivileged(caller, `change whether ${d.name} is managed`);
          return control.setManaged(d, Boolean(value));
        },
      },
      {
        name: 'Autoconnect',
        signature: 'b',
        access: 'readwrite',
        get: (d) => d.autoconnect,
        set: (value, caller, d) => {
          requirePrivileged(caller, `change autoconnect of ${d.name}`);
          d.autoconnect = Boolean(value);
        },
      },
      ro('FirmwareMissing', 'b', (d) => d.stateReason === NMDeviceStateReason.FIRMWARE_MISSING),
      ro('NmPluginMissing', 'b', () => false),
      ro('DeviceType', 'u', (d) => d.deviceType),
      ro('AvailableConnections', 'ao', () => []),
      ro('PhysicalPortId', 's', () => ''),
      ro('Mtu', 'u', (d) => d.link.mtu),
      ro('Metered', 'u', () => 0),
      ro('LldpNeighbors', 'aa{sv}', () => []),
      ro('Real', 'b', () => true),
      ro('Ip4Connectivity', 'u', () => 0),
      ro('Ip6Connectivity', 'u', () => 0),
      ro('InterfaceFlags', 'u', (d) => (d.link.up ? IFACE_FLAG.UP : 0) | (d.link.carrier ? IFACE_FLAG.LOWER_UP | IFACE_FLAG.CARRIER : 0)),
      ro('HwAddress', 's', (d) => d.link.mac.toUpperCase()),
      ro('Ports', 'ao', (d) => lookup.portsOf(d.ifindex).map((p) => p.path)),
    ],
    methods: [
      {
        name: 'Disconnect',
        in: [],
        out: [],
        handler: async (_a, caller, d) => {
          requirePrivileged(caller, `disconnect ${d.name}`);
          if (!d.active) throw new DBusError('org.freedesktop.NetworkManager.Device.NotActive', `device ${d.name} is not active`);
          // As in NetworkManager: a device the user disconnected does not autoconnect until told to.
          d.autoconnect = false;
          await control.disconnect(d);
        },
      },
      {
        name: 'Reapply',
        in: [['connection', 'a{sa{sv}}'], ['version_id', 't'], ['flags', 'u']],
        out: [],
        handler: async ([connection, version, flags], caller, d) => {
          requirePrivileged(caller, `reapply settings to ${d.name}`);
          if (Number(flags) !== 0) throw new DBusError('org.freedesktop.NetworkManager.Device.InvalidArgument', `unknown Reapply flags 0x${Number(flags).toString(16)}`);
          if (!d.active) throw new DBusError('org.freedesktop.NetworkManager.Device.NotActive', `device ${d.name} is not active`);
          const given = connection && Object.keys(connection).length > 0 ? settingsFromWire(connection) : undefined;
          await control.reapply(d, given, Number(version));
        },
      },
      {
        name: 'GetAppliedConnection',
        in: [['flags', 'u']],
        out: [['connection', 'a{sa{sv}}'], ['version_id', 't']],
        handler: ([flags], caller, d) => {
          if (Number(flags) !== 0) throw new DBusError('org.freedesktop.NetworkManager.Device.InvalidArgument', `unknown GetAppliedConnection flags 0x${Number(flags).toString(16)}`);
          const ac = d.active;
          if (!ac) throw new DBusError('org.freedesktop.NetworkManager.Device.NotActive', `device ${d.name} is not active`);
          // Secrets stay out, as in GetSettings; root sees the same as others here.
          void caller;
          return [settingsToWire(ac.applied, { withSecrets: false }), BigInt(ac.version)];
        },
      },
      {
        name: 'Delete',
        in: [],
        out: [],
        handler: async (_a, caller, d) => {
          requirePrivileged(caller, `delete ${d.name}`);
          if (!d.kindRow.software) throw new DBusError('org.freedesktop.NetworkManager.Device.NotSoftware', `${d.name} is not a software device; only those can be deleted`);
          await control.delete(d);
        },
      },
    ],
    signals: [{ name: 'StateChanged', args: [['new_state', 'u'], ['old_state', 'u'], ['reason', 'u']] }],
  };
  // Rows of `extra` replace the placeholders of the same name.
  return extra ? mergeRows(base, extra) : base;
}

/** Property names of the common interface that follow the kernel link. */
export const LINK_DRIVEN_PROPERTIES = ['Interface', 'IpInterface', 'Mtu', 'HwAddress', 'InterfaceFlags', 'Udi'] as const;

/** Property names of the common interface that follow the device's activation. */
export const ACTIVATION_DRIVEN_PROPERTIES = ['ActiveConnection', 'Ip4Config', 'Ip6Config', 'Dhcp4Config', 'Dhcp6Config'] as const;
