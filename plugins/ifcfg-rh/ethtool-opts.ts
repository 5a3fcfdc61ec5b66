/**
 * The text of ETHTOOL_OPTS, read and written as NetworkManager 1.42's
 * ifcfg-rh plugin does (parse_ethtool_option in nms-ifcfg-rh-reader.c,
 * write_ethtool_setting in nms-ifcfg-rh-writer.c). Pure: no files, no Vars.
 *
 * The value is a list of ethtool command lines separated by ';'. One that
 * starts with -K/--features/--offload, -C/--coalesce, -G/--set-ring or
 * -A/--pause, then an interface name, sets options of the "ethtool" setting;
 * any other is what initscripts pass to `ethtool -s IFACE`, of which
 * NetworkManager reads autoneg, speed, duplex, wol and sopass into
 * "802-3-ethernet". An empty value means Wake-on-LAN "ignore".
 *
 * NetworkManager skips words it does not know without a word; nmk reads the
 * same words the same way but names each skipped one in a warning. One
 * difference on purpose: NetworkManager stores 4294967295 for a known -C or
 * -G option whose value is not a number (its "invalid" marker leaks
 * through); nmk warns and leaves the option out.
 */
import { WAKE_ON_LAN, type SettingValues } from '../../sdk/index.js';
import { printable } from './errors.js';
import { ETHTOOL_OPTION_ROWS, findEthtoolOption, GROUP_BY_COMMAND, GROUP_VALUE, WRITE_ORDER, type EthtoolGroup } from './ethtool-names.js';
import { ETH_ALEN, parseInteger, parseMac, splitList, UINT32_MAX } from './scalars.js';

/** What ETHTOOL_OPTS says; a property it does not mention has NetworkManager's default. */
export interface EthtoolOpts {
  /** 802-3-ethernet.wake-on-lan: DEFAULT unless `wol` is given; IGNORE for an empty value. */
  wakeOnLan: number;
  /** 802-3-ethernet.wake-on-lan-password (`sopass`), as written. */
  password: string | undefined;
  autoNegotiate: boolean;
  speed: number;
  duplex: 'half' | 'full' | undefined;
  /** The "ethtool" setting: present once a -K/-C/-G/-A command names an interface. */
  ethtool: Record<string, boolean | number> | undefined;
}

export function defaultEthtoolOpts(): EthtoolOpts {
  return { wakeOnLan: WAKE_ON_LAN.DEFAULT, password: undefined, autoNegotiate: false, speed: 0, duplex: undefined, ethtool: undefined };
}

/** `wol` letters and the flag each sets, in the order NetworkManager's writer writes them. */
const WOL_LETTERS: readonly (readonly [string, number])[] = [
  ['p', WAKE_ON_LAN.PHY],
  ['u', WAKE_ON_LAN.UNICAST],
  ['m', WAKE_ON_LAN.MULTICAST],
  ['b', WAKE_ON_LAN.BROADCAST],
  ['a', WAKE_ON_LAN.ARP],
  ['g', WAKE_ON_LAN.MAGIC],
];
const WOL_ALL = WOL_LETTERS.reduce((all, [, flag]) => all | flag, 0);

/** `ethtool -s` words NetworkManager reads; each takes one value. */
const LINK_WORDS = new Set(['autoneg', 'speed', 'duplex', 'wol', 'sopass']);

/** Commands that only name the interface for the `-s` words after them (initscripts' own form). */
const CHANGE_COMMANDS = new Set(['-s', '--change']);

type Warn = (reason: string) => void;

/** Reads ETHTOOL_OPTS; every word it skips or cannot use is one call of `warn`. */
export function parseEthtoolOpts(text: string, warn: Warn = () => undefined): EthtoolOpts {
  const out = defaultEthtoolOpts();
  if (text === '') {
    out.wakeOnLan = WAKE_ON_LAN.IGNORE;
    return out;
  }
  for (const command of splitList(text, ';')) {
    const words = splitList(command, ' \t\n');
    if (words.length === 0) continue;
    const group = Object.hasOwn(GROUP_BY_COMMAND, words[0]!) ? GROUP_BY_COMMAND[words[0]!] : undefined;
    if (group !== undefined) readGroup(group, words, out, warn);
    else readLinkWords(words, out, warn);
  }
  return out;
}

