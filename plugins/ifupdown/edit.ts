/**
 * Changing the interfaces files for one profile: its stanzas replaced where
 * they are (or appended to the main file, or to the file of the controller
 * that lists a port), its name added to or removed from auto lines, and the
 * port lists of its controllers (bond-slaves, bridge_ports) kept true.
 * Every other line of every file stays byte for byte as it was, and so do
 * the option lines nmk does not model inside the stanzas it rewrites
 * (up/down commands, description, bridge_maxwait...) and their comments.
 */
import type { EniDocument, EniLine } from './eni/document.js';
import type { EniTree } from './eni/include.js';
import { classifyOption } from './model/iface-options.js';
import type { RenderedProfile } from './model/render.js';
import { INDENT, stanzaText } from './model/render.js';
import { AUTO_KEYWORDS, type IfaceStanza, indexStanzas, META_ID, META_UUID, normaliseKey, type StanzaIndex } from './model/stanzas.js';

const PORT_LIST_KEYS = new Set(['bond-slaves', 'slaves', 'bridge-ports']);

/** A port list line: bond-slaves or bridge_ports in a controller's stanza. */
interface PortList {
  doc: EniDocument;
  index: number;
  controller: string;
  kind: 'bond' | 'bridge';
  words: string[];
}

/** The files' lines, edited in place by index; null deletes a line. */
class Edits {
  private readonly lines = new Map<EniDocument, Array<string | null>>();
  private readonly appended = new Map<EniDocument, string>();

  constructor(private readonly docs: readonly EniDocument[]) {}

  private of(doc: EniDocument): Array<string | null> {
    let l = this.lines.get(doc);
    if (!l) this.lines.set(doc, (l = doc.lines.map((x) => x.raw)));
    return l;
  }

  set(doc: EniDocument, index: number, raw: string | null): void {
    this.of(doc)[index] = raw;
  }

  /** Replaces lines [start, end) with text. */
  replace(doc: EniDocument, start: number, end: number, text: string): void {
    const l = this.of(doc);
    l[start] = text;
    for (let i = start + 1; i < end; i++) l[i] = null;
  }

  append(doc: EniDocument, text: string): void {
    this.of(doc);
    this.appended.set(doc, (this.appended.get(doc) ?? '') + text);
  }

  /** The new text of every changed file. */
  result(): Map<string, string> {
    const out = new Map<string, string>();
    for (const doc of this.docs) {
      const l = this.lines.get(doc);
      if (!l) continue;
      let text = l.filter((x): x is string => x !== null).join('');
      const extra = this.appended.get(doc);
      if (extra) {
        if (text !== '' && !text.endsWith('\n')) text += '\n';
        if (text !== '' && !text.endsWith('\n\n')) text += '\n';
        text += extra;
      }
      out.set(doc.file, text);
    }
    return out;
  }
}

function portLists(index: StanzaIndex): PortList[] {
  const out: PortList[] = [];
  for (const group of index.groups.values()) {
    for (const st of group.stanzas) {
      for (let i = st.stanza.header + 1; i < st.stanza.end; i++) {
        const line = st.doc.lines[i]!;
        if (line.kind !== 'option') continue;
        const key = normaliseKey(line.words[0]!);
        if (PORT_LIST_KEYS.has(key)) out.push({ doc: st.doc, index: i, controller: group.name, kind: key === 'bridge-ports' ? 'bridge' : 'bond', words: line.words.slice(1) });
      }
    }
  }
  return out;
}

function listLine(line: EniLine, words: string[]): string {
  const indent = /^[ \t]*/.exec(line.raw)![0];
  return `${indent}${line.words[0]} ${words.length ? words.join(' ') : 'none'}\n`;
}

/** Rewrites the names on auto lines through `map` (a name to what replaces it: itself, another, or nothing). */
function editAutoLines(tree: EniTree, edits: Edits, map: (name: string) => string[]): void {
  for (const { doc, stanza } of tree.stanzas) {
    if (!AUTO_KEYWORDS.has(stanza.keyword)) continue;
    const args = stanza.args.flatMap(map);
    if (args.join(' ') === stanza.args.join(' ')) continue;
    edits.set(doc, stanza.header, args.length ? `${stanza.keyword} ${args.join(' ')}\n` : null);
  }
}

function isAuto(tree: EniTree, name: string): boolean {
  return tree.stanzas.some(({ stanza }) => AUTO_KEYWORDS.has(stanza.keyword) && stanza.args.includes(name));
}

/**
 * Lines of the old stanzas nmk keeps when it rewrites them, by address
 * family: unmodelled options (unknown bond-* and bridge_* ones too) and
 * ordinary comments. On anything but a bond, bond-* options stay (on a port
 * ifenslave reads them only to create a missing bond), and bridge_* options
 * on anything but a bridge.
 */
