/**
 * "vlan": VLAN=yes with PHYSDEV and VLAN_ID, or the id and parent taken from
 * DEVICE ("eth0.10": parent eth0, id 10; "vlan10": id 10, PHYSDEV needed).
 * VLAN_ID wins over the number in DEVICE, PHYSDEV over the name before the dot.
 */
import type { SettingValues } from '../../sdk/index.js';
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { isInterfaceName, parseInteger, splitList } from './scalars.js';
import type { Vars } from './vars.js';

/** vlan.flags bits (NMVlanFlags). */
export const VlanFlag = { REORDER_HEADERS: 1, GVRP: 2, LOOSE_BINDING: 4, MVRP: 8 } as const;
const DEFAULT_FLAGS = VlanFlag.REORDER_HEADERS;

/** The words of VLAN_FLAGS. */
const FLAG_WORDS: Record<string, number> = { GVRP: VlanFlag.GVRP, LOOSE_BINDING: VlanFlag.LOOSE_BINDING };

const PRIORITY_MAPS: [string, string][] = [
  ['VLAN_INGRESS_PRIORITY_MAP', 'ingress-priority-map'],
  ['VLAN_EGRESS_PRIORITY_MAP', 'egress-priority-map'],
];

export const VLAN_KEYS: readonly KeyMatcher[] = [
  'VLAN', 'PHYSDEV', 'VLAN_ID', 'VLAN_PROTOCOL', 'VLAN_FLAGS', 'REORDER_HDR', 'GVRP', 'MVRP',
  ...PRIORITY_MAPS.map(([k]) => k),
];

const VLAN_ID_MAX = 4095;

export function readVlan(vars: Vars): SettingValues {
  let id = vars.int('VLAN_ID', 0, VLAN_ID_MAX);
  let parent = vars.str('PHYSDEV');
  const device = vars.str('DEVICE');
  if (device === undefined && id === undefined) throw vars.fileError('a VLAN needs VLAN_ID or a DEVICE that holds the id');
  if (device !== undefined) {
    const dot = device.indexOf('.');
    let idText: string | undefined;
    if (dot >= 0) {
      // "vlan43.5" gives no usable parent: initscripts refuse it too.
      if (parent === undefined && !device.startsWith('vlan')) parent = device.slice(0, dot);
      idText = device.slice(dot + 1);
    } else if (device.startsWith('vlan')) {
      idText = device.slice(4);
    }
    if (id === undefined && idText !== undefined) {
      id = parseInteger(idText, 0, VLAN_ID_MAX);
      if (id === undefined) throw vars.error('DEVICE', `'${device}' does not end in a VLAN id from 0 to ${VLAN_ID_MAX}`);
    }
  }
  if (id === undefined) throw vars.fileError('the VLAN id is not given (VLAN_ID, or DEVICE like eth0.10 or vlan10)');
  if (parent === undefined) throw vars.fileError('the VLAN parent is not given (PHYSDEV, or DEVICE like eth0.10)');
  if (!isInterfaceName(parent)) throw vars.error(vars.has('PHYSDEV') ? 'PHYSDEV' : 'DEVICE', `'${parent}' is not a valid interface name`);

  const values: SettingValues = { id, parent };
  const protocol = vars.parsed('VLAN_PROTOCOL', (v) => (v === '802.1Q' || v === '802.1ad' ? v : undefined), 'is not 802.1Q or 802.1ad');
  if (protocol !== undefined && protocol !== '802.1Q') values.protocol = protocol;
  const flags = readFlags(vars);
  if (flags !== DEFAULT_FLAGS) values.flags = flags;
  for (const [key, property] of PRIORITY_MAPS) {
    // As NetworkManager: an item that is not FROM:TO is a warning and left out.
    const items: string[] = [];
    for (const item of splitList(vars.str(key) ?? '', ',')) {
      if (!item.includes(':')) continue;
      if (isPriorityItem(item)) items.push(item);
      else vars.warn(key, `'${item}' is not FROM:TO; ignored`);
    }
    if (items.length) values[property] = items;
  }
  return values;
}

function readFlags(vars: Vars): number {
  let flags: number = VlanFlag.REORDER_HEADERS;
  const gvrp = vars.bool('GVRP');
  if (gvrp) flags |= VlanFlag.GVRP;
  for (const word of splitList(vars.str('VLAN_FLAGS') ?? '', ', ')) {
    // An explicit GVRP= wins over the word; unknown words are ignored, as by NetworkManager.
    if (word === 'GVRP' && gvrp !== undefined) continue;
    if (word === 'NO_REORDER_HDR') flags &= ~VlanFlag.REORDER_HEADERS;
    else flags |= FLAG_WORDS[word] ?? 0;
  }
  vars.bool('REORDER_HDR'); // deprecated (VLAN_FLAGS says it), but must still be a boolean
  if (vars.bool('MVRP')) flags |= VlanFlag.MVRP;
  return flags;
}

export function writeVlan(values: SettingValues | undefined, out: FileWriter): void {
  const v = values ?? {};
  const flags = typeof v.flags === 'number' ? v.flags : DEFAULT_FLAGS;
  out.set('VLAN', 'yes');
  out.set('PHYSDEV', typeof v.parent === 'string' ? v.parent : undefined);
  out.set('VLAN_ID', String(v.id ?? 0));
  out.set('VLAN_PROTOCOL', typeof v.protocol === 'string' && v.protocol !== '802.1Q' ? v.protocol : undefined);
  out.set('REORDER_HDR', flags & VlanFlag.REORDER_HEADERS ? 'yes' : 'no');
  out.set('GVRP', flags & VlanFlag.GVRP ? 'yes' : 'no');
  const words = [...(flags & VlanFlag.LOOSE_BINDING ? ['LOOSE_BINDING'] : []), ...(flags & VlanFlag.REORDER_HEADERS ? [] : ['NO_REORDER_HDR'])];
  out.set('VLAN_FLAGS', words.join(','));
  out.set('MVRP', flags & VlanFlag.MVRP ? 'yes' : 'no');
  for (const [key, property] of PRIORITY_MAPS) {
    const items = Array.isArray(v[property]) ? (v[property] as string[]) : [];
    out.set(key, items.join(','));
  }
}

function isPriorityItem(item: string): boolean {
  const [from, to] = item.split(':');
  return /^[0-9]+:[0-9]+$/.test(item) && Number(from) <= 0xffffffff && Number(to) <= 0xffffffff;
}
