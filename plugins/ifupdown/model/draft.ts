/**
 * A profile as the reader assembles it from stanzas, before it becomes
 * NetworkManager settings (the SDK's InterfaceDraft, plus where it lives).
 * One draft per interface; ports a controller names without a stanza of
 * their own get a draft too.
 */
import { type ConnectionSettings, type InterfaceDraft, interfaceDraftSettings, uuidFromString } from '../../../sdk/index.js';

export interface Draft extends InterfaceDraft {
  /** connection.id / connection.uuid saved by nmk in the stanza (nmk-id, nmk-uuid comments). */
  savedId?: string;
  savedUuid?: string;
  /** Where the profile lives: the file and line of its first stanza (or of the controller naming it). */
  file: string;
  line: number;
  /** False for a port that only appears in its controller's port list. */
  ownStanza: boolean;
}

/** NetworkManager's ifupdown plugin names a profile "Ifupdown (NAME)". */
export function defaultId(name: string): string {
  return `Ifupdown (${name})`;
}

/**
 * NetworkManager's ifupdown plugin derives the UUID from the id (MD5,
 * NM_UUID_TYPE_LEGACY), so a profile keeps its UUID across reads, across
 * moves between sourced files, and across a switch from NetworkManager.
 */
export function defaultUuid(name: string): string {
  return uuidFromString(defaultId(name));
}

export function draftToSettings(d: Draft): ConnectionSettings {
  return interfaceDraftSettings(d, { id: d.savedId ?? defaultId(d.name), uuid: d.savedUuid ?? defaultUuid(d.name) });
}