export function keptLines(stanzas: IfaceStanza[], rendered: RenderedProfile): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  const families = new Set(rendered.stanzas.map((s) => s.family));
  for (const st of stanzas) {
    const family = families.has(st.family as 'inet') ? st.family : rendered.stanzas[0]!.family;
    const lines = kept.get(family) ?? [];
    for (let i = st.stanza.header + 1; i < st.stanza.end; i++) {
      const line = st.doc.lines[i]!;
      if (line.kind === 'blank') continue;
      if (line.kind === 'comment') {
        if (!new RegExp(`^\\s*#\\s*(${META_UUID}|${META_ID}):`).test(line.raw)) lines.push(line.raw);
        continue;
      }
      const key = normaliseKey(line.words[0]!);
      const c = classifyOption(key);
      // bond-* and bridge_* options are written from the profile only on a bond or a bridge; elsewhere they are the file's.
      const keep = 'cls' in c && (c.cls === 'kept' || (c.cls === 'bond' && rendered.kind !== 'bond') || (c.cls === 'bridge' && rendered.kind !== 'bridge'));
      // A controller keeps its port list: the ports are profiles of their own.
      const carried = (rendered.kind === 'bond' && (key === 'bond-slaves' || key === 'slaves')) || (rendered.kind === 'bridge' && key === 'bridge-ports');
      if (keep || carried) lines.push(line.raw.endsWith('\n') ? line.raw : `${line.raw}\n`);
    }
    kept.set(family, lines);
  }
  if (rendered.kind === 'bridge' && ![...kept.values()].flat().some((l) => /^\s*bridge[-_]ports\s/.test(l))) {
    const first = rendered.stanzas[0]!.family;
    kept.set(first, [`${INDENT}bridge_ports none\n`, ...(kept.get(first) ?? [])]);
  }
  return kept;
}

/** The end of a stanza being removed, taking one blank line after it along so blank lines do not pile up. */
function afterBlank(st: IfaceStanza): number {
  return st.doc.lines[st.stanza.end]?.kind === 'blank' ? st.stanza.end + 1 : st.stanza.end;
}

export interface WritePlan {
  /** New text per file, for the files that change. */
  files: Map<string, string>;
}

/**
 * The edits that store `rendered`, replacing the profile of interface
 * `previousName` (undefined for a new profile). `homeFile` is where a profile
 * without a stanza goes: the main file, or its controller's file.
 */
export function planWrite(tree: EniTree, rendered: RenderedProfile, previousName: string | undefined, homeFile: string, mainFile: string): WritePlan | { problem: string } {
  const index = indexStanzas(tree);
  const edits = new Edits(tree.docs);
  const name = rendered.name;
  const old = previousName !== undefined ? index.groups.get(previousName) : undefined;
  const clash = index.groups.get(name);
  if (clash && clash !== old) return { problem: `${name} already has an iface stanza in ${clash.stanzas[0]!.doc.file}:${clash.stanzas[0]!.line}; ifupdown holds one profile per interface` };
  // A name another profile's controller lists is that port's profile; a second one cannot be told apart from it.
  const listing = name !== previousName ? portLists(index).find((l) => l.words.includes(name)) : undefined;
  if (listing && rendered.controller?.name !== listing.controller) return { problem: `${name} is already a port of ${listing.controller} (${listing.doc.file}:${listing.doc.lines[listing.index]!.line})` };

  // One auto entry for the interface when it autoconnects (the old name's entry renamed in place), none otherwise.
  const keeper = isAuto(tree, name) ? name : previousName !== undefined && isAuto(tree, previousName) ? previousName : undefined;
  let placed = false;
  editAutoLines(tree, edits, (a) => {
    if (a !== name && a !== previousName) return [a];
    if (rendered.autoconnect && a === keeper && !placed) {
      placed = true;
      return [name];
    }
    return [];
  });
  const needsAuto = rendered.autoconnect && keeper === undefined;
  const text = (needsAuto ? `auto ${name}\n` : '') + stanzaText(rendered, old ? keptLines(old.stanzas, rendered) : keptLines([], rendered));

  if (old) {
    const [first, ...rest] = old.stanzas;
    edits.replace(first!.doc, first!.stanza.header, first!.stanza.end, text);
    for (const st of rest) edits.replace(st.doc, st.stanza.header, afterBlank(st), '');
  } else {
    const doc = tree.docs.find((d) => d.file === homeFile) ?? tree.docs.find((d) => d.file === mainFile);
    if (doc) edits.append(doc, text);
    else return { files: new Map([[mainFile, text]]) };
  }

  for (const list of portLists(index)) {
    const listed = previousName !== undefined && list.words.includes(previousName);
    if (!listed) continue;
    const stays = rendered.controller?.name === list.controller && rendered.controller.kind === list.kind;
    const words = list.words.flatMap((w) => (w !== previousName ? [w] : stays ? [name] : []));
    if (words.join(' ') !== list.words.join(' ')) edits.set(list.doc, list.index, listLine(list.doc.lines[list.index]!, words.filter((w) => w !== 'none')));
  }
  if (rendered.controller?.kind === 'bridge') {
    const list = portLists(index).find((l) => l.controller === rendered.controller!.name && l.kind === 'bridge');
    if (!list) return { problem: `bridge ${rendered.controller.name} has no bridge_ports line to add ${name} to` };
    const current = list.words.filter((w) => w !== 'none' && w !== previousName);
    if (!current.includes(name)) edits.set(list.doc, list.index, listLine(list.doc.lines[list.index]!, [...current, name]));
  }
  return { files: edits.result() };
}

/** The edits that remove the profile of interface `name`: its stanzas, auto entries and port list entries. */
export function planDelete(tree: EniTree, name: string): WritePlan {
  const index = indexStanzas(tree);
  const edits = new Edits(tree.docs);
  for (const st of index.groups.get(name)?.stanzas ?? []) edits.replace(st.doc, st.stanza.header, afterBlank(st), '');
  editAutoLines(tree, edits, (a) => (a === name ? [] : [a]));
  for (const list of portLists(index)) {
    if (!list.words.includes(name)) continue;
    edits.set(list.doc, list.index, listLine(list.doc.lines[list.index]!, list.words.filter((w) => w !== name && w !== 'none')));
  }
  return { files: edits.result() };
}
