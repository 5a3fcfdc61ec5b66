/**
 * normalizeConnection: NetworkManager's nm_connection_normalize over the
 * model, as a list of named steps run in NetworkManager's order on a copy.
 * Each step only changes what verification reports as normalizable, so
 * normalisation is idempotent and keeps every valid value. Like
 * NetworkManager, a profile with an error normalisation cannot repair is
 * returned unchanged (otherwise dropping an option the bond mode refuses
 * could hide the error); it never throws.
 */
import { parseBridgeVlan, compareBridgeVlans, formatBridgeVlan } from '../records/bridge-vlans.js';
import { isBaseType } from '../registry.js';
import { formatIp, parseIp } from '../ip-address.js';
import { bondModeFromString, bondOptionSupported } from '../tables/bond-options.js';
import { PORT_TYPES } from '../tables/connection.js';
import { MAC_RANDOMIZATION } from '../tables/wifi.js';
import { INFINIBAND_MAX_MTU } from '../tables/virtual.js';
import { defaultIpMethod, detectBaseType, detectPortType, supportsIp } from '../topology.js';
import type { VerifyIssue } from '../issues.js';
import type { ConnectionSettings, IpAddress, SettingValues } from '../types.js';
import { isAcceptedUuid, newUuid, normalizeUuid } from '../uuid.js';
import { cloneSettings, isPlainObject, sameStructure } from '../values.js';
import { EMPTY_STRING_PROPERTIES } from '../verify/ieee8021x.js';
import { verifyConnection } from '../verify/verify.js';
import { detectBluetoothType } from '../verify/mobile.js';
import { macRandomizationAgrees } from '../verify/wifi.js';
import { canonicalizeValues } from './canonical.js';
import { ipTunnelWired, macsecEapKeys, sortOvsTrunks, sortSriovVfs } from './links.js';
import { syncTeamSettings } from './team-sync.js';

export interface NormalizeOptions {
  /** Method for an ipv4 setting normalisation adds (NetworkManager's normalize parameter); default auto (disabled for dummy). */
  ipv4Method?: string;
  /** Method for an added ipv6 setting; default auto (disabled for dummy). */
  ipv6Method?: string;
}

type Step = (s: ConnectionSettings, options: NormalizeOptions) => void;

/** The setting's properties when it is present and an object. */
function get(s: ConnectionSettings, name: string): SettingValues | undefined {
  const v = s[name];
  return isPlainObject(v) ? (v as SettingValues) : undefined;
}

function str(values: SettingValues | undefined, property: string): string | undefined {
  const v = values?.[property];
  return typeof v === 'string' ? v : undefined;
}

const uuid: Step = (s) => {
  const con = get(s, 'connection');
  if (!con) return;
  const value = str(con, 'uuid');
  if (value === undefined) con['uuid'] = newUuid();
  else if (isAcceptedUuid(value)) con['uuid'] = normalizeUuid(value)!;
};

const connectionTypeStep: Step = (s) => {
  const con = get(s, 'connection');
  if (!con) return;
  const type = str(con, 'type');
  if (type === undefined) {
    const base = detectBaseType(s);
    if (base) con['type'] = base;
  } else if (isBaseType(type) && s[type] === undefined) {
    s[type] = {};
  }
};

const slaveType: Step = (s) => {
  const con = get(s, 'connection');
  if (!con || str(con, 'master') === undefined) return;
  const type = str(con, 'slave-type');
  if (type !== undefined) {
    // Like NetworkManager 1.42: bridge-port and team-port are added, bond-port is not (nmcli adds
    // that one itself when it creates a bond port).
    const portSetting = PORT_TYPES[type];
    if ((portSetting === 'bridge-port' || portSetting === 'team-port') && s[portSetting] === undefined) s[portSetting] = {};
  } else {
    const detected = detectPortType(s);
    if (detected) con['slave-type'] = detected.portType;
  }
};

const secondaries: Step = (s) => {
  const con = get(s, 'connection');
  const list = con?.['secondaries'];
  if (!con || !Array.isArray(list) || !list.every((e) => typeof e === 'string')) return;
  const out: string[] = [];
  for (const e of list as string[]) {
    const n = isAcceptedUuid(e) ? normalizeUuid(e) : undefined;
    if (n && !out.includes(n)) out.push(n);
  }
  if (out.length === 0) delete con['secondaries'];
  else con['secondaries'] = out;
};

const requiredSettings: Step = (s) => {
  // A Bluetooth NAP shares its link through a bridge: NetworkManager adds one without STP.
  if (str(get(s, 'bluetooth'), 'type') === 'nap' && s['bridge'] === undefined) s['bridge'] = { stp: false };
  if ((s['vlan'] !== undefined || s['bridge'] !== undefined) && s['802-3-ethernet'] === undefined) s['802-3-ethernet'] = {};
};

