/**
 * "802-1x" for wired profiles (KEY_MGMT=IEEE8021X) with password-based EAP
 * methods, and its secret: IEEE_8021X_PASSWORD lives in keys-NAME (mode 0600)
 * unless its flags say an agent keeps it or it is not saved. Methods that
 * need certificates (TLS, FAST, a CA certificate) are refused rather than
 * read without them, which would connect with less checking than asked for.
 */
import type { SettingValues } from '../../sdk/index.js';
import { SecretFlags } from '../../sdk/index.js';
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { readRows, rowKeys, writeRows, type KeyRow } from './key-table.js';
import { Setting } from './nm-names.js';
import { splitList } from './scalars.js';
import type { Vars } from './vars.js';

const S = Setting.dot1x;

/** EAP methods read and written (lower case in the model, upper case in the file). */
const EAP_METHODS = ['md5', 'pap', 'chap', 'mschap', 'mschapv2', 'leap', 'pwd', 'peap', 'ttls'];
const TUNNELED = ['peap', 'ttls'];
/** Inner methods: plain ones go to phase2-auth, EAP-x to phase2-autheap. */
const PHASE2_AUTH = ['pap', 'chap', 'mschap', 'mschapv2', 'gtc', 'otp', 'md5'];
const PHASE2_AUTHEAP = ['md5', 'mschapv2', 'otp', 'gtc'];

export const PASSWORD_KEY = 'IEEE_8021X_PASSWORD';
const PASSWORD_FLAGS_KEY = 'IEEE_8021X_PASSWORD_FLAGS';
/** Secret flag words (NetworkManager's SECRET_FLAG_*), matched as substrings as it does. */
const FLAG_WORDS: [string, number][] = [
  ['user', SecretFlags.AGENT_OWNED],
  ['ask', SecretFlags.NOT_SAVED],
  ['unused', SecretFlags.NOT_REQUIRED],
];

const DOT1X_ROWS: readonly KeyRow[] = [
  { key: 'IEEE_8021X_IDENTITY', setting: S, property: 'identity', codec: { kind: 'string' } },
  { key: 'IEEE_8021X_ANON_IDENTITY', setting: S, property: 'anonymous-identity', codec: { kind: 'string' } },
  { key: 'IEEE_8021X_PEAP_VERSION', setting: S, property: 'phase1-peapver', codec: { kind: 'enum', values: { '0': '0', '1': '1' } } },
];

const HANDLED = ['KEY_MGMT', 'IEEE_8021X_EAP_METHODS', 'IEEE_8021X_INNER_AUTH_METHODS', 'IEEE_8021X_PEAP_FORCE_NEW_LABEL', PASSWORD_KEY, PASSWORD_FLAGS_KEY, ...rowKeys(DOT1X_ROWS)];

export const DOT1X_KEYS: readonly KeyMatcher[] = ['KEY_MGMT', /^IEEE_8021X_/];

/** Reads the setting when KEY_MGMT=IEEE8021X; `keys` is keys-NAME. */
export function readDot1x(vars: Vars, keys: Vars | undefined): SettingValues | undefined {
  const mgmt = vars.str('KEY_MGMT');
  if (mgmt === undefined) return undefined;
  if (mgmt !== 'IEEE8021X') throw vars.error('KEY_MGMT', `'${mgmt}' is not a wired KEY_MGMT (IEEE8021X)`);
  for (const key of vars.file.keys()) {
    if (key.startsWith('IEEE_8021X_') && !HANDLED.includes(key) && vars.has(key)) throw vars.error(key, 'this 802.1X variable is not supported by nmk');
  }
  const methods = splitList(vars.str('IEEE_8021X_EAP_METHODS') ?? '', ' ').map((m) => m.toLowerCase());
  if (methods.length === 0) throw vars.error('KEY_MGMT', 'KEY_MGMT=IEEE8021X needs IEEE_8021X_EAP_METHODS');
  for (const m of methods) {
    if (!EAP_METHODS.includes(m)) throw vars.error('IEEE_8021X_EAP_METHODS', `EAP method '${m}' is not supported by nmk`);
  }
  const settings: Record<string, SettingValues> = {};
  readRows(vars, DOT1X_ROWS, settings);
  const values: SettingValues = { ...settings[S], eap: methods };
  if (methods.some((m) => TUNNELED.includes(m))) Object.assign(values, readPhase2(vars));
  if (vars.bool('IEEE_8021X_PEAP_FORCE_NEW_LABEL')) values['phase1-peaplabel'] = '1';
  const flags = readFlags(vars);
  if (flags !== SecretFlags.NONE) values['password-flags'] = flags;
  // A secret that is not system-owned is not read, even if a file holds it.
  const password = flags === SecretFlags.NONE ? (vars.raw(PASSWORD_KEY) ?? keys?.raw(PASSWORD_KEY)) : undefined;
  if (password !== undefined) values.password = password;
  return values;
}

function readPhase2(vars: Vars): SettingValues {
  const key = 'IEEE_8021X_INNER_AUTH_METHODS';
  const out: SettingValues = {};
  const items = splitList((vars.str(key) ?? '').toLowerCase(), ' ');
  if (items.length === 0) throw vars.error('IEEE_8021X_EAP_METHODS', `PEAP and TTLS need ${key}`);
  for (const item of items) {
    const eap = item.startsWith('eap-') ? item.slice(4) : undefined;
    if (eap !== undefined && PHASE2_AUTHEAP.includes(eap)) out['phase2-autheap'] ??= eap;
    else if (eap === undefined && PHASE2_AUTH.includes(item)) out['phase2-auth'] ??= item;
    else throw vars.error(key, `inner method '${item}' is not supported by nmk`);
  }
  return out;
}

function readFlags(vars: Vars): number {
  const text = vars.str(PASSWORD_FLAGS_KEY) ?? '';
  return FLAG_WORDS.reduce((flags, [word, bit]) => (text.includes(word) ? flags | bit : flags), 0);
}

/* ------------------------------------------------------------------------ */

/** Writes the setting; returns the secrets for keys-NAME. */
export function writeDot1x(values: SettingValues | undefined, out: FileWriter): Record<string, string> {
  if (values === undefined) return {};
  out.set('KEY_MGMT', 'IEEE8021X');
  const eap = Array.isArray(values.eap) ? (values.eap as string[]) : [];
  out.set('IEEE_8021X_EAP_METHODS', eap.map((m) => m.toUpperCase()).join(' '));
  writeRows(values, DOT1X_ROWS, out);
  const inner = [
    ...(typeof values['phase2-auth'] === 'string' ? [values['phase2-auth'].toUpperCase()] : []),
    ...(typeof values['phase2-autheap'] === 'string' ? [`EAP-${values['phase2-autheap'].toUpperCase()}`] : []),
  ];
  out.set('IEEE_8021X_INNER_AUTH_METHODS', inner.join(' '));
  out.set('IEEE_8021X_PEAP_FORCE_NEW_LABEL', values['phase1-peaplabel'] === '1' ? 'yes' : undefined);
  const flags = typeof values['password-flags'] === 'number' ? values['password-flags'] : SecretFlags.NONE;
  out.set(PASSWORD_FLAGS_KEY, FLAG_WORDS.filter(([, bit]) => flags & bit).map(([w]) => w).join(' '));
  const password = values.password;
  return flags === SecretFlags.NONE && typeof password === 'string' ? { [PASSWORD_KEY]: password } : {};
}
