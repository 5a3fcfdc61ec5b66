/**
 * The "802-11-wireless" (keyfile "wifi") and "802-11-wireless-security"
 * (keyfile "wifi-security") settings. Facts from NetworkManager 1.42
 * (nm-setting-wireless.c, nm-setting-wireless-security.c, nm-utils.c).
 */
import { defineSetting, INT32_MAX, INT32_MIN, UINT32_MAX } from '../schema.js';
import { secretFlags, ternary } from './rows.js';

export const WIFI_MODES = ['infrastructure', 'adhoc', 'ap', 'mesh'] as const;
export const KEY_MGMT = ['none', 'ieee8021x', 'wpa-psk', 'wpa-eap', 'wpa-eap-suite-b-192', 'sae', 'owe'] as const;

/** Channels NetworkManager accepts per band (nm_utils_wifi_channel_to_freq). */
export const WIFI_CHANNELS: Readonly<Record<'a' | 'bg', readonly number[]>> = {
  a: [
    7, 8, 9, 11, 12, 16, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 56, 58, 60, 64, 100, 104, 108, 112, 116, 120,
    124, 128, 132, 136, 140, 149, 152, 153, 157, 160, 161, 165, 183, 184, 185, 187, 188, 192, 196,
  ],
  bg: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
};

/** NMSettingMacRandomization. */
export const MAC_RANDOMIZATION = { DEFAULT: 0, NEVER: 1, ALWAYS: 2 } as const;

/** NMSettingWirelessWakeOnWLan: known bits, and the two that exclude all others. */
export const WAKE_ON_WLAN_ALL = 0x1fe;
export const WAKE_ON_WLAN_EXCLUSIVE = 0x8001;

export const wifiSetting = defineSetting({
  name: '802-11-wireless',
  keyfileAlias: 'wifi',
  baseType: true,
  description: 'Wi-Fi network and link properties.',
  properties: [
    ternary('ap-isolation', 'Keep clients of this access point from talking to each other (AP mode only).'),
    { name: 'band', type: 'string', values: ['a', 'bg'], description: 'Frequency band: a (5 GHz) or bg (2.4 GHz).' },
    { name: 'bssid', type: 'mac', description: 'Only associate with this access point.' },
    { name: 'channel', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Channel to use (needs band); 0 any.' },
    { name: 'cloned-mac-address', type: 'string', dbus: 'ay', description: 'MAC address to set on the device, or preserve, permanent, random or stable. (D-Bus: assigned-mac-address; cloned-mac-address as bytes.)' },
    { name: 'generate-mac-address-mask', type: 'string', description: 'Mask (and OUIs) applied when generating a random or stable MAC address.' },
    { name: 'hidden', type: 'boolean', default: false, description: 'The network does not broadcast its SSID.' },
    { name: 'mac-address', type: 'mac', description: 'Permanent MAC address of the device this profile is locked to.' },
    { name: 'mac-address-blacklist', type: 'strings', description: 'MAC addresses of devices this profile must never apply to.' },
    { name: 'mac-address-randomization', type: 'uint32', default: 0, values: [0, 1, 2], deprecated: true, description: 'Deprecated (use cloned-mac-address): 0 default, 1 never, 2 always.' },
    { name: 'mode', type: 'string', values: WIFI_MODES, description: 'Network mode; infrastructure when unset.' },
    { name: 'mtu', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'MTU in bytes; 0 leaves it alone.' },
    { name: 'powersave', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Power saving: 0 default, 1 ignore, 2 disable, 3 enable.' },
    { name: 'rate', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Fixed bit rate in kbit/s; 0 automatic.' },
    { name: 'seen-bssids', type: 'strings', description: 'BSSIDs seen for this network (kept by NetworkManager).' },
    { name: 'ssid', type: 'bytes', description: 'SSID of the network, 1 to 32 bytes (required).' },
    { name: 'tx-power', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Fixed transmit power in dBm; 0 automatic.' },
    { name: 'wake-on-wlan', type: 'uint32', default: 1, min: 0, max: UINT32_MAX, description: 'Wake-on-WLAN flags; 1 default and 0x8000 ignore exclude all others.' },
  ],
});

export const wifiSecuritySetting = defineSetting({
  name: '802-11-wireless-security',
  keyfileAlias: 'wifi-security',
  description: 'Wi-Fi authentication and encryption.',
  properties: [
    { name: 'auth-alg', type: 'string', values: ['open', 'shared', 'leap'], description: '802.11 authentication algorithm for WEP: open, shared or leap.' },
    { name: 'fils', type: 'int32', default: 0, min: INT32_MIN, max: INT32_MAX, description: 'Fast Initial Link Setup: 0 default, 1 disable, 2 optional, 3 required.' },
    { name: 'group', type: 'strings', values: ['wep40', 'wep104', 'tkip', 'ccmp'], description: 'Allowed group ciphers; empty allows all.' },
    { name: 'key-mgmt', type: 'string', values: KEY_MGMT, description: 'Key management (required): none (WEP), ieee8021x, wpa-psk, wpa-eap, wpa-eap-suite-b-192, sae, owe.' },
    { name: 'leap-password', type: 'string', secret: true, secretFlags: 'leap-password-flags', description: 'LEAP password.' },
    secretFlags('leap-password-flags', 'leap-password'),
    { name: 'leap-username', type: 'string', description: 'LEAP user name.' },
    { name: 'pairwise', type: 'strings', values: ['tkip', 'ccmp'], description: 'Allowed pairwise ciphers; empty allows all.' },
    { name: 'pmf', type: 'int32', default: 0, values: [0, 1, 2, 3], description: 'Protected management frames: 0 default, 1 disable, 2 optional, 3 required.' },
    { name: 'proto', type: 'strings', values: ['wpa', 'rsn'], description: 'Allowed WPA versions; empty allows both.' },
    { name: 'psk', type: 'string', secret: true, secretFlags: 'psk-flags', description: 'WPA pre-shared key: 8-63 character passphrase or 64 hex digits (any length for SAE).' },
    secretFlags('psk-flags', 'psk'),
    secretFlags('wep-key-flags', 'wep-key0..3'),
    { name: 'wep-key-type', type: 'uint32', default: 0, values: [0, 1, 2], description: 'How WEP keys read: 0 unknown, 1 hex or ASCII key, 2 passphrase.' },
    { name: 'wep-key0', type: 'string', secret: true, secretFlags: 'wep-key-flags', description: 'WEP key at index 0.' },
    { name: 'wep-key1', type: 'string', secret: true, secretFlags: 'wep-key-flags', description: 'WEP key at index 1.' },
    { name: 'wep-key2', type: 'string', secret: true, secretFlags: 'wep-key-flags', description: 'WEP key at index 2.' },
    { name: 'wep-key3', type: 'string', secret: true, secretFlags: 'wep-key-flags', description: 'WEP key at index 3.' },
    { name: 'wep-tx-keyidx', type: 'uint32', default: 0, min: 0, max: 3, description: 'Index of the WEP key used to transmit.' },
    { name: 'wps-method', type: 'uint32', default: 0, min: 0, max: 8, description: 'WPS methods: 0 default, 1 disabled, 2 auto, 4 push button, 8 PIN (NetworkManager refuses values above 8).' },
  ],
});
