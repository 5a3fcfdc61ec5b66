/**
 * "bond": BONDING_OPTS="mode=802.3ad miimon=100 ..." into bond.options, and
 * BONDING_MASTER=yes. As NetworkManager's reader (handle_bond_option): an
 * item that is not name=value, an option nmk does not know and a value the
 * option's row of the SDK's BOND_OPTIONS refuses are warnings, and the option
 * is left out. The options together are checked against bond-rules.ts (what
 * NetworkManager's verify() refuses): a broken rule is an error. An option
 * the mode does not use is dropped, as NetworkManager's normalisation does,
 * with a warning when it held something other than its default. On a
 * rewrite, the items nmk did not read are written back after its own.
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
  { key: 'BOND_PORT_QUEUE_ID', setting: Setting.bondPort, property: 'queue-id', codec: { kind: 'int', min: 0, max: 65535 }, default: 0, lenient: true },
];

export const BOND_KEYS: readonly KeyMatcher[] = ['BONDING_OPTS', 'BONDING_MASTER', ...rowKeys(BOND_PORT_ROWS)];

export function readBond(vars: Vars): SettingValues {
  if (!vars.has('DEVICE')) throw vars.fileError('a bond needs DEVICE');
  const key = 'BONDING_OPTS';
  const given: Record<string, string> = {};
  for (const item of bondItems(vars.str(key))) {
    if ('unread' in item) {
      vars.warn(key, item.unread);
      continue;
    }
    const { name } = item;
    // initscripts accept quotes and +/- (add/remove) around arp_ip_target addresses.
    const value = name === 'arp_ip_target' ? item.value.replace(/^['"]/, '').replace(/[+\-'"]/g, '') : item.value;
    if (bondOptionProblem(name, value) !== undefined) vars.warn(key, `'${printable(value)}' is not a valid value for bonding option '${name}'; ignored`);
    else given[name] = value;
  }
  const mode: BondMode = bondModeFromString(given.mode ?? 'balance-rr')!;
  const options: Record<string, string> = { mode };
  for (const [name, value] of Object.entries(given)) if (name !== 'mode') options[name] = value;
  // NetworkManager verifies these rules before it drops the options the mode does not use.
  const [problem] = bondRuleProblems(options, mode);
  if (problem) throw vars.error(key, problem);
  for (const [name, value] of Object.entries(options)) {
    if (name === 'mode' || bondOptionSupported(name, mode)) continue;
    delete options[name];
    if (value !== bondOption(name)!.default) vars.warn(key, `bonding option '${name}' does not apply to mode ${mode}; ignored`);
  }
  return { options };
}

type BondItem = { name: string; value: string; text: string } | { unread: string; text: string };

/** BONDING_OPTS split into items: a known option with its value, or why the item is not read. */
function bondItems(text: string | undefined): BondItem[] {
  return splitList(text ?? '', ' ').map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) return { unread: `'${printable(item)}' is not name=value; ignored`, text: item };
    const name = item.slice(0, eq);
    if (!bondOption(name)) return { unread: `unknown bonding option '${printable(name)}'; ignored`, text: item };
    return { name, value: item.slice(eq + 1), text: item };
  });
}

export function writeBond(values: SettingValues | undefined, out: FileWriter): void {
  const options = (values?.options ?? {}) as Record<string, string>;
  const mode = options.mode ?? 'balance-rr';
  const rest = Object.keys(options)
    .filter((k) => k !== 'mode')
    .sort()
    .map((k) => `${k}=${options[k]}`);
  // Items nmk does not read stay, after its own (a newer bonding driver's option, say).
  const unread = bondItems(out.get('BONDING_OPTS')).flatMap((i) => ('unread' in i ? [i.text] : []));
  out.set('BONDING_OPTS', [`mode=${mode}`, ...rest, ...unread].join(' '));
  out.set('BONDING_MASTER', 'yes');
}
