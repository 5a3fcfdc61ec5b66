/**
 * "infiniband": HWADDR (20 bytes), MTU, CONNECTED_MODE, and for a partition
 * PKEY=yes with PKEY_ID (initscripts set the full-membership bit 0x8000 on
 * it; PKEY_ID_NM holds the key as is) and PHYSDEV.
 */
import type { ConnectionSettings, SettingValues } from '../../sdk/index.js';
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { readRows, rowKeys, writeRows, type KeyRow } from './key-table.js';
import { Setting } from './nm-names.js';
import { INFINIBAND_ALEN, isInterfaceName } from './scalars.js';
import type { Vars } from './vars.js';

const S = Setting.infiniband;

export const INFINIBAND_ROWS: readonly KeyRow[] = [
  { key: 'HWADDR', setting: S, property: 'mac-address', codec: { kind: 'mac', length: INFINIBAND_ALEN } },
  { key: 'MTU', setting: S, property: 'mtu', codec: { kind: 'int', min: 0, max: 65535, base: 0 }, default: 0 },
];

export const INFINIBAND_KEYS: readonly KeyMatcher[] = [...rowKeys(INFINIBAND_ROWS), 'CONNECTED_MODE', 'PKEY', 'PKEY_ID', 'PKEY_ID_NM', 'PHYSDEV'];

const FULL_MEMBERSHIP = 0x8000;

export function readInfiniband(vars: Vars): SettingValues {
  const settings: ConnectionSettings = {};
  readRows(vars, INFINIBAND_ROWS, settings);
  const values = settings[S] ?? {};
  values['transport-mode'] = vars.bool('CONNECTED_MODE') ? 'connected' : 'datagram';
  if (vars.bool('PKEY')) {
    const parent = vars.str('PHYSDEV');
    if (parent === undefined) throw vars.error('PKEY', 'PKEY=yes needs PHYSDEV');
    if (!isInterfaceName(parent)) throw vars.error('PHYSDEV', `'${parent}' is not a valid interface name`);
    const asIs = vars.int('PKEY_ID_NM', 0, 0xffff, 0);
    const key = asIs ?? vars.int('PKEY_ID', 0, 0xffff, 0);
    if (key === undefined) throw vars.error('PKEY', 'PKEY=yes needs PKEY_ID');
    values['p-key'] = asIs ?? key | FULL_MEMBERSHIP;
    values.parent = parent;
  }
  return values;
}

export function writeInfiniband(values: SettingValues | undefined, out: FileWriter): void {
  const v = values ?? {};
  writeRows(v, INFINIBAND_ROWS, out);
  out.set('CONNECTED_MODE', v['transport-mode'] === 'connected' ? 'yes' : 'no');
  const pkey = typeof v['p-key'] === 'number' ? v['p-key'] : -1;
  if (pkey === -1) return;
  out.set('PKEY', 'yes');
  out.set('PKEY_ID', String(pkey));
  if (!(pkey & FULL_MEMBERSHIP)) out.set('PKEY_ID_NM', String(pkey));
  out.set('PHYSDEV', typeof v.parent === 'string' ? v.parent : undefined);
}
