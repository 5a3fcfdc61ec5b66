/**
 * A plain interface profile (ethernet, bond, bridge or VLAN, with its IPv4
 * and IPv6 configuration) as a distribution-format reader assembles it, and
 * the NetworkManager settings it stands for. The ifupdown and ifnet readers
 * built the same drafts and turned them into settings the same way; the
 * shape and the conversion live here once. A reader extends InterfaceDraft
 * with where the profile came from, and chooses the id and UUID.
 */
import type { ConnectionSettings, IpAddress, IpRoute, SettingValue, SettingValues } from './types.js';

export type InterfaceKind = 'ethernet' | 'bond' | 'bridge' | 'vlan';

/** connection.type of each kind. */
export const INTERFACE_CONNECTION_TYPES: Readonly<Record<InterfaceKind, string>> = {
  ethernet: '802-3-ethernet',
  bond: 'bond',
  bridge: 'bridge',
  vlan: 'vlan',
};

export interface IpDraft {
  method: string;
  addresses: IpAddress[];
  gateway?: string;
  routes: IpRoute[];
  dns: string[];
  search: string[];
  metric?: number;
}

export interface InterfaceDraft {
  /** The interface name. */
  name: string;
  kind: InterfaceKind;
  autoconnect: boolean;
  /** Set for a port: its controller's interface name and kind. */
  controller?: { name: string; kind: 'bond' | 'bridge' };
  ipv4: IpDraft;
  ipv6: IpDraft;
  mtu?: number;
  /** connection's cloned MAC address. */
  mac?: string;
  bondOptions?: Record<string, string>;
  bridge?: Record<string, SettingValue>;
  bridgePort?: Record<string, SettingValue>;
  vlan?: { id: number; parent: string };
}

/** An IP configuration with `method` and nothing else. */
export function emptyIpDraft(method: string): IpDraft {
  return { method, addresses: [], routes: [], dns: [], search: [] };
}

/** The settings of a draft: connection (with `identity`), ethernet, IP (not for a port), and the kind's own setting. */
export function interfaceDraftSettings(d: InterfaceDraft, identity: { id: string; uuid: string }): ConnectionSettings {
  const connection: SettingValues = {
    id: identity.id,
    uuid: identity.uuid,
    type: INTERFACE_CONNECTION_TYPES[d.kind],
    'interface-name': d.name,
    autoconnect: d.autoconnect,
  };
  if (d.controller) {
    // NetworkManager 1.42's names for the controller and port type (connection.controller is newer).
    connection.master = d.controller.name;
    connection['slave-type'] = d.controller.kind;
  }
  const settings: ConnectionSettings = { connection };
  const ethernet: SettingValues = {};
  if (d.mtu !== undefined) ethernet.mtu = d.mtu;
  if (d.mac !== undefined) ethernet['cloned-mac-address'] = d.mac;
  if (d.kind === 'ethernet' || Object.keys(ethernet).length) settings['802-3-ethernet'] = ethernet;
  // A port has no IP configuration of its own (NetworkManager refuses one).
  if (!d.controller) {
    settings.ipv4 = ipSetting(d.ipv4);
    settings.ipv6 = ipSetting(d.ipv6);
  }
  if (d.kind === 'bond') settings.bond = { options: { ...(d.bondOptions ?? {}) } };
  if (d.kind === 'bridge') settings.bridge = { ...(d.bridge ?? {}) };
  if (d.bridgePort && Object.keys(d.bridgePort).length) settings['bridge-port'] = { ...d.bridgePort };
  if (d.kind === 'vlan' && d.vlan) settings.vlan = { id: d.vlan.id, parent: d.vlan.parent };
  return settings;
}

function ipSetting(ip: IpDraft): SettingValues {
  const s: SettingValues = { method: ip.method };
  if (ip.addresses.length) s['address-data'] = ip.addresses;
  if (ip.gateway !== undefined) s.gateway = ip.gateway;
  if (ip.routes.length) s['route-data'] = ip.routes;
  if (ip.dns.length) s.dns = ip.dns;
  if (ip.search.length) s['dns-search'] = ip.search;
  if (ip.metric !== undefined) s['route-metric'] = ip.metric;
  return s;
}