/** Port settings and the slave-type each belongs to (a table, not rebuilt for every profile). */
const PORT_SETTING_CONTROLLERS = [['bridge-port', 'bridge'], ['bond-port', 'bond'], ['team-port', 'team']] as const;

const invalidPortSettings: Step = (s) => {
  const type = str(get(s, 'connection'), 'slave-type');
  for (const [portSetting, controller] of PORT_SETTING_CONTROLLERS) {
    if (type !== controller) delete s[portSetting];
  }
};

/** The methods with which may-fail must be true, by family. */
const MAY_FAIL_METHODS: Record<4 | 6, readonly string[]> = { 4: ['disabled'], 6: ['ignore', 'disabled'] };

function normalizeIpSetting(values: SettingValues, family: 4 | 6): void {
  if (values['gateway'] !== undefined && values['never-default'] === true) delete values['gateway'];
  const method = str(values, 'method');
  if (method && MAY_FAIL_METHODS[family].includes(method) && values['may-fail'] === false) values['may-fail'] = true;
  const addresses = values['address-data'];
  if (family === 4 && method === 'shared' && Array.isArray(addresses) && addresses.length > 1) {
    values['address-data'] = [(addresses as IpAddress[])[0]!];
  }
  const token = str(values, 'token');
  if (family === 6 && token !== undefined && values['addr-gen-mode'] === 0) {
    const parsed = parseIp(token, 6);
    const isToken = parsed && parsed.bytes.slice(0, 8).every((b) => b === 0) && parsed.bytes.slice(8).some((b) => b !== 0);
    if (parsed && isToken) values['token'] = formatIp(parsed.bytes);
  }
}

/** The IP settings, their family and the option that gives an added one its method. */
const IP_SETTINGS = [['ipv4', 4, 'ipv4Method'], ['ipv6', 6, 'ipv6Method']] as const;

const ipConfig: Step = (s, options) => {
  const type = str(get(s, 'connection'), 'type');
  for (const [name, family, option] of IP_SETTINGS) {
    const method = options[option];
    const values = get(s, name);
    if (!supportsIp(s, family)) delete s[name];
    else if (s[name] === undefined) s[name] = { method: method ?? defaultIpMethod(type) };
    else if (values) normalizeIpSetting(values, family);
  }
  if (!supportsIp(s)) delete s['proxy'];
  else if (s['proxy'] === undefined) s['proxy'] = {};
};

const ethernetLinkNegotiation: Step = (s) => {
  const eth = get(s, '802-3-ethernet');
  if (!eth) return;
  const speed = typeof eth['speed'] === 'number' ? eth['speed'] : 0;
  if ((speed !== 0) !== (eth['duplex'] !== undefined)) {
    delete eth['speed'];
    delete eth['duplex'];
  }
};

const infinibandMtu: Step = (s) => {
  const ib = get(s, 'infiniband');
  const mtu = ib?.['mtu'];
  if (ib && typeof mtu === 'number' && mtu > INFINIBAND_MAX_MTU && ['datagram', 'connected'].includes(str(ib, 'transport-mode') ?? '')) {
    ib['mtu'] = INFINIBAND_MAX_MTU;
  }
};

/** Mode by name, present explicitly (NetworkManager's bond setting always has it); unsupported options dropped. */
const bondOptions: Step = (s) => {
  const bond = get(s, 'bond');
  if (!bond) return;
  const current = bond['options'];
  if (current !== undefined && !(isPlainObject(current) && Object.values(current).every((v) => typeof v === 'string'))) return;
  const options = { ...((current as Record<string, string> | undefined) ?? {}) };
  const mode = bondModeFromString(options['mode'] ?? 'balance-rr');
  if (!mode) return;
  options['mode'] = mode;
  for (const name of Object.keys(options)) {
    if (!bondOptionSupported(name, mode)) delete options[name];
  }
  bond['options'] = options;
};

const wifiMacRandomization: Step = (s) => {
  const wifi = get(s, '802-11-wireless');
  if (!wifi) return;
  const r = wifi['mac-address-randomization'] ?? MAC_RANDOMIZATION.DEFAULT;
  if (r !== MAC_RANDOMIZATION.DEFAULT && r !== MAC_RANDOMIZATION.NEVER && r !== MAC_RANDOMIZATION.ALWAYS) return;
  const cloned = str(wifi, 'cloned-mac-address');
  // Only a conflict is repaired (verification reports nothing otherwise).
  if (typeof r !== 'number' || macRandomizationAgrees(cloned, r)) return;
  if (cloned !== undefined) {
    const want = cloned === 'random' ? MAC_RANDOMIZATION.ALWAYS : cloned === 'permanent' ? MAC_RANDOMIZATION.NEVER : MAC_RANDOMIZATION.DEFAULT;
    if (r !== want) wifi['mac-address-randomization'] = want;
  } else if (r !== MAC_RANDOMIZATION.DEFAULT) {
    wifi['cloned-mac-address'] = r === MAC_RANDOMIZATION.ALWAYS ? 'random' : 'permanent';
  }
};

