/**
 * One interface's own variables read into its draft: addresses (config_),
 * routes, DNS, MTU, MAC, UUID, and its bond, bridge or bridge-port options.
 * Which interface it is and what it belongs to (ports, VLANs) is
 * read-conf.ts's business.
 */
import { BadValue, bondModeFromString, bondOption, bondOptionSupported, emptyIpDraft, verifyConnection, type InterfaceKind, ipFamily, isUuid, parseDomainValue, parseIpValue, parseMacValue, parseUintValue, type SettingValue } from '../../../sdk/index.js';
import { scalarOf } from '../bash/evaluate.js';
import { parseBondValue, SYSFS_BOND_OPTIONS } from './bond-options.js';
import { BRIDGE_PORT_ROWS, BRIDGE_ROWS, parseSysfsValue } from './bridge-options.js';
import type { Draft } from './draft.js';
import { arrayItems, configEntries, type ConfigEntry, parseConfigEntry, parseRoute, wordsOf } from './items.js';
import { at, type Note, Problem, soft, yesNo } from './problem.js';
import { INTERFACE_KEYS, lookup, type NamedVariable, type VariableIndex } from './variables.js';

export interface Iface {
  name: string;
  ifvar: string;
  kind: InterfaceKind;
  ports: string[];
  portsFrom?: NamedVariable;
  vlan?: { id: number; parent: string; from: NamedVariable };
  controller?: { name: string; kind: 'bond' | 'bridge'; from: NamedVariable };
}

/**
 * The interface's draft. A value NetworkManager would only warn about (an
 * option value it refuses, an option the bond mode does not use, auto_X
 * that is not a yes or no) is a note in `notes` and is left out; the rest
 * throws Problem.
 */
export function buildDraft(iface: Iface, index: VariableIndex, notes: Note[] = []): Draft {
  const v = (key: string) => lookup(index, key, iface.ifvar);
  const origin = v('config') ?? iface.portsFrom ?? iface.controller?.from ?? iface.vlan?.from ?? INTERFACE_KEYS.map(v).find(Boolean);
  const d: Draft = { name: iface.name, kind: iface.kind, autoconnect: true, ipv4: emptyIpDraft('disabled'), ipv6: emptyIpDraft('ignore'), key: origin?.name ?? '', line: origin?.v.line ?? 0 };
  const auto = v('auto');
  // NetworkManager's ifnet plugin turned autoconnect off only for "false".
  if (auto) d.autoconnect = soft(auto, () => yesNoValue(auto), notes) ?? true;
  const uuid = v('uuid');
  if (uuid) {
    const text = scalarOf(uuid.v).trim();
    if (!isUuid(text)) throw new Problem(uuid.v.line, uuid.name, `invalid UUID '${text}'`);
    d.uuid = text.toLowerCase();
  }
  if (iface.controller) d.controller = { name: iface.controller.name, kind: iface.controller.kind };
  if (iface.vlan) d.vlan = { id: iface.vlan.id, parent: iface.vlan.parent };

  readIp(d, iface, v);
  const mtu = v('mtu');
  if (mtu) d.mtu = at(mtu, () => parseUintValue(scalarOf(mtu.v).trim(), 68, 65535, 'MTU'));
  const mac = v('mac');
  if (mac) d.mac = at(mac, () => parseMacValue(scalarOf(mac.v).trim()));

  if (iface.kind === 'bond') d.bondOptions = bondOptions(iface, index, notes);
  if (iface.kind === 'bridge') {
    // The kernel starts a bridge with STP off and netifrc leaves it so unless stp_state is set.
    const bridge: Record<string, SettingValue> = { stp: false };
    for (const row of BRIDGE_ROWS) {
      const nv = lookup(index, row.sysfs, iface.ifvar);
      const value = nv && soft(nv, () => parseSysfsValue(row, scalarOf(nv.v)), notes);
      if (value !== undefined) bridge[row.property] = value;
    }
    d.bridge = bridge;
  }
  if (iface.controller?.kind === 'bridge') {
    const port: Record<string, SettingValue> = {};
    for (const row of BRIDGE_PORT_ROWS) {
      const nv = lookup(index, row.sysfs, iface.ifvar);
      const value = nv && soft(nv, () => parseSysfsValue(row, scalarOf(nv.v)), notes);
      if (value !== undefined) port[row.property] = value;
    }
    d.bridgePort = port;
  }
  return d;
}

/** yesNo as a value parser: throws BadValue for a value that is neither. */
function yesNoValue(nv: NamedVariable): boolean {
  try {
    return yesNo(nv);
  } catch (err) {
    if (err instanceof Problem) throw new BadValue(err.message);
    throw err;
  }
}

/**
 * A bond's options as NetworkManager takes them: a value it refuses is a
 * note and left out; the rules its verify() enforces are a Problem on the
 * option to blame; an option the mode does not use is dropped, with a note
 * when it held something other than its default.
 */
