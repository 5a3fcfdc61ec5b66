/**
 * What the fake knows about each link kind, as data: the kernel's defaults
 * it reports in Link.info, the options it checks (the rest are kept as
 * given), where carrier comes from, and the sysfs files it shows. Only what
 * tests need to see kernel-like behaviour; the Linux platform's option
 * tables are the full story.
 */
import { Errno, type LinkInfoData } from '../../sdk/index.js';
import { checkInt, fail } from './fake-values.js';

export interface FakeOption {
  name: string;
  type: 'bool' | 'number' | 'enum';
  min?: number;
  max?: number;
  values?: readonly string[];
  /** sysfs file under the link's directory showing this option, and its unit factor. */
  sysfs?: string;
  scale?: number;
  required?: boolean;
}

export interface FakeKind {
  /** Info a new link of this kind reports before any option is given. */
  defaults: LinkInfoData;
  options: readonly FakeOption[];
  /** Needs LinkSpec.parent (vlan, macvlan). */
  needsParent?: boolean;
  /** Can be a master (IFLA_MASTER target); its ports report this kind as portKind. */
  controller?: boolean;
  /** Where carrier comes from once the link is up. */
  carrier: 'always' | 'peer' | 'parent' | 'ports' | 'external';
  /** operstate when up and with carrier: most say "up"; software links without a lower say "unknown". */
  upState: 'up' | 'unknown';
  /** operstate when up without carrier. */
  noCarrierState: 'down' | 'lowerlayerdown';
  defaultMtu?: number;
  /** Options of a port of a link of this kind (LinkChange.portOptions), with their brport/ sysfs files. */
  portOptions?: readonly FakeOption[];
  /** What a port reports once attached, before any port option is set. */
  portDefaults?: LinkInfoData;
}

const BRIDGE_OPTIONS: readonly FakeOption[] = [
  { name: 'stp', type: 'bool', sysfs: 'bridge/stp_state' },
  { name: 'priority', type: 'number', min: 0, max: 65535, sysfs: 'bridge/priority' },
  { name: 'forward_delay', type: 'number', min: 2, max: 30, sysfs: 'bridge/forward_delay', scale: 100 },
  { name: 'hello_time', type: 'number', min: 1, max: 10, sysfs: 'bridge/hello_time', scale: 100 },
  { name: 'max_age', type: 'number', min: 6, max: 40, sysfs: 'bridge/max_age', scale: 100 },
  { name: 'ageing_time', type: 'number', min: 0, max: 1000000, sysfs: 'bridge/ageing_time', scale: 100 },
  { name: 'vlan_filtering', type: 'bool', sysfs: 'bridge/vlan_filtering' },
  { name: 'multicast_snooping', type: 'bool', sysfs: 'bridge/multicast_snooping' },
];

const BOND_MODES = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'] as const;

const MACVLAN: FakeKind = {
  defaults: { mode: 'vepa' },
  options: [{ name: 'mode', type: 'enum', values: ['private', 'vepa', 'bridge', 'passthru', 'source'] }],
  needsParent: true,
  carrier: 'parent',
  upState: 'up',
  noCarrierState: 'lowerlayerdown',
};

// The kernel's ranges (BR_MAX_PORT_PRIORITY, BR_MIN/MAX_PATH_COST); a veth port's real default cost follows its speed.
const BRIDGE_PORT_OPTIONS: readonly FakeOption[] = [
  { name: 'priority', type: 'number', min: 0, max: 63, sysfs: 'brport/priority' },
  { name: 'path_cost', type: 'number', min: 1, max: 65535, sysfs: 'brport/path_cost' },
  { name: 'hairpin_mode', type: 'bool', sysfs: 'brport/hairpin_mode' },
];

