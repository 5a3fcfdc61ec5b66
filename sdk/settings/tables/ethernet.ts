/**
 * The "802-3-ethernet" setting (keyfile group "ethernet"). Facts from
 * NetworkManager 1.42 (nm-setting-wired.c).
 */
import { defineSetting, UINT32_MAX } from '../schema.js';
import { ternary } from './rows.js';

/** cloned-mac-address values that are not addresses. */
export const CLONED_MAC_SPECIAL = ['preserve', 'permanent', 'random', 'stable'] as const;

/** NMSettingWiredWakeOnLan bits. */
export const WAKE_ON_LAN = {
  PHY: 0x2,
  UNICAST: 0x4,
  MULTICAST: 0x8,
  BROADCAST: 0x10,
  ARP: 0x20,
  MAGIC: 0x40,
  DEFAULT: 0x1,
  IGNORE: 0x8000,
} as const;

/** Keys NetworkManager accepts in 802-3-ethernet.s390-options. */
export const S390_OPTION_KEYS = [
  'bridge_role', 'broadcast_mode', 'buffer_count', 'canonical_macaddr', 'checksumming', 'ctcprot',
  'fake_broadcast', 'inter', 'inter_jumbo', 'ipato_add4', 'ipato_add6', 'ipato_enable', 'ipato_invert4',
  'ipato_invert6', 'isolation', 'lancmd_timeout', 'large_send', 'layer2', 'portname', 'portno',
  'priority_queueing', 'protocol', 'route4', 'route6', 'rxip_add4', 'rxip_add6', 'sniffer', 'total',
  'vipa_add4', 'vipa_add6',
] as const;

export const ethernetSetting = defineSetting({
  name: '802-3-ethernet',
  keyfileAlias: 'ethernet',
  baseType: true,
  description: 'Wired Ethernet link properties.',
  properties: [
    ternary('accept-all-mac-addresses', 'Promiscuous mode: -1 default, 0 off, 1 accept all MAC addresses.'),
    { name: 'auto-negotiate', type: 'boolean', default: false, description: 'Advertise speed and duplex (or all modes when both are unset) by autonegotiation.' },
    { name: 'cloned-mac-address', type: 'string', dbus: 'ay', description: 'MAC address to set on the device, or preserve, permanent, random or stable. (D-Bus: assigned-mac-address; cloned-mac-address as bytes.)' },
    { name: 'duplex', type: 'string', values: ['half', 'full'], description: 'Fixed duplex mode; needs speed.' },
    { name: 'generate-mac-address-mask', type: 'string', description: 'Mask (and OUIs) applied when generating a random or stable MAC address.' },
    { name: 'mac-address', type: 'mac', description: 'Permanent MAC address of the device this profile is locked to.' },
    { name: 'mac-address-blacklist', type: 'strings', description: 'MAC addresses of devices this profile must never apply to.' },
    { name: 'mtu', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'MTU in bytes; 0 leaves it alone.' },
    { name: 'port', type: 'string', values: ['tp', 'aui', 'bnc', 'mii'], description: 'Physical port type (legacy).' },
    { name: 's390-nettype', type: 'string', values: ['qeth', 'lcs', 'ctc'], description: 's390 network device type.' },
    { name: 's390-options', type: 'dict', default: {}, description: 's390 driver options, key to value.' },
    { name: 's390-subchannels', type: 'strings', description: 'Two or three s390 subchannel identifiers.' },
    { name: 'speed', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Fixed speed in Mbit/s; needs duplex; 0 leaves it alone.' },
    { name: 'wake-on-lan', type: 'uint32', default: WAKE_ON_LAN.DEFAULT, min: 0, max: UINT32_MAX, description: 'Wake-on-LAN flags; 1 default and 0x8000 ignore exclude all others.' },
    { name: 'wake-on-lan-password', type: 'string', description: 'SecureOn password for magic packets, in MAC address form.' },
  ],
});
