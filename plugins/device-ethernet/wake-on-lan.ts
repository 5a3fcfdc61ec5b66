/**
 * 802-3-ethernet.wake-on-lan and wake-on-lan-password, applied as
 * NetworkManager 1.42 does (nm-device-ethernet.c wake_on_lan_enable,
 * nm-platform-utils.c nmp_utils_ethtool_set_wake_on_lan):
 * - in the config stage of an activation, and again on every Reapply of an
 *   activated device; nothing is restored on deactivation;
 * - the profile's flags win unless they are `default` (1); then the
 *   device's `[connection*] ethernet.wake-on-lan` (an integer, C notation;
 *   the first section whose match-device fits, as NetworkManager searches) decides, and
 *   without a usable one the device is left alone, as with `ignore` (0x8000);
 * - 0 turns Wake-on-LAN off; the other flags are set exactly (modes not
 *   listed are cleared); a password adds SecureOn (magicsecure);
 * - a driver that refuses (EOPNOTSUPP, EINVAL) costs nothing: NetworkManager
 *   ignores the answer and logs it only at its most verbose level; nmk logs
 *   it at debug, naming the device, the property and the errno;
 * - veth devices are skipped outright (NM_IS_DEVICE_VETH), and so is the
 *   activation of an ethernet profile with 802-1x: NetworkManager's config
 *   stage returns before Wake-on-LAN there (it applies it on Reapply only).
 */
import {
  connectionDefaultsOf,
  deviceMatchOf,
  normalizeMac,
  PlatformError,
  WAKE_ON_LAN,
  type ConfigView,
  type ConnectionSettings,
  type KindConfigureContext,
  type WakeOnLanMode,
} from '../../sdk/index.js';

/** One row per NetworkManager flag: its bit, the name nmcli uses, and the ethtool mode it sets. */
export const WOL_FLAGS: ReadonlyArray<{ flag: number; name: string; mode: WakeOnLanMode }> = [
  { flag: WAKE_ON_LAN.PHY, name: 'phy', mode: 'phy' },
  { flag: WAKE_ON_LAN.UNICAST, name: 'unicast', mode: 'ucast' },
  { flag: WAKE_ON_LAN.MULTICAST, name: 'multicast', mode: 'mcast' },
  { flag: WAKE_ON_LAN.BROADCAST, name: 'broadcast', mode: 'bcast' },
  { flag: WAKE_ON_LAN.ARP, name: 'arp', mode: 'arp' },
  { flag: WAKE_ON_LAN.MAGIC, name: 'magic', mode: 'magic' },
];

/** NM_SETTING_WIRED_WAKE_ON_LAN_ALL and _EXCLUSIVE_FLAGS. */
const ALL = WOL_FLAGS.reduce((a, r) => a | r.flag, 0);
const EXCLUSIVE = WAKE_ON_LAN.DEFAULT | WAKE_ON_LAN.IGNORE;
const INT32_MAX = 0x7fffffff;

/** The config key NetworkManager reads for a profile's `default`. */
export const DEFAULT_KEY = 'ethernet.wake-on-lan';

/**
 * A config value as NetworkManager reads it (_nm_utils_ascii_str_to_int64,
 * base 0: decimal, 0x hex or 0 octal, surrounding blanks allowed), or
 * undefined when unset, not a number, or outside 0..G_MAXINT32.
 */
export function parseConfigInteger(text: string | undefined): number | undefined {
  const t = text?.trim();
  if (!t) return undefined;
  const m = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(t);
  if (!m) return undefined;
  const magnitude = m[2] !== undefined ? parseInt(m[2], 16) : m[3] !== undefined ? parseInt(m[3], 8) : parseInt(m[4]!, 10);
  const value = m[1] === '-' ? -magnitude : magnitude;
  return value >= 0 && value <= INT32_MAX ? value : undefined;
}

