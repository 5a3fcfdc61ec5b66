/**
 * A profile as the reader assembles it from conf.d/net, before it becomes
 * NetworkManager settings (the SDK's InterfaceDraft, plus where it was
 * read). Names follow NetworkManager's ifnet plugin (last shipped in 1.14):
 * the id is the interface name and the UUID is derived from it (MD5,
 * NM_UUID_TYPE_LEGACY) unless uuid_IFVAR gives one.
 */
import { type ConnectionSettings, type InterfaceDraft, interfaceDraftSettings, uuidFromString } from '../../../sdk/index.js';

export interface Draft extends InterfaceDraft {
  uuid?: string;
  /** The variable that brought the interface in, and its line, for errors found later. */
  key: string;
  line: number;
}

export function draftToSettings(d: Draft): ConnectionSettings {
  return interfaceDraftSettings(d, { id: d.name, uuid: d.uuid ?? uuidFromString(d.name) });
}
