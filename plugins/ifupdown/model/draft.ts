/**
 * A profile as the reader assembles it from stanzas, before it becomes
 * NetworkManager settings. One draft per interface; ports a controller names
 * without a stanza of their own get a draft too.
 */
import type { ConnectionSettings, IpAddress, SettingValue, SettingValues } from '../../../sdk/index.js';
import { ConnectionType, Prop, type ProfileKind, Setting } from './nm-names.js';
import { legacyUuid } from './uuid.js';

export interface IpDraft {
  method: string;
  addresses: IpAddress[];
  gateway?: string;
  dns: string[];
  search: string[];
  metric?: number;
}

export interface Draft {
  name: string;
  kind: ProfileKind;
  autoconnect: boolean;
  /** Set for a port: its controller's interface name and kind. */
  controller?: { name: string; kind: 'bond' | 'bridge' };
  ipv4: IpDraft;
  ipv6: IpDraft;
  mtu?: number;
  mac?: string;
  bondOptions?: Record<string, string>;
  bridge?: Record<string, SettingValue>;
  vlan?: { id: number; parent: string };
  /** connection.id / connection.uuid saved by nmk in the stanza (nmk-id, nmk-uuid comments). */
  savedId?: string;
  savedUuid?: string;
  /** Where the profile lives: the file and line of its first stanza (or of the controller naming it). */
  file: string;
  line: number;
  /** False for a port that only appears in its controller's port list. */
  ownStanza: boolean;
}

/** NetworkManager's ifupdown plugin names a profile "Ifupdown (NAME)". */
export function defaultId(name: string): string {
  return `Ifupdown (${name})`;
}

/**
 * NetworkManager's ifupdown plugin derives the UUID from the id (MD5,
 * NM_UUID_TYPE_LEGACY), so a profile keeps its UUID across reads, across
 * moves between sourced files, and across a switch from NetworkManager.
 */
export function defaultUuid(name: string): string {
  return legacyUuid(defaultId(name));
}

export function emptyIp(method: string): IpDraft {
  return { method, addresses: [], dns: [], search: [] };
}

function ipSetting(ip: IpDraft): SettingValues {
  const s: SettingValues = { [Prop.method]: ip.method };
  if (ip.addresses.length) s[Prop.addressData] = ip.addresses;
  if (ip.gateway !== undefined) s[Prop.gateway] = ip.gateway;
  if (ip.dns.length) s[Prop.dns] = ip.dns;
  if (ip.search.length) s[Prop.dnsSearch] = ip.search;
  if (ip.metric !== undefined) s[Prop.routeMetric] = ip.metric;
  return s;
}

export function draftToSettings(d: Draft): ConnectionSettings {
  const connection: SettingValues = {
    [Prop.id]: d.savedId ?? defaultId(d.name),
    [Prop.uuid]: d.savedUuid ?? defaultUuid(d.name),
    [Prop.type]: ConnectionType[d.kind],
    [Prop.interfaceName]: d.name,
    [Prop.autoconnect]: d.autoconnect,
  };
  if (d.controller) {
    connection[Prop.controller] = d.controller.name;
    connection[Prop.portType] = d.controller.kind;
  }
  const settings: ConnectionSettings = { [Setting.connection]: connection };
  const ethernet: SettingValues = {};
  if (d.mtu !== undefined) ethernet[Prop.mtu] = d.mtu;
  if (d.mac !== undefined) ethernet[Prop.clonedMac] = d.mac;
  if (d.kind === 'ethernet' || Object.keys(ethernet).length) settings[Setting.ethernet] = ethernet;
  // A port has no IP configuration of its own (NetworkManager refuses one).
  if (!d.controller) {
    settings[Setting.ipv4] = ipSetting(d.ipv4);
    settings[Setting.ipv6] = ipSetting(d.ipv6);
  }
  if (d.kind === 'bond') settings[Setting.bond] = { [Prop.bondOptions]: { ...(d.bondOptions ?? {}) } };
  if (d.kind === 'bridge') settings[Setting.bridge] = { ...(d.bridge ?? {}) };
  if (d.kind === 'vlan' && d.vlan) settings[Setting.vlan] = { [Prop.vlanId]: d.vlan.id, [Prop.vlanParent]: d.vlan.parent };
  return settings;
}