/** `-K IFACE name on|off ...`, `-C IFACE name N ...` and the like. */
function readGroup(group: EthtoolGroup, words: string[], out: EthtoolOpts, warn: Warn): void {
  const command = words[0]!;
  if (words.length < 2) {
    warn(`ethtool command '${printable(command)}' names no interface; ignored`);
    return;
  }
  const values = (out.ethtool ??= {});
  const kind = GROUP_VALUE[group];
  let i = 2;
  // The index of a word already named in a warning (a bad value), not to be named twice.
  let named = -1;
  while (i < words.length) {
    const name = words[i]!;
    const text = words[i + 1];
    if (text === undefined) {
      if (i !== named) warn(`ethtool option '${printable(name)}' after '${printable(command)}' has no value; ignored`);
      return;
    }
    const value = kind === 'onoff' ? onOff(text) : parseInteger(text, 0, UINT32_MAX);
    const row = findEthtoolOption(group, name);
    if (!row) {
      // As NetworkManager: a word that is not a value is the next option's name.
      if (i !== named) warn(`unknown ethtool option '${printable(value === undefined ? name : `${name} ${text}`)}' after '${printable(command)}'; ignored`);
      i += value === undefined ? 1 : 2;
      continue;
    }
    if (value === undefined) {
      const want = kind === 'onoff' ? 'on or off' : `a number from 0 to ${UINT32_MAX}`;
      warn(`ethtool option '${printable(name)}' wants ${want}, not '${printable(text)}'; ignored`);
      // NetworkManager reads the bad word as the next option's name after an on/off, and skips it after a number.
      if (kind === 'onoff') named = ++i;
      else i += 2;
      continue;
    }
    values[row.property] = value;
    i += 2;
  }
}

function onOff(text: string): boolean | undefined {
  return text === 'on' ? true : text === 'off' ? false : undefined;
}

/** The `ethtool -s IFACE` words: autoneg, speed, duplex, wol and sopass. */
function readLinkWords(words: string[], out: EthtoolOpts, warn: Warn): void {
  let i = 0;
  // NetworkManager reads these words wherever they are; nmk names what it skips.
  let unknownWord = (word: string): void => warn(`unknown ethtool option '${printable(word)}'; ignored`);
  if (CHANGE_COMMANDS.has(words[0]!) && words.length > 1) {
    // "-s IFACE wol g" is initscripts' spelling too.
    i = 2;
  } else if (words[0]!.startsWith('-')) {
    // Another ethtool command (-L, -N...): one warning for all of it.
    warn(`ethtool command '${printable(words.join(' '))}' is not one NetworkManager or nmk reads; ignored`);
    unknownWord = () => undefined;
  }
  while (i < words.length) {
    const word = words[i]!;
    const text = words[i + 1];
    if (!LINK_WORDS.has(word)) {
      // The word's value (when the next word is not one NetworkManager knows) goes with it.
      const withValue = text !== undefined && !LINK_WORDS.has(text);
      unknownWord(withValue ? `${word} ${text}` : word);
      i += withValue ? 2 : 1;
      continue;
    }
    if (text === undefined) {
      warn(`ethtool option '${word}' has no value; ignored`);
      return;
    }
    i += 2;
    readLinkWord(word, text, out, warn);
  }
}

