/**
 * A profile to its files, as NetworkManager's ifcfg-rh writer lays them out
 * (nms-ifcfg-rh-writer.c). Pure: it takes the current files (to keep their
 * comments, unknown variables and quoting) and returns the new contents; the
 * caller writes them. A file whose content is undefined is to be removed.
 */
import type { ConnectionSettings, SettingValues } from '../../sdk/index.js';
import { BOND_KEYS, BOND_PORT_ROWS, writeBond } from './bond-setting.js';
import { BRIDGE_KEYS, writeBridge, writeBridgePort } from './bridge-setting.js';
import { CONNECTION_KEYS, writeConnection, type ConnectionWriteContext } from './connection-setting.js';
import { DOT1X_KEYS, PASSWORD_KEY, writeDot1x } from './dot1x-setting.js';
import { ETHTOOL_KEYS, writeEthtool } from './ethtool-setting.js';
import { FileWriter, type KeyMatcher } from './file-writer.js';
import { INFINIBAND_KEYS, writeInfiniband } from './infiniband-setting.js';
import { DNS_KEYS, list, writeDnsServers } from './ip-common.js';
import { IP4_KEYS, writeIPv4 } from './ip4-setting.js';
import { IP6_KEYS, writeIPv6 } from './ip6-setting.js';
import { writeRows } from './key-table.js';
import { CONTROLLER_PROPERTY, PORT_TYPE_PROPERTY, Setting } from './nm-names.js';
import { kindByNmType } from './profile-kind.js';
import { writeRouteFile, type RouteFileInput } from './route-files.js';
import { ShvarFile } from './shvar-file.js';
import { VLAN_KEYS, writeVlan } from './vlan-setting.js';
import { WIRED_KEYS, writeWired } from './wired-setting.js';

/** Every ifcfg variable nmk reads: on a rewrite, those the new profile does not set are removed. */
export const MANAGED_KEYS: readonly KeyMatcher[] = [
  ...CONNECTION_KEYS, ...WIRED_KEYS, ...BOND_KEYS, ...BRIDGE_KEYS, ...VLAN_KEYS, ...INFINIBAND_KEYS,
  ...IP4_KEYS, ...IP6_KEYS, ...DNS_KEYS, ...DOT1X_KEYS, ...ETHTOOL_KEYS,
];

/** Settings this writer can store. */
export const WRITABLE_SETTINGS: readonly string[] = Object.values(Setting);

export interface WriteInput extends ConnectionWriteContext {
  settings: ConnectionSettings;
  /** Where ifcfg-NAME goes (the companion files sit beside it). */
  ifcfgPath: string;
  /** The profile's current files, when it is being replaced. */
  existing?: { ifcfg?: ShvarFile; route?: RouteFileInput; route6?: RouteFileInput; keys?: ShvarFile };
}

export interface WriteOutput {
  ifcfg: Buffer;
  route: Buffer | undefined;
  route6: Buffer | undefined;
  keys: Buffer | undefined;
}

/** Throws TypeError for a profile an ifcfg file cannot hold. */
export function writeIfcfg(input: WriteInput): WriteOutput {
  const { settings } = input;
  const connection = settings[Setting.connection] ?? {};
  const kind = kindByNmType(connection.type as string | undefined);
  if (!kind) throw new TypeError(`connection.type '${String(connection.type)}' cannot be written to an ifcfg file`);
  const out = new FileWriter(input.existing?.ifcfg ?? ShvarFile.empty(input.ifcfgPath));

  out.set('TYPE', kind.ifcfgType);
  switch (kind.kind) {
    case 'ethernet':
      writeWired(settings, out);
      break;
    case 'bond':
      writeBond(settings[Setting.bond], out);
      writeWired(settings, out);
      break;
    case 'bridge':
      writeBridge(settings[Setting.bridge], out);
      writeWired(settings, out);
      break;
    case 'vlan':
      writeVlan(settings[Setting.vlan], out);
      writeWired(settings, out);
      break;
    case 'infiniband':
      writeInfiniband(settings[Setting.infiniband], out);
      break;
  }
  if (connection[PORT_TYPE_PROPERTY] === 'bridge' && kind.kind !== 'bridge') writeBridgePort(settings[Setting.bridgePort], out);
  if (connection[PORT_TYPE_PROPERTY] === 'bond') writeRows(settings[Setting.bondPort], BOND_PORT_ROWS, out);
  const secrets = kind.kind === 'infiniband' ? {} : writeDot1x(settings[Setting.dot1x], out);
  // After the port and 802.1X variables and before IPv4, where NetworkManager's writer puts them.
  writeEthtool(settings, out);

  const isPort = typeof connection[CONTROLLER_PROPERTY] === 'string';
  const routes4 = isPort ? [] : writeIPv4(settings[Setting.ipv4], out);
  const routes6 = isPort ? [] : writeIPv6(settings[Setting.ipv6], out);
  if (!isPort) writeDnsServers(dnsOf(settings[Setting.ipv4]), dnsOf(settings[Setting.ipv6]), out);
  // Last, as NetworkManager's writer does: a new file reads type, addresses, then NAME, UUID, DEVICE.
  writeConnection(connection, out, input);
  const ifcfg = out.finish(MANAGED_KEYS).toBytes();

  const existing = input.existing ?? {};
  return {
    ifcfg,
    route: writeRouteFile(routes4, 4, companion(input.ifcfgPath, 'route-'), existing.route),
    route6: writeRouteFile(routes6, 6, companion(input.ifcfgPath, 'route6-'), existing.route6),
    keys: writeKeys(secrets, companion(input.ifcfgPath, 'keys-'), existing.keys),
  };
}

/** The DNS servers of a setting that is written (none for disabled IPv4/IPv6). */
function dnsOf(values: SettingValues | undefined): string[] {
  if (!values || values.method === 'disabled' || values.method === 'ignore') return [];
  return list(values.dns);
}

function companion(ifcfgPath: string, tag: string): string {
  return ifcfgPath.replace(/ifcfg-([^/]*)$/, `${tag}$1`);
}

/** keys-NAME with the secrets; kept for variables nmk does not know, removed when nothing is left. */
function writeKeys(secrets: Record<string, string>, file: string, existing: ShvarFile | undefined): Buffer | undefined {
  const out = new FileWriter(existing ?? ShvarFile.empty(file));
  for (const [k, v] of Object.entries(secrets)) out.set(k, v);
  const result = out.finish([PASSWORD_KEY, ...DOT1X_KEYS]);
  return result.keys().length > 0 ? result.toBytes() : undefined;
}
