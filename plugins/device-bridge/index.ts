/** Linux bridges: Device.Bridge with its ports as Slaves. */
import { definePlugin, DeviceProps, interfaceNameOf, linkOptions, NMDeviceType, Tokens, withEthtool, type DeviceKind, type LinkOptionRow } from '../../sdk/index.js';
import { configureBridge, configurePort } from './configure.js';

/**
 * bridge.* → the platform's bridge options. STP is always passed: NetworkManager
 * turns it on by default, the kernel off. The VLAN options only with VLAN
 * filtering on: a kernel without it refuses even "off".
 */
const BRIDGE_OPTIONS: readonly LinkOptionRow[] = [
  { property: 'stp', option: 'stp', always: true },
  { property: 'priority', option: 'priority' },
  { property: 'forward-delay', option: 'forward_delay' },
  { property: 'hello-time', option: 'hello_time' },
  { property: 'max-age', option: 'max_age' },
  { property: 'ageing-time', option: 'ageing_time' },
  { property: 'group-forward-mask', option: 'group_forward_mask' },
  { property: 'group-address', option: 'group_address' },
  { property: 'multicast-snooping', option: 'multicast_snooping' },
  { property: 'multicast-router', option: 'multicast_router' },
  { property: 'multicast-querier', option: 'multicast_querier' },
  { property: 'multicast-query-use-ifaddr', option: 'multicast_query_use_ifaddr' },
  { property: 'multicast-hash-max', option: 'multicast_hash_max' },
  { property: 'multicast-last-member-count', option: 'multicast_last_member_count' },
  { property: 'multicast-startup-query-count', option: 'multicast_startup_query_count' },
  { property: 'multicast-last-member-interval', option: 'multicast_last_member_interval' },
  { property: 'multicast-membership-interval', option: 'multicast_membership_interval' },
  { property: 'multicast-querier-interval', option: 'multicast_querier_interval' },
  { property: 'multicast-query-interval', option: 'multicast_query_interval' },
  { property: 'multicast-query-response-interval', option: 'multicast_query_response_interval' },
  { property: 'multicast-startup-query-interval', option: 'multicast_startup_query_interval' },
];
const VLAN_OPTIONS: readonly LinkOptionRow[] = [
  { property: 'vlan-filtering', option: 'vlan_filtering' },
  { property: 'vlan-default-pvid', option: 'vlan_default_pvid' },
  { property: 'vlan-protocol', option: 'vlan_protocol' },
  { property: 'vlan-stats-enabled', option: 'vlan_stats_enabled' },
];

export const bridgeKind: DeviceKind = {
  name: 'bridge',
  deviceType: NMDeviceType.BRIDGE,
  linkKinds: ['bridge'],
  software: true,
  dbus: [{ interface: 'org.freedesktop.NetworkManager.Device.Bridge', properties: [DeviceProps.hwAddress, DeviceProps.carrier, DeviceProps.slaves] }],
  connectionTypes: ['bridge'],
  creates: 'bridge',
  // One netlink message on the attached port sets all three (core/activation/port-options.ts); 0 means the default, as in NetworkManager.
  portOptions: [
    { setting: 'bridge-port', property: 'priority', on: 'port', file: 'brport/priority', option: 'priority', zeroIsDefault: true },
    { setting: 'bridge-port', property: 'path-cost', on: 'port', file: 'brport/path_cost', option: 'path_cost', zeroIsDefault: true },
    { setting: 'bridge-port', property: 'hairpin-mode', on: 'port', file: 'brport/hairpin_mode', option: 'hairpin_mode' },
  ],
  linkSpec(settings) {
    const info = linkOptions(settings, 'bridge', BRIDGE_OPTIONS);
    if (settings.bridge?.['vlan-filtering'] === true) Object.assign(info, linkOptions(settings, 'bridge', VLAN_OPTIONS));
    const mac = settings.bridge?.['mac-address'];
    return { name: interfaceNameOf(settings), kind: 'bridge', info, ...(typeof mac === 'string' ? { mac } : {}) };
  },
  // bridge.vlans and bridge-port.vlans (configure.ts).
  configure: configureBridge,
  configurePort,
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, withEthtool(bridgeKind));
  },
});
