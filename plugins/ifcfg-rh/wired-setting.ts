/**
 * "802-3-ethernet": HWADDR, MACADDR, MTU. Bonds, bridges and VLANs carry the
 * same variables for their own link, so they read this setting too. The
 * link properties in ETHTOOL_OPTS (wake-on-lan, auto-negotiate, speed,
 * duplex) share that variable with the "ethtool" setting: ethtool-setting.ts
 * reads and writes them for every type.
 */
import type { ConnectionSettings } from '../../sdk/index.js';
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { readRows, rowKeys, writeRows, type KeyRow } from './key-table.js';
import { Setting } from './nm-names.js';
import { ETH_ALEN, parseMac } from './scalars.js';
import type { Vars } from './vars.js';

const S = Setting.wired;

export const WIRED_ROWS: readonly KeyRow[] = [
  { key: 'HWADDR', setting: S, property: 'mac-address', codec: { kind: 'mac', length: ETH_ALEN } },
  { key: 'MTU', setting: S, property: 'mtu', codec: { kind: 'int', min: 0, max: 65535, base: 0 }, default: 0, lenient: true },
];

/** cloned-mac-address: an address or one of NetworkManager's special words. */
const CLONED_MAC_WORDS = ['preserve', 'permanent', 'random', 'stable'];

export const WIRED_KEYS: readonly KeyMatcher[] = [...rowKeys(WIRED_ROWS), 'MACADDR'];

/** Reads the setting; `always` adds it even when empty (an Ethernet profile always has one). */
export function readWired(vars: Vars, settings: ConnectionSettings, always: boolean): void {
  readRows(vars, WIRED_ROWS, settings);
  const cloned = vars.parsed(
    'MACADDR',
    (v) => (CLONED_MAC_WORDS.includes(v) ? v : parseMac(v, ETH_ALEN)),
    `is not a hardware address or one of ${CLONED_MAC_WORDS.join(', ')}`,
  );
  if (cloned !== undefined) (settings[S] ??= {})['cloned-mac-address'] = cloned;
  if (always) settings[S] ??= {};
}

export function writeWired(settings: ConnectionSettings, out: FileWriter): void {
  const values = settings[S];
  writeRows(values, WIRED_ROWS, out);
  const cloned = values?.['cloned-mac-address'];
  out.set('MACADDR', typeof cloned === 'string' ? cloned : undefined);
}
