/**
 * A whole file tree read into profile drafts: each interface read on its
 * own (read-group.ts), then controllers and ports tied together. A port a
 * controller lists without a stanza of its own gets a profile too, as the
 * scripts bring it up with the controller: ifenslave enslaves the names in
 * bond-slaves, bridge-utils adds the names in bridge_ports (creating VLAN
 * ports named PARENT.ID, and giving every port the bridge's MTU).
 *
 * An interface with a problem yields one error and no profile; ports of a
 * controller that failed are left out without a second error.
 */
import { emptyIpDraft, type NmkError } from '../../../sdk/index.js';
import { valueError } from '../eni/document.js';
import type { EniTree } from '../eni/include.js';
import type { Draft } from './draft.js';
import { ABSENT_METHOD } from './iface-options.js';
import { checkBondModes, type GroupInfo, readGroup, VLAN_ID_MAX } from './read-group.js';
import { indexStanzas, type IfaceStanza, type Opt } from './stanzas.js';

export interface ReadOutput {
  drafts: Draft[];
  errors: NmkError[];
  /** What was ignored (file, line and key each); the profiles load regardless. */
  warnings: NmkError[];
  /** Every interface the files configure (iface stanzas but lo, ports, mappings): unmanaged when managed=false. */
  names: string[];
}

interface Claim {
  controller: GroupInfo;
  kind: 'bond' | 'bridge';
  opt: Opt;
  stanza: IfaceStanza;
  /** Named in the controller's bond-slaves or bridge_ports (not only by its own bond-master). */
  listed: boolean;
}

export function readProfiles(tree: EniTree): ReadOutput {
  const index = indexStanzas(tree);
  const errors: NmkError[] = [...tree.errors];
  const infos = new Map<string, GroupInfo>();
  const failed = new Set<string>();
  const names = new Set<string>();

  for (const group of index.groups.values()) {
    if (group.name && group.name !== 'lo') names.add(group.name);
    const r = readGroup(group);
    if (r === 'loopback') continue;
    if ('error' in r) {
      errors.push(r.error);
      if (group.name) failed.add(group.name);
      continue;
    }
    infos.set(r.name, r);
  }
  const fail = (name: string, error: NmkError) => {
    errors.push(error);
    failed.add(name);
  };

  // A name in bond-master is a bond even with no bond-* options of its own: ifenslave creates it.
  for (const info of infos.values()) {
    const m = info.bondMaster;
    if (!m) continue;
    const bond = infos.get(m.name);
    if (!bond) {
      if (!failed.has(m.name)) fail(info.name, valueError(m.stanza.doc.file, m.opt.line, m.opt.key, `bond ${m.name} has no iface stanza`));
      continue;
    }
    if (bond.kind === 'ethernet' && !bond.bondMaster) bond.kind = 'bond';
    else if (bond.kind !== 'bond') fail(info.name, valueError(m.stanza.doc.file, m.opt.line, m.opt.key, `${m.name} is a ${bond.bondMaster ? 'bond port' : bond.kind}, not a bond`));
  }

  const claims = new Map<string, Claim>();
  const claim = (port: string, c: Claim) => {
    const prev = claims.get(port);
    if (prev && prev.controller === c.controller) prev.listed ||= c.listed;
    if (port === c.controller.name) return fail(c.controller.name, valueError(c.stanza.doc.file, c.opt.line, c.opt.key, `${port} cannot be a port of itself`));
    if (prev && prev.controller !== c.controller) {
      return fail(port, valueError(c.stanza.doc.file, c.opt.line, c.opt.key, `${port} is already a port of ${prev.controller.name}`));
    }
    if (!prev) claims.set(port, c);
  };
  for (const info of infos.values()) {
    if (info.kind === 'bond' && info.bondSlaves) for (const p of info.bondSlaves.names) claim(p, { controller: info, kind: 'bond', listed: true, ...info.bondSlaves });
    if (info.kind === 'bridge' && info.bridgePorts) for (const p of info.bridgePorts.names) claim(p, { controller: info, kind: 'bridge', listed: true, ...info.bridgePorts });
  }
  for (const info of infos.values()) {
    const bond = info.bondMaster && infos.get(info.bondMaster.name);
    if (bond && !failed.has(info.name)) claim(info.name, { controller: bond, kind: 'bond', listed: false, opt: info.bondMaster!.opt, stanza: info.bondMaster!.stanza });
  }
  for (const p of claims.keys()) names.add(p);
  for (const m of index.mappings) names.add(m);

  // A bond configured only through its ports' stanzas takes its options from them (ifenslave does).
  for (const info of infos.values()) {
    if (info.kind !== 'bond' || info.bondOptions.size > 0) continue;
    for (const [port, c] of claims) {
      const p = infos.get(port);
      if (c.controller !== info || !p) continue;
      for (const [option, v] of p.bondOptions) if (!info.bondOptions.has(option)) info.bondOptions.set(option, v);
    }
  }
  for (const info of infos.values()) {
    if (info.kind !== 'bond' || failed.has(info.name)) continue;
    const e = checkBondModes(info);
    if (e) fail(info.name, e);
  }
  for (const [port, c] of claims) {
    const p = infos.get(port);
    const st = p?.ipConfigured;
    if (st && !failed.has(port)) {
      fail(port, valueError(st.doc.file, st.line, 'iface', `${port} is a port of ${c.controller.name} and cannot have IP configuration of its own (${st.family} ${st.method})`));
    }
  }

  const drafts: Draft[] = [];
  const controllerFailed = (name: string) => {
    const c = claims.get(name);
    return c !== undefined && failed.has(c.controller.name);
  };
  for (const info of infos.values()) {
    if (failed.has(info.name) || controllerFailed(info.name)) continue;
    // A listed port comes up with its controller (the scripts add it); one named only by bond-master needs its own auto line.
    const c = claims.get(info.name);
    drafts.push(draftOf(info, c, index.autoNames.has(info.name) || (c?.listed === true && index.autoNames.has(c.controller.name))));
    for (const [port, c] of claims) {
      if (c.controller !== info || infos.has(port) || failed.has(port)) continue;
      const d = synthesizedPort(port, c, index.autoNames.has(info.name));
      if ('error' in d) errors.push(d.error);
      else drafts.push(d);
    }
  }
  const warnings = [...infos.values()].flatMap((i) => i.warnings);
  return { drafts, errors, warnings, names: [...names] };
}

