/**
 * Properties whose keyfile form is not "one key named like the property",
 * one row each (NetworkManager's parse_infos table in nm-keyfile.c, 1.42).
 * A row may:
 *   skip            never read or write it (derived or deprecated properties)
 *   persistDefault  write it even when it holds the default
 *   sortName        the name the writer orders it by (NetworkManager's GObject name)
 *   ownsKey         claim extra keys of the group ("address1", "controller"...)
 *   read            read it; called for every group of its setting, whether
 *                   or not a key is present, and sets values[name] when found
 *   write           write it; called when the value is present (and not the
 *                   default, unless persistDefault)
 */
import { ADDR_GEN_MODE, CLONED_MAC_SPECIAL, type IpAddress, type IpRoute, type SettingValue, type SettingValues } from '../../sdk/index.js';
import { readAddresses, readRoutes, formatAddresses, formatRoutes, isIpListKey } from './ip-lists.js';
import { canonicalAddress, familyOfSetting } from './ip-text.js';
import { decodeKey, encodeKey } from './key-escape.js';
import { aliasOfSettingName, bondModeFromString, bondOption, bondOptionSupported, BOND_DEFAULT_MODE, canonicalSettingName, settingForGroup, type PropertyDefinition } from './model.js';
import type { ReadContext } from './read-context.js';
import { formatByteList, readInteger, readMac, readString, readStringList } from './scalars.js';
import type { WriteContext } from './write-context.js';
import { readCertificate, writeCertificate } from './certificates.js';
import { escapedCommaList } from './escaped-list-row.js';
import { MODEM_ROWS } from './serial-parity.js';
import { LINK_SPECIAL_PROPERTIES } from './link-rows.js';

export interface SpecialRow {
  skip?: true;
  persistDefault?: true;
  sortName?: string;
  ownsKey?(key: string): boolean;
  read?(ctx: ReadContext, group: string, def: PropertyDefinition, values: SettingValues): void;
  write?(w: WriteContext, group: string, value: SettingValue, def: PropertyDefinition): void;
}

/** The per-priority uint arrays of the dcb setting. */
const DCB_PRIORITY_ARRAYS = ['priority-bandwidth', 'priority-flow-control', 'priority-group-bandwidth', 'priority-group-id', 'priority-strict-bandwidth', 'priority-traffic-class'];

/** The group NetworkManager keeps VPN secrets in, apart from the [vpn] data. */
export const VPN_SECRETS_GROUP = 'vpn-secrets';

// ---- rows shared by ipv4 and ipv6 -----------------------------------------

const ipAddresses: SpecialRow = {
  sortName: 'addresses',
  ownsKey: (key) => key.startsWith('address') && isIpListKey(key),
  read(ctx, group, def, values) {
    const { addresses, gateway } = readAddresses(ctx, group, familyOfSetting(def.setting));
    if (addresses.length > 0) values[def.name] = addresses;
    // An explicit gateway= key wins over the one after an address (gateway_parser).
    if (ctx.doc.hasKey(group, 'gateway')) {
      const text = readString(ctx, group, 'gateway');
      const gw = canonicalAddress(text, familyOfSetting(def.setting));
      if (gw === undefined) throw ctx.error(group, 'gateway', `invalid IPv${familyOfSetting(def.setting)} gateway '${text}'`);
      if (gateway !== undefined && gateway !== gw) ctx.warn(group, 'gateway', `overrides the gateway '${gateway}' written after an address`);
      values.gateway = gw;
    } else if (gateway !== undefined) values.gateway = gateway;
  },
  write(w, group, value, def) {
    const gateway = w.settings[def.setting]?.gateway;
    for (const [key, text] of formatAddresses(value as IpAddress[], typeof gateway === 'string' && gateway ? gateway : undefined)) {
      w.set(def.setting, def.name, () => w.doc.setString(group, key, text));
    }
  },
};

