import type { Logger } from './logger.js';
import type { Link, LinkSpec, Platform } from './platform.js';
import type { ConnectionSettings } from './settings/types.js';

/** What every part of nmk may read about a device (one per kernel link). */
export interface DeviceView {
  readonly ifindex: number;
  readonly name: string;
  /** The kind that claimed the link ("bridge", "ethernet", "generic"...). */
  readonly kind: string;
  /** NMDeviceType. */
  readonly deviceType: number;
  /** NMDeviceState and the reason for the last change. */
  readonly state: number;
  readonly stateReason: number;
  readonly managed: boolean;
  /** The kernel link as the model holds it now. */
  readonly link: Link;
  /** D-Bus object path of this device. */
  readonly path: string;
}

/** Lets a kind's D-Bus getters name other devices (Parent, Peer, Slaves). */
export interface DeviceLookup {
  /** Object path of the device for an ifindex, "/" when there is none. */
  pathOf(ifindex: number): string;
  /** Devices whose controller is this ifindex. */
  portsOf(ifindex: number): DeviceView[];
}

/**
 * One property of a kind's D-Bus type interface, as a row: name, D-Bus
 * signature, and how to read it from the device. Getters must be cheap and
 * pure; the D-Bus layer calls them when building GetAll/PropertiesChanged.
 */
export interface DeviceDBusProperty {
  name: string;
  signature: string;
  get(device: DeviceView, lookup: DeviceLookup): unknown;
}

/**
 * A device kind: data plus a few optional functions (systemd-networkd's
 * netdev vtable shape). Core keeps one registry keyed by link kind and calls
 * an optional slot only where it exists.
 */
export interface DeviceKind {
  /** Kind name, also the value of DeviceView.kind. */
  name: string;
  /** NMDeviceType reported on D-Bus. */
  deviceType: number;
  /** IFLA_INFO_KIND values this kind claims outright ("bridge"). */
  linkKinds: readonly string[];
  /**
   * Claims links whose kind no row names (e.g. ethernet claims kind "" with
   * ARPHRD_ETHER). Must be pure and cheap: it runs once per new link.
   */
  claims?(link: Link): boolean;
  /** A software device (created by nmk or another tool) rather than hardware. */
  software: boolean;
  /**
   * The D-Bus type interfaces libnm needs to instantiate the device
   * (org.freedesktop.NetworkManager.Device.Bridge...), with their properties.
   * A veth carries two (Device.Wired and Device.Veth), as in NetworkManager.
   */
  dbus: readonly DeviceDBusInterface[];
  /**
   * The connection.type values a device of this kind can carry (an ethernet
   * profile fits an ethernet device and a veth). The first is the type
   * AddAndActivate completes a partial profile with. Absent: this kind's
   * devices activate no profile.
   */
  connectionTypes?: readonly string[];
  /** The connection.type whose profiles linkSpec creates a link for ("veth", not the "802-3-ethernet" a veth also carries). */
  creates?: string;
  /**
   * Software kinds: the link to create for a profile whose interface does
   * not exist yet: name, IFLA_INFO_KIND, parent and options in the
   * platform's option names (bridge "forward_delay", vlan "id"...). Must be
   * pure. Throws an NmkError naming the setting.property when the profile
   * cannot describe a link (a VLAN whose parent is unknown).
   */
  linkSpec?(settings: ConnectionSettings, ctx: RealizeContext): LinkSpec;
  /**
   * Options of linkSpec's info that name a port (a bond's "primary"): the
   * kernel takes them only once that port is attached, so core leaves them
   * out of the creation and sets them after each port attaches.
   */
  afterPorts?: readonly string[];
  /**
   * What a port of this kind's devices takes from its own profile (a bridge
   * port's priority and path cost), set once it is attached: the rows with
   * a platform option in one link change, the others by sysfs. Every row is
   * set, with the setting's default when the profile leaves it unset, as
   * NetworkManager does; on the port's Reapply only what changed.
   */
  portOptions?: readonly PortOptionRow[];
  /**
   * What a profile asks of a device beyond link options (ethernet's
   * wake-on-lan, a bridge's own VLANs): called once the link is configured
   * and up at activation (not for a taken-over device: nothing is written
   * then), and again on Device.Reapply with `reapply` set. Throws an
   * NmkError naming the setting.property to fail the activation or refuse
   * the reapply.
   */
  configure?(ctx: KindConfigureContext): Promise<void>;
  /**
   * Undo what configure changed that NetworkManager puts back at
   * deactivation (the ethtool options' earlier values): called when the
   * connection goes down or fails, once its addresses and routes are gone and
   * the link has left its controller, and when the device is made unmanaged
   * (then with its addresses, routes and controller kept, as NetworkManager
   * does); not when the link is gone or about to be deleted, nor for an
   * external connection. Must not throw: it logs what the kernel refuses.
   */
  deconfigure?(ctx: KindDeconfigureContext): Promise<void>;
  /**
   * On a controller's kind: what a port takes from its own profile that
   * sysfs rows cannot say (a bridge port's VLANs), called once the port is
   * attached, and on the port's Reapply.
   */
  configurePort?(ctx: PortConfigureContext): Promise<void>;
}

/** What a kind's configure slot gets. */
export interface KindConfigureContext {
  device: DeviceView;
  /** The applied settings (on reapply: the new ones). */
  settings: ConnectionSettings;
  /** On reapply: the settings applied before, to change only what differs. */
  previous?: ConnectionSettings;
  reapply: boolean;
  platform: Platform;
  logger: Logger;
}

/** What a kind's deconfigure slot gets. */
export interface KindDeconfigureContext {
  device: DeviceView;
  /** The settings that were applied. */
  settings: ConnectionSettings;
  platform: Platform;
  logger: Logger;
}

/** What a controller kind's configurePort slot gets. */
export interface PortConfigureContext {
  port: DeviceView;
  controller: DeviceView;
  /** The port profile's applied settings (on reapply: the new ones). */
  settings: ConnectionSettings;
  previous?: ConnectionSettings;
  reapply: boolean;
  platform: Platform;
  logger: Logger;
}

/**
 * One port option: a setting property, the sysfs file that takes it and,
 * where the platform can set it on the port itself (LinkChange.portOptions),
 * the platform's option name.
 */
export interface PortOptionRow {
  /** The port profile's setting and property ("bridge-port", "path-cost"). */
  setting: string;
  property: string;
  /** Whose sysfs file: the port's ("brport/path_cost") or the controller's ("bonding/queue_id"). */
  on: 'port' | 'controller';
  file: string;
  /**
   * The platform's port option ("path_cost"). A kind's rows that have one
   * are set together in one link change on the port once it is attached,
   * instead of one sysfs write each; `file` then only says where the
   * kernel shows the same value. Rows without one are written to `file`.
   * The same name reads the value back from the port's Link.portInfo into
   * the generated profile of a port another tool configured.
   */
  option?: string;
  /** 0 stands for the property's default (NetworkManager's default_if_zero: the kernel refuses a path cost of 0). */
  zeroIsDefault?: boolean;
  /** The text written to `file`; by default the value itself, booleans as 1/0. */
  format?(value: unknown, port: string): string;
}

/** What a kind's linkSpec may look up. */
export interface RealizeContext {
  /** A link the model holds, by interface name. */
  linkByName(name: string): Link | undefined;
  /** The interface name of the profile with this UUID (a parent named by UUID), when it names one. */
  interfaceOfProfile(uuid: string): string | undefined;
}

export interface DeviceDBusInterface {
  interface: string;
  properties: readonly DeviceDBusProperty[];
}