export const FAKE_KINDS: ReadonlyMap<string, FakeKind> = new Map<string, FakeKind>([
  ['bridge', {
    defaults: { stp: false, priority: 32768, forward_delay: 15, hello_time: 2, max_age: 20, ageing_time: 300, vlan_filtering: false, multicast_snooping: true },
    options: BRIDGE_OPTIONS,
    controller: true,
    portOptions: BRIDGE_PORT_OPTIONS,
    portDefaults: { priority: 32, path_cost: 100, hairpin_mode: false },
    carrier: 'ports',
    upState: 'up',
    noCarrierState: 'down',
  }],
  ['bond', {
    defaults: { mode: 'balance-rr', miimon: 0 },
    options: [
      { name: 'mode', type: 'enum', values: BOND_MODES, sysfs: 'bonding/mode' },
      { name: 'miimon', type: 'number', min: 0, max: 0x7fffffff, sysfs: 'bonding/miimon' },
    ],
    controller: true,
    carrier: 'ports',
    upState: 'up',
    noCarrierState: 'down',
  }],
  ['veth', { defaults: {}, options: [], carrier: 'peer', upState: 'up', noCarrierState: 'lowerlayerdown' }],
  ['macvlan', MACVLAN],
  // A macvtap is a macvlan with a tap device: the same options and carrier rule.
  ['macvtap', MACVLAN],
  ['vlan', {
    defaults: { protocol: '802.1Q' },
    options: [
      { name: 'id', type: 'number', min: 0, max: 4094, required: true },
      { name: 'protocol', type: 'enum', values: ['802.1Q', '802.1ad'] },
    ],
    needsParent: true,
    carrier: 'parent',
    upState: 'up',
    noCarrierState: 'lowerlayerdown',
  }],
  ['vxlan', {
    defaults: { learning: true, ageing: 300, destination_port: 8472 },
    options: [
      { name: 'id', type: 'number', min: 0, max: 0xffffff, required: true },
      { name: 'destination_port', type: 'number', min: 0, max: 65535 },
    ],
    carrier: 'always',
    upState: 'unknown',
    noCarrierState: 'down',
    defaultMtu: 1450,
  }],
  ['dummy', { defaults: {}, options: [], carrier: 'always', upState: 'unknown', noCarrierState: 'down' }],
  ['ifb', { defaults: {}, options: [], carrier: 'always', upState: 'unknown', noCarrierState: 'down' }],
  // Physical NICs appear only through injectExternal: carrier is whatever the test says.
  ['', { defaults: {}, options: [], carrier: 'external', upState: 'up', noCarrierState: 'down' }],
]);

/** The loopback link: no options, always has carrier when up, reports "unknown". */
export const LOOPBACK_KIND: FakeKind = { defaults: {}, options: [], carrier: 'always', upState: 'unknown', noCarrierState: 'down' };

export function normalizeOption(opt: FakeOption, value: unknown, op: string): string | number | boolean {
  switch (opt.type) {
    case 'bool': {
      const s = String(value).toLowerCase();
      if (value === true || ['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (value === false || ['0', 'false', 'no', 'off'].includes(s)) return false;
      throw fail(Errno.EINVAL, op, `${opt.name}: '${String(value)}' is not a boolean`);
    }
    case 'number': {
      const n = typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
      return checkInt(n, opt.min ?? 0, opt.max ?? 0xffffffff, op, opt.name);
    }
    case 'enum': {
      const values = opt.values!;
      if (typeof value === 'string' && values.includes(value)) return value;
      const i = Number(value);
      if (Number.isInteger(i) && i >= 0 && i < values.length && typeof value !== 'boolean') return values[i]!;
      throw fail(Errno.EINVAL, op, `${opt.name}: '${String(value)}' is not one of ${values.join(', ')}`);
    }
  }
}

/** The given options alone, checked where the fake knows the option: what a change of a live link sets. */
export function normalizeGiven(def: FakeKind, given: LinkInfoData, op: string): LinkInfoData {
  const info: LinkInfoData = {};
  for (const [rawName, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const name = rawName.replaceAll('-', '_');
    const opt = def.options.find((o) => o.name === name);
    info[name] = opt ? normalizeOption(opt, value, op) : value;
  }
  return info;
}

/** A new link's options: the kind's defaults overlaid with the given ones. */
export function normalizeInfo(def: FakeKind, given: LinkInfoData, op: string, checkRequired: boolean): LinkInfoData {
  const info: LinkInfoData = { ...def.defaults, ...normalizeGiven(def, given, op) };
  if (checkRequired) {
    for (const opt of def.options) if (opt.required && info[opt.name] === undefined) throw fail(Errno.EINVAL, op, `${opt.name} is required`);
  }
  return info;
}

/** Port options checked against the controller kind's table; an option it does not have is EINVAL, as in the Linux platform. */
export function normalizePortInfo(def: FakeKind, given: LinkInfoData, op: string): LinkInfoData {
  const info: LinkInfoData = {};
  for (const [rawName, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const name = rawName.replaceAll('-', '_');
    const opt = def.portOptions?.find((o) => o.name === name);
    if (!opt) throw fail(Errno.EINVAL, op, `a port takes no option '${rawName}'`);
    info[name] = normalizeOption(opt, value, op);
  }
  return info;
}

export function sysfsText(opt: FakeOption, value: unknown): string {
  if (opt.type === 'bool') return value ? '1' : '0';
  if (opt.type === 'number') return String(Number(value ?? 0) * (opt.scale ?? 1));
  // bonding/mode reads "802.3ad 4": the name and its number.
  const i = opt.values!.indexOf(String(value));
  return `${String(value)} ${i}`;
}
