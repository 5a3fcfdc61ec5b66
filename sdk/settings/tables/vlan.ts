/**
 * The "vlan" setting. Facts from NetworkManager 1.42 (nm-setting-vlan.c).
 */
import { defineSetting } from '../schema.js';

/** NMVlanFlags bits. */
export const VLAN_FLAGS = { REORDER_HEADERS: 0x1, GVRP: 0x2, LOOSE_BINDING: 0x4, MVRP: 0x8 } as const;
export const VLAN_FLAGS_ALL = 0xf;

export const vlanSetting = defineSetting({
  name: 'vlan',
  baseType: true,
  description: 'IEEE 802.1Q VLAN interface.',
  properties: [
    { name: 'egress-priority-map', type: 'strings', description: 'Outgoing priority mappings "SKB_PRIORITY:802.1P", 802.1p in 0..7.' },
    // NetworkManager's own default is REORDER_HEADERS, but a D-Bus dict without
    // "flags" still means 0 (the old default): see dbus/twins.ts.
    { name: 'flags', type: 'uint32', default: VLAN_FLAGS.REORDER_HEADERS, flags: VLAN_FLAGS_ALL, description: 'VLAN flags: 1 reorder headers, 2 GVRP, 4 loose binding, 8 MVRP.' },
    { name: 'id', type: 'uint32', default: 0, min: 0, max: 4094, description: 'VLAN identifier.' },
    { name: 'ingress-priority-map', type: 'strings', description: 'Incoming priority mappings "802.1P:SKB_PRIORITY", 802.1p in 0..7.' },
    { name: 'parent', type: 'string', description: 'Parent device: interface name or profile UUID (else ethernet.mac-address).' },
    { name: 'protocol', type: 'string', values: ['802.1Q', '802.1ad'], description: 'VLAN protocol (default 802.1Q).' },
  ],
});