function bondOptions(iface: Iface, index: VariableIndex, notes: Note[]): Record<string, string> {
  const options: Record<string, string> = { mode: 'balance-rr' };
  const lines = new Map<string, NamedVariable>();
  for (const def of SYSFS_BOND_OPTIONS) {
    const nv = lookup(index, def.sysfs!, iface.ifvar);
    const value = nv && soft(nv, () => parseBondValue(def, wordsOf(scalarOf(nv.v))), notes);
    if (value === undefined) continue;
    options[def.name] = value;
    lines.set(def.name, nv!);
  }
  const settings = { connection: { id: iface.name, uuid: BOND_CHECK_UUID, type: 'bond', 'interface-name': iface.name }, bond: { options } };
  const fatal = verifyConnection(settings).find((i) => i.setting === 'bond' && i.severity === 'error');
  if (fatal) {
    // The value is "name=value" for the option to blame.
    const nv = lines.get(typeof fatal.value === 'string' ? fatal.value.split('=')[0]! : 'mode') ?? lines.get('mode') ?? iface.portsFrom;
    throw new Problem(nv?.v.line ?? 0, nv?.name ?? '', fatal.message);
  }
  const mode = bondModeFromString(options.mode) ?? 'balance-rr';
  for (const [option, nv] of lines) {
    if (bondOptionSupported(option, mode)) continue;
    if (options[option] !== bondOption(option)?.default) notes.push({ line: nv.v.line, key: nv.name, reason: `${option} does not apply to bond mode ${mode}; ignored` });
    delete options[option];
  }
  return options;
}

/** Any UUID: verification of the bond options needs a whole profile. */
const BOND_CHECK_UUID = '00000000-0000-4000-8000-000000000000';

function readIp(d: Draft, iface: Iface, v: (key: string) => NamedVariable | undefined): void {
  const config = v('config');
  const entries: ConfigEntry[] = config ? configEntries(arrayItems(config.v)).map((item) => at(config, () => parseConfigEntry(item), item.line)) : [];
  if (iface.controller) {
    // A port has no IP configuration of its own; "null" (or nothing) is how netifrc says so.
    const ip = entries.find((e) => e.kind !== 'null' && e.kind !== 'noop');
    if (ip) throw new Problem(ip.line, config!.name, `${iface.name} is a port of ${iface.controller.name} and cannot have IP configuration of its own`);
    for (const key of ['routes', 'dns_servers', 'dns_search']) {
      const nv = v(key);
      if (nv) throw new Problem(nv.v.line, nv.name, `${iface.name} is a port of ${iface.controller.name} and cannot have ${key.replace('_', ' ')} of its own`);
    }
    return;
  }
  // No config_ at all: netifrc defaults to DHCP.
  if (!config) entries.push({ kind: 'dhcp', line: d.line });
  for (const e of entries) {
    if (e.kind === 'dhcp') d.ipv4.method = 'auto';
    else if (e.kind === 'apipa' && d.ipv4.method === 'disabled') d.ipv4.method = 'link-local';
    else if (e.kind === 'address') {
      const ip = e.family === 4 ? d.ipv4 : d.ipv6;
      if (!ip.addresses.some((a) => a.address === e.address && a.prefix === e.prefix)) ip.addresses.push({ address: e.address, prefix: e.prefix });
    }
  }
  if (d.ipv4.addresses.length && d.ipv4.method !== 'auto') d.ipv4.method = 'manual';
  if (d.ipv6.addresses.length) d.ipv6.method = 'manual';

  const routes = v('routes');
  for (const item of routes ? arrayItems(routes.v) : []) {
    const r = at(routes!, () => parseRoute(item), item.line);
    const ip = r.family === 4 ? d.ipv4 : d.ipv6;
    // A plain default route through a gateway is the profile's gateway where NetworkManager allows one (static addresses).
    if (r.isDefault && r.route.nextHop && r.route.metric === undefined && ip.gateway === undefined && ip.method === 'manual') ip.gateway = r.route.nextHop;
    else ip.routes.push(r.route);
  }
  const dns = v('dns_servers');
  for (const word of dns ? wordsOf(scalarOf(dns.v)) : []) {
    const family = ipFamily(word);
    if (!family) throw new Problem(dns!.v.line, dns!.name, `invalid nameserver '${word}'`);
    const server = at(dns!, () => parseIpValue(word, family));
    const list = family === 4 ? d.ipv4.dns : d.ipv6.dns;
    if (!list.includes(server)) list.push(server);
  }
  const search = v('dns_search');
  const target = d.ipv4.method === 'disabled' && d.ipv6.method !== 'ignore' ? d.ipv6 : d.ipv4;
  for (const word of search ? wordsOf(scalarOf(search.v)) : []) {
    const domain = at(search!, () => parseDomainValue(word));
    if (!target.search.includes(domain)) target.search.push(domain);
  }
}
