/**
 * What a keyfile holds that nmk does not read (a newer NetworkManager's
 * settings and keys, [.nmmeta], another tool's groups), kept so that
 * rewriting the profile writes it back unchanged. It travels in
 * SourceProfile.preserved; the profile's settings (and so its D-Bus form)
 * never hold it.
 *
 * Kept, verbatim (raw values, the comment lines above each header and key):
 * - a group the reader skips: an unknown setting, [.nmmeta], [vpn-secrets]
 *   without [vpn]. It goes back right after the group that preceded it in
 *   the file (a kept group, or a setting under the name the writer gives
 *   it); when no group before it is written any more, it goes first.
 * - a key of a known setting that the reader skips: an unknown property, or
 *   one nmk cannot read from keyfiles yet. It goes back where a newer
 *   NetworkManager writes it: NetworkManager writes a setting's properties
 *   sorted by name, so the key goes in name order among the keys nmk
 *   writes, and a file NetworkManager wrote comes back line for line.
 * - the file's trailing comments, when its last group is a kept one; they
 *   go back when that group is still last.
 *
 * Not kept, on purpose:
 * - comments of known groups and keys (NetworkManager keeps none either);
 * - the keys of a setting's group that a later group of the same setting
 *   replaces ([802-3-ethernet] then [ethernet]: the later one is read);
 * - the kept keys of a setting the profile no longer has: writing its group
 *   back would bring the setting back (with default values);
 * - a kept group the reader would now read: one named like a setting, one
 *   the writer writes itself, and one that belongs to a group the writer
 *   now writes ([vpn-secrets] once the profile has [vpn]: it would become
 *   the VPN's secrets; [wireguard-peer.*] with [wireguard]): the profile's
 *   own settings win.
 */
import { isWritableKey, rawValueProblem, type KeyFileDocument, type KeyFileEntry, type KeyFileGroup } from '../../sdk/index.js';
import { auxiliaryGroupOwner } from './link-rows.js';
import { settingForGroup } from './model.js';
import { compareProperties } from './setting-order.js';
import { VPN_SECRETS_GROUP } from './special-properties.js';

export interface KeptEntry {
  readonly key: string;
  /** Raw, as in the file (no unescaping). */
  readonly value: string;
  readonly comments: readonly string[];
}

export interface KeptGroup {
  readonly name: string;
  readonly comments: readonly string[];
  readonly entries: readonly KeptEntry[];
}

/** One group of the file in order: kept whole, or a setting the writer writes under this name. */
export type GroupPlace = { readonly kept: KeptGroup } | { readonly written: string };

/**
 * The keyfile source's SourceProfile.preserved. A class, so the writer
 * recognises its own and ignores anything else in that opaque field.
 */
export class PreservedKeyfile {
  constructor(
    /** Every group of the file in file order (a setting's group once). */
    readonly order: readonly GroupPlace[],
    /** Kept keys by setting name, in file order. */
    readonly keys: ReadonlyMap<string, readonly KeptEntry[]>,
    /** Trailing comments of the file; only when its last group is kept. */
    readonly trailingComments: readonly string[],
  ) {}

  /** The kept groups, in file order. */
  get groups(): KeptGroup[] {
    return this.order.flatMap((p) => ('kept' in p ? [p.kept] : []));
  }

  /** The kept keys of a setting, in the order the writer places them. */
  keysOf(setting: string): KeptEntry[] {
    return [...(this.keys.get(setting) ?? [])].sort((a, b) => compareProperties(setting, a.key, b.key));
  }
}

/** A profile's own preserved parts, or undefined (none, or another source's). */
export function preservedOf(value: unknown): PreservedKeyfile | undefined {
  return value instanceof PreservedKeyfile ? value : undefined;
}

/**
 * Gathers what the reader skips while it walks the document in order. The
 * reader still warns about each skipped setting and key; this only keeps them.
 */
export class PreservedCollector {
  readonly #order: GroupPlace[] = [];
  readonly #written = new Set<string>();
  readonly #keys = new Map<string, KeptEntry[]>();
  /** Why a skipped group or key cannot be kept (for the reader's warning). */
  readonly unkeepable: Array<{ group: string; key: string; reason: string }> = [];

  /** A group the reader skips, kept whole. */
  keepGroup(group: KeyFileGroup): void {
    const entries: KeptEntry[] = [];
    for (const e of group.entries) {
      const kept = this.#entry(group.name, e);
      if (kept) entries.push(kept);
    }
    this.#order.push({ kept: { name: group.name, comments: commentLines(group.comments), entries } });
  }

