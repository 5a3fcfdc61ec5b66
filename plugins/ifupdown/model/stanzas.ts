/**
 * The iface stanzas of a file tree grouped by interface, with their options
 * (keys with '_' read as '-', as ifupdown and NetworkManager do), the names
 * brought up automatically, and the metadata comments nmk writes to keep a
 * profile's id and UUID.
 */
import type { NmkError } from '../../../sdk/index.js';
import { type EniDocument, type Stanza, valueError } from '../eni/document.js';
import type { EniTree } from '../eni/include.js';
import { isUuid } from '../../../sdk/index.js';

export interface Opt {
  key: string;
  /** The words after the key. */
  words: string[];
  line: number;
}

export interface IfaceStanza {
  doc: EniDocument;
  stanza: Stanza;
  name: string;
  family: string;
  method: string;
  /** Line of the iface header. */
  line: number;
  options: Opt[];
  savedId?: string;
  savedUuid?: string;
  /** The first problem found in it, syntax or metadata. */
  error?: NmkError;
}

export interface IfaceGroup {
  name: string;
  stanzas: IfaceStanza[];
}

export interface StanzaIndex {
  /** Insertion order is the order interfaces first appear. */
  groups: Map<string, IfaceGroup>;
  /** Names on auto, allow-auto and allow-hotplug lines: brought up without being asked. */
  autoNames: Set<string>;
  /** Names of mapping stanzas (NetworkManager lists them as unmanaged too). */
  mappings: string[];
}

/** Keywords whose names are brought up at boot or on hotplug: NetworkManager's autoconnect. */
export const AUTO_KEYWORDS = new Set(['auto', 'allow-auto', 'allow-hotplug']);

/** Comment lines nmk writes inside a stanza to keep what interfaces(5) cannot say. */
export const META_UUID = 'nmk-uuid';
export const META_ID = 'nmk-id';
const META_LINE = /^\s*#\s*(nmk-uuid|nmk-id):\s?(.*?)\s*$/;

export function normaliseKey(key: string): string {
  return key.replace(/_/g, '-');
}

export function readIfaceStanza(doc: EniDocument, stanza: Stanza): IfaceStanza {
  const header = doc.lines[stanza.header]!;
  const [name = '', family = '', method = ''] = stanza.args;
  const out: IfaceStanza = { doc, stanza, name, family, method, line: header.line, options: [], error: stanza.error };
  for (let i = stanza.header + 1; i < stanza.end; i++) {
    const l = doc.lines[i]!;
    if (l.kind === 'option') {
      out.options.push({ key: normaliseKey(l.words[0]!), words: l.words.slice(1), line: l.line });
      continue;
    }
    const meta = l.kind === 'comment' ? META_LINE.exec(l.raw.replace(/\\\n/g, '')) : null;
    if (!meta) continue;
    if (meta[1] === META_UUID) {
      if (!isUuid(meta[2]!)) out.error ??= valueError(doc.file, l.line, META_UUID, `invalid UUID '${meta[2]}'`);
      else out.savedUuid = meta[2]!.toLowerCase();
    } else {
      const id = parseJsonString(meta[2]!);
      if (id === undefined || id === '') out.error ??= valueError(doc.file, l.line, META_ID, `invalid profile name ${meta[2]}: expected a JSON string`);
      else out.savedId = id;
    }
  }
  return out;
}

function parseJsonString(text: string): string | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function indexStanzas(tree: EniTree): StanzaIndex {
  const index: StanzaIndex = { groups: new Map(), autoNames: new Set(), mappings: [] };
  for (const { doc, stanza } of tree.stanzas) {
    if (stanza.keyword === 'iface') {
      const st = readIfaceStanza(doc, stanza);
      // A header too short to name the interface is reported on its own.
      const key = st.name || `\0${doc.file}:${st.line}`;
      let group = index.groups.get(key);
      if (!group) index.groups.set(key, (group = { name: st.name, stanzas: [] }));
      group.stanzas.push(st);
    } else if (AUTO_KEYWORDS.has(stanza.keyword) && !stanza.error) {
      for (const name of stanza.args) index.autoNames.add(name);
    } else if (stanza.keyword === 'mapping' && !stanza.error) {
      index.mappings.push(...stanza.args);
    }
  }
  return index;
}
