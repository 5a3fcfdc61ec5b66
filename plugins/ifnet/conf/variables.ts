/**
 * conf.d/net variables by interface. netifrc names per-interface variables
 * KEY_IFVAR, where IFVAR is the interface name with every character but
 * [a-zA-Z0-9_] turned into '_' (shell_var: eth0.10 → eth0_10). This module
 * splits variable names into the keys nmk reads and their IFVAR, longest
 * key first (bridge_add_eth0 is bridge_add of eth0, not bridge of add_eth0).
 */
import type { Variable } from '../bash/evaluate.js';
import { SYSFS_BOND_OPTIONS } from './bond-options.js';
import { BRIDGE_PORT_ROWS, BRIDGE_ROWS } from './bridge-options.js';

/** Keys whose presence makes nmk configure the interface. */
export const INTERFACE_KEYS = ['config', 'routes', 'dns_servers', 'dns_search', 'slaves', 'bridge', 'bridge_add', 'vlans', 'managed'] as const;

/**
 * Keys that only qualify an interface configured otherwise: on their own
 * they may as well be netifrc's per-VLAN forms (mtu_vlan10, mac_eth0_vlan10),
 * which nmk does not read.
 */
const QUALIFYING_KEYS = ['mtu', 'mac', 'vlan_start', 'auto', 'uuid', ...SYSFS_BOND_OPTIONS.map((o) => o.sysfs!), ...BRIDGE_ROWS.map((r) => r.sysfs), ...BRIDGE_PORT_ROWS.map((r) => r.sysfs)];

const KEYS = [...new Set<string>([...INTERFACE_KEYS, ...QUALIFYING_KEYS])].sort((a, b) => b.length - a.length);

/** ${IFVAR}_vlan${ID}_name or vlan${ID}_name: a VLAN's interface name. */
const VLAN_NAME = /^(?:([A-Za-z0-9_]+)_)?vlan([0-9]+)_name$/;

export function shellVar(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

export interface NamedVariable {
  /** The full variable name (config_eth0), for messages. */
  name: string;
  v: Variable;
}

export interface VariableIndex {
  /** key → IFVAR → variable. */
  byKey: Map<string, Map<string, NamedVariable>>;
  /** VLAN names: "IFVAR:ID" (or ":ID" for vlanID_name) → variable. */
  vlanNames: Map<string, NamedVariable>;
}

export function indexVariables(vars: Map<string, Variable>): VariableIndex {
  const index: VariableIndex = { byKey: new Map(), vlanNames: new Map() };
  for (const [name, v] of vars) {
    const vlan = VLAN_NAME.exec(name);
    if (vlan) {
      index.vlanNames.set(`${vlan[1] ?? ''}:${Number(vlan[2])}`, { name, v });
      continue;
    }
    const key = KEYS.find((k) => name.startsWith(`${k}_`) && name.length > k.length + 1);
    if (!key) continue;
    const ifvar = name.slice(key.length + 1);
    let m = index.byKey.get(key);
    if (!m) index.byKey.set(key, (m = new Map()));
    m.set(ifvar, { name, v });
  }
  return index;
}

export function lookup(index: VariableIndex, key: string, ifvar: string): NamedVariable | undefined {
  return index.byKey.get(key)?.get(ifvar);
}
