/**
 * NMConnectivityState values and their order. The order is not numeric:
 * NetworkManager ranks PORTAL above LIMITED (nm_connectivity_state_cmp), so
 * UNKNOWN < NONE < LIMITED < PORTAL < FULL.
 */
import { NMConnectivity } from '../../sdk/index.js';

export type ConnectivityState = (typeof NMConnectivity)[keyof typeof NMConnectivity];

const RANK: Record<ConnectivityState, number> = {
  [NMConnectivity.UNKNOWN]: 0,
  [NMConnectivity.NONE]: 1,
  [NMConnectivity.LIMITED]: 2,
  [NMConnectivity.PORTAL]: 3,
  [NMConnectivity.FULL]: 4,
};

/** The better of two states. */
export function betterOf(a: ConnectivityState, b: ConnectivityState): ConnectivityState {
  return RANK[b] > RANK[a] ? b : a;
}

const NAMES: Record<ConnectivityState, string> = {
  [NMConnectivity.UNKNOWN]: 'UNKNOWN',
  [NMConnectivity.NONE]: 'NONE',
  [NMConnectivity.LIMITED]: 'LIMITED',
  [NMConnectivity.PORTAL]: 'PORTAL',
  [NMConnectivity.FULL]: 'FULL',
};

/** NetworkManager's names, for log lines. */
export const stateName = (s: ConnectivityState): string => NAMES[s] ?? String(s);

/** The result of one check: a state and the reason NetworkManager would log. */
export interface CheckResult {
  state: ConnectivityState;
  reason: string;
}
