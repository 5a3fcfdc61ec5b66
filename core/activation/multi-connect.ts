/**
 * connection.multi-connect, as NetworkManager 1.42 reads it
 * (_nm_connection_get_multi_connect, nm-manager.c): how many devices may
 * carry one profile at once. 0 ("default") takes `connection.multi-connect`
 * from the config's `[connection*]` sections without match-device, else single:
 * the answer cannot depend on a device, since it decides which devices may
 * take the profile. (NetworkManager 1.42 reads no config default for it at
 * all, nm-connection.c _nm_connection_get_multi_connect; nmk keeps the
 * device-free one it always read.)
 */
import { connectionDefaultsOf, type ConfigView, type ConnectionSettings } from '../../sdk/index.js';

export const MultiConnect = { SINGLE: 1, MANUAL_MULTIPLE: 2, MULTIPLE: 3 } as const;
export type MultiConnectMode = (typeof MultiConnect)[keyof typeof MultiConnect];

const known = (v: unknown): v is MultiConnectMode => v === 1 || v === 2 || v === 3;

export function multiConnectOf(settings: ConnectionSettings, config?: ConfigView): MultiConnectMode {
  const own = settings.connection?.['multi-connect'];
  if (known(own)) return own;
  const global = connectionDefaultsOf(config).getInteger('connection.multi-connect', undefined, 0);
  return known(global) ? global : MultiConnect.SINGLE;
}

/**
 * Whether an activation leaves the profile's other activations up:
 * `multiple` always, `manual-multiple` unless autoconnect started it (NM's
 * activation reasons assume, autoconnect-slaves and user-request).
 */
export function keepsOtherActivations(mode: MultiConnectMode, byAutoconnect: boolean): boolean {
  return mode === MultiConnect.MULTIPLE || (mode === MultiConnect.MANUAL_MULTIPLE && !byAutoconnect);
}
