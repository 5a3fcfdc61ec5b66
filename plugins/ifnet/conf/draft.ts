/**
 * A profile as the reader assembles it from conf.d/net, before it becomes
 * NetworkManager settings. Names follow NetworkManager's ifnet plugin (last
 * shipped in 1.14): the id is the interface name and the UUID is derived
 * from it (MD5, NM_UUID_TYPE_LEGACY) unless uuid_IFVAR gives one.
 */
import type { ConnectionSettings, IpAddress, IpRoute, SettingValue, SettingValues } from '../../../sdk/index.js';
import { legacyUuid } from './uuid.js';

export type ProfileKind = 'ethernet' | 'bond' | 'bridge' | 'vlan';

const CONNECTION_TYPE: Record<ProfileKind, string> = { ethernet: '802-3-ethernet', bond: 'bond', bridge: 'bridge', vlan: 'vlan' };

export interface IpDraft {
  method: string;
  addresses: IpAddress[];
  gateway?: string;
  routes: IpRoute[];
  dns: string[];
  search: string[];
}

export interface Draft {
  name: string;
  kind: ProfileKind;
  autoconnect: boolean;
  controller?: { name: string; kind: 'bond' | 'bridge' };
  ipv4: IpDraft;
  ipv6: IpDraft;
  mtu?: number;
  mac?: string;
  bondOptions?: Record<string, string>;
  bridge?: Record<string, SettingValue>;
  bridgePort?: Record<string, SettingValue>;
  vlan?: { id: number; parent: string };
  uuid?: string;
  /** The variable that brought the interface in, and its line, for errors found later. */
  key: string;
  line: number;
}

export function emptyIp(method: string): IpDraft {
  return { method, addresses: [], routes: [], dns: [], search: [] };
}

function ipSetting(ip: IpDraft): SettingValues {
  const s: SettingValues = { method: ip.method };
  if (ip.addresses.length) s['address-data'] = ip.addresses;
  if (ip.gateway !== undefined) s.gateway = ip.gateway;
  if (ip.routes.length) s['route-data'] = ip.routes;
  if (ip.dns.length) s.dns = ip.dns;
  if (ip.search.length) s['dns-search'] = ip.search;
  return s;
}

export function draftToSettings(d: Draft): ConnectionSettings {
  const connection: SettingValues = {
    id: d.name,
    uuid: d.uuid ?? legacyUuid(d.name),
    type: CONNECTION_TYPE[d.kind],
    'interface-name': d.name,
    autoconnect: d.autoconnect,
  };
  if (d.controller) {
    connection.master = d.controller.name;
    connection['slave-type'] = d.controller.kind;
  }
  const settings: ConnectionSettings = { connection };
  const ethernet: SettingValues = {};
  if (d.mtu !== undefined) ethernet.mtu = d.mtu;
  if (d.mac !== undefined) ethernet['cloned-mac-address'] = d.mac;
  if (d.kind === 'ethernet' || Object.keys(ethernet).length) settings['802-3-ethernet'] = ethernet;
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
