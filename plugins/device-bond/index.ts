/** Bonding: Device.Bond with its ports as Slaves. */
import { BOND_OPTIONS, bondModeFromString, bondOptionSupported, definePlugin, DeviceProps, interfaceNameOf, NMDeviceType, Tokens, withEthtool, type DeviceKind, type LinkInfoData } from '../../sdk/index.js';

/**
 * Options a profile leaves out are set to their defaults, as NetworkManager
 * does (set_bond_attrs_or_default): re-activating a bond after `nmcli
 * connection modify bond.options` must not keep what the old options set.
 * Not these: they name ports or addresses (no default to go back to), are no
 * kernel option (balance-slb), or are another name of num_grat_arp's kernel value.
 */
const NO_DEFAULT = new Set(['mode', 'primary', 'active_slave', 'ad_actor_system', 'arp_ip_target', 'balance-slb', 'num_unsol_na']);

/** The profile's options, and the default of every other kernel option its mode supports. */
export function bondLinkOptions(options: Record<string, string>): LinkInfoData {
  const mode = bondModeFromString(options.mode ?? 'balance-rr') ?? 'balance-rr';
  const info: LinkInfoData = {};
  for (const def of BOND_OPTIONS) {
    if (NO_DEFAULT.has(def.name) || def.default === undefined || def.default === '' || !def.netlink || !bondOptionSupported(def.name, mode)) continue;
    info[def.name] = def.default;
  }
  // ARP monitoring and MII monitoring exclude each other: an ARP profile gets no default miimon.
  if (Number(options.arp_interval ?? 0) > 0) delete info.miimon;
  if (options.num_unsol_na !== undefined) delete info.num_grat_arp;
  return { ...info, ...options };
}

export const bondKind: DeviceKind = {
  name: 'bond',
  deviceType: NMDeviceType.BOND,
  linkKinds: ['bond'],
  software: true,
  dbus: [{ interface: 'org.freedesktop.NetworkManager.Device.Bond', properties: [DeviceProps.hwAddress, DeviceProps.carrier, DeviceProps.slaves] }],
  connectionTypes: ['bond'],
  creates: 'bond',
  // The bond keeps its ports' queue ids: "PORT:ID" written to the bond's own file.
  portOptions: [{ setting: 'bond-port', property: 'queue-id', on: 'controller', file: 'bonding/queue_id', format: (v, port) => `${port}:${Number(v)}` }],
  linkSpec(settings) {
    // bond.options are named as the kernel names them, which is what the platform's bond rows take.
    return { name: interfaceNameOf(settings), kind: 'bond', info: bondLinkOptions((settings.bond?.options ?? {}) as Record<string, string>) };
  },
  // These name a port: the kernel refuses them until that port is attached.
  afterPorts: ['primary', 'active_slave'],
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, withEthtool(bondKind));
  },
});
