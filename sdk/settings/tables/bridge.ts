/**
 * The "bridge" and "bridge-port" settings. Facts from NetworkManager 1.42
 * (nm-setting-bridge.c, nm-setting-bridge-port.c, nm-core-internal.h). Times
 * are in seconds except the multicast intervals (centiseconds, as the kernel).
 */
import { defineSetting, UINT32_MAX, UINT64_SAFE_MAX } from '../schema.js';

/** VLAN IDs a bridge VLAN entry may use. */
export const BRIDGE_VLAN_VID_MIN = 1;
export const BRIDGE_VLAN_VID_MAX = 4094;

/** STP timer ranges NetworkManager checks when stp is on (0 is also allowed when it is off). */
export const BRIDGE_STP_RANGES = {
  'forward-delay': [2, 30],
  'hello-time': [1, 10],
  'max-age': [6, 40],
  'ageing-time': [0, 1000000],
} as const satisfies Record<string, readonly [number, number]>;

export const bridgeSetting = defineSetting({
  name: 'bridge',
  baseType: true,
  description: 'Bridge controller.',
  properties: [
    { name: 'ageing-time', type: 'uint32', default: 300, min: 0, max: 1000000, description: 'Seconds a learned MAC address is kept.' },
    { name: 'forward-delay', type: 'uint32', default: 15, min: 0, max: 30, description: 'STP forward delay in seconds.' },
    { name: 'group-address', type: 'mac', description: 'STP group MAC address, 01:80:C2:00:00:0X with X 0 or 4..F (default 01:80:C2:00:00:00).' },
    { name: 'group-forward-mask', type: 'uint32', default: 0, min: 0, max: 0xffff, description: 'Mask of link-local group addresses to forward; bits 0, 1 and 2 are refused.' },
    { name: 'hello-time', type: 'uint32', default: 2, min: 0, max: 10, description: 'STP hello time in seconds.' },
    { name: 'mac-address', type: 'mac', deprecated: true, description: 'Deprecated: MAC address of the bridge (use ethernet.cloned-mac-address).' },
    { name: 'max-age', type: 'uint32', default: 20, min: 0, max: 40, description: 'STP maximum message age in seconds.' },
    { name: 'multicast-hash-max', type: 'uint32', default: 4096, min: 1, max: UINT32_MAX, description: 'Size of the multicast group hash table; a power of two.' },
    { name: 'multicast-last-member-count', type: 'uint32', default: 2, min: 0, max: UINT32_MAX, description: 'Last-member queries sent after a leave.' },
    { name: 'multicast-last-member-interval', type: 'uint64', default: 100, min: 0, max: UINT64_SAFE_MAX, description: 'Centiseconds between last-member queries.' },
    { name: 'multicast-membership-interval', type: 'uint64', default: 26000, min: 0, max: UINT64_SAFE_MAX, description: 'Centiseconds after which a silent group member is dropped.' },
    { name: 'multicast-querier', type: 'boolean', default: false, description: 'Act as IGMP/MLD querier.' },
    { name: 'multicast-querier-interval', type: 'uint64', default: 25500, min: 0, max: UINT64_SAFE_MAX, description: 'Centiseconds after which another querier is considered gone.' },
    { name: 'multicast-query-interval', type: 'uint64', default: 12500, min: 0, max: UINT64_SAFE_MAX, description: 'Centiseconds between general queries.' },
    { name: 'multicast-query-response-interval', type: 'uint64', default: 1000, min: 0, max: UINT64_SAFE_MAX, description: 'Maximum response time in centiseconds advertised in queries.' },
    { name: 'multicast-query-use-ifaddr', type: 'boolean', default: false, description: 'Use the bridge address as query source instead of 0.0.0.0.' },
    { name: 'multicast-router', type: 'string', values: ['auto', 'enabled', 'disabled'], description: 'Whether the bridge has a multicast router attached.' },
    { name: 'multicast-snooping', type: 'boolean', default: true, description: 'IGMP/MLD snooping.' },
    { name: 'multicast-startup-query-count', type: 'uint32', default: 2, min: 0, max: UINT32_MAX, description: 'Queries sent at start-up.' },
    { name: 'multicast-startup-query-interval', type: 'uint64', default: 3125, min: 0, max: UINT64_SAFE_MAX, description: 'Centiseconds between start-up queries.' },
    { name: 'priority', type: 'uint32', default: 32768, min: 0, max: 65535, description: 'STP bridge priority; lower is more likely root.' },
    { name: 'stp', type: 'boolean', default: true, description: 'Spanning Tree Protocol.' },
    { name: 'vlan-default-pvid', type: 'uint32', default: 1, min: 0, max: 4094, description: 'PVID of ports when VLAN filtering is on; 0 none.' },
    { name: 'vlan-filtering', type: 'boolean', default: false, description: 'VLAN filtering on the bridge.' },
    { name: 'vlan-protocol', type: 'string', values: ['802.1Q', '802.1ad'], description: 'VLAN protocol used for filtering.' },
    { name: 'vlan-stats-enabled', type: 'boolean', default: false, description: 'Per-VLAN statistics.' },
    { name: 'vlans', type: 'records', description: 'VLANs of the bridge itself, each "VID[-VID] [pvid] [untagged]".' },
  ],
});

export const bridgePortSetting = defineSetting({
  name: 'bridge-port',
  description: 'Properties of a port of a bridge.',
  properties: [
    { name: 'hairpin-mode', type: 'boolean', default: false, description: 'Send frames back out of the port they came in on.' },
    { name: 'path-cost', type: 'uint32', default: 100, min: 0, max: 65535, description: 'STP path cost of the port.' },
    { name: 'priority', type: 'uint32', default: 32, min: 0, max: 63, description: 'STP priority of the port.' },
    { name: 'vlans', type: 'records', description: 'VLANs of the port, each "VID[-VID] [pvid] [untagged]".' },
  ],
});
