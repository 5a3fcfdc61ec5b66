/**
 * DeleteSecrets when a profile goes, whatever removed it (a D-Bus Delete, a
 * deleted file found by a reload), as NetworkManager's settings do
 * (nm-settings.c _connection_changed_delete): every agent hears it, with the
 * profile's last settings and no secrets. The store has forgotten a profile
 * by the time it announces the removal, so the profiles are remembered here
 * by path (references, not copies).
 */
import type { EventBus } from '../../sdk/index.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { Profile } from '../settings/profile.js';
import type { SecretAgents } from './secret-agents.js';

export function watchProfileRemovals(events: EventBus, store: SettingsStore, agents: SecretAgents): () => void {
  const known = new Map<string, Profile>();
  for (const p of store.profiles()) known.set(p.path, p);
  const offs = [
    events.on('connection.added', ({ uuid, path }) => {
      const p = store.get(uuid);
      if (p) known.set(path, p);
    }),
    events.on('connection.removed', ({ path }) => {
      const p = known.get(path);
      known.delete(path);
      // deleteSecrets logs each agent that fails; nothing is left to reject.
      if (p && agents.registry.size > 0) agents.deleteSecrets(p).catch(() => undefined);
    }),
  ];
  return () => offs.forEach((off) => off());
}
