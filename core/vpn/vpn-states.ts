/**
 * NetworkManager's VPN connection states (NMVpnConnectionState) and how they
 * map onto the active connection's state (nm-vpn-connection.c): everything
 * before ACTIVATED is ACTIVATING; FAILED and DISCONNECTED are DEACTIVATED.
 * Reasons are NMActiveConnectionStateReason values (VpnStateChanged carries
 * the same numbers since NetworkManager 1.8).
 */
import { NMActiveConnectionState as AC } from '../../sdk/index.js';

export const VpnState = { UNKNOWN: 0, PREPARE: 1, NEED_AUTH: 2, CONNECT: 3, IP_CONFIG_GET: 4, ACTIVATED: 5, FAILED: 6, DISCONNECTED: 7 } as const;

/** The active connection's state for a VPN state (DEACTIVATING is set on its own while tearing down). */
export const AC_STATE_OF_VPN: Record<number, number> = {
  [VpnState.UNKNOWN]: AC.UNKNOWN,
  [VpnState.PREPARE]: AC.ACTIVATING,
  [VpnState.NEED_AUTH]: AC.ACTIVATING,
  [VpnState.CONNECT]: AC.ACTIVATING,
  [VpnState.IP_CONFIG_GET]: AC.ACTIVATING,
  [VpnState.ACTIVATED]: AC.ACTIVATED,
  [VpnState.FAILED]: AC.DEACTIVATED,
  [VpnState.DISCONNECTED]: AC.DEACTIVATED,
};

/** Names for log lines. */
export const VPN_STATE_NAME: Record<number, string> = {
  0: 'unknown', 1: 'prepare', 2: 'need-auth', 3: 'connect', 4: 'ip-config-get', 5: 'activated', 6: 'failed', 7: 'disconnected',
};
