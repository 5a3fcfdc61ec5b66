/**
 * Per-device property defaults from NetworkManager.conf's `[connection]` and
 * `[connection-*]` sections: what a profile that leaves a property unset
 * ("ipv4.dhcp-timeout", "ethernet.cloned-mac-address") gets on the device it
 * activates on. Core answers in NetworkManager's order (later files first,
 * top to bottom within a file, the plain `[connection]` last; a section
 * applies only when its `match-device` matches; `stop-match=yes` ends the
 * search at a matching section).
 */
import type { ConfigView } from './config.js';
import type { DeviceView } from './device.js';

/** What a section's `match-device` is checked against (interface-name:, mac:, type:, driver:). */
export interface DeviceMatch {
  name: string;
  /** The current address. mac: specs use it only when permMac is left out. */
  mac: string;
  /** The permanent address mac: specs match, '' when the link has none: permanentMacOf(link). */
  permMac?: string;
  /** NetworkManager's type description for the device ("ethernet", "bridge"): nmkTypeDescription() of its kind. */
  type: string;
  driver?: string;
}

/**
 * NetworkManager 1.42's type description, which `type:` specs match, where it
 * differs from nmk's kind name (nm-device.c get_type_description): a veth
 * calls itself "ethernet" (`type:veth` matches nothing there), NMDeviceMacvlan
 * also serves macvtap links, and a generic device names its link's kind.
 */
const NM_TYPE_DESCRIPTION: Readonly<Record<string, (linkKind: string) => string>> = {
  veth: () => 'ethernet',
  macvtap: () => 'macvlan',
  generic: (linkKind) => linkKind || 'generic',
};

export function nmTypeDescription(kind: string, linkKind = ''): string {
  return NM_TYPE_DESCRIPTION[kind]?.(linkKind) ?? kind;
}

/**
 * The permanent hardware address NetworkManager matches `mac:` device specs
 * against ('' when there is none: nm_device_spec_match_list never passes its
 * "fake" permanent address, the current one, so a veth matches no mac: spec).
 * nmk's Link does not carry IFLA_PERM_ADDRESS, so what it has stands in: the
 * kernel gives a permanent address to hardware, a link it names no kind for,
 * whose current address is that one unless someone changed it; a veth,
 * bridge, bond, VLAN, macvlan, dummy or tun link has none. The difference
 * left: a NIC whose address was changed is matched by its new address here,
 * by its burnt-in one in NetworkManager.
 */
export function permanentMacOf(link: { kind: string; mac: string } | undefined): string {
  if (!link || link.kind !== '' || !/[1-9a-f]/i.test(link.mac)) return '';
  return link.mac;
}

/** The subject a device core manages is matched as. */
export function deviceMatchOf(device: DeviceView): DeviceMatch {
  // Partial views (a test's { ifindex, name }) match by name alone rather than throw.
  return { name: device.name, mac: device.link?.mac ?? '', permMac: permanentMacOf(device.link), type: nmTypeDescription(device.kind ?? '', device.link?.kind) };
}

/** Which section answered, for messages ("[connection-wan] ipv4.dhcp-timeout from /etc/nmk/conf.d/wan.conf:3"). */
export interface ConnectionDefaultHit {
  value: string;
  section: string;
  /** "file:line" of the value. */
  origin?: string;
}

export interface ConnectionDefaults {
  /**
   * The default of `key` (setting.property) for a profile activating on
   * `device`. Without a device only sections without match-device count, as
   * in NetworkManager. An empty value is an answer ("") and ends the search.
   */
  get(key: string, device?: DeviceMatch): string | undefined;
  /** The value as a decimal integer, else `fallback` (unset or not a number). */
  getInteger(key: string, device: DeviceMatch | undefined, fallback: number): number;
  /** The value and the section it came from. */
  lookup(key: string, device?: DeviceMatch): ConnectionDefaultHit | undefined;
}

/**
 * The defaults behind a ConfigView: the daemon's config carries the service
 * (the one Tokens.ConnectionDefaults names); a config without it (a test's
 * fake) answers from the plain `[connection]` section for every device.
 */
export function connectionDefaultsOf(config: ConfigView | undefined): ConnectionDefaults {
  if (config?.connectionDefaults) return config.connectionDefaults;
  const lookup = (key: string): ConnectionDefaultHit | undefined => {
    const value = config?.get('connection', key);
    return value === undefined ? undefined : { value, section: 'connection', origin: config?.origin('connection', key) };
  };
  return {
    lookup,
    get: (key) => lookup(key)?.value,
    getInteger: (key, _device, fallback) => config?.getInteger('connection', key, fallback) ?? fallback,
  };
}
