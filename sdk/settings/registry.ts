/**
 * Every setting the model knows, and lookups by name and keyfile alias.
 */
import type { PropertyDefinition, SettingDefinition } from './schema.js';
import { bondPortSetting, bondSetting } from './tables/bond.js';
import { bridgePortSetting, bridgeSetting } from './tables/bridge.js';
import { connectionSetting } from './tables/connection.js';
import { ethernetSetting } from './tables/ethernet.js';
import { ethtoolSetting } from './tables/ethtool.js';
import { ieee8021xSetting } from './tables/ieee8021x.js';
import { ipv4Setting, ipv6Setting } from './tables/ip.js';
import { lowpanSetting, wpanSetting } from './tables/lowpan.js';
import { matchSetting, proxySetting } from './tables/misc.js';
import { bluetoothSetting, cdmaSetting, gsmSetting, serialSetting } from './tables/mobile.js';
import { adslSetting, pppoeSetting, pppSetting } from './tables/ppp.js';
import { teamPortSetting, teamSetting } from './tables/team.js';
import { dummySetting, genericSetting, infinibandSetting, macvlanSetting, vethSetting, vxlanSetting } from './tables/virtual.js';
import { vlanSetting } from './tables/vlan.js';
import { vpnSetting } from './tables/vpn.js';
import { wifiSecuritySetting, wifiSetting } from './tables/wifi.js';
import { dcbSetting, hostnameSetting, sriovSetting, tcSetting, userSetting } from './tables/link-extras.js';
import { ovsBridgeSetting, ovsDpdkSetting, ovsExternalIdsSetting, ovsInterfaceSetting, ovsOtherConfigSetting, ovsPatchSetting, ovsPortSetting } from './tables/ovs.js';
import { ipTunnelSetting, loopbackSetting, macsecSetting, tunSetting, vrfSetting } from './tables/tunnels.js';
import { wireguardSetting } from './tables/wireguard.js';
import { olpcMeshSetting, wifiP2pSetting, wimaxSetting } from './tables/wireless-extra.js';

/** All settings, in the order NetworkManager verifies them (connection first, IP after links). */
export const SETTINGS: readonly SettingDefinition[] = Object.freeze([
  connectionSetting,
  ethernetSetting,
  wifiSetting,
  wifiSecuritySetting,
  ieee8021xSetting,
  bondSetting,
  bondPortSetting,
  bridgeSetting,
  bridgePortSetting,
  teamSetting,
  teamPortSetting,
  vlanSetting,
  macvlanSetting,
  vxlanSetting,
  vethSetting,
  dummySetting,
  genericSetting,
  infinibandSetting,
  // Tunnels, VRF, loopback and Open vSwitch.
  ipTunnelSetting,
  tunSetting,
  macsecSetting,
  vrfSetting,
  loopbackSetting,
  wireguardSetting,
  ovsBridgeSetting,
  ovsPortSetting,
  ovsInterfaceSetting,
  ovsPatchSetting,
  ovsDpdkSetting,
  ovsExternalIdsSetting,
  ovsOtherConfigSetting,
  // Modems, PPP, Bluetooth, 802.15.4 and the rarer Wi-Fi kinds.
  gsmSetting,
  cdmaSetting,
  serialSetting,
  bluetoothSetting,
  pppSetting,
  pppoeSetting,
  adslSetting,
  wpanSetting,
  lowpanSetting,
  wifiP2pSetting,
  olpcMeshSetting,
  wimaxSetting,
  vpnSetting,
  ipv4Setting,
  ipv6Setting,
  proxySetting,
  matchSetting,
  hostnameSetting,
  tcSetting,
  sriovSetting,
  dcbSetting,
  userSetting,
  ethtoolSetting,
]);

/**
 * NetworkManager base types this model has no table for: a profile of one of
 * these types is reported as unsupported rather than invalid.
 */
export const UNMODELLED_BASE_TYPES: readonly string[] = Object.freeze([
  'hsr',
]);

const BY_NAME = new Map(SETTINGS.map((s) => [s.name, s]));
const BY_ALIAS = new Map(SETTINGS.filter((s) => s.keyfileAlias).map((s) => [s.keyfileAlias!, s.name]));
const PROPERTIES = new Map(SETTINGS.map((s) => [s.name, new Map(s.properties.map((p) => [p.name, p]))]));
/** PROPERTIES under each setting name and each keyfile alias: one lookup instead of resolving the alias first. */
const PROPERTIES_BY_ANY_NAME = new Map([...BY_NAME.keys(), ...BY_ALIAS.keys()].map((n) => [n, PROPERTIES.get(resolveSettingAlias(n))]));

/** The canonical (D-Bus) setting name for a name or keyfile alias ("ethernet" → "802-3-ethernet"); other names unchanged. */
export function resolveSettingAlias(name: string): string {
  return BY_ALIAS.get(name) ?? name;
}

/** The keyfile group name of a setting ("802-3-ethernet" → "ethernet"); the name itself when it has no alias. */
export function keyfileAlias(name: string): string {
  return BY_NAME.get(resolveSettingAlias(name))?.keyfileAlias ?? name;
}

/** A setting's table by canonical name or keyfile alias; undefined for unknown settings. */
export function settingDefinition(name: string): SettingDefinition | undefined {
  return BY_NAME.get(resolveSettingAlias(name));
}

/** One property's row; undefined for an unknown setting or property. */
export function propertyDefinition(setting: string, property: string): PropertyDefinition | undefined {
  return PROPERTIES_BY_ANY_NAME.get(setting)?.get(property);
}

/** Whether a setting name may be a connection.type (after alias resolution). */
export function isBaseType(name: string): boolean {
  return BY_NAME.get(resolveSettingAlias(name))?.baseType ?? false;
}
