/**
 * One interface's stanzas (inet and inet6, possibly in several files) read
 * into what the interface is: its kind, IP configuration, link options and
 * the ports or controller it names. The first problem found is returned as
 * an NmkError naming the file, the line and the key; the interface is then
 * skipped. What NetworkManager would only warn about (an unknown bond-* or
 * bridge-* option, a bond or bridge option with a value it refuses or on a
 * stanza that is no bond or bridge) is a warning naming the same, the option
 * is ignored and the interface still loads.
 *
 * Facts from ifenslave 2.13 and bridge-utils 1.7: bond-master marks a port,
 * and then bond-slaves is ignored; a stanza with bond-slaves or bond-mode is
 * a bond; bridge_ports makes a bridge. Addresses: read-ip.ts; VLANs:
 * read-vlan.ts.
 */
import { BadValue, bondModeFromString, bondOption, bondOptionSupported, emptyIpDraft, verifyConnection, type IpDraft, type NmkError, parseIfnameValue, parseMacValue, parseUintValue, type SettingValue } from '../../../sdk/index.js';
import { valueError } from '../eni/document.js';
import { bondOptionForKey, parseBondValue } from './bond-options.js';
import { BRIDGE_PORTS_KEY, bridgeRowForKey, parseBridgeValue } from './bridge-options.js';
import { ABSENT_METHOD, classifyOption, METHODS, REPEATABLE_KEYS } from './iface-options.js';
import type { IfaceGroup, IfaceStanza, Opt } from './stanzas.js';
import { at, Problem, where } from './problem.js';
import { readIp } from './read-ip.js';
import { readVlan, VLAN_ID_MAX } from './read-vlan.js';

export { VLAN_ID_MAX };

export interface GroupInfo {
  name: string;
  stanzas: IfaceStanza[];
  first: IfaceStanza;
  ipv4: IpDraft;
  ipv6: IpDraft;
  /** Stanzas whose method configures addresses (not manual): a port must have none. */
  ipConfigured?: IfaceStanza;
  kind: 'ethernet' | 'bond' | 'bridge' | 'vlan';
  vlan?: { id: number; parent: string };
  mtu?: number;
  mac?: string;
  bondMaster?: { name: string; opt: Opt; stanza: IfaceStanza };
  bondSlaves?: { names: string[]; opt: Opt; stanza: IfaceStanza };
  bridgePorts?: { names: string[]; opt: Opt; stanza: IfaceStanza };
  /** bond-* options by NetworkManager option name, with the line that gave each. */
  bondOptions: Map<string, { value: string; opt: Opt; stanza: IfaceStanza }>;
  bridge: Record<string, SettingValue>;
  savedId?: string;
  savedUuid?: string;
  /** What was ignored, each naming file, line and key. */
  warnings: NmkError[];
}

export type GroupResult = GroupInfo | { error: NmkError } | 'loopback';

export function readGroup(group: IfaceGroup): GroupResult {
  for (const st of group.stanzas) if (st.error) return { error: st.error };
  if (group.name === 'lo' || group.stanzas.some((s) => s.method === 'loopback')) return 'loopback';
  try {
    return readValidGroup(group);
  } catch (err) {
    if (err instanceof Problem) return { error: valueError(err.stanza.doc.file, err.line, err.key, err.message) };
    throw err;
  }
}