function readLinkWord(word: string, text: string, out: EthtoolOpts, warn: Warn): void {
  const bad = (what: string): void => warn(`'${printable(text)}' is not ${what} for ethtool option '${word}'; ignored`);
  switch (word) {
    case 'autoneg': {
      const v = onOff(text);
      if (v === undefined) bad('on or off');
      else out.autoNegotiate = v;
      return;
    }
    case 'speed': {
      const v = parseInteger(text, 0, UINT32_MAX);
      if (v === undefined) bad(`a number from 0 to ${UINT32_MAX}`);
      else out.speed = v;
      return;
    }
    case 'duplex':
      if (text === 'half' || text === 'full') out.duplex = text;
      else bad('half or full');
      return;
    case 'wol':
      out.wakeOnLan = readWolLetters(text, warn);
      return;
    case 'sopass':
      if (parseMac(text, ETH_ALEN) === undefined) bad('a password in MAC address form');
      else out.password = text;
      return;
  }
}

/** `wol` letters to flags: d clears what came before, s (SecureOn) needs no flag of its own. */
function readWolLetters(text: string, warn: Warn): number {
  let flags = 0;
  for (const c of text) {
    const known = WOL_LETTERS.find(([letter]) => letter === c);
    if (known) flags |= known[1];
    else if (c === 'd') flags = 0;
    else if (c !== 's') warn(`unknown Wake-on-LAN mode '${printable(c)}' in 'wol ${printable(text)}'; ignored`);
  }
  return flags;
}

/* ------------------------------------------------------------------------ */

/** The interface name NetworkManager's writer puts after -K/-C/-G/-A: only [A-Za-z0-9_], else "net0". */
export function commandInterface(interfaceName: unknown): string {
  return typeof interfaceName === 'string' && /^[A-Za-z0-9_]+$/.test(interfaceName) ? interfaceName : 'net0';
}

/**
 * ETHTOOL_OPTS for a profile's "802-3-ethernet" and "ethtool" settings, as
 * NetworkManager's writer spells it; undefined when there is nothing to say
 * (then the variable is left out).
 */
export function formatEthtoolOpts(wired: SettingValues | undefined, ethtool: SettingValues | undefined, interfaceName: unknown): string | undefined {
  const commands: string[] = [];
  if (wired) {
    const link = formatLinkWords(wired);
    if (link) commands.push(link);
  }
  if (ethtool) {
    const iface = commandInterface(interfaceName);
    let anyOption = false;
    for (const [group, flag] of WRITE_ORDER) {
      const words = ETHTOOL_OPTION_ROWS.filter((r) => r.group === group && ethtool[r.property] !== undefined).map((r) => `${r.name} ${formatOptionValue(ethtool[r.property])}`);
      if (words.length) commands.push([`${flag} ${iface}`, ...words].join(' '));
      anyOption ||= words.length > 0;
    }
    // An "ethtool" setting with no option is still written, as an empty -A, so it reads back.
    if (!anyOption) commands.push(`-A ${iface}`);
  }
  return commands.length ? commands.join(' ; ') : undefined;
}

function formatOptionValue(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/** autoneg/speed/duplex/wol/sopass; autoneg off with neither speed nor duplex is the default and not written. */
function formatLinkWords(wired: SettingValues): string | undefined {
  const words: string[] = [];
  const speed = typeof wired.speed === 'number' ? wired.speed : 0;
  const duplex = typeof wired.duplex === 'string' ? wired.duplex : undefined;
  if (wired['auto-negotiate'] === true) words.push('autoneg on');
  else if (speed || duplex) words.push('autoneg off');
  if (speed) words.push(`speed ${speed}`);
  if (duplex) words.push(`duplex ${duplex}`);

  const wol = typeof wired['wake-on-lan'] === 'number' ? wired['wake-on-lan'] : WAKE_ON_LAN.DEFAULT;
  if (wol !== WAKE_ON_LAN.DEFAULT && wol !== WAKE_ON_LAN.IGNORE) {
    let letters = WOL_LETTERS.filter(([, flag]) => wol & flag).map(([letter]) => letter).join('');
    if (!(wol & WOL_ALL)) letters += 'd';
    const password = wired['wake-on-lan-password'];
    words.push(typeof password === 'string' && wol & WAKE_ON_LAN.MAGIC ? `wol ${letters}s sopass ${password}` : `wol ${letters}`);
  }
  return words.length ? words.join(' ') : undefined;
}
