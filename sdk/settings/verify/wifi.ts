/**
 * Rules of "802-11-wireless" and "802-11-wireless-security"
 * (NetworkManager's nm-setting-wireless.c and -wireless-security.c verify,
 * and the latter's verify_secrets for keys that are present).
 */
import { describeValue } from '../issues.js';
import { MAC_RANDOMIZATION, WAKE_ON_WLAN_ALL, WAKE_ON_WLAN_EXCLUSIVE, WIFI_CHANNELS } from '../tables/wifi.js';
import type { SettingRules } from './context.js';
import { verifyClonedMac, verifyMacList, verifyMacMask } from './ethernet.js';

const W = '802-11-wireless';
const SEC = '802-11-wireless-security';

/** Whether cloned-mac-address and the deprecated mac-address-randomization agree. */
export function macRandomizationAgrees(cloned: string | undefined, randomization: number): boolean {
  if (cloned === undefined) return randomization === MAC_RANDOMIZATION.DEFAULT;
  if (randomization === MAC_RANDOMIZATION.DEFAULT) return true;
  return (randomization === MAC_RANDOMIZATION.ALWAYS && cloned === 'random') || (randomization === MAC_RANDOMIZATION.NEVER && cloned === 'permanent');
}

export const wifiRules: SettingRules = {
  setting: W,
  verify(ctx) {
    const ssid = ctx.raw(W, 'ssid') as Uint8Array | undefined;
    if (ssid === undefined) ctx.error(W, 'ssid', 'property is missing');
    else if (ssid.length === 0 || ssid.length > 32) ctx.error(W, 'ssid', `${describeValue(ssid)}: SSID length ${ssid.length} is out of range <1-32> bytes`, ssid);
    const band = ctx.raw(W, 'band') as 'a' | 'bg' | undefined;
    const channel = ctx.num(W, 'channel') ?? 0;
    if (channel && band === undefined) ctx.error(W, 'band', `'channel' (${channel}) requires setting 'band' property`);
    else if (channel && WIFI_CHANNELS[band!] && !WIFI_CHANNELS[band!].includes(channel)) ctx.error(W, 'channel', `'${channel}' is not a valid channel for band '${band}'`, channel);
    const mode = ctx.raw(W, 'mode') as string | undefined;
    if (mode === 'mesh' && !(channel && band)) ctx.error(W, 'mode', "'mesh' requires 'band' and 'channel' property", mode);
    verifyClonedMac(ctx, W);
    verifyMacMask(ctx, W);
    verifyMacList(ctx, W, 'mac-address-blacklist');
    verifyMacList(ctx, W, 'seen-bssids');
    const wow = ctx.num(W, 'wake-on-wlan') ?? 1;
    if (wow & WAKE_ON_WLAN_EXCLUSIVE) {
      if ((wow & (wow - 1)) !== 0) ctx.error(W, 'wake-on-wlan', `${wow}: Wake-on-WLAN mode 'default' and 'ignore' are exclusive flags`, wow);
    } else if (wow & ~WAKE_ON_WLAN_ALL) {
      ctx.error(W, 'wake-on-wlan', `${wow}: Wake-on-WLAN trying to set unknown flag`, wow);
    }
    const isolation = ctx.num(W, 'ap-isolation') ?? -1;
    if (isolation !== -1 && mode !== 'ap') ctx.error(W, 'ap-isolation', `${isolation}: AP isolation can be set only in AP mode`, isolation);
    const cloned = ctx.raw(W, 'cloned-mac-address') as string | undefined;
    const randomization = ctx.num(W, 'mac-address-randomization') ?? 0;
    if (!macRandomizationAgrees(cloned, randomization)) {
      ctx.report('normalizable', W, 'cloned-mac-address', `${describeValue(cloned)}: conflicting value of mac-address-randomization (${randomization}) and cloned-mac-address`, cloned);
    }
  },
};

/** nm_utils_wep_key_valid: hex (10 or 26 digits) or ASCII (5 or 13) keys, or 1..64-character passphrases. */
export function validWepKey(key: string, type: number): boolean {
  const asKey = (/^[0-9a-fA-F]+$/.test(key) && (key.length === 10 || key.length === 26)) || ((key.length === 5 || key.length === 13) && /^[\x20-\x7e]+$/.test(key));
  const asPassphrase = key.length > 0 && key.length <= 64;
  return type === 1 ? asKey : type === 2 ? asPassphrase : asKey || asPassphrase;
}