/** An explicit Bluetooth type becomes the one the other settings imply (NetworkManager 1.42 does so). */
const bluetoothType: Step = (s) => {
  const bt = get(s, 'bluetooth');
  if (bt && str(bt, 'type') !== undefined) bt['type'] = detectBluetoothType((name) => s[name] !== undefined);
};

/** gsm.auto-config yields to an APN, user name or password set by hand. */
const gsmAutoConfig: Step = (s) => {
  const gsm = get(s, 'gsm');
  if (gsm?.['auto-config'] === true && ['apn', 'username', 'password'].some((p) => gsm[p] !== undefined)) gsm['auto-config'] = false;
};

const bridgeVlanOrder: Step = (s) => {
  for (const name of ['bridge', 'bridge-port']) {
    const values = get(s, name);
    const list = values?.['vlans'];
    if (!values || !Array.isArray(list)) continue;
    const parsed = (list as unknown[]).map((t) => (typeof t === 'string' ? parseBridgeVlan(t) : undefined));
    if (!parsed.every((p) => p?.ok)) continue;
    values['vlans'] = parsed.map((p) => (p as { ok: true; value: Parameters<typeof formatBridgeVlan>[0] }).value).sort(compareBridgeVlans).map(formatBridgeVlan);
  }
};

const ieee8021xEmptyStrings: Step = (s) => {
  const x = get(s, '802-1x');
  for (const p of EMPTY_STRING_PROPERTIES) if (x && x[p] === '') delete x[p];
};

/** NetworkManager's normalisation steps, in its order. */
const STEPS: readonly (readonly [name: string, step: Step])[] = [
  ['canonical values', (s) => canonicalizeValues(s)],
  ['uuid', uuid],
  ['connection type', connectionTypeStep],
  ['slave type', slaveType],
  ['secondaries', secondaries],
  ['required settings', requiredSettings],
  ['invalid port settings', invalidPortSettings],
  ['ip config', ipConfig],
  ['ethernet link negotiation', ethernetLinkNegotiation],
  ['infiniband mtu', infinibandMtu],
  ['bond options', bondOptions],
  ['wifi mac randomization', wifiMacRandomization],
  ['team config', syncTeamSettings],
  ['bluetooth type', bluetoothType],
  ['bridge vlan order', bridgeVlanOrder],
  ['gsm auto-config', gsmAutoConfig],
  ['802-1x empty strings', ieee8021xEmptyStrings],
  ['sriov vf order', sortSriovVfs],
  ['ovs trunk order', sortOvsTrunks],
  ['macsec eap keys', macsecEapKeys],
  ['ip-tunnel wired setting', ipTunnelWired],
];

/**
 * A normalised copy of `settings` (the input is not changed). Idempotent:
 * normalising the result again changes nothing.
 */
export function normalizeConnection(settings: ConnectionSettings, options: NormalizeOptions = {}): ConnectionSettings {
  if (!isPlainObject(settings)) return settings;
  return normalizeVerified(settings, options, verifyConnection(settings));
}

/**
 * normalizeConnection, then verifyConnection of the result, as one call:
 * what a settings plugin does with every profile it loads. The same result
 * as the two calls, for less: when normalisation changes nothing (a profile
 * NetworkManager wrote is already normal) or cannot run (an error), the
 * result verifies exactly as the input did, so verification runs once.
 * `issues` are then the input's, whose values (equal in every respect) are
 * the input's objects rather than copies.
 */
export function normalizeAndVerifyConnection(settings: ConnectionSettings, options: NormalizeOptions = {}): { settings: ConnectionSettings; issues: VerifyIssue[] } {
  if (!isPlainObject(settings)) return { settings, issues: verifyConnection(settings) };
  const before = verifyConnection(settings);
  const normalized = normalizeVerified(settings, options, before);
  return { settings: normalized, issues: sameStructure(settings, normalized) ? before : verifyConnection(normalized) };
}

/** The normalised copy, given what verifyConnection reports for `settings`. */
function normalizeVerified(settings: ConnectionSettings, options: NormalizeOptions, issues: readonly VerifyIssue[]): ConnectionSettings {
  const s = cloneSettings(settings);
  if (issues.some((i) => i.severity === 'error')) return s;
  for (const [, step] of STEPS) {
    try {
      step(s, options);
    } catch {
      // A step that meets a value of the wrong shape leaves it alone; verifyConnection reports it.
    }
  }
  return s;
}
