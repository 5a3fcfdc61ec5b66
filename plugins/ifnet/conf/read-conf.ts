/**
 * conf.d/net's variables read into profile drafts, one per interface.
 *
 * Which interfaces: those with config_, routes_, dns_servers_, dns_search_,
 * slaves_, bridge_, bridge_add_, vlans_ or managed_ variables, the ports
 * that slaves_ and bridge_ name, and the VLANs vlans_ creates (named
 * PARENT.ID unless ${IFVAR}_vlan${ID}_name or vlan${ID}_name says
 * otherwise). What each is (facts from netifrc's bonding.sh, bridge.sh and
 * vlan.sh):
 * - slaves_X makes X a bond of those ports; ${OPTION}_X are its options;
 * - bridge_X (even empty) makes X a bridge; bridge_add_P=X adds P to it;
 *   ${SYSFS}_X are bridge options, ${SYSFS}_P port options;
 * - vlans_P="10 20" creates P.10 and P.20, started with P unless
 *   vlan_start_P is no; each is configured by its own IFVAR (eth0_10).
 * As in NetworkManager's ifnet plugin, auto_X="false" turns autoconnect off,
 * managed_X="false" makes X unmanaged, uuid_X keeps a UUID.
 *
 * An interface with a problem yields one error (file, line, variable) and no
 * profile; ports and VLANs of an interface that failed are left out. What
 * NetworkManager would only warn about (a bond or bridge option value it
 * refuses, an option the bond mode does not use, a yes/no that is neither,
 * a variable of the interface that nmk does not read) is a warning naming
 * file, line and variable, and the interface loads without it.
 */
import { NmkError, parseIfnameValue, parseUintValue } from '../../../sdk/index.js';
import { scalarOf, type Variable } from '../bash/evaluate.js';
import type { Draft } from './draft.js';
import { buildDraft, type Iface } from './interface-draft.js';
import { arrayItems, wordsOf } from './items.js';
import { at, type Note, Problem, yesNo } from './problem.js';
import { indexVariables, INTERFACE_KEYS, lookup, type NamedVariable, shellVar, type VariableIndex } from './variables.js';

export const PLUGIN = 'ifnet';
const VLAN_ID_MAX = 4094;

export interface ConfOutput {
  drafts: Draft[];
  errors: NmkError[];
  /** What was ignored, each naming file, line and variable. */
  warnings: NmkError[];
  /** Interfaces with managed_X="false". */
  unmanaged: string[];
}

