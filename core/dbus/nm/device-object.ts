/**
 * A device's D-Bus object: the common org.freedesktop.NetworkManager.Device
 * interface as rows, plus the type interfaces its kind contributes (rows from
 * the device plugin), which libnm uses to pick the device's class.
 */
import { NMDeviceCap, NMDeviceStateReason, type ConnectionSettings, type DeviceLookup, type DeviceView } from '../../../sdk/index.js';
import { settingsFromWire, settingsToWire } from '../../settings/dbus-form.js';
import type { Device } from '../../devices/device.js';
import { DBusError } from '../errors.js';
import type { InterfaceDef, PropertyRow } from '../rows.js';
import { requirePrivileged } from './auth.js';
import { DEVICE_IFACE, NO_OBJECT } from './paths.js';

/** NMDeviceInterfaceFlags. */
const IFACE_FLAG = { UP: 0x1, LOWER_UP: 0x2, CARRIER: 0x10000 } as const;

/** Kernel driver names by link kind, as `ethtool -i` reports them. */
const DRIVERS: Record<string, string> = { bond: 'bonding', vlan: '8021q', bridge: 'bridge', veth: 'veth', macvlan: 'macvlan', macvtap: 'macvtap', vxlan: 'vxlan', dummy: 'dummy', team: 'team' };

export interface DeviceControl {
  /** Make the device managed or unmanaged at a user's request. */
  setManaged(device: Device, managed: boolean): void;
  /** Deactivate the device's active connection (Device.Disconnect); resolves when it is down. */
  disconnect(device: Device): Promise<void>;
  /** Device.Reapply: new settings (undefined: the profile's current ones) applied live; version 0 skips the check. */
  reapply(device: Device, settings: ConnectionSettings | undefined, version: number): Promise<void>;
  /** Device.Delete: remove a software device's link (deactivating it first). */
  delete(device: Device): Promise<void>;
}

const ro = (name: string, signature: string, get: () => unknown): PropertyRow => ({ name, signature, access: 'read', get });

export function deviceInterfaces(d: Device, lookup: DeviceLookup, control: DeviceControl): InterfaceDef[] {
  const kind = d.kindRow;
  const common: InterfaceDef = {
    name: DEVICE_IFACE,
    properties: [
      ro('Udi', 's', () => (kind.software ? `/sys/devices/virtual/net/${d.name}` : `/sys/class/net/${d.name}`)),
      ro('Path', 's', () => ''),
      ro('Interface', 's', () => d.name),
      ro('IpInterface', 's', () => (d.link.up ? d.name : '')),
      ro('Driver', 's', () => DRIVERS[d.link.kind] ?? (d.link.kind || 'unknown')),
      ro('DriverVersion', 's', () => ''),
      ro('FirmwareVersion', 's', () => ''),
      ro('Capabilities', 'u', () => NMDeviceCap.NM_SUPPORTED | NMDeviceCap.CARRIER_DETECT | (kind.software ? NMDeviceCap.IS_SOFTWARE : 0)),
      ro('Ip4Address', 'u', () => 0),
      ro('State', 'u', () => d.state),
      ro('StateReason', '(uu)', () => [d.state, d.stateReason]),
      ro('ActiveConnection', 'o', () => d.active?.path ?? NO_OBJECT),
      ro('Ip4Config', 'o', () => (d.active ? d.active.ip4Path : NO_OBJECT)),
      ro('Dhcp4Config', 'o', () => (d.active?.dynamic.get(4)?.leases.has('dhcp4') ? d.active.dhcpPath(4) : NO_OBJECT)),
      ro('Ip6Config', 'o', () => (d.active ? d.active.ip6Path : NO_OBJECT)),
      ro('Dhcp6Config', 'o', () => (d.active?.dynamic.get(6)?.leases.has('dhcp6') ? d.active.dhcpPath(6) : NO_OBJECT)),
      {
        name: 'Managed',
        signature: 'b',
        access: 'readwrite',
        get: () => d.managed,
        set: (value, caller) => {
          requirePrivileged(caller, `change whether ${d.name} is managed`);
          control.setManaged(d, Boolean(value));
        },
      },
      {
        name: 'Autoconnect',
        signature: 'b',
        access: 'readwrite',
        get: () => d.autoconnect,
        set: (value, caller) => {
          requirePrivileged(caller, `change autoconnect of ${d.name}`);
          d.autoconnect = Boolean(value);
        },
      },
      ro('FirmwareMissing', 'b', () => d.stateReason === NMDeviceStateReason.FIRMWARE_MISSING),
      ro('NmPluginMissing', 'b', () => false),
      ro('DeviceType', 'u', () => d.deviceType),
      ro('AvailableConnections', 'ao', () => []),
      ro('PhysicalPortId', 's', () => ''),
      ro('Mtu', 'u', () => d.link.mtu),
      ro('Metered', 'u', () => 0),
      ro('LldpNeighbors', 'aa{sv}', () => []),
      ro('Real', 'b', () => true),
      ro('Ip4Connectivity', 'u', () => 0),
      ro('Ip6Connectivity', 'u', () => 0),
      ro('InterfaceFlags', 'u', () => (d.link.up ? IFACE_FLAG.UP : 0) | (d.link.carrier ? IFACE_FLAG.LOWER_UP | IFACE_FLAG.CARRIER : 0)),
      ro('HwAddress', 's', () => d.link.mac.toUpperCase()),
      ro('Ports', 'ao', () => lookup.portsOf(d.ifindex).map((p) => p.path)),
    ],
    methods: [
      {
        name: 'Disconnect',
        in: [],
        out: [],
        handler: async (_a, caller) => {
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
        handler: async ([connection, version, flags], caller) => {
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
        handler: ([flags], caller) => {
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
        handler: async (_a, caller) => {
          requirePrivileged(caller, `delete ${d.name}`);
          if (!kind.software) throw new DBusError('org.freedesktop.NetworkManager.Device.NotSoftware', `${d.name} is not a software device; only those can be deleted`);
          await control.delete(d);
        },
      },
    ],
    signals: [{ name: 'StateChanged', args: [['new_state', 'u'], ['old_state', 'u'], ['reason', 'u']] }],
  };
  const typed = kind.dbus.map<InterfaceDef>((iface) => ({
    name: iface.interface,
    properties: iface.properties.map((p) => ro(p.name, p.signature, () => p.get(d, lookup))),
  }));
  return [common, ...typed];
}

/** Property names of the common interface that follow the kernel link. */
export const LINK_DRIVEN_PROPERTIES = ['Interface', 'IpInterface', 'Mtu', 'HwAddress', 'InterfaceFlags', 'Udi'] as const;

/** Property names of the common interface that follow the device's activation. */
export const ACTIVATION_DRIVEN_PROPERTIES = ['ActiveConnection', 'Ip4Config', 'Ip6Config', 'Dhcp4Config', 'Dhcp6Config'] as const;