/** What to do with a device's Wake-on-LAN: leave it alone, or set these flags (0: off). */
export type WolPlan = { ignore: true; why: string } | { ignore: false; flags: number; password?: string; from: 'profile' | 'config' };

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/** The flags and password for a profile, with `default` resolved through the config value (wake_on_lan_enable). */
export function planWakeOnLan(settings: ConnectionSettings, configValue: string | undefined): WolPlan {
  const wired = settings['802-3-ethernet'];
  // Only with the setting present does the profile speak, password included.
  const password = typeof wired?.['wake-on-lan-password'] === 'string' && wired['wake-on-lan-password'] !== '' ? wired['wake-on-lan-password'] : undefined;
  if (wired) {
    const raw = typeof wired['wake-on-lan'] === 'number' ? wired['wake-on-lan'] : WAKE_ON_LAN.DEFAULT;
    // The setting accepts undefined bits; NetworkManager drops them here.
    const flags = raw & (ALL | EXCLUSIVE);
    if (flags !== WAKE_ON_LAN.DEFAULT) return found(flags, password, 'profile');
  }
  let flags = parseConfigInteger(configValue) ?? WAKE_ON_LAN.DEFAULT;
  if (flags & EXCLUSIVE && !isPowerOfTwo(flags)) flags = WAKE_ON_LAN.DEFAULT;
  flags &= ALL | EXCLUSIVE;
  if (flags === WAKE_ON_LAN.DEFAULT) return { ignore: true, why: `'default' and no usable [connection] ${DEFAULT_KEY}` };
  return found(flags, password, 'config');
}

function found(flags: number, password: string | undefined, from: 'profile' | 'config'): WolPlan {
  if (flags === WAKE_ON_LAN.IGNORE) return { ignore: true, why: from === 'profile' ? "'ignore'" : `'ignore' from [connection] ${DEFAULT_KEY}` };
  return password === undefined ? { ignore: false, flags, from } : { ignore: false, flags, password, from };
}

/** Flags as nmcli names them ("phy, magic"); 0 is "none". */
export function describeFlags(flags: number): string {
  const names = WOL_FLAGS.filter((r) => flags & r.flag).map((r) => r.name);
  return names.length ? names.join(', ') : 'none';
}

/** The ethtool modes for NetworkManager flags; a password adds magicsecure. */
export function modesFor(flags: number, withPassword: boolean): WakeOnLanMode[] {
  const modes = WOL_FLAGS.filter((r) => flags & r.flag).map((r) => r.mode);
  if (withPassword) modes.push('magicsecure');
  return modes;
}

/**
 * The ethernet kind's configure slot. Never throws: whatever the driver
 * answers, the activation (or the Reapply) goes on, as in NetworkManager.
 */
export async function applyWakeOnLan(ctx: KindConfigureContext, config: ConfigView | undefined): Promise<void> {
  const { device, settings, reapply, platform, logger } = ctx;
  const log = { device: device.name };
  if (!reapply && settings['802-1x'] && settings.connection?.type === '802-3-ethernet') {
    logger.debug(`wake-on-lan of ${device.name} not set at activation: the profile has 802-1x (NetworkManager sets it only on reapply then)`, log);
    return;
  }
  const hit = connectionDefaultsOf(config).lookup(DEFAULT_KEY, deviceMatchOf(device));
  const plan = planWakeOnLan(settings, hit?.value);
  if (plan.ignore) {
    logger.debug(`wake-on-lan of ${device.name} left as it is: ${plan.why}`, log);
    return;
  }
  const what = `802-3-ethernet.wake-on-lan=${describeFlags(plan.flags)}${plan.from === 'config' ? ` (from [${hit?.section ?? 'connection'}] ${DEFAULT_KEY})` : ''}`;
  let password: string | undefined;
  if (plan.password !== undefined) {
    password = normalizeMac(plan.password, 6);
    if (password === undefined) {
      logger.debug(`${what} not applied to ${device.name}: 802-3-ethernet.wake-on-lan-password is not a MAC address`, log);
      return;
    }
  }
  logger.debug(`setting ${what}${password ? ' with a SecureOn password' : ''} on ${device.name}`, log);
  try {
    await platform.setWakeOnLan(device.ifindex, modesFor(plan.flags, password !== undefined), password);
  } catch (err) {
    const code = err instanceof PlatformError ? err.code : undefined;
    logger.debug(`${what} not applied to ${device.name}: ${code ?? (err instanceof Error ? err.message : String(err))}`, { ...log, ...(code ? { errno: code } : {}) });
  }
}

/**
 * The veth kind's slot: NetworkManager never touches a veth's Wake-on-LAN.
 * Said at debug when the profile asks for something, so nobody wonders.
 */
export async function skipWakeOnLanOnVeth({ device, settings, logger }: KindConfigureContext): Promise<void> {
  const wol = settings['802-3-ethernet']?.['wake-on-lan'];
  if (typeof wol === 'number' && wol !== WAKE_ON_LAN.DEFAULT && wol !== WAKE_ON_LAN.IGNORE) {
    logger.debug(`802-3-ethernet.wake-on-lan=${describeFlags(wol)} not applied to ${device.name}: NetworkManager leaves the Wake-on-LAN of veth devices alone`, { device: device.name });
  }
}
