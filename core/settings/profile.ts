/** A profile held by the settings store: its settings, who stores it, and its D-Bus identity. */
import type { ConnectionSettings, SettingsSource, SourceProfile } from '../../sdk/index.js';

export interface Profile {
  uuid: string;
  id: string;
  /** D-Bus object path, /org/freedesktop/NetworkManager/Settings/N; never reused. */
  path: string;
  settings: ConnectionSettings;
  /** The settings plugin that stores it. */
  source: SettingsSource;
  stored: SourceProfile;
  /** Bumped on every change; caches of the D-Bus form key on it. */
  version: number;
  /**
   * The persistent copy a runtime profile hides (nmcli modify --temporary):
   * kept untouched on disk, and where a later Save writes back to.
   */
  shadowed?: { source: SettingsSource; stored: SourceProfile };
}

export function profileId(s: ConnectionSettings): string {
  return String(s.connection?.id ?? '');
}

export function profileUuid(s: ConnectionSettings): string {
  return String(s.connection?.uuid ?? '');
}