const ipGateway: SpecialRow = {
  ownsKey: (key) => key === 'gateway',
  // Read together with the addresses (above).
  read() {},
  write(w, group, value, def) {
    // NetworkManager 1.42 writes the gateway after the first address; only a gateway without addresses gets its own key.
    const addresses = w.settings[def.setting]?.['address-data'];
    if (Array.isArray(addresses) && addresses.length > 0) return;
    w.set(def.setting, def.name, () => w.doc.setString(group, 'gateway', String(value)));
  },
};

const ipRoutes: SpecialRow = {
  sortName: 'routes',
  ownsKey: (key) => key.startsWith('route') && isIpListKey(key),
  read(ctx, group, def, values) {
    const routes = readRoutes(ctx, group, familyOfSetting(def.setting));
    if (routes.length > 0) values[def.name] = routes;
  },
  write(w, group, value, def) {
    for (const [key, text] of formatRoutes(value as IpRoute[], familyOfSetting(def.setting))) {
      w.set(def.setting, def.name, () => w.doc.setString(group, key, text));
    }
  },
};

const ipDns: SpecialRow = {
  read(ctx, group, def, values) {
    if (!ctx.doc.hasKey(group, def.name)) return;
    const family = familyOfSetting(def.setting);
    const servers = readStringList(ctx, group, def.name).map((item) => {
      const a = canonicalAddress(item.trim(), family);
      if (a === undefined) throw ctx.error(group, def.name, `invalid IPv${family} DNS server '${item}'`);
      return a;
    });
    if (servers.length > 0) values[def.name] = servers;
  },
  write(w, group, value, def) {
    const list = value as string[];
    if (list.length > 0) w.set(def.setting, def.name, () => w.doc.setStringList(group, def.name, list));
  },
};

const ipDnsSearch: SpecialRow = {
  read(ctx, group, def, values) {
    if (!ctx.doc.hasKey(group, def.name)) return;
    let list = readStringList(ctx, group, def.name);
    // Old files separated domains with ',' or ' ' in one item; NetworkManager still splits them.
    if (list.length === 1 && /[, ]/.test(list[0]!)) {
      ctx.warn(group, def.name, "',' and ' ' are not separators in keyfiles; use ';'");
      list = list[0]!.split(/[, ]/).filter((d) => d !== '');
    }
    if (list.length > 0) values[def.name] = list;
  },
};

const ipDnsOptions: SpecialRow = {
  // An explicitly empty list ("use no options") differs from unset: write it even when empty.
  write(w, group, value, def) {
    w.set(def.setting, def.name, () => w.doc.setStringList(group, def.name, value as string[]));
  },
};

const ROUTING_RULE_KEY = /^routing-rule(0|[1-9][0-9]*)?$/;

/** routing-rule1=priority 5 from 10.0.0.0/8 table 100 (the model holds the same text). */
const ipRoutingRules: SpecialRow = {
  ownsKey: (key) => ROUTING_RULE_KEY.test(key),
  read(ctx, group, def, values) {
    const keys = ctx
      .keys(group)
      .filter((k) => ROUTING_RULE_KEY.test(k))
      .map((k) => ({ k, n: k === 'routing-rule' ? -1 : Number(k.slice('routing-rule'.length)) }))
      .sort((a, b) => a.n - b.n);
    const rules = keys.map(({ k }) => readString(ctx, group, k).trim()).filter((r) => r !== '');
    if (rules.length > 0) values[def.name] = rules;
  },
  write(w, group, value, def) {
    (value as string[]).forEach((rule, i) => w.set(def.setting, def.name, () => w.doc.setString(group, `routing-rule${i + 1}`, rule)));
  },
};

/** ipv6.addr-gen-mode: the enum's nick in the file (NetworkManager 1.42), indexed by value. */
const ADDR_GEN_MODES = ['eui64', 'stable-privacy', 'default-or-eui64', 'default'];
const ADDR_GEN_MODE_DEFAULT_OR_EUI64 = ADDR_GEN_MODE.DEFAULT_OR_EUI64;
const ADDR_GEN_MODE_EUI64 = ADDR_GEN_MODE.EUI64;

