/**
 * connection.secondaries, as NetworkManager 1.42 runs them (nm-policy.c:
 * activate_secondary_connections, process_secondaries): when a base
 * connection's device reaches SECONDARIES, each listed profile, which must
 * exist and be a VPN, is activated over that base connection; the base
 * becomes ACTIVATED once all of them are, and fails (the device with
 * "secondary connection failed") as soon as one cannot start or ends
 * before it is activated. What happens to a secondary later does not
 * touch the base.
 */
import { NMActiveConnectionState as AC, type Logger } from '../../sdk/index.js';
import type { ActiveConnection } from '../activation/active-connection.js';
import type { Profile } from '../settings/profile.js';
import type { VpnActiveConnection } from './vpn-active-connection.js';
import type { VpnChange } from './vpn-manager.js';

/** What of the VPN manager this needs. */
export interface SecondariesHost {
  activate(profile: Profile, opts: { baseAcPath?: string }): Promise<VpnActiveConnection>;
  onChange(listener: (vac: VpnActiveConnection, change: VpnChange) => void): () => void;
}

/** Resolves true once every secondary is activated, false as soon as one fails or cannot start. */
export async function activateSecondaries(host: SecondariesHost, base: ActiveConnection, profiles: readonly { uuid: string; profile: Profile | undefined }[], logger: Logger): Promise<boolean> {
  const waiting = new Set<VpnActiveConnection>();
  let failed = false;
  let settle: ((ok: boolean) => void) | undefined;
  // Listen before activating: a secondary may fail at once.
  const stop = host.onChange((vac, change) => {
    if (!waiting.has(vac) || (change !== 'state' && change !== 'gone')) return;
    if (vac.state === AC.ACTIVATED) {
      logger.debug(`secondary connection '${vac.profile.id}' succeeded`, { connection: base.profile.id, path: vac.path });
      waiting.delete(vac);
      if (waiting.size === 0) settle?.(true);
    } else if (vac.state === AC.DEACTIVATED) {
      logger.warn(`secondary connection '${vac.profile.id}' failed`, { connection: base.profile.id, path: vac.path });
      failed = true;
      settle?.(false);
    }
  });
  try {
    for (const { uuid, profile } of profiles) {
      if (!profile) {
        logger.warn(`secondary connection '${uuid}' auto-activation failed: The connection doesn't exist.`, { connection: base.profile.id });
        return false;
      }
      if (profile.settings.connection?.type !== 'vpn') {
        logger.warn(`secondary connection '${profile.id} (${uuid})' auto-activation failed: The connection is not a VPN.`, { connection: base.profile.id });
        return false;
      }
      logger.info(`activating secondary connection '${profile.id} (${uuid})' for base connection '${base.profile.id} (${base.uuid})'`, { connection: base.profile.id });
      try {
        waiting.add(await host.activate(profile, { baseAcPath: base.path }));
      } catch (err) {
        logger.warn(`secondary connection '${profile.id} (${uuid})' auto-activation failed: ${err instanceof Error ? err.message : String(err)}`, { connection: base.profile.id });
        return false;
      }
      if (failed) return false;
    }
    if (failed) return false;
    for (const vac of [...waiting]) if (vac.state === AC.ACTIVATED) waiting.delete(vac);
    if (waiting.size === 0) return true;
    return await new Promise<boolean>((resolve) => (settle = resolve));
  } finally {
    stop();
  }
}
