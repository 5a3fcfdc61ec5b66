/**
 * The kind of profile an ifcfg file holds (TYPE and friends), decided as
 * NetworkManager's connection_from_file_full does.
 */
import type { Vars } from './vars.js';

export type ProfileKind = 'ethernet' | 'bond' | 'bridge' | 'vlan' | 'infiniband';

export interface KindRow {
  kind: ProfileKind;
  /** TYPE= as NetworkManager writes it (read ignoring case). */
  ifcfgType: string;
  /** connection.type */
  nmType: string;
  /** The id's first word when NAME is missing ("Bond bond0"). */
  idPrefix: string;
}

export const KINDS: readonly KindRow[] = [
  { kind: 'ethernet', ifcfgType: 'Ethernet', nmType: '802-3-ethernet', idPrefix: 'System' },
  { kind: 'bond', ifcfgType: 'Bond', nmType: 'bond', idPrefix: 'Bond' },
  { kind: 'bridge', ifcfgType: 'Bridge', nmType: 'bridge', idPrefix: 'Bridge' },
  { kind: 'vlan', ifcfgType: 'Vlan', nmType: 'vlan', idPrefix: 'Vlan' },
  { kind: 'infiniband', ifcfgType: 'InfiniBand', nmType: 'infiniband', idPrefix: 'System' },
];

/** TYPE values NetworkManager reads that this reader does not (yet). */
const UNSUPPORTED_TYPES = ['wireless', 'team', 'teamport'];

export function kindByNmType(nmType: string | undefined): KindRow | undefined {
  return KINDS.find((k) => k.nmType === nmType);
}

function kindByIfcfgType(type: string): KindRow | undefined {
  const lower = type.toLowerCase();
  if (lower === 'ctc') return KINDS[0]; // IBM s390 CTC devices are Ethernet
  return KINDS.find((k) => k.ifcfgType.toLowerCase() === lower);
}

export type KindResult = { row: KindRow } | { ignore: string };

export interface KindOptions {
  /** Whether network-scripts has an executable ifup-PREFIX (initscripts then own the device). */
  hasIfupScript?(prefix: string): boolean;
}

export function detectKind(vars: Vars, options: KindOptions): KindResult {
  for (const key of ['DEVICETYPE', 'TEAM_CONFIG', 'TEAM_MASTER', 'TEAM_MASTER_UUID']) {
    if (vars.has(key)) throw vars.error(key, 'team devices are not supported by nmk');
  }
  const type = vars.str('TYPE');
  let found: KindResult;
  if (type !== undefined) {
    const row = kindByIfcfgType(type);
    if (!row) {
      const why = UNSUPPORTED_TYPES.includes(type.toLowerCase()) ? 'is not supported by nmk' : 'is not a known TYPE';
      throw vars.error('TYPE', `'${type}' ${why}`);
    }
    found = { row };
  } else {
    found = kindFromDevice(vars, options);
  }
  if ('ignore' in found) return found;
  // initscripts treat an Ethernet file with BONDING_OPTS as a bond.
  if (found.row.kind === 'ethernet' && vars.has('BONDING_OPTS')) found = { row: KINDS[1]! };
  if (vars.bool('BONDING_MASTER') && found.row.kind !== 'bond') {
    throw vars.error('BONDING_MASTER', 'BONDING_MASTER=yes is only allowed in TYPE=Bond files');
  }
  return found;
}

/** No TYPE: guess from the other variables and the device name, as initscripts do. */
function kindFromDevice(vars: Vars, options: KindOptions): KindResult {
  if (vars.has('IPV6TUNNELIPV4')) return { ignore: 'IPv6-in-IPv4 tunnels (IPV6TUNNELIPV4) are not handled' };
  const device = vars.str('DEVICE');
  if (device === undefined) throw vars.fileError('the file has neither TYPE nor DEVICE');
  if (device === 'lo') return { ignore: 'the loopback device is not configured from ifcfg files' };
  if (vars.bool('BONDING_MASTER')) return { row: KINDS[1]! };
  if (vars.bool('VLAN')) return { row: KINDS[3]! };
  const prefix = device.replace(/[0-9]+$/, '');
  if (prefix === 'eth') return { row: KINDS[0]! };
  if (prefix === 'wireless') throw vars.error('DEVICE', 'wireless devices are not supported by nmk');
  if (prefix && options.hasIfupScript?.(prefix)) return { ignore: `network-scripts/ifup-${prefix} handles this device` };
  return { row: KINDS[0]! };
}