const addrGenMode: SpecialRow = {
  persistDefault: true,
  read(ctx, group, def, values) {
    if (ctx.doc.hasKey(group, def.name)) {
      const text = readString(ctx, group, def.name).trim();
      const index = ADDR_GEN_MODES.indexOf(text);
      values[def.name] = index >= 0 ? index : readInteger(ctx, group, def.name, { min: 0n, max: BigInt(ADDR_GEN_MODES.length - 1) });
    } else {
      // A [ipv6] group without the key means default-or-eui64 (eui64 when a token is set), not the property's default.
      values[def.name] = ctx.doc.hasKey(group, 'token') ? ADDR_GEN_MODE_EUI64 : ADDR_GEN_MODE_DEFAULT_OR_EUI64;
    }
  },
  write(w, group, value, def) {
    if (value === ADDR_GEN_MODE_DEFAULT_OR_EUI64) return;
    const nick = ADDR_GEN_MODES[value as number];
    w.set(def.setting, def.name, () => w.doc.setString(group, def.name, nick ?? String(value)));
  },
};

function ipRows(setting: 'ipv4' | 'ipv6'): Record<string, SpecialRow> {
  return {
    [`${setting}.address-data`]: ipAddresses,
    [`${setting}.gateway`]: ipGateway,
    [`${setting}.route-data`]: ipRoutes,
    // The deprecated D-Bus forms of the same data: never in a keyfile.
    [`${setting}.addresses`]: { skip: true },
    [`${setting}.routes`]: { skip: true },
    [`${setting}.dns`]: ipDns,
    [`${setting}.dns-search`]: ipDnsSearch,
    [`${setting}.dns-options`]: ipDnsOptions,
    [`${setting}.routing-rules`]: ipRoutingRules,
  };
}

// ---- connection -----------------------------------------------------------

/** A property newer NetworkManager writes under another key (controller for master, port-type for slave-type). */
function renamedKey(newKey: string, mapValue: (v: string) => string = (v) => v): SpecialRow {
  return {
    ownsKey: (key) => key === newKey,
    read(ctx, group, def, values) {
      const key = ctx.doc.hasKey(group, def.name) ? def.name : ctx.doc.hasKey(group, newKey) ? newKey : undefined;
      if (key !== undefined) values[def.name] = mapValue(readString(ctx, group, key));
    },
  };
}

const connectionType: SpecialRow = {
  read(ctx, group, def, values) {
    if (ctx.doc.hasKey(group, def.name)) values[def.name] = canonicalSettingName(readString(ctx, group, def.name));
  },
  write(w, group, value, def) {
    w.set(def.setting, def.name, () => w.doc.setString(group, def.name, aliasOfSettingName(String(value))));
  },
};

// ---- Wi-Fi ----------------------------------------------------------------

/**
 * The SSID: text when every byte is printable ASCII (';' escaped as '\;'),
 * else a byte list; either form is read (get_bytes with semicolon unescaping).
 */
const ssid: SpecialRow = {
  read(ctx, group, def, values) {
    if (!ctx.doc.hasKey(group, def.name)) return;
    const text = readString(ctx, group, def.name);
    values[def.name] = byteListOrUndefined(text) ?? new Uint8Array(Buffer.from(text.replaceAll('\\;', ';'), 'utf8'));
  },
  write(w, group, value, def) {
    const bytes = value as Uint8Array;
    const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
    const text = printable ? Buffer.from(bytes).toString('latin1').replaceAll(';', '\\;') : formatByteList(bytes);
    w.set(def.setting, def.name, () => (printable ? w.doc.setString(group, def.name, text) : w.doc.setRaw(group, def.name, text)));
  },
};

/** The old SSID form "65;66;67;": each item up to three digits and at most 255, each followed by ';'. */
function byteListOrUndefined(text: string): Uint8Array | undefined {
  if (!/^(\s*[0-9]{1,3}\s*;)+\s*$/.test(text)) return undefined;
  const bytes = text.split(';').slice(0, -1).map((item) => Number(item.trim()));
  return bytes.every((b) => b <= 255) ? new Uint8Array(bytes) : undefined;
}

