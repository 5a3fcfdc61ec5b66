/**
 * "bond": BONDING_OPTS="mode=802.3ad miimon=100 ..." into bond.options, and
 * BONDING_MASTER=yes. Each option is checked against its row of the SDK's
 * BOND_OPTIONS, and the options together against bond-rules.ts; an option
 * that does not apply to the mode is dropped when it holds its default (as
 * NetworkManager's normalisation does) and refused otherwise.
 */
import { type BondMode, bondModeFromString, bondOption, bondOptionProblem, bondOptionSupported, type SettingValues } from '../../sdk/index.js';
import { bondRuleProblems } from './bond-rules.js';
import { printable } from './errors.js';
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { rowKeys, type KeyRow } from './key-table.js';
import { Setting } from './nm-names.js';
import { splitList } from './scalars.js';
import type { Vars } from './vars.js';

/** "bond-port", on a bond's port. */
export const BOND_PORT_ROWS: readonly KeyRow[] = [
  { key: 'BOND_PORT_QUEUE_ID', setting: Setting.bondPort, property: 'queue-id', codec: { kind: 'int', min: 0, max: 65535 }, default: 0 },
];

export const BOND_KEYS: readonly KeyMatcher[] = ['BONDING_OPTS', 'BONDING_MASTER', ...rowKeys(BOND_PORT_ROWS)];

export function readBond(vars: Vars): SettingValues {
  if (!vars.has('DEVICE')) throw vars.fileError('a bond needs DEVICE');
  const key = 'BONDING_OPTS';
  const given: Record<string, string> = {};
  for (const item of splitList(vars.str(key) ?? '', ' ')) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw vars.error(key, `'${printable(item)}' is not name=value`);
    const name = item.slice(0, eq);
    let value = item.slice(eq + 1);
    const option = bondOption(name);
    if (!option) throw vars.error(key, `unknown bonding option '${printable(name)}'`);
    // initscripts accept quotes and +/- (add/remove) around arp_ip_target addresses.
    if (name === 'arp_ip_target') value = value.replace(/^['"]/, '').replace(/[+\-'"]/g, '');
    if (bondOptionProblem(name, value) !== undefined) throw vars.error(key, `'${printable(value)}' is not a valid value for bonding option '${name}'`);
    given[name] = value;
  }
  const mode: BondMode = bondModeFromString(given.mode ?? 'balance-rr')!;
  const options: Record<string, string> = { mode };
  for (const [name, value] of Object.entries(given)) {
    if (name === 'mode') continue;
    const option = bondOption(name)!;
    if (bondOptionSupported(name, mode)) options[name] = value;
    else if (value !== option.default) throw vars.error(key, `bonding option '${name}' does not apply to mode ${mode}`);
  }
  const [problem] = bondRuleProblems(options, mode);
  if (problem) throw vars.error(key, problem);
  return { options };
}

export function writeBond(values: SettingValues | undefined, out: FileWriter): void {
  const options = (values?.options ?? {}) as Record<string, string>;
  const mode = options.mode ?? 'balance-rr';
  const rest = Object.keys(options)
    .filter((k) => k !== 'mode')
    .sort()
    .map((k) => `${k}=${options[k]}`);
  out.set('BONDING_OPTS', [`mode=${mode}`, ...rest].join(' '));
  out.set('BONDING_MASTER', 'yes');
}
