/**
 * One profile from its files: ifcfg-NAME and, when present, route-NAME,
 * route6-NAME and keys-NAME, mapped onto NetworkManager's settings as its
 * ifcfg-rh reader does (nms-ifcfg-rh-reader.c). Pure: the caller reads the
 * files. Throws only NmkError, naming the file, the line and the key.
 *
 * Where NetworkManager only warns and goes on (a boolean it cannot read, a
 * bridge or bond option it does not know or whose value it refuses, an
 * option the bond mode does not use), nmk does the same: a warning naming
 * the file, the line and the key, and the profile loads. A value that leaves
 * no usable profile (an address, a VLAN id out of range, rules NetworkManager
 * verifies) stays an error for that file alone. A variable nmk does not read
 * at all is a warning too, and stays in the file when nmk rewrites it.
 */
import type { ConnectionSettings, NmkError } from '../../sdk/index.js';
import { BOND_PORT_ROWS, readBond } from './bond-setting.js';
import { readBridge, readBridgePort } from './bridge-setting.js';
import { readConnection, type ControllerRef } from './connection-setting.js';
import { readDot1x } from './dot1x-setting.js';
import { readEthtool } from './ethtool-setting.js';
import { readInfiniband } from './infiniband-setting.js';
import { readDnsServers, readSearchDomains } from './ip-common.js';
import { readIPv4 } from './ip4-setting.js';
import { readIPv6 } from './ip6-setting.js';
import { readRows } from './key-table.js';
import { Setting } from './nm-names.js';
import { detectKind, type KindOptions } from './profile-kind.js';
import type { RouteFileInput } from './route-files.js';
import { ETH_ALEN } from './scalars.js';
import type { ShvarFile } from './shvar-file.js';
import { warnUnknownKeys } from './unknown-keys.js';
import { Vars } from './vars.js';
import { readVlan } from './vlan-setting.js';
import { readWired } from './wired-setting.js';

export interface ReadInput extends KindOptions {
  /** ifcfg-NAME, parsed (its fileName is used in messages). */
  ifcfg: ShvarFile;
  /** The path NetworkManager would see (/etc/sysconfig/network-scripts/ifcfg-NAME): the UUID of a file without UUID derives from it. */
  logicalPath: string;
  /** NAME, from the file name (the default id is "System NAME"). */
  name: string;
  route?: RouteFileInput;
  route6?: RouteFileInput;
  keys?: ShvarFile;
  /** Where warnings go (file, line and key in each); the profile loads regardless. */
  warnings?: NmkError[];
}

export type ReadResult =
  | { kind: 'profile'; settings: ConnectionSettings; controller?: ControllerRef }
  /** NM_CONTROLLED=no: the device is left alone; `spec` says which one. */
  | { kind: 'unmanaged'; spec: string }
  /** A file NetworkManager skips on purpose (loopback, iBFT, a device initscripts own...). */
  | { kind: 'ignored'; reason: string };

export function readIfcfg(input: ReadInput): ReadResult {
  const vars = new Vars(input.ifcfg, input.warnings);
  if (vars.bool('NM_CONTROLLED') === false) return unmanaged(vars);
  if (vars.str('BOOTPROTO')?.toLowerCase() === 'ibft') return { kind: 'ignored', reason: 'iBFT is configured by the initrd' };
  const detected = detectKind(vars, input);
  if ('ignore' in detected) return { kind: 'ignored', reason: detected.ignore };
  const kind = detected.row;

  const connection = readConnection(vars, kind, input.logicalPath, input.name);
  const settings: ConnectionSettings = { [Setting.connection]: connection.values };
  switch (kind.kind) {
    case 'ethernet':
      readWired(vars, settings, true);
      break;
    case 'bond':
      settings[Setting.bond] = readBond(vars);
      readWired(vars, settings, false);
      break;
    case 'bridge':
      settings[Setting.bridge] = readBridge(vars);
      readWired(vars, settings, false);
      break;
    case 'vlan':
      settings[Setting.vlan] = readVlan(vars);
      readWired(vars, settings, false);
      break;
    case 'infiniband':
      settings[Setting.infiniband] = readInfiniband(vars);
      break;
  }
  // For every type, as NetworkManager's reader does: either variable adds an "802-3-ethernet" setting.
  readEthtool(vars, settings);
  if (kind.kind !== 'infiniband') {
    const dot1x = readDot1x(vars, input.keys ? new Vars(input.keys, vars.warnings) : undefined);
    if (dot1x) settings[Setting.dot1x] = dot1x;
  }
  if (connection.controller?.portType === 'bridge') settings[Setting.bridgePort] = readBridgePort(vars);
  if (connection.controller?.portType === 'bond') readRows(vars, BOND_PORT_ROWS, settings);
  // A port has no IP configuration of its own (NetworkManager's normalisation drops it).
  if (!connection.controller) readIP(vars, input, settings);
  warnUnknownKeys(vars);
  return connection.controller ? { kind: 'profile', settings, controller: connection.controller } : { kind: 'profile', settings };
}

function readIP(vars: Vars, input: ReadInput, settings: ConnectionSettings): void {
  const dns = readDnsServers(vars);
  const ipv4 = readIPv4(vars, dns[4], input.route);
  const ipv6 = readIPv6(vars, dns[6], input.route6);
  // DOMAIN goes to IPv6 when IPv4 took none (disabled, or shared), as NetworkManager does.
  const search = ipv4['dns-search'] === undefined ? readSearchDomains(vars, 'DOMAIN') : undefined;
  if (search) {
    const current = (ipv6['dns-search'] as string[] | undefined) ?? [];
    ipv6['dns-search'] = [...current, ...search.filter((d) => !current.includes(d))];
  }
  settings[Setting.ipv4] = ipv4;
  settings[Setting.ipv6] = ipv6;
}

/**
 * NM_CONTROLLED=no: the device to leave alone, by HWADDR, SUBCHANNELS or
 * DEVICE (in that order, as NetworkManager picks). A file that names none
 * is ignored (NetworkManager then manages the device after all).
 */
function unmanaged(vars: Vars): ReadResult {
  const mac = vars.mac('HWADDR', ETH_ALEN);
  if (mac !== undefined) return { kind: 'unmanaged', spec: `mac:${mac.toLowerCase()}` };
  const subchannels = vars.str('SUBCHANNELS');
  if (subchannels !== undefined) return { kind: 'unmanaged', spec: `s390-subchannels:${subchannels}` };
  const device = vars.str('DEVICE');
  if (device !== undefined) return { kind: 'unmanaged', spec: `interface-name:${device}` };
  return { kind: 'ignored', reason: 'NM_CONTROLLED=no, but neither HWADDR nor DEVICE says which device' };
}
