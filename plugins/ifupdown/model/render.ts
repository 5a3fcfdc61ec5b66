/**
 * A profile's stanzas as nmk writes them. The form is the plainest one
 * ifupdown, ifenslave, bridge-utils and the vlan package all read:
 *
 *   iface bond0 inet static            inet: static / dhcp; inet6: static / auto / dhcp
 *       # nmk-uuid: ...                only when not the derived UUID
 *       address 192.0.2.2/24           CIDR, never netmask
 *       gateway 192.0.2.1
 *       dns-nameservers 192.0.2.53
 *       mtu 9000
 *       bond-mode 802.3ad              every bond option, mode first
 *       bond-slaves none               ports name their bond with bond-master
 *
 * A port is "iface NAME inet manual" (with bond-master for a bond; a bridge
 * lists it in bridge_ports). An interface without IPv4 and IPv6 stanzas is
 * "inet manual". Which names go on auto lines and into bridge_ports is the
 * editor's business (edit.ts). Properties this form cannot hold are simply
 * not written: the caller compares a read-back with the profile and refuses
 * a lossy write.
 */
import type { ConnectionSettings, IpAddress, SettingValue, SettingValues } from '../../../sdk/index.js';
import { BOND_OPTIONS } from '../../../sdk/index.js';
import { bondKey, formatBondValue } from './bond-options.js';
import { BRIDGE_ROWS, bridgeWriteKey, formatBridgeValue } from './bridge-options.js';
import { defaultId, defaultUuid } from './draft.js';
import { kindOfType, Prop, type ProfileKind, Setting } from './nm-names.js';
import { META_ID, META_UUID } from './stanzas.js';

export const INDENT = '    ';

export interface RenderedStanza {
  family: 'inet' | 'inet6';
  method: string;
  /** Option and comment lines, without indentation. */
  body: string[];
}

export interface RenderedProfile {
  name: string;
  kind: ProfileKind;
  autoconnect: boolean;
  controller?: { name: string; kind: 'bond' | 'bridge' };
  stanzas: RenderedStanza[];
}

const IPV4_METHODS: Record<string, string | null> = { manual: 'static', auto: 'dhcp', disabled: null };
const IPV6_METHODS: Record<string, string | null> = { manual: 'static', auto: 'auto', dhcp: 'dhcp', ignore: null };

function str(s: SettingValues | undefined, key: string): string | undefined {
  const v = s?.[key];
  return typeof v === 'string' ? v : undefined;
}

function list<T>(s: SettingValues | undefined, key: string): T[] {
  const v = s?.[key];
  return Array.isArray(v) ? (v as T[]) : [];
}

/** Why the profile cannot be written at all, or its stanzas. */
export function renderProfile(settings: ConnectionSettings, controllerName: (master: string) => string | undefined): RenderedProfile | { problem: string } {
  const con = settings[Setting.connection];
  const name = str(con, Prop.interfaceName);
  if (!name) return { problem: 'ifupdown needs connection.interface-name' };
  const kind = kindOfType(con?.[Prop.type]);
  if (!kind) return { problem: `ifupdown cannot store profiles of type ${String(con?.[Prop.type])}` };
  const autoconnect = con?.[Prop.autoconnect] !== false;
  const master = str(con, Prop.controller);
  const out: RenderedProfile = { name, kind, autoconnect, stanzas: [] };

  const meta: string[] = [];
  const uuid = str(con, Prop.uuid);
  const id = str(con, Prop.id);
  if (uuid && uuid.toLowerCase() !== defaultUuid(name)) meta.push(`# ${META_UUID}: ${uuid.toLowerCase()}`);
  if (id !== undefined && id !== defaultId(name)) meta.push(`# ${META_ID}: ${JSON.stringify(id)}`);

  if (master) {
    const portType = str(con, Prop.portType);
    if (portType !== 'bond' && portType !== 'bridge') return { problem: `ifupdown cannot store a port of a ${portType ?? 'controller of unknown type'}` };
    const ctl = controllerName(master);
    if (!ctl) return { problem: `controller ${master} is not configured in the interfaces files` };
    out.controller = { name: ctl, kind: portType };
    const body = [...meta, ...linkLines(settings, kind, name)];
    if (portType === 'bond') body.push(`bond-master ${ctl}`);
    out.stanzas.push({ family: 'inet', method: 'manual', body });
    return out;
  }

  const ipv4 = settings[Setting.ipv4];
  const ipv6 = settings[Setting.ipv6];
  const m4 = IPV4_METHODS[str(ipv4, Prop.method) ?? 'auto'];
  const m6 = IPV6_METHODS[str(ipv6, Prop.method) ?? 'ignore'];
  if (m4 === undefined) return { problem: `ifupdown cannot store ipv4.method ${str(ipv4, Prop.method)}` };
  if (m6 === undefined) return { problem: `ifupdown cannot store ipv6.method ${str(ipv6, Prop.method)}` };
  if (m4) out.stanzas.push({ family: 'inet', method: m4, body: ipLines(ipv4, m4) });
  if (m6) out.stanzas.push({ family: 'inet6', method: m6, body: ipLines(ipv6, m6) });
  if (!out.stanzas.length) out.stanzas.push({ family: 'inet', method: 'manual', body: [] });

  // Name servers go to the stanza of their family when there is one: the reader files them by family anyway.
  const s4 = out.stanzas.find((s) => s.family === 'inet');
  const s6 = out.stanzas.find((s) => s.family === 'inet6');
  const dns4 = list<string>(ipv4, Prop.dns);
  const dns6 = list<string>(ipv6, Prop.dns);
  if (dns4.length) (s4 ?? out.stanzas[0]!).body.push(`dns-nameservers ${dns4.join(' ')}`);
  if (dns6.length) (s6 ?? out.stanzas[0]!).body.push(`dns-nameservers ${dns6.join(' ')}`);
  // Search domains belong to their family's stanza; without one they cannot be written.
  const search4 = list<string>(ipv4, Prop.dnsSearch);
  const search6 = list<string>(ipv6, Prop.dnsSearch);
  if (search4.length && s4) s4.body.push(`dns-search ${search4.join(' ')}`);
  if (search6.length && s6) s6.body.push(`dns-search ${search6.join(' ')}`);
  const first = out.stanzas[0]!;
  first.body.unshift(...meta);
  first.body.push(...linkLines(settings, kind, name));
  return out;
}

