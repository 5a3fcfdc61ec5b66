/**
 * Rules of "wifi-p2p", "802-11-olpc-mesh" and "wimax" (NetworkManager
 * 1.42's verify in nm-setting-wifi-p2p.c, -olpc-mesh.c and -wimax.c).
 */
import { describeValue } from '../issues.js';
import { isValidMac } from '../mac.js';
import { OLPC_MESH_CHANNEL_MAX } from '../tables/wireless-extra.js';
import type { SettingRules } from './context.js';

/** NMSettingWirelessSecurityWpsMethod: the highest known bit and "disabled". */
const WPS_PIN = 0x8;
const WPS_DISABLED = 0x1;

export const wifiP2pRules: SettingRules = {
  setting: 'wifi-p2p',
  verify(ctx) {
    const S = 'wifi-p2p';
    const peer = ctx.raw(S, 'peer') as string | undefined;
    if (peer === undefined) ctx.error(S, 'peer', 'property is missing');
    else if (!isValidMac(peer, 6)) ctx.error(S, 'peer', `${describeValue(peer)} is not a MAC address (like 00:11:22:33:44:55)`, peer);
    const wps = ctx.num(S, 'wps-method') ?? 0;
    if (wps > WPS_PIN) ctx.error(S, 'wps-method', `${wps}: property is invalid (at most ${WPS_PIN})`, wps);
    // A P2P connection needs WPS: "disabled" is refused alone or with other bits.
    else if (wps & WPS_DISABLED) {
      ctx.error(S, 'wps-method', wps === WPS_DISABLED ? `${wps}: WPS is required` : `${wps}: can't be simultaneously disabled and enabled`, wps);
    }
  },
};

export const olpcMeshRules: SettingRules = {
  setting: '802-11-olpc-mesh',
  verify(ctx) {
    const S = '802-11-olpc-mesh';
    const ssid = ctx.raw(S, 'ssid') as Uint8Array | undefined;
    if (ssid === undefined) ctx.error(S, 'ssid', 'property is missing');
    else if (ssid.length === 0 || ssid.length > 32) ctx.error(S, 'ssid', `${ssid.length} bytes: SSID length is out of range <1-32> bytes`, ssid);
    const channel = ctx.num(S, 'channel') ?? 0;
    if (channel === 0 || channel > OLPC_MESH_CHANNEL_MAX) ctx.error(S, 'channel', `'${channel}' is not a valid channel (1-${OLPC_MESH_CHANNEL_MAX})`, channel);
    // dhcp-anycast-address is a 6-byte MAC: its row checks it.
  },
};

export const wimaxRules: SettingRules = {
  setting: 'wimax',
  verify(ctx) {
    const name = ctx.raw('wimax', 'network-name') as string | undefined;
    if (name === undefined) ctx.error('wimax', 'network-name', 'property is missing');
    else if (name === '') ctx.error('wimax', 'network-name', 'property is empty', name);
  },
};
