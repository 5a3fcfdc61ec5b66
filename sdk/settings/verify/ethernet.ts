/**
 * Rules of "802-3-ethernet" (NetworkManager's nm-setting-wired.c verify).
 * Value lists and MAC syntax of single properties are row checks.
 */
import { describeValue } from '../issues.js';
import { isValidMac } from '../mac.js';
import { CLONED_MAC_SPECIAL, S390_OPTION_KEYS, WAKE_ON_LAN } from '../tables/ethernet.js';
import type { SettingRules, VerifyContext } from './context.js';

const S = '802-3-ethernet';

/** cloned-mac-address: an address or a special word (shared with Wi-Fi). */
export function verifyClonedMac(ctx: VerifyContext, setting: string): void {
  const cloned = ctx.raw(setting, 'cloned-mac-address') as string | undefined;
  if (cloned !== undefined && !(CLONED_MAC_SPECIAL as readonly string[]).includes(cloned) && !isValidMac(cloned)) {
    ctx.error(setting, 'cloned-mac-address', `${describeValue(cloned)} is not a valid MAC address`, cloned);
  }
}

/** generate-mac-address-mask: "MASK [OUI...]" words that are all MAC addresses (an optional leading '~'). */
export function verifyMacMask(ctx: VerifyContext, setting: string): void {
  const mask = ctx.raw(setting, 'generate-mac-address-mask') as string | undefined;
  if (mask === undefined) return;
  const bad = mask.split(/[\s,;]+/).filter(Boolean).find((w) => !isValidMac(w.replace(/^~/, '')));
  if (bad !== undefined) ctx.error(setting, 'generate-mac-address-mask', `${describeValue(mask)}: '${bad}' is not a valid MAC address`, mask);
}

export function verifyMacList(ctx: VerifyContext, setting: string, property: string): void {
  const bad = ctx.list(setting, property).find((m) => !isValidMac(m));
  if (bad !== undefined) ctx.error(setting, property, `${describeValue(bad)} is not a valid MAC address`, bad);
}

export const ethernetRules: SettingRules = {
  setting: S,
  verify(ctx) {
    verifyMacList(ctx, S, 'mac-address-blacklist');
    const subchannels = ctx.raw(S, 's390-subchannels') as string[] | undefined;
    if (subchannels !== undefined && subchannels.length !== 2 && subchannels.length !== 3) {
      ctx.error(S, 's390-subchannels', `${describeValue(subchannels)}: needs 2 or 3 subchannels`, subchannels);
    }
    for (const key of Object.keys(ctx.dict(S, 's390-options'))) {
      if (!(S390_OPTION_KEYS as readonly string[]).includes(key)) ctx.error(S, 's390-options', `invalid key '${key}'`, key);
    }
    verifyClonedMac(ctx, S);
    verifyMacMask(ctx, S);

    const wol = ctx.num(S, 'wake-on-lan') ?? WAKE_ON_LAN.DEFAULT;
    const exclusive = WAKE_ON_LAN.DEFAULT | WAKE_ON_LAN.IGNORE;
    if (wol & exclusive && (wol & (wol - 1)) !== 0) {
      ctx.error(S, 'wake-on-lan', `${wol}: Wake-on-LAN mode 'default' and 'ignore' are exclusive flags`, wol);
    }
    const password = ctx.raw(S, 'wake-on-lan-password') as string | undefined;
    if (password !== undefined) {
      if (!(wol & WAKE_ON_LAN.MAGIC)) ctx.error(S, 'wake-on-lan-password', `${describeValue(password)}: Wake-on-LAN password can only be used with magic packet mode`, password);
      else if (!isValidMac(password)) ctx.error(S, 'wake-on-lan-password', `${describeValue(password)} is not a valid MAC address`, password);
    }

    const speed = ctx.num(S, 'speed') ?? 0;
    const duplex = ctx.raw(S, 'duplex');
    if ((speed !== 0) !== (duplex !== undefined)) {
      const reason = ctx.bool(S, 'auto-negotiate')
        ? 'both speed and duplex should have a valid value or both should be unset'
        : 'both speed and duplex are required for static link configuration';
      ctx.report('normalizable', S, speed ? 'duplex' : 'speed', `${reason} (speed ${speed}, duplex ${describeValue(duplex)})`, speed || duplex);
    }
  },
};
