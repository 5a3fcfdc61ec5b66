/**
 * Whether a profile survives being written as stanzas and read back: the
 * rendered text is parsed in memory, read like a file, and compared with
 * the profile after both are normalised. A write that would lose anything
 * (a static route, an ipv6.method ifupdown has no word for, a bond option
 * ifenslave lacks) is refused instead of silently thinning the profile.
 */
import { type ConnectionSettings, connectionDifferences } from '../../../sdk/index.js';
import { parseDocument } from '../eni/document.js';
import type { EniTree } from '../eni/include.js';
import { draftToSettings } from './draft.js';
import { normalize } from './finish.js';
import { type RenderedProfile, stanzaText } from './render.js';
import { readProfiles } from './read-profiles.js';

/** Properties NetworkManager keeps outside the profile's file (timestamps live in their own file). */
const NOT_STORED = new Set(['connection.timestamp']);

function isEmpty(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

/**
 * "setting.property" for every difference in meaning: an absent property
 * equals its default, and (as in NetworkManager, which has no other way to
 * hold them) an empty list or dict equals an absent one.
 */
export function diffSettings(a: ConnectionSettings, b: ConnectionSettings): string[] {
  return connectionDifferences(a, b).filter((d) => {
    if (NOT_STORED.has(d)) return false;
    const [setting, prop] = d.split('.') as [string, string | undefined];
    return prop === undefined || !(isEmpty(a[setting]?.[prop]) && isEmpty(b[setting]?.[prop]));
  });
}

/** The text a profile is written as, alone in a file, with a bare controller when it is a port. */
function standaloneText(p: RenderedProfile, kept: Map<string, string[]>): string {
  let text = (p.autoconnect ? `auto ${p.name}\n` : '') + stanzaText(p, kept);
  if (p.controller?.kind === 'bond') text += `iface ${p.controller.name} inet manual\n    bond-mode balance-rr\n`;
  if (p.controller?.kind === 'bridge') text += `iface ${p.controller.name} inet manual\n    bridge_ports ${p.name}\n`;
  return text;
}

/** The properties a write would lose or change (empty when it keeps everything), or why it cannot be read back. */
export function roundTripLoss(settings: ConnectionSettings, rendered: RenderedProfile, kept: Map<string, string[]>): string[] | { problem: string } {
  const doc = parseDocument(standaloneText(rendered, kept), '(new stanza)', '/etc/network/interfaces');
  const tree: EniTree = { docs: [doc], stanzas: doc.stanzas.map((stanza) => ({ doc, stanza })), errors: [...doc.errors] };
  const read = readProfiles(tree);
  const draft = read.drafts.find((d) => d.name === rendered.name);
  if (!draft) return { problem: read.errors[0]?.reason ?? 'the written stanza does not read back' };
  return diffSettings(normalize(draftToSettings(draft)), normalize(settings));
}
