/**
 * "bridge" (STP, DELAY, BRIDGE_MACADDR, BRIDGING_OPTS on the bridge's file)
 * and "bridge-port" (BRIDGING_OPTS on a file with BRIDGE=).
 *
 * As NetworkManager's reader (handle_bridge_option): an STP value it cannot
 * read means off, and an unknown option, a value out of range or an STP
 * timer with STP off are warnings; the option keeps its default and the
 * profile loads. On a rewrite, the BRIDGING_OPTS items nmk did not read are
 * written back after its own.
 */
import type { SettingValues } from '../../sdk/index.js';
import { BRIDGE_OPTIONS, BRIDGE_PORT_OPTIONS, BRIDGE_READ_OPTIONS, FORWARD_DELAY, formatBridgeValue, parseBridgeValue, type BridgeOption } from './bridge-options.js';
import { printable } from './errors.js';
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { ETH_ALEN, splitList } from './scalars.js';
import type { Vars } from './vars.js';

export const BRIDGE_KEYS: readonly KeyMatcher[] = ['STP', 'DELAY', 'BRIDGE_MACADDR', 'BRIDGING_OPTS'];

export function readBridge(vars: Vars): SettingValues {
  if (!vars.has('DEVICE')) throw vars.fileError('a bridge needs DEVICE');
  const values: SettingValues = {};
  const mac = vars.mac('BRIDGE_MACADDR', ETH_ALEN);
  if (mac !== undefined) values['mac-address'] = mac;
  const stp = vars.lenient('STP', parseStp, 'is not on/yes or off/no') ?? false;
  // NetworkManager's default is STP on; a file without STP means off.
  if (!stp) values.stp = false;
  const delay = vars.str('DELAY');
  if (delay !== undefined) setOption(vars, 'DELAY', values, FORWARD_DELAY, delay, stp);
  readOptions(vars, BRIDGE_READ_OPTIONS, stp, values);
  return values;
}

export function readBridgePort(vars: Vars): SettingValues {
  const values: SettingValues = {};
  readOptions(vars, BRIDGE_PORT_OPTIONS, false, values);
  return values;
}

function parseStp(text: string): boolean | undefined {
  const l = text.toLowerCase();
  return l === 'on' || l === 'yes' ? true : l === 'off' || l === 'no' ? false : undefined;
}

const KEY = 'BRIDGING_OPTS';

type Item = { option: BridgeOption; text: string; item: string } | { unread: string; item: string };

/** BRIDGING_OPTS split into items: an option of `table` with its text, or why the item is not read. */
function items(text: string | undefined, table: readonly BridgeOption[]): Item[] {
  return splitList(text ?? '', ' ').map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) return { unread: `'${printable(item)}' is not name=value; ignored`, item };
    const word = item.slice(0, eq);
    const option = table.find((o) => o.word === word);
    if (!option) return { unread: `unknown bridge option '${printable(word)}'; ignored`, item };
    return { option, text: item.slice(eq + 1), item };
  });
}

function readOptions(vars: Vars, table: readonly BridgeOption[], stp: boolean, values: SettingValues): void {
  for (const it of items(vars.str(KEY), table)) {
    if ('unread' in it) vars.warn(KEY, it.unread);
    else setOption(vars, KEY, values, it.option, it.text, stp);
  }
}

/** Sets one option from its text; a value out of range, or an STP timer with STP off, is a warning. */
function setOption(vars: Vars, key: string, values: SettingValues, option: BridgeOption, text: string, stp: boolean): void {
  const name = key === KEY ? `bridge option '${option.word}'` : key;
  // Like NetworkManager: STP timers mean nothing with STP off.
  if (option.onlyWithStp && !stp) {
    vars.warn(key, `${name} is ignored with STP off`);
    return;
  }
  const value = parseBridgeValue(option, text);
  if (value === undefined) vars.warn(key, `'${printable(text)}' is not a valid value for ${name}; ignored`);
  else if (value !== option.default) values[option.property] = value;
  else delete values[option.property];
}

/* ------------------------------------------------------------------------ */

export function writeBridge(values: SettingValues | undefined, out: FileWriter): void {
  const v = values ?? {};
  const stp = v.stp !== false;
  out.set('STP', stp ? 'yes' : 'no');
  out.set('BRIDGE_MACADDR', typeof v['mac-address'] === 'string' ? v['mac-address'] : undefined);
  const opts: string[] = [];
  if (stp) {
    const delay = v[FORWARD_DELAY.property];
    if (delay !== undefined && delay !== FORWARD_DELAY.default) out.set('DELAY', String(delay));
  }
  for (const option of BRIDGE_OPTIONS) {
    if (option.onlyWithStp && !stp) continue;
    const value = (v[option.property] ?? option.default) as string | number | boolean;
    // NetworkManager always writes the priority when STP is on.
    if (value === option.default && !(stp && option.word === 'priority')) continue;
    if (value === '') continue;
    opts.push(`${option.word}=${formatBridgeValue(option, value)}`);
  }
  out.set(KEY, [...opts, ...unreadItems(out, BRIDGE_READ_OPTIONS)].join(' '));
}

/** The items of the file's BRIDGING_OPTS nmk does not read, as they were. */
function unreadItems(out: FileWriter, table: readonly BridgeOption[]): string[] {
  return items(out.get(KEY), table).flatMap((it) => ('unread' in it ? [it.item] : []));
}

export function writeBridgePort(values: SettingValues | undefined, out: FileWriter): void {
  const opts: string[] = [];
  for (const option of BRIDGE_PORT_OPTIONS) {
    const value = values?.[option.property] as string | number | boolean | undefined;
    if (value !== undefined && value !== option.default) opts.push(`${option.word}=${formatBridgeValue(option, value)}`);
  }
  out.set(KEY, [...opts, ...unreadItems(out, BRIDGE_PORT_OPTIONS)].join(' '));
}
