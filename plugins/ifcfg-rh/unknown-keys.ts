/**
 * Variables nmk does not read: a warning each (file, line, key), so an
 * administrator learns that nmk ignores, say, USERCTL or ARPCHECK. They stay
 * in the file as they are when nmk rewrites it (the writer removes only the
 * variables it manages). ETHTOOL_OPTS is read (ethtool-setting.ts): what it
 * holds that nmk skips is a warning of its own, naming the option.
 */
import { matchesAny } from './file-writer.js';
import type { Vars } from './vars.js';
import { MANAGED_KEYS } from './writer.js';

/**
 * Variables NetworkManager writes into every file at a default nmk shares:
 * ignoring them changes nothing, so they are not worth a warning.
 */
const QUIET_DEFAULTS: Readonly<Record<string, string>> = { PROXY_METHOD: 'none', BROWSER_ONLY: 'no' };

/** Warns about every variable of the file the reader never asked about and the writer does not manage. */
export function warnUnknownKeys(vars: Vars): void {
  for (const key of vars.file.keys()) {
    if (vars.asked.has(key) || matchesAny(key, MANAGED_KEYS)) continue;
    if (QUIET_DEFAULTS[key] !== undefined && vars.file.get(key)?.toLowerCase() === QUIET_DEFAULTS[key]) continue;
    vars.warn(key, 'nmk does not read this variable; ignored, and kept in the file when nmk rewrites it');
  }
}
