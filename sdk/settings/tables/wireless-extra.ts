/**
 * The rarer Wi-Fi-like settings: "wifi-p2p" (Wi-Fi Direct),
 * "802-11-olpc-mesh" (OLPC mesh) and "wimax" (deprecated since
 * NetworkManager 1.2, but 1.42 still reads, verifies and writes it). Facts
 * from NetworkManager 1.42 (nm-setting-wifi-p2p.c, nm-setting-olpc-mesh.c,
 * nm-setting-wimax.c).
 */
import { defineSetting, UINT32_MAX } from '../schema.js';

/** The OLPC mesh works on 2.4 GHz channels 1-13. */
export const OLPC_MESH_CHANNEL_MAX = 13;

export const wifiP2pSetting = defineSetting({
  name: 'wifi-p2p',
  baseType: true,
  description: 'Wi-Fi P2P (Wi-Fi Direct) connection to a peer.',
  properties: [
    { name: 'peer', type: 'string', description: 'MAC address of the P2P peer device (required).' },
    { name: 'wfd-ies', type: 'bytes', description: 'Wi-Fi Display information elements to announce.' },
    { name: 'wps-method', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'WPS methods: 0 default, 1 disabled, 2 auto, 4 push button, 8 PIN.' },
  ],
});

export const olpcMeshSetting = defineSetting({
  name: '802-11-olpc-mesh',
  baseType: true,
  description: 'OLPC Wi-Fi mesh network.',
  properties: [
    { name: 'channel', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Channel of the mesh (1-13, required).' },
    { name: 'dhcp-anycast-address', type: 'mac', description: 'Anycast MAC address DHCP requests go to (picks the DHCP server class).' },
    { name: 'ssid', type: 'bytes', description: 'SSID of the mesh, 1 to 32 bytes (required).' },
  ],
});

export const wimaxSetting = defineSetting({
  name: 'wimax',
  baseType: true,
  description: 'WiMAX network (deprecated: NetworkManager has no WiMAX devices since 1.2).',
  properties: [
    { name: 'mac-address', type: 'mac', deprecated: true, description: 'MAC address of the WiMAX device this profile is locked to.' },
    { name: 'network-name', type: 'string', deprecated: true, description: 'Network service provider (NSP) name (required).' },
  ],
});