function readValidGroup(group: IfaceGroup): GroupInfo {
  const first = group.stanzas[0]!;
  at(first, first.line, 'iface', () => parseIfnameValue(group.name));
  const info: GroupInfo = {
    name: group.name,
    stanzas: group.stanzas,
    first,
    ipv4: emptyIpDraft(ABSENT_METHOD.inet),
    ipv6: emptyIpDraft(ABSENT_METHOD.inet6),
    kind: 'ethernet',
    bondOptions: new Map(),
    bridge: {},
    warnings: [],
  };
  const byFamily = new Map<string, IfaceStanza>();
  for (const st of group.stanzas) {
    const methods = METHODS[st.family];
    if (!methods) throw new Problem(st, st.line, 'iface', `address family '${st.family}' is not supported (expected inet or inet6)`);
    const method = methods[st.method];
    if (!method) throw new Problem(st, st.line, 'iface', `method '${st.method}' is not supported for ${st.family} (expected ${Object.keys(methods).join(', ')})`);
    const prev = byFamily.get(st.family);
    // ifupdown applies every stanza; two static ones add up, anything else contradicts itself.
    if (prev && (prev.method !== 'static' || st.method !== 'static')) {
      throw new Problem(st, st.line, 'iface', `a second ${st.family} stanza for ${group.name} (method ${st.method}) conflicts with the one at ${where(st, prev, prev.line)} (method ${prev.method})`);
    }
    byFamily.set(st.family, st);
    (st.family === 'inet' ? info.ipv4 : info.ipv6).method = method;
    if (st.method !== 'manual') info.ipConfigured ??= st;
    info.savedId ??= st.savedId;
    info.savedUuid ??= st.savedUuid;
  }

  const link = new Map<string, { opt: Opt; stanza: IfaceStanza }>();
  for (const st of group.stanzas) {
    const seenIp = new Map<string, Opt>();
    for (const opt of st.options) {
      const c = classifyOption(opt.key);
      if ('unknown' in c) throw new Problem(st, opt.line, opt.key, c.unknown);
      if (c.warn) info.warnings.push(valueError(st.doc.file, opt.line, opt.key, c.warn));
      if (c.cls === 'kept') continue;
      if (c.cls === 'ip') {
        const prev = seenIp.get(opt.key);
        if (prev && !REPEATABLE_KEYS.has(opt.key)) throw new Problem(st, opt.line, opt.key, `given twice in one stanza (first on line ${prev.line})`);
        seenIp.set(opt.key, opt);
        continue;
      }
      const key = opt.key === 'slaves' ? 'bond-slaves' : opt.key; // ifenslave's deprecated spelling
      const prev = link.get(key);
      if (prev && prev.opt.words.join(' ') !== opt.words.join(' ')) {
        throw new Problem(st, opt.line, opt.key, `given twice with different values (first at ${where(st, prev.stanza, prev.opt.line)})`);
      }
      if (!prev) link.set(key, { opt, stanza: st });
    }
  }
  for (const st of group.stanzas) readIp(st, st.family === 'inet' ? 4 : 6, info);
  readLink(info, link);
  return info;
}

function portNames(st: IfaceStanza, opt: Opt, what: string): string[] {
  const names: string[] = [];
  for (const word of opt.words) {
    if (word === 'none') continue;
    if (word === 'all' || word === 'regex' || word === 'noregex') {
      throw new Problem(st, opt.line, opt.key, `'${word}' picks ${what} when ifup runs; nmk needs them named`);
    }
    const name = at(st, opt.line, opt.key, () => parseIfnameValue(word));
    if (names.includes(name)) throw new Problem(st, opt.line, opt.key, `${name} is listed twice`);
    names.push(name);
  }
  return names;
}