export function readConf(vars: Map<string, Variable>, file: string): ConfOutput {
  const index = indexVariables(vars);
  const out: ConfOutput = { drafts: [], errors: [], warnings: [], unmanaged: [] };
  const notes: Note[] = [];
  const failed = new Set<string>();
  const ifaces = new Map<string, Iface>();
  const fail = (name: string, e: Problem) => {
    out.errors.push(new NmkError('CONFIG_VALUE', e.message, { plugin: PLUGIN, file, line: e.line, key: e.key }));
    failed.add(name);
  };
  const guarded = (name: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      if (err instanceof Problem) fail(name, err);
      else throw err;
    }
  };
  const ensure = (name: string): Iface => {
    let i = ifaces.get(name);
    if (!i) ifaces.set(name, (i = { name, ifvar: shellVar(name), kind: 'ethernet', ports: [] }));
    return i;
  };

  // Real names first (ports, VLANs), so their IFVAR maps back to them.
  const named = new Map<string, string>();
  for (const key of INTERFACE_KEYS) for (const ifvar of index.byKey.get(key)?.keys() ?? []) named.set(ifvar, named.get(ifvar) ?? ifvar);

  for (const [ifvar, nv] of index.byKey.get('vlans') ?? []) {
    const parent = named.get(ifvar)!;
    guarded(parent, () => {
      for (const word of wordsOf(scalarOf(nv.v))) {
        const id = at(nv, () => parseUintValue(word, 0, Number.MAX_SAFE_INTEGER, 'VLAN id'));
        // netifrc hands the word to "ip link ... id", which reads a leading 0 as octal.
        if (/^0[0-9]/.test(word)) throw new Problem(nv.v.line, nv.name, `VLAN id '${word}' has a leading zero, which ip reads as octal; write it without`);
        if (id > VLAN_ID_MAX) throw new Problem(nv.v.line, nv.name, `VLAN id ${id} is out of range (0 to ${VLAN_ID_MAX})`);
        const custom = index.vlanNames.get(`${ifvar}:${id}`) ?? index.vlanNames.get(`:${id}`);
        const name = custom ? at(custom, () => parseIfnameValue(scalarOf(custom.v))) : `${parent}.${word}`;
        at(nv, () => parseIfnameValue(name));
        const v = ensure(name);
        v.kind = 'vlan';
        v.vlan = { id, parent, from: nv };
        named.set(v.ifvar, name);
      }
    });
  }
  const claim = (port: string, controller: string, kind: 'bond' | 'bridge', from: NamedVariable) => {
    const p = ensure(port);
    if (p.controller && p.controller.name !== controller) throw new Problem(from.v.line, from.name, `${port} is already a port of ${p.controller.name}`);
    p.controller = { name: controller, kind, from };
    named.set(p.ifvar, port);
  };
  for (const [key, kind] of [['slaves', 'bond'], ['bridge', 'bridge']] as const) {
    for (const [ifvar, nv] of index.byKey.get(key) ?? []) {
      const name = named.get(ifvar)!;
      guarded(name, () => {
        const c = ensure(name);
        if (c.kind !== 'ethernet' && c.kind !== kind) throw new Problem(nv.v.line, nv.name, `${name} is configured as both a ${c.kind} and a ${kind}`);
        c.kind = kind;
        c.portsFrom = nv;
        for (const item of arrayItems(nv.v)) {
          for (const word of wordsOf(item.text)) {
            const port = at(nv, () => parseIfnameValue(word), item.line);
            if (port === name) throw new Problem(item.line, nv.name, `${name} cannot be a port of itself`);
            c.ports.push(port);
            claim(port, name, kind, nv);
          }
        }
      });
    }
  }
  for (const [ifvar, nv] of index.byKey.get('bridge_add') ?? []) {
    const port = named.get(ifvar)!;
    guarded(port, () => {
      const bridge = at(nv, () => parseIfnameValue(scalarOf(nv.v).trim()));
      if (!lookup(index, 'bridge', shellVar(bridge))) throw new Problem(nv.v.line, nv.name, `bridge ${bridge} is not configured (no bridge_${shellVar(bridge)})`);
      claim(port, bridge, 'bridge', nv);
      ensure(bridge).ports.push(port);
    });
  }
  for (const name of named.values()) ensure(name);

  const drafts = new Map<string, Draft>();
  for (const iface of ifaces.values()) {
    if (failed.has(iface.name)) continue;
    // A variable bash leaves unknown was reported already; the interface it belongs to cannot be read.
    if ([...index.byKey.values()].some((m) => m.get(iface.ifvar)?.v.problem)) {
      failed.add(iface.name);
      continue;
    }
    const managed = lookup(index, 'managed', iface.ifvar);
    try {
      // NetworkManager's ifnet plugin left an interface alone only for managed_X="false".
      if (managed && !(yesNoOr(managed, true, notes))) {
        out.unmanaged.push(iface.name);
        continue;
      }
      drafts.set(iface.name, buildDraft(iface, index, notes));
    } catch (err) {
      if (err instanceof Problem) fail(iface.name, err);
      else throw err;
    }
  }

  // Ports and VLANs follow their controller or parent: they come up with it, and go with it when it fails.
  const dependsOn = (i: Iface) => i.controller?.name ?? i.vlan?.parent;
  const unmanaged = new Set(out.unmanaged);
  /** Whether the interface, or one it depends on, failed or is unmanaged. */
  const state = (name: string, seen = new Set<string>()): 'ok' | 'failed' | 'unmanaged' => {
    if (failed.has(name)) return 'failed';
    if (unmanaged.has(name)) return 'unmanaged';
    const i = ifaces.get(name);
    const up = i && dependsOn(i);
    if (!up || seen.has(name) || !ifaces.has(up)) return 'ok';
    seen.add(name);
    return state(up, seen);
  };
  const autoOf = (name: string, seen = new Set<string>()): boolean => {
    const d = drafts.get(name);
    const i = ifaces.get(name)!;
    const own = lookup(index, 'auto', i.ifvar);
    if (own) return yesNoOr(own, true);
    const up = dependsOn(i);
    if (!up || seen.has(name) || !ifaces.has(up)) return d?.autoconnect ?? true;
    seen.add(name);
    const start = i.vlan ? lookup(index, 'vlan_start', shellVar(i.vlan.parent)) : undefined;
    return autoOf(up, seen) && (start ? yesNoOr(start, true) : true);
  };
  for (const note of [...notes, ...unreadVariables(vars, index, [...ifaces.values()].filter((i) => !out.unmanaged.includes(i.name)))]) {
    out.warnings.push(new NmkError('CONFIG_VALUE', note.reason, { plugin: PLUGIN, file, line: note.line, key: note.key }));
  }
  for (const [name, d] of drafts) {
    const s = state(name);
    // A port or VLAN of an unmanaged interface is left alone with it; one of a failed interface is left out.
    if (s === 'unmanaged') out.unmanaged.push(name);
    if (s !== 'ok') continue;
    d.autoconnect = autoOf(name);
    out.drafts.push(d);
  }
  return out;

  function yesNoOr(nv: NamedVariable, fallback: boolean, warn?: Note[]): boolean {
    try {
      return yesNo(nv);
    } catch (err) {
      if (err instanceof Problem) warn?.push({ line: nv.v.line, key: nv.name, reason: `${err.message}; ignored` });
      return fallback;
    }
  }
}

/**
 * Variables named after an interface nmk reads (KEY_IFVAR) that nmk does not
 * read: a note each, so that, say, dhcpcd_eth0 or a bridge option nmk has no
 * row for does not go unnoticed.
 */
function unreadVariables(vars: Map<string, Variable>, index: VariableIndex, ifaces: Iterable<Iface>): Note[] {
  const read = new Set<string>();
  for (const m of index.byKey.values()) for (const nv of m.values()) read.add(nv.name);
  for (const nv of index.vlanNames.values()) read.add(nv.name);
  const suffixes = [...ifaces].map((i) => `_${i.ifvar}`);
  const notes: Note[] = [];
  for (const [name, v] of vars) {
    if (read.has(name) || !suffixes.some((sfx) => name.endsWith(sfx) && name.length > sfx.length)) continue;
    notes.push({ line: v.line, key: name, reason: 'nmk does not read this variable; ignored' });
  }
  return notes;
}

