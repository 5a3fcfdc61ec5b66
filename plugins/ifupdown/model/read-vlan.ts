/**
 * Whether an interface is a VLAN, and its id and parent. Facts from
 * interfaces(5) and the vlan package: a name "PARENT.ID" is a VLAN (ifupdown
 * creates it; vlan-raw-device, if given, must agree); "vlanID" and any other
 * name are VLANs only with vlan-raw-device (ifupdown2's vlan-id gives the id
 * of a free-form name). Ids run 0 to 4094.
 */
import { parseIfnameValue, parseUintValue } from '../../../sdk/index.js';
import { at, Problem } from './problem.js';
import type { GroupInfo } from './read-group.js';
import type { IfaceStanza, Opt } from './stanzas.js';

export const VLAN_ID_MAX = 4094;

type Located = { opt: Opt; stanza: IfaceStanza };

export function readVlan(info: GroupInfo, raw: Located | undefined, idOpt: Located | undefined): GroupInfo['vlan'] {
  const dotted = /^(.+)\.([0-9]+)$/.exec(info.name);
  const vlanN = /^vlan([0-9]+)$/.exec(info.name);
  // The vlan package creates "vlanN" only when vlan-raw-device names the parent.
  if (!dotted && !raw) {
    if (idOpt) throw new Problem(idOpt.stanza, idOpt.opt.line, idOpt.opt.key, 'vlan-id needs vlan-raw-device to name the parent');
    return undefined;
  }
  let parent = dotted?.[1];
  let id = dotted ? Number(dotted[2]) : vlanN ? Number(vlanN[1]) : undefined;
  let idAt: { st: IfaceStanza; line: number; key: string } = { st: info.first, line: info.first.line, key: 'iface' };
  if (raw) {
    const p = at(raw.stanza, raw.opt.line, raw.opt.key, () => parseIfnameValue(raw.opt.words.join(' ')));
    if (parent !== undefined && p !== parent) throw new Problem(raw.stanza, raw.opt.line, raw.opt.key, `vlan-raw-device ${p} contradicts the parent ${parent} in the name ${info.name}`);
    parent = p;
  }
  if (idOpt) {
    const v = at(idOpt.stanza, idOpt.opt.line, idOpt.opt.key, () => parseUintValue(idOpt.opt.words.join(' '), 0, Number.MAX_SAFE_INTEGER, 'VLAN id'));
    if (id !== undefined && v !== id) throw new Problem(idOpt.stanza, idOpt.opt.line, idOpt.opt.key, `vlan-id ${v} contradicts the id ${id} in the name ${info.name}`);
    id = v;
    idAt = { st: idOpt.stanza, line: idOpt.opt.line, key: idOpt.opt.key };
  }
  if (id === undefined) {
    throw new Problem(raw!.stanza, raw!.opt.line, raw!.opt.key, `cannot tell the VLAN id of ${info.name}: name it PARENT.ID or vlanID, or add vlan-id`);
  }
  if (id > VLAN_ID_MAX) throw new Problem(idAt.st, idAt.line, idAt.key, `VLAN id ${id} of ${info.name} is out of range (0 to ${VLAN_ID_MAX})`);
  at(idAt.st, idAt.line, idAt.key, () => parseIfnameValue(parent!));
  return { id, parent: parent! };
}