function ipLines(ip: SettingValues | undefined, method: string): string[] {
  const lines: string[] = [];
  if (method === 'static') {
    for (const a of list<IpAddress>(ip, Prop.addressData)) lines.push(`address ${a.address}/${a.prefix}`);
    const gw = str(ip, Prop.gateway);
    if (gw) lines.push(`gateway ${gw}`);
  }
  const metric = ip?.[Prop.routeMetric];
  if (typeof metric === 'number' && metric >= 0) lines.push(`metric ${metric}`);
  return lines;
}

function linkLines(settings: ConnectionSettings, kind: ProfileKind, name: string): string[] {
  const lines: string[] = [];
  const eth = settings[Setting.ethernet];
  const mtu = eth?.[Prop.mtu];
  if (typeof mtu === 'number' && mtu > 0) lines.push(`mtu ${mtu}`);
  const mac = str(eth, Prop.clonedMac);
  if (mac) lines.push(`hwaddress ${mac}`);
  if (kind === 'vlan') {
    const vlan = settings[Setting.vlan];
    const id = vlan?.[Prop.vlanId];
    const parent = str(vlan, Prop.vlanParent);
    const dotted = /^(.+)\.([0-9]+)$/.exec(name);
    const vlanN = /^vlan([0-9]+)$/.exec(name);
    const named = dotted && dotted[1] === parent && Number(dotted[2]) === id;
    if (!named && parent) lines.push(`vlan-raw-device ${parent}`);
    if (!named && !(vlanN && Number(vlanN[1]) === id) && typeof id === 'number') lines.push(`vlan-id ${id}`);
  }
  if (kind === 'bond') {
    const options = (settings[Setting.bond]?.[Prop.bondOptions] ?? {}) as Record<string, string>;
    // The table's order (mode first), so files diff cleanly.
    for (const def of BOND_OPTIONS) {
      const value = def.name === 'mode' ? (options.mode ?? 'balance-rr') : options[def.name];
      if (value !== undefined) lines.push(`${bondKey(def.name)} ${formatBondValue(def, value)}`);
    }
  }
  if (kind === 'bridge') {
    const bridge = settings[Setting.bridge] ?? {};
    for (const row of BRIDGE_ROWS) {
      // STP is written always: bridge-utils leaves it off, NetworkManager's default is on.
      const value: SettingValue | undefined = row.property === 'stp' ? (bridge.stp ?? true) : bridge[row.property];
      if (value !== undefined) lines.push(`${bridgeWriteKey(row.key)} ${formatBridgeValue(row, value)}`);
    }
  }
  return lines;
}

/** The text of rendered stanzas, each line indented under its iface header. */
export function stanzaText(p: RenderedProfile, extra: Map<string, string[]> = new Map()): string {
  return p.stanzas
    .map((s) => [`iface ${p.name} ${s.family} ${s.method}\n`, ...s.body.map((l) => `${INDENT}${l}\n`), ...(extra.get(s.family) ?? [])].join(''))
    .join('\n');
}