  /**
   * The group of a setting the reader reads, written back as `writtenName`. A
   * later group of the same setting replaces the earlier one, its kept keys too.
   */
  settingGroup(setting: string, writtenName: string): void {
    this.#keys.delete(setting);
    this.writtenGroup(writtenName);
  }

  /** A group the reader reads and the writer may write again ([vpn-secrets] with [vpn]): a place only. */
  writtenGroup(name: string): void {
    if (this.#written.has(name)) return;
    this.#written.add(name);
    this.#order.push({ written: name });
  }

  /** A key of a read setting that the reader skips. */
  keepKey(setting: string, group: string, entry: KeyFileEntry): void {
    const kept = this.#entry(group, entry);
    if (!kept) return;
    let list = this.#keys.get(setting);
    if (!list) this.#keys.set(setting, (list = []));
    list.push(kept);
  }

  /** The preserved parts, or undefined when the file holds nothing to keep. */
  finish(doc: KeyFileDocument): PreservedKeyfile | undefined {
    const last = this.#order.at(-1);
    const groupKept = this.#order.some((p) => 'kept' in p);
    if (!groupKept && this.#keys.size === 0) return undefined;
    const trailing = last && 'kept' in last ? commentLines(doc.trailingComments) : [];
    return new PreservedKeyfile(this.#order, this.#keys, trailing);
  }

  #entry(group: string, e: KeyFileEntry): KeptEntry | undefined {
    // Only an unterminated last line can end in '\r' (the parser keeps it there); the writer cannot, so it goes.
    const value = e.value.replace(/\r+$/, '');
    const problem = !isWritableKey(e.key)
      ? 'its name cannot be written back'
      : (rawValueProblem(value) ?? (e.key === 'Encoding' && !/^UTF-8$/i.test(value) ? 'only Encoding=UTF-8 can be written' : undefined));
    if (problem) {
      this.unkeepable.push({ group, key: e.key, reason: problem });
      return undefined;
    }
    return { key: e.key, value, comments: commentLines(e.comments) };
  }
}

/** Comment lines as the document's setters take them (a final '\r' of an unterminated last line dropped). */
function commentLines(lines: readonly string[]): string[] {
  return lines.map((l) => l.replace(/\r+$/, ''));
}

/** Writes a kept key into its setting's group, unless the writer has written that key itself. */
export function writeKeptKey(doc: KeyFileDocument, group: string, entry: KeptEntry): void {
  if (doc.hasKey(group, entry.key)) return;
  doc.setRaw(group, entry.key, entry.value);
  doc.setComments(group, entry.key, entry.comments);
}

/** The groups whose presence makes the reader read `group` as part of them. */
function ownerGroups(group: string): readonly string[] {
  return group === VPN_SECRETS_GROUP ? ['vpn'] : (auxiliaryGroupOwner(group) ?? []);
}

/** Whether the reader would read a group of this name in this document (so it cannot go back as kept). */
function wouldBeRead(doc: KeyFileDocument, group: string): boolean {
  return doc.hasGroup(group) || settingForGroup(group) !== undefined || ownerGroups(group).some((g) => doc.hasGroup(g));
}

/**
 * Puts the kept groups back into a document the writer built (see the rules
 * at the top), and the trailing comments.
 */
export function restoreKeptGroups(doc: KeyFileDocument, preserved: PreservedKeyfile): void {
  const placed = new Set<string>();
  // Where the next kept group goes: after the last group seen in file order that is in the document.
  let at = 0;
  for (const place of preserved.order) {
    if ('written' in place) {
      const index = doc.groupNames().indexOf(place.written);
      if (index >= 0) at = index + 1;
      continue;
    }
    const { name, comments, entries } = place.kept;
    if (wouldBeRead(doc, name)) continue;
    doc.insertGroup(name, at++);
    doc.setComments(name, undefined, comments);
    for (const e of entries) {
      doc.setRaw(name, e.key, e.value);
      doc.setComments(name, e.key, e.comments);
    }
    placed.add(name);
  }
  if (placed.size === 0) return;
  // A header that moved off the top needs the blank line the writer puts between groups.
  doc.groups.forEach((g, i) => {
    if (i > 0 && g.comments.length === 0) doc.setComments(g.name, undefined, ['']);
  });
  const lastGroup = preserved.order.at(-1);
  const lastNow = doc.groups.at(-1)?.name;
  if (preserved.trailingComments.length > 0 && lastGroup && 'kept' in lastGroup && lastGroup.kept.name === lastNow && placed.has(lastNow)) {
    doc.setTrailingComments(preserved.trailingComments);
  }
}
