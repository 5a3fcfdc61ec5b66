/**
 * connection.multi-connect, as NetworkManager 1.42 reads it
 * (_nm_connection_get_multi_connect, nm-manager.c): how many devices may
 * carry one profile at once. 0 ("default") takes `[connection]
 * connection.multi-connect` from the config, else single.
 */
import type { ConfigView, ConnectionSettings } from '../../sdk/index.js';

export const MultiConnect = { SINGLE: 1, MANUAL_MULTIPLE: 2, MULTIPLE: 3 } as const;
export type MultiConnectMode = (typeof MultiConnect)[keyof typeof MultiConnect];

const known = (v: unknown): v is MultiConnectMode => v === 1 || v === 2 || v === 3;

export function multiConnectOf(settings: ConnectionSettings, config?: ConfigView): MultiConnectMode {
  const own = settings.connection?.['multi-connect'];
  if (known(own)) return own;
  const global = config?.getInteger('connection', 'connection.multi-connect', 0);
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