/** Cloned MAC addresses may hold a word ("stable", "random"...) instead of an address. */
const clonedMac: SpecialRow = {
  read(ctx, group, def, values) {
    if (ctx.doc.hasKey(group, def.name)) values[def.name] = readMac(ctx, group, def.name, def.macLength ?? 6, CLONED_MAC_SPECIAL);
  },
};

// ---- dictionaries kept as plain keys of a group ------------------------------

function readDictionary(ctx: ReadContext, group: string, include: (key: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ctx.doc.keys(group)) {
    if (!include(key)) continue;
    out[decodeKey(key)] = readString(ctx, group, key);
  }
  return out;
}

function writeDictionary(w: WriteContext, group: string, def: PropertyDefinition, dict: Record<string, string>, keep: (name: string) => boolean = () => true): void {
  for (const name of Object.keys(dict).sort()) {
    if (!keep(name)) continue;
    w.set(def.setting, def.name, () => w.doc.setString(group, encodeKey(name), dict[name]!));
  }
}

/**
 * [bond] mode=802.3ad, miimon=100...: every key is an option ("interface-name"
 * is an old, ignored key). An unknown option, or one the mode does not
 * support, is an error naming its line: NetworkManager warns and drops the
 * first and silently drops the second, which hides a typo in a file written
 * by hand. Option values are checked by the model's verification.
 */
const bondOptions: SpecialRow = {
  ownsKey: () => true,
  read(ctx, group, def, values) {
    const options = readDictionary(ctx, group, (key) => key !== 'interface-name');
    const modeText = options.mode ?? BOND_DEFAULT_MODE;
    const mode = bondModeFromString(modeText);
    for (const key of ctx.doc.keys(group)) {
      const name = decodeKey(key);
      if (name === 'interface-name') continue;
      if (!bondOption(name)) throw ctx.error(group, key, `unknown bond option '${name}'`);
      if (mode && !bondOptionSupported(name, mode)) throw ctx.error(group, key, `bond option '${name}' is not valid with mode '${modeText}'`);
    }
    if (Object.keys(options).length > 0) values[def.name] = options;
  },
  write(w, group, value, def) {
    writeDictionary(w, group, def, value as Record<string, string>);
  },
};

let vpnProperties: ReadonlySet<string> | undefined;

/** [vpn]: keys that are not properties of the vpn setting are its data items (the table's names, gathered once). */
function vpnPropertyNames(): ReadonlySet<string> {
  return (vpnProperties ??= new Set(settingForGroup('vpn')?.properties.map((p) => p.name) ?? []));
}

const vpnData: SpecialRow = {
  sortName: 'data',
  ownsKey: (key) => !vpnPropertyNames().has(key),
  read(ctx, group, def, values) {
    const properties = vpnPropertyNames();
    const data = readDictionary(ctx, group, (key) => !properties.has(key));
    if (Object.keys(data).length > 0) values[def.name] = data;
  },
  write(w, group, value, def) {
    writeDictionary(w, group, def, value as Record<string, string>);
  },
};

/** [vpn-secrets]: the VPN's secrets; one whose "<name>-flags" data item is not 0 is not saved. */
const vpnSecrets: SpecialRow = {
  read(ctx, _group, def, values) {
    if (!ctx.doc.hasGroup(VPN_SECRETS_GROUP)) return;
    const secrets = readDictionary(ctx, VPN_SECRETS_GROUP, () => true);
    if (Object.keys(secrets).length > 0) values[def.name] = secrets;
  },
  write(w, _group, value, def) {
    const data = (w.settings.vpn?.data ?? {}) as Record<string, string>;
    const saved = (name: string) => {
      const flags = data[`${name}-flags`];
      return flags === undefined || Number(flags) === 0;
    };
    writeDictionary(w, VPN_SECRETS_GROUP, def, value as Record<string, string>, saved);
  },
};

const userData: SpecialRow = {
  ownsKey: () => true,
  read(ctx, group, def, values) {
    const data = readDictionary(ctx, group, () => true);
    if (Object.keys(data).length > 0) values[def.name] = data;
  },
  write(w, group, value, def) {
    writeDictionary(w, group, def, value as Record<string, string>);
  },
};

