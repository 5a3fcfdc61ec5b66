/**
 * ETHTOOL_OPTS and ETHTOOL_WAKE_ON_LAN: the link properties of
 * "802-3-ethernet" (wake-on-lan, wake-on-lan-password, auto-negotiate,
 * speed, duplex) and the "ethtool" setting, read and written together as
 * NetworkManager 1.42 does (parse_ethtool_options, write_ethtool_setting).
 *
 * Rules from NetworkManager: an empty ETHTOOL_OPTS means Wake-on-LAN
 * "ignore"; ETHTOOL_WAKE_ON_LAN=ignore overrides whatever `wol` says, and
 * any other value of it is a warning; a `sopass` without magic-packet mode
 * is a warning and dropped. Either variable being set gives the profile an
 * "802-3-ethernet" setting (for any type, as NetworkManager does).
 *
 * On a rewrite, variables whose text still reads as the profile's values
 * stay as written (options NetworkManager does not read included); when the
 * values changed, both are written as NetworkManager's writer spells them.
 */
import { WAKE_ON_LAN, type ConnectionSettings, type SettingValue, type SettingValues } from '../../sdk/index.js';
import { printable } from './errors.js';
import { defaultEthtoolOpts, formatEthtoolOpts, parseEthtoolOpts, type EthtoolOpts } from './ethtool-opts.js';
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { Setting } from './nm-names.js';
import type { Vars } from './vars.js';

const OPTS = 'ETHTOOL_OPTS';
const WOL = 'ETHTOOL_WAKE_ON_LAN';

export const ETHTOOL_KEYS: readonly KeyMatcher[] = [OPTS, WOL];

/** The "802-3-ethernet" properties the two variables hold, with NetworkManager's defaults. */
const WIRED_FIELDS: readonly { property: string; field: keyof EthtoolOpts; default: SettingValue | undefined }[] = [
  { property: 'wake-on-lan', field: 'wakeOnLan', default: WAKE_ON_LAN.DEFAULT },
  { property: 'wake-on-lan-password', field: 'password', default: undefined },
  { property: 'auto-negotiate', field: 'autoNegotiate', default: false },
  { property: 'speed', field: 'speed', default: 0 },
  { property: 'duplex', field: 'duplex', default: undefined },
];

type Warn = (key: string, reason: string) => void;

/** Reads both variables into `settings`; a value nmk cannot use is a warning, never an error. */
export function readEthtool(vars: Vars, settings: ConnectionSettings): void {
  const read = readPair(vars.raw(OPTS), vars.raw(WOL), (key, reason) => vars.warn(key, reason));
  if (!read) return;
  const wired = (settings[Setting.wired] ??= {});
  for (const f of WIRED_FIELDS) {
    const value = read[f.field] as SettingValue | undefined;
    if (value !== undefined && value !== f.default) wired[f.property] = value;
  }
  if (read.ethtool) settings[Setting.ethtool] = read.ethtool;
}

/** What the two variables say together; undefined when neither is set. */
function readPair(opts: string | undefined, wol: string | undefined, warn: Warn): EthtoolOpts | undefined {
  if (opts === undefined && wol === undefined) return undefined;
  const read = opts === undefined ? defaultEthtoolOpts() : parseEthtoolOpts(opts, (reason) => warn(OPTS, reason));
  if (wol === 'ignore') read.wakeOnLan = WAKE_ON_LAN.IGNORE;
  else if (wol !== undefined) warn(WOL, `'${printable(wol)}' is not 'ignore', the one value NetworkManager reads; ignored`);
  if (read.password !== undefined && !(read.wakeOnLan & WAKE_ON_LAN.MAGIC)) {
    warn(OPTS, `Wake-on-LAN password '${printable(read.password)}' needs magic packet mode (wol g); ignored`);
    read.password = undefined;
  }
  return read;
}

/** Writes both variables for the profile (removes them when it needs neither). */
export function writeEthtool(settings: ConnectionSettings, out: FileWriter): void {
  const wired = settings[Setting.wired];
  const ethtool = settings[Setting.ethtool];
  if (fileSaysTheSame(out, wired, ethtool)) {
    out.keep(OPTS);
    out.keep(WOL);
    return;
  }
  out.set(WOL, wired?.['wake-on-lan'] === WAKE_ON_LAN.IGNORE ? 'ignore' : undefined);
  out.set(OPTS, formatEthtoolOpts(wired, ethtool, settings[Setting.connection]?.['interface-name']));
}

/** Whether the variables as they are in the file read as exactly these settings. */
function fileSaysTheSame(out: FileWriter, wired: SettingValues | undefined, ethtool: SettingValues | undefined): boolean {
  const current = readPair(out.get(OPTS), out.get(WOL), () => undefined);
  if (!current) return false;
  const wiredSame = WIRED_FIELDS.every((f) => (current[f.field] ?? f.default) === (wired?.[f.property] ?? f.default));
  return wiredSame && sameOptions(current.ethtool, ethtool);
}

function sameOptions(a: SettingValues | undefined, b: SettingValues | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