function draftOf(info: GroupInfo, claim: Claim | undefined, autoconnect: boolean): Draft {
  const d: Draft = {
    name: info.name,
    kind: info.kind,
    autoconnect,
    ipv4: info.ipv4,
    ipv6: info.ipv6,
    mtu: info.mtu,
    mac: info.mac,
    savedId: info.savedId,
    savedUuid: info.savedUuid,
    file: info.first.doc.file,
    line: info.first.line,
    ownStanza: true,
  };
  if (claim) d.controller = { name: claim.controller.name, kind: claim.kind };
  if (info.kind === 'bond') {
    // The kernel's default mode, which ifenslave leaves alone unless bond-mode says otherwise.
    const options: Record<string, string> = { mode: 'balance-rr' };
    for (const [option, { value }] of info.bondOptions) options[option] = value;
    d.bondOptions = options;
  }
  // brctl addbr leaves STP off and bridge-utils keeps it so without bridge_stp; NetworkManager's default is on.
  if (info.kind === 'bridge') d.bridge = { stp: false, ...info.bridge };
  if (info.vlan) d.vlan = info.vlan;
  return d;
}

/** A port named only in its controller's list. */
function synthesizedPort(name: string, c: Claim, controllerAuto: boolean): Draft | { error: NmkError } {
  const d: Draft = {
    name,
    kind: 'ethernet',
    autoconnect: controllerAuto,
    controller: { name: c.controller.name, kind: c.kind },
    ipv4: emptyIpDraft(ABSENT_METHOD.inet),
    ipv6: emptyIpDraft(ABSENT_METHOD.inet6),
    file: c.stanza.doc.file,
    line: c.opt.line,
    ownStanza: false,
  };
  if (c.kind === 'bridge') {
    // bridge-utils sets the bridge's MTU on every port and creates PARENT.ID ports as VLANs.
    d.mtu = c.controller.mtu;
    const dotted = /^(.+)\.([0-9]+)$/.exec(name);
    if (dotted) {
      const id = Number(dotted[2]);
      if (id > VLAN_ID_MAX) return { error: valueError(c.stanza.doc.file, c.opt.line, c.opt.key, `VLAN id ${id} of port ${name} is out of range (0 to ${VLAN_ID_MAX})`) };
      d.kind = 'vlan';
      d.vlan = { id, parent: dotted[1]! };
    }
  }
  return d;
}