// ---- records kept as one comma-separated key --------------------------------


// ---- 802.1X ----------------------------------------------------------------

const certificate: SpecialRow = {
  read(ctx, group, def, values) {
    if (ctx.doc.hasKey(group, def.name)) values[def.name] = readCertificate(ctx, group, def.name);
  },
  write(w, group, value, def) {
    const text = writeCertificate(value as Uint8Array);
    if (text === undefined) throw w.error(def.setting, def.name, 'certificate value is neither a path, a PKCS#11 URI nor a blob');
    w.set(def.setting, def.name, () => w.doc.setString(group, def.name, text));
  },
};

/** password-raw is always a byte list, even an empty one (password_raw_writer). */
const passwordRaw: SpecialRow = {
  write(w, group, value, def) {
    w.set(def.setting, def.name, () => w.doc.setRaw(group, def.name, formatByteList(value as Uint8Array)));
  },
};

const CERTIFICATE_PROPERTIES = ['ca-cert', 'client-cert', 'private-key', 'phase2-ca-cert', 'phase2-client-cert', 'phase2-private-key'];

// ---- the table ----------------------------------------------------------------

export const SPECIAL_PROPERTIES: Readonly<Record<string, SpecialRow>> = {
  'connection.type': connectionType,
  'connection.read-only': { skip: true },
  'connection.master': renamedKey('controller'),
  'connection.slave-type': renamedKey('port-type', canonicalSettingName),
  ...ipRows('ipv4'),
  ...ipRows('ipv6'),
  'ipv6.addr-gen-mode': addrGenMode,
  '802-11-wireless.ssid': ssid,
  '802-11-wireless.seen-bssids': { skip: true },
  '802-11-wireless.cloned-mac-address': clonedMac,
  '802-3-ethernet.cloned-mac-address': clonedMac,
  'bond.options': bondOptions,
  'vpn.data': vpnData,
  'vpn.secrets': vpnSecrets,
  'user.data': userData,
  'bridge.vlans': escapedCommaList,
  'bridge-port.vlans': escapedCommaList,
  'vlan.flags': { persistDefault: true },
  // Boxed arrays in NetworkManager have no default, so it writes all six even when they are all zero.
  ...Object.fromEntries(DCB_PRIORITY_ARRAYS.map((p) => [`dcb.${p}`, { persistDefault: true } as SpecialRow])),
  '802-1x.password-raw': passwordRaw,
  ...Object.fromEntries(CERTIFICATE_PROPERTIES.map((p) => [`802-1x.${p}`, certificate])),
  ...MODEM_ROWS,
  ...LINK_SPECIAL_PROPERTIES,
};

/**
 * Team settings: NetworkManager keeps only the JSON "config" in a keyfile;
 * every other team property is derived from it.
 */
const CONFIG_ONLY_SETTINGS = new Set(['team', 'team-port']);

const SKIP: SpecialRow = { skip: true };

/** The rows by setting, then property: looked up for every property of every file. */
const BY_SETTING = new Map<string, Map<string, SpecialRow>>();
for (const [key, row] of Object.entries(SPECIAL_PROPERTIES)) {
  const dot = key.indexOf('.');
  const setting = key.slice(0, dot);
  if (!BY_SETTING.has(setting)) BY_SETTING.set(setting, new Map());
  BY_SETTING.get(setting)!.set(key.slice(dot + 1), row);
}

export function specialRow(setting: string, property: string): SpecialRow | undefined {
  if (CONFIG_ONLY_SETTINGS.has(setting) && property !== 'config') return SKIP;
  return BY_SETTING.get(setting)?.get(property);
}

/** Secret flags of a property in a profile (0 when unset). */
export function secretFlagsOf(values: SettingValues, def: PropertyDefinition): number {
  const flags = def.secretFlags ? values[def.secretFlags] : undefined;
  return typeof flags === 'number' ? flags : 0;
}
