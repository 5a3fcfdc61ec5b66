/**
 * IEEE 802.15.4 settings: "wpan" (the MAC layer device) and "6lowpan" (IPv6
 * over it). Facts from NetworkManager 1.42 (nm-setting-wpan.c,
 * nm-setting-6lowpan.c).
 */
import { defineSetting } from '../schema.js';

/** Length of an IEEE 802.15.4 extended address, in bytes. */
export const WPAN_MAC_LENGTH = 8;
/** Highest channel page and channel NetworkManager accepts; -1 leaves the device's own. */
export const WPAN_MAX_PAGE = 31;
export const WPAN_MAX_CHANNEL = 26;

const INT16_MIN = -32768;
const INT16_MAX = 32767;

export const wpanSetting = defineSetting({
  name: 'wpan',
  baseType: true,
  description: 'IEEE 802.15.4 (WPAN) MAC layer device.',
  properties: [
    { name: 'channel', type: 'int32', default: -1, min: INT16_MIN, max: INT16_MAX, description: 'IEEE 802.15.4 channel (0-26, with page); -1 keeps the device\'s.' },
    { name: 'mac-address', type: 'string', canonical: 'mac', macLength: WPAN_MAC_LENGTH, description: 'Permanent 8-byte address of the device this profile is locked to.' },
    { name: 'page', type: 'int32', default: -1, min: INT16_MIN, max: INT16_MAX, description: 'Channel page (0-31, with channel); -1 keeps the device\'s.' },
    { name: 'pan-id', type: 'uint32', default: 0xffff, min: 0, max: 0xffff, description: 'Personal area network identifier.' },
    { name: 'short-address', type: 'uint32', default: 0xffff, min: 0, max: 0xffff, description: 'Short 16-bit address within the PAN.' },
  ],
});

export const lowpanSetting = defineSetting({
  name: '6lowpan',
  baseType: true,
  description: '6LoWPAN interface on a WPAN device.',
  properties: [{ name: 'parent', type: 'string', description: 'Parent WPAN device: interface name or profile UUID (required).' }],
});