/** nm_utils_wpa_psk_valid: 8..63 printable characters, or 64 hex digits. */
export function validPsk(psk: string): boolean {
  if (psk.length === 64) return /^[0-9a-fA-F]{64}$/.test(psk);
  return psk.length >= 8 && psk.length <= 63 && /^[\x20-\x7e]+$/.test(psk);
}

export const wifiSecurityRules: SettingRules = {
  setting: SEC,
  verify(ctx) {
    const keyMgmt = ctx.raw(SEC, 'key-mgmt') as string | undefined;
    if (keyMgmt === undefined) return ctx.error(SEC, 'key-mgmt', 'property is missing');
    const mode = ctx.raw(W, 'mode');
    if (mode === 'mesh' && keyMgmt !== 'none' && keyMgmt !== 'sae') ctx.error(SEC, 'key-mgmt', `'${keyMgmt}' is not a valid value for 'mesh' mode connections`, keyMgmt);
    const authAlg = ctx.raw(SEC, 'auth-alg') as string | undefined;
    if (authAlg === 'leap') {
      if (keyMgmt !== 'ieee8021x') ctx.error(SEC, 'auth-alg', `'leap' security requires 'key-mgmt=ieee8021x', not '${keyMgmt}'`, authAlg);
      else if (ctx.raw(SEC, 'leap-username') === undefined) ctx.error(SEC, 'leap-username', 'property is empty');
    } else if (['ieee8021x', 'wpa-eap', 'wpa-eap-suite-b-192'].includes(keyMgmt) && !ctx.has('802-1x')) {
      ctx.error('802-1x', undefined, `'${keyMgmt}' security requires '802-1x' setting presence`, keyMgmt);
    }
    if (ctx.raw(SEC, 'leap-username') === '') ctx.error(SEC, 'leap-username', 'property is empty', '');
    if (authAlg === 'shared' && keyMgmt !== 'none') ctx.error(SEC, 'auth-alg', `'shared' can only be used with 'key-mgmt=none' (WEP), not '${keyMgmt}'`, authAlg);
    const pmf = ctx.num(SEC, 'pmf') ?? 0;
    if ((pmf === 2 || pmf === 3) && !['wpa-eap', 'wpa-eap-suite-b-192', 'wpa-psk', 'sae', 'owe'].includes(keyMgmt)) {
      ctx.error(SEC, 'pmf', `'${pmf === 2 ? 'optional' : 'required'}' can only be used with 'owe', 'wpa-psk', 'sae', 'wpa-eap' or 'wpa-eap-suite-b-192' key management (not '${keyMgmt}')`, pmf);
    }
    if (['owe', 'sae', 'wpa-eap-suite-b-192'].includes(keyMgmt) && pmf !== 0 && pmf !== 3) {
      ctx.error(SEC, 'pmf', `${pmf}: pmf can only be 'default' or 'required' when using 'owe', 'sae' or 'wpa-eap-suite-b-192' key management`, pmf);
    }
    const wps = ctx.num(SEC, 'wps-method') ?? 0;
    if (wps & 1 && wps !== 1) ctx.error(SEC, 'wps-method', `${wps}: can't be simultaneously disabled and enabled`, wps);
    // Secrets, as nm_connection_verify_secrets checks them.
    const keyType = ctx.num(SEC, 'wep-key-type') ?? 0;
    for (const p of ['wep-key0', 'wep-key1', 'wep-key2', 'wep-key3']) {
      const key = ctx.raw(SEC, p) as string | undefined;
      if (key !== undefined && !validWepKey(key, keyType)) ctx.error(SEC, p, 'property is invalid (not a WEP key of the wep-key-type)', '<secret>');
    }
    const psk = ctx.raw(SEC, 'psk') as string | undefined;
    if (psk !== undefined && keyMgmt !== 'sae' && !validPsk(psk)) {
      ctx.error(SEC, 'psk', `property is invalid (${psk.length} characters; needs 8..63 characters or 64 hex digits)`, '<secret>');
    }
  },
};
