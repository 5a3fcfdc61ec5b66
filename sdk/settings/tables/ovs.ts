/**
 * Open vSwitch settings: ovs-bridge, ovs-port, ovs-interface, ovs-patch,
 * ovs-dpdk, ovs-external-ids and ovs-other-config. Facts from
 * NetworkManager 1.42 (nm-setting-ovs-*.c).
 */
import { defineSetting, UINT32_MAX } from '../schema.js';

export const OVS_INTERFACE_TYPES = ['internal', 'system', 'patch', 'dpdk'] as const;
export const OVS_VLAN_MODES = ['access', 'native-tagged', 'native-untagged', 'trunk', 'dot1q-tunnel'] as const;
/** Highest VLAN id of an ovs-port trunk range. */
export const OVS_TRUNK_VID_MAX = 4095;

export const ovsBridgeSetting = defineSetting({
  name: 'ovs-bridge',
  baseType: true,
  description: 'Open vSwitch bridge.',
  properties: [
    { name: 'datapath-type', type: 'string', values: ['system', 'netdev'], description: 'Datapath type: system or netdev.' },
    { name: 'fail-mode', type: 'string', values: ['secure', 'standalone'], description: 'Failure mode: secure or standalone.' },
    { name: 'mcast-snooping-enable', type: 'boolean', default: false, description: 'Multicast snooping.' },
    { name: 'rstp-enable', type: 'boolean', default: false, description: 'Rapid spanning tree.' },
    { name: 'stp-enable', type: 'boolean', default: false, description: 'Spanning tree.' },
  ],
});

export const ovsPortSetting = defineSetting({
  name: 'ovs-port',
  baseType: true,
  description: 'Open vSwitch port (of an ovs-bridge, holding ovs-interfaces).',
  properties: [
    { name: 'bond-downdelay', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Milliseconds a bond port must be down before it is considered down.' },
    { name: 'bond-mode', type: 'string', values: ['active-backup', 'balance-slb', 'balance-tcp'], description: 'Bonding mode of a port with several interfaces.' },
    { name: 'bond-updelay', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Milliseconds a bond port must be up before it forwards traffic.' },
    { name: 'lacp', type: 'string', values: ['active', 'off', 'passive'], description: 'LACP mode.' },
    { name: 'tag', type: 'uint32', default: 0, min: 0, max: 4094, description: 'VLAN tag (access ports).' },
    { name: 'trunks', type: 'records', description: 'VLAN ranges the port trunks, each "10-20" or "30"; empty trunks all.' },
    { name: 'vlan-mode', type: 'string', values: OVS_VLAN_MODES, description: 'VLAN mode.' },
  ],
});

export const ovsInterfaceSetting = defineSetting({
  name: 'ovs-interface',
  baseType: true,
  description: 'Open vSwitch interface (of an ovs-port).',
  properties: [
    { name: 'ofport-request', type: 'uint32', default: 0, min: 0, max: 65279, description: 'OpenFlow port number; 0 lets OVS choose.' },
    { name: 'type', type: 'string', values: OVS_INTERFACE_TYPES, description: 'Interface type: internal, system, patch or dpdk.' },
  ],
});

export const ovsPatchSetting = defineSetting({
  name: 'ovs-patch',
  description: 'The other end of an Open vSwitch patch interface.',
  properties: [{ name: 'peer', type: 'string', description: 'Interface name of the other side of the patch (required).' }],
});

export const ovsDpdkSetting = defineSetting({
  name: 'ovs-dpdk',
  description: 'Open vSwitch DPDK interface options.',
  properties: [
    { name: 'devargs', type: 'string', description: 'DPDK device arguments (e.g. a PCI address).' },
    { name: 'n-rxq', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Number of receive queues; 0 leaves it to OVS.' },
    { name: 'n-rxq-desc', type: 'uint32', default: 0, min: 0, max: 4096, description: 'Receive queue size: 0, or a power of two up to 4096.' },
    { name: 'n-txq-desc', type: 'uint32', default: 0, min: 0, max: 4096, description: 'Transmit queue size: 0, or a power of two up to 4096.' },
  ],
});

export const ovsExternalIdsSetting = defineSetting({
  name: 'ovs-external-ids',
  description: 'external-ids of the OVS object the profile makes.',
  properties: [{ name: 'data', type: 'dict', default: {}, description: 'external-ids, key to value.' }],
});

export const ovsOtherConfigSetting = defineSetting({
  name: 'ovs-other-config',
  description: 'other_config of the OVS object the profile makes.',
  properties: [{ name: 'data', type: 'dict', default: {}, description: 'other_config entries, key to value.' }],
});
