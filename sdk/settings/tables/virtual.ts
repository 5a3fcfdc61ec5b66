/**
 * Software link settings without many rules: macvlan, veth, dummy, vxlan,
 * generic, infiniband. Facts from NetworkManager 1.42 (nm-setting-*.c).
 */
import { defineSetting, UINT32_MAX } from '../schema.js';

/** NMSettingMacvlanMode. */
export const MACVLAN_MODES = { UNKNOWN: 0, VEPA: 1, BRIDGE: 2, PRIVATE: 3, PASSTHRU: 4, SOURCE: 5 } as const;

/** Largest InfiniBand MTU NetworkManager keeps (larger values are clamped by normalisation). */
export const INFINIBAND_MAX_MTU = 65520;

export const macvlanSetting = defineSetting({
  name: 'macvlan',
  baseType: true,
  description: 'MACVLAN (or MACVTAP) interface on a parent device.',
  properties: [
    { name: 'mode', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Mode: 1 vepa, 2 bridge, 3 private, 4 passthru, 5 source.' },
    { name: 'parent', type: 'string', description: 'Parent device: interface name or profile UUID (else ethernet.mac-address).' },
    { name: 'promiscuous', type: 'boolean', default: true, description: 'Promiscuous mode; off only in passthru mode.' },
    { name: 'tap', type: 'boolean', default: false, description: 'Create a MACVTAP device instead.' },
  ],
});

export const vethSetting = defineSetting({
  name: 'veth',
  baseType: true,
  description: 'Virtual Ethernet pair.',
  properties: [{ name: 'peer', type: 'string', description: 'Interface name of the other end of the pair.' }],
});

export const dummySetting = defineSetting({
  name: 'dummy',
  baseType: true,
  description: 'Dummy interface (no properties of its own).',
  properties: [],
});

export const genericSetting = defineSetting({
  name: 'generic',
  baseType: true,
  description: 'A device NetworkManager does not otherwise know (no properties in 1.42).',
  properties: [],
});

export const vxlanSetting = defineSetting({
  name: 'vxlan',
  baseType: true,
  description: 'VXLAN tunnel interface.',
  properties: [
    { name: 'ageing', type: 'uint32', default: 300, min: 0, max: UINT32_MAX, description: 'Seconds learned forwarding entries are kept.' },
    { name: 'destination-port', type: 'uint32', default: 8472, min: 0, max: 65535, description: 'Remote UDP port.' },
    { name: 'id', type: 'uint32', default: 0, min: 0, max: 16777215, description: 'VXLAN network identifier.' },
    { name: 'l2-miss', type: 'boolean', default: false, description: 'Netlink notifications on link-layer address misses.' },
    { name: 'l3-miss', type: 'boolean', default: false, description: 'Netlink notifications on IP address misses.' },
    { name: 'learning', type: 'boolean', default: true, description: 'Learn remote addresses into the forwarding database.' },
    { name: 'limit', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Maximum forwarding database entries; 0 unlimited.' },
    { name: 'local', type: 'string', description: 'Source IP address (same family as remote).' },
    { name: 'parent', type: 'string', description: 'Parent device: interface name or profile UUID.' },
    { name: 'proxy', type: 'boolean', default: false, description: 'ARP proxy.' },
    { name: 'remote', type: 'string', description: 'Unicast destination or multicast group IP address.' },
    { name: 'rsc', type: 'boolean', default: false, description: 'Route short circuit.' },
    { name: 'source-port-max', type: 'uint32', default: 0, min: 0, max: 65535, description: 'Highest UDP source port.' },
    { name: 'source-port-min', type: 'uint32', default: 0, min: 0, max: 65535, description: 'Lowest UDP source port.' },
    { name: 'tos', type: 'uint32', default: 0, min: 0, max: 255, description: 'TOS of outgoing packets.' },
    { name: 'ttl', type: 'uint32', default: 0, min: 0, max: 255, description: 'TTL of outgoing packets; 0 inherit.' },
  ],
});

export const infinibandSetting = defineSetting({
  name: 'infiniband',
  baseType: true,
  description: 'IP over InfiniBand device or partition.',
  properties: [
    { name: 'mac-address', type: 'mac', macLength: 20, description: 'Permanent 20-byte hardware address the profile is locked to.' },
    { name: 'mtu', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'MTU in bytes (at most 65520); 0 leaves it alone.' },
    { name: 'p-key', type: 'int32', default: -1, min: -1, max: 0xffff, description: 'Partition key of a child partition; -1 for the parent interface itself.' },
    { name: 'parent', type: 'string', description: 'Parent interface of a partition.' },
    { name: 'transport-mode', type: 'string', values: ['datagram', 'connected'], description: 'IPoIB transport mode (required).' },
  ],
});