function readLink(info: GroupInfo, link: Map<string, { opt: Opt; stanza: IfaceStanza }>): void {
  const get = (key: string) => link.get(key);
  const master = get('bond-master');
  if (master) {
    if (master.opt.words.length !== 1) throw new Problem(master.stanza, master.opt.line, master.opt.key, 'expected one bond');
    info.bondMaster = { name: at(master.stanza, master.opt.line, master.opt.key, () => parseIfnameValue(master.opt.words[0]!)), ...master };
  }
  const slaves = get('bond-slaves');
  if (slaves && !master) info.bondSlaves = { names: portNames(slaves.stanza, slaves.opt, 'ports'), ...slaves };
  const ports = get(BRIDGE_PORTS_KEY);
  if (ports) info.bridgePorts = { names: portNames(ports.stanza, ports.opt, 'ports'), ...ports };

  const isBond = !master && (slaves !== undefined || link.has('bond-mode'));
  const isBridge = ports !== undefined;
  info.vlan = readVlan(info, get('vlan-raw-device'), get('vlan-id'));
  const kinds = [isBond && 'a bond', isBridge && 'a bridge', info.vlan && 'a VLAN', master && 'a bond port'].filter(Boolean);
  if (kinds.length > 1 && !(kinds.length === 2 && info.vlan && master)) {
    throw new Problem(info.first, info.first.line, 'iface', `${info.name} is configured as both ${kinds.join(' and ')}`);
  }
  info.kind = isBond ? 'bond' : isBridge ? 'bridge' : info.vlan ? 'vlan' : 'ethernet';

  const warn = (stanza: IfaceStanza, opt: Opt, reason: string) => info.warnings.push(valueError(stanza.doc.file, opt.line, opt.key, reason));
  /** The parsed value, or undefined with a warning when the parser refuses it. */
  const soft = <T>(stanza: IfaceStanza, opt: Opt, parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof BadValue)) throw err;
      warn(stanza, opt, `${err.message}; ignored`);
      return undefined;
    }
  };
  for (const [key, { opt, stanza }] of link) {
    const bondDef = bondOptionForKey(key);
    if (bondDef) {
      // On a port, ifenslave uses bond-* options only to create a missing bond: the reader may borrow them.
      if (!isBond && !master) {
        warn(stanza, opt, `${key} means something only on a bond (a stanza with bond-mode or bond-slaves) or its ports; ignored`);
        continue;
      }
      const value = soft(stanza, opt, () => parseBondValue(bondDef, opt.words));
      if (value !== undefined) info.bondOptions.set(bondDef.name, { value, opt, stanza });
      continue;
    }
    const bridgeRow = bridgeRowForKey(key);
    if (bridgeRow) {
      if (!isBridge) {
        warn(stanza, opt, `${key} means something only on a bridge (a stanza with bridge_ports); ignored`);
        continue;
      }
      const value = soft(stanza, opt, () => parseBridgeValue(bridgeRow, opt.words.join(' ')));
      if (value !== undefined) info.bridge[bridgeRow.property] = value;
    }
  }
  const mtu = get('mtu');
  if (mtu) info.mtu = at(mtu.stanza, mtu.opt.line, 'mtu', () => parseUintValue(mtu.opt.words.join(' '), 68, 65535, 'MTU'));
  const hw = get('hwaddress');
  if (hw) info.mac = at(hw.stanza, hw.opt.line, 'hwaddress', () => parseHwaddress(hw.opt.words));
}

/** "hwaddress [ether] MAC" or "hwaddress random". */
function parseHwaddress(words: string[]): string {
  const w = words[0] === 'ether' ? words.slice(1) : words;
  if (w.length !== 1) throw new BadValue(`invalid hwaddress '${words.join(' ')}'`);
  return w[0] === 'random' ? 'random' : parseMacValue(w[0]!);
}

/**
 * A bond's options checked as NetworkManager's verify() does before it
 * normalises: a rule that refuses the bond is the error, blamed on the
 * option's line; otherwise an option the mode does not use is dropped, with
 * a warning when it held something other than its default.
 */
export function checkBondModes(info: GroupInfo): NmkError | undefined {
  const options: Record<string, string> = { mode: 'balance-rr' };
  for (const [name, { value }] of info.bondOptions) options[name] = value;
  const mode = bondModeFromString(options.mode) ?? 'balance-rr';
  const settings = { connection: { id: info.name, uuid: BOND_CHECK_UUID, type: 'bond', 'interface-name': info.name }, bond: { options } };
  const fatal = verifyConnection(settings).find((i) => i.setting === 'bond' && i.severity === 'error');
  if (fatal) {
    // The value is "name=value" for the option to blame.
    const name = typeof fatal.value === 'string' ? fatal.value.split('=')[0]! : 'mode';
    const at = info.bondOptions.get(name) ?? info.bondOptions.get('mode');
    if (at) return valueError(at.stanza.doc.file, at.opt.line, at.opt.key, fatal.message);
    return valueError(info.first.doc.file, info.first.line, 'iface', fatal.message);
  }
  for (const [option, { value, opt, stanza }] of info.bondOptions) {
    if (bondOptionSupported(option, mode)) continue;
    info.bondOptions.delete(option);
    if (value !== bondOption(option)?.default) info.warnings.push(valueError(stanza.doc.file, opt.line, opt.key, `${opt.key} does not apply to bond mode ${mode}; ignored`));
  }
  return undefined;
}

/** Any UUID: verification of the bond options needs a whole profile. */
const BOND_CHECK_UUID = '00000000-0000-4000-8000-000000000000';
