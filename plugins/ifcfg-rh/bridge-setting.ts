/**
 * "bridge" (STP, DELAY, BRIDGE_MACADDR, BRIDGING_OPTS on the bridge's file)
 * and "bridge-port" (BRIDGING_OPTS on a file with BRIDGE=).
 */
import type { SettingValues } from '../../sdk/index.js';
import { BRIDGE_OPTIONS, BRIDGE_PORT_OPTIONS, FORWARD_DELAY, formatBridgeValue, parseBridgeValue, type BridgeOption } from './bridge-options.js';
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
  const stp = vars.parsed('STP', parseStp, 'is not on/yes or off/no') ?? false;
  // NetworkManager's default is STP on; a file without STP means off.
  if (!stp) values.stp = false;
  const delay = vars.str('DELAY');
  if (delay !== undefined && stp) setOption(values, FORWARD_DELAY, delay, () => vars.error('DELAY', `'${printable(delay)}' is not a forward delay from 2 to 30`));
  readOptions(vars, BRIDGE_OPTIONS, stp, values);
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

function readOptions(vars: Vars, table: readonly BridgeOption[], stp: boolean, values: SettingValues): void {
  const key = 'BRIDGING_OPTS';
  for (const item of splitList(vars.str(key) ?? '', ' ')) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw vars.error(key, `'${printable(item)}' is not name=value`);
    const word = item.slice(0, eq);
    const text = item.slice(eq + 1);
    const option = table.find((o) => o.word === word);
    if (!option) throw vars.error(key, `unknown bridge option '${printable(word)}'`);
    // Like NetworkManager: STP timers mean nothing with STP off, and are ignored.
    if (option.onlyWithStp && !stp) continue;
    setOption(values, option, text, () => vars.error(key, `'${printable(text)}' is not a valid value for bridge option '${word}'`));
  }
}

function setOption(values: SettingValues, option: BridgeOption, text: string, error: () => Error): void {
  const value = parseBridgeValue(option, text);
  if (value === undefined) throw error();
  if (value !== option.default) values[option.property] = value;
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
  out.set('BRIDGING_OPTS', opts.join(' '));
}

export function writeBridgePort(values: SettingValues | undefined, out: FileWriter): void {
  const opts: string[] = [];
  for (const option of BRIDGE_PORT_OPTIONS) {
    const value = values?.[option.property] as string | number | boolean | undefined;
    if (value !== undefined && value !== option.default) opts.push(`${option.word}=${formatBridgeValue(option, value)}`);
  }
  out.set('BRIDGING_OPTS', opts.join(' '));
}
