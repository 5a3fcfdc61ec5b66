/**
 * Software links of layer 3 (and their layer 2 twins): ip-tunnel, tun,
 * macsec, vrf and loopback. Facts from NetworkManager 1.42
 * (nm-setting-ip-tunnel.c, nm-setting-tun.c, nm-setting-macsec.c,
 * nm-setting-vrf.c, nm-setting-loopback.c).
 */
import { defineSetting, INT32_MAX, INT32_MIN, UINT32_MAX } from '../schema.js';
import { secretFlags } from './rows.js';

/** NMIPTunnelMode, and the address family of each mode's endpoints. */
export const IP_TUNNEL_MODES = {
  UNKNOWN: 0,
  IPIP: 1,
  GRE: 2,
  SIT: 3,
  ISATAP: 4,
  VTI: 5,
  IP6IP6: 6,
  IPIP6: 7,
  IP6GRE: 8,
  VTI6: 9,
  GRETAP: 10,
  IP6GRETAP: 11,
} as const;

/** NMIPTunnelFlags: all of them are for ip6tnl (ipip6, ip6ip6) tunnels. */
export const IP_TUNNEL_FLAGS_ALL = 0x3f;

/** NMSettingTunMode. */
export const TUN_MODES = { TUN: 1, TAP: 2 } as const;

/** NMSettingMacsecMode and NMSettingMacsecValidation. */
export const MACSEC_MODES = { PSK: 0, EAP: 1 } as const;
export const MACSEC_VALIDATION = { DISABLE: 0, CHECK: 1, STRICT: 2 } as const;
/** mka-cak is 32 hex digits; mka-ckn an even number of hex digits, 2 to 64. */
export const MACSEC_CAK_LENGTH = 32;
export const MACSEC_CKN_MAX_LENGTH = 64;

export const ipTunnelSetting = defineSetting({
  name: 'ip-tunnel',
  baseType: true,
  description: 'IP tunnel (ipip, gre, sit, isatap, vti, ip6ip6, ipip6, ip6gre, vti6, gretap, ip6gretap).',
  properties: [
    { name: 'encapsulation-limit', type: 'uint32', default: 0, min: 0, max: 255, description: 'Extra levels of encapsulation allowed (IPv6 tunnels).' },
    { name: 'flags', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Tunnel flags (ip6tnl only): 0x1 ign-encap-limit, 0x2 use-orig-tclass, 0x4 use-orig-flowlabel, 0x8 mip6-dev, 0x10 rcv-dscp-copy, 0x20 use-orig-fwmark.' },
    { name: 'flow-label', type: 'uint32', default: 0, min: 0, max: (1 << 20) - 1, description: 'Flow label of tunnel packets (IPv6 tunnels).' },
    { name: 'fwmark', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'fwmark of tunnel packets; VTI and VTI6 only.' },
    { name: 'input-key', type: 'string', description: 'Key of incoming packets (GRE and VTI modes), a 32-bit number.' },
    { name: 'local', type: 'string', description: 'Local endpoint address (of the mode\'s family), or empty.' },
    { name: 'mode', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Tunnel mode: 1 ipip, 2 gre, 3 sit, 4 isatap, 5 vti, 6 ip6ip6, 7 ipip6, 8 ip6gre, 9 vti6, 10 gretap, 11 ip6gretap.' },
    { name: 'mtu', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'MTU in bytes; 0 leaves it alone.' },
    { name: 'output-key', type: 'string', description: 'Key of outgoing packets (GRE and VTI modes), a 32-bit number.' },
    { name: 'parent', type: 'string', description: 'Device the tunnel is bound to: interface name or profile UUID.' },
    { name: 'path-mtu-discovery', type: 'boolean', default: true, description: 'Path MTU discovery on the tunnel.' },
    { name: 'remote', type: 'string', description: 'Remote endpoint address (required).' },
    { name: 'tos', type: 'uint32', default: 0, min: 0, max: 255, description: 'TOS (IPv4) or traffic class (IPv6) of tunnel packets.' },
    { name: 'ttl', type: 'uint32', default: 0, min: 0, max: 255, description: 'TTL of tunnel packets; 0 inherits.' },
  ],
});

export const tunSetting = defineSetting({
  name: 'tun',
  baseType: true,
  description: 'TUN or TAP device.',
  properties: [
    { name: 'group', type: 'string', description: 'Group ID owning the device; unset lets everyone use it.' },
    { name: 'mode', type: 'uint32', default: TUN_MODES.TUN, min: 0, max: UINT32_MAX, description: 'Mode: 1 tun (layer 3), 2 tap (layer 2).' },
    { name: 'multi-queue', type: 'boolean', default: false, description: 'Several queues (file descriptors).' },
    { name: 'owner', type: 'string', description: 'User ID owning the device; unset lets everyone use it.' },
    { name: 'pi', type: 'boolean', default: false, description: 'Prepend the 4-byte packet information header.' },
    { name: 'vnet-hdr', type: 'boolean', default: false, description: 'Prepend a virtio network header (IFF_VNET_HDR).' },
  ],
});

export const macsecSetting = defineSetting({
  name: 'macsec',
  baseType: true,
  description: 'MACsec (802.1AE) interface on a parent device.',
  properties: [
    { name: 'encrypt', type: 'boolean', default: true, description: 'Encrypt transmitted traffic.' },
    { name: 'mka-cak', type: 'string', secret: true, secretFlags: 'mka-cak-flags', description: 'Pre-shared CAK for MKA: 32 hex digits (psk mode).' },
    secretFlags('mka-cak-flags', 'mka-cak'),
    { name: 'mka-ckn', type: 'string', description: 'Pre-shared CKN for MKA: 2 to 64 hex digits, an even number (psk mode).' },
    { name: 'mode', type: 'int32', default: MACSEC_MODES.PSK, min: INT32_MIN, max: INT32_MAX, description: 'How the CAK is obtained: 0 psk, 1 eap (802.1X).' },
    { name: 'parent', type: 'string', description: 'Parent device: interface name or profile UUID (else ethernet.mac-address).' },
    { name: 'port', type: 'int32', default: 1, min: 1, max: 65534, description: 'Port component of the SCI.' },
    { name: 'send-sci', type: 'boolean', default: true, description: 'Include the SCI in every packet.' },
    { name: 'validation', type: 'int32', default: MACSEC_VALIDATION.STRICT, min: INT32_MIN, max: INT32_MAX, description: 'Validation of incoming frames: 0 disable, 1 check, 2 strict.' },
  ],
});

export const vrfSetting = defineSetting({
  name: 'vrf',
  baseType: true,
  description: 'VRF (virtual routing and forwarding) device.',
  properties: [{ name: 'table', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Routing table of the VRF (not 0).' }],
});

export const loopbackSetting = defineSetting({
  name: 'loopback',
  baseType: true,
  description: 'The loopback device.',
  properties: [{ name: 'mtu', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'MTU in bytes; 0 leaves it alone.' }],
});
