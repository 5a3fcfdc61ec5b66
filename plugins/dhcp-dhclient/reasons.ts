/**
 * What each dhclient script event (the `reason` variable, see
 * dhclient-script(8)) means to nmk, after NetworkManager 1.42's
 * nm_dhcp_client_handle_event: lease events become onLease, the ends of a
 * lease become onFailure with the matching reason, the rest is acknowledged.
 */
import type { DhcpFailure } from '../../sdk/index.js';

export type ReasonAction =
  /** Acknowledge and do nothing (PREINIT, DEPREF6, MEDIUM...). */
  | { kind: 'ignore' }
  /** A lease was bound, renewed, rebound or confirmed. */
  | { kind: 'lease' }
  /** The lease is gone or none came. */
  | { kind: 'failure'; failure: DhcpFailure; what: string }
  /** dhclient gave up its lease itself (RELEASE, STOP): expected only while nmk stops it. */
  | { kind: 'ended'; what: string };

const ROWS: ReadonlyArray<[reasons: readonly string[], action: ReasonAction]> = [
  [['PREINIT', 'PREINIT6', 'MEDIUM', 'NBI', 'DEPREF6'], { kind: 'ignore' }],
  [['BOUND', 'BOUND6', 'RENEW', 'RENEW6', 'REBIND', 'REBIND6', 'REBOOT', 'STATIC'], { kind: 'lease' }],
  // dhclient heard no server and tried a lease from its file: NetworkManager counts that as a timeout.
  [['TIMEOUT'], { kind: 'failure', failure: 'timeout', what: 'no DHCP server answered (dhclient TIMEOUT)' }],
  [['FAIL', 'ABEND'], { kind: 'failure', failure: 'timeout', what: 'dhclient got no lease and gave up (FAIL)' }],
  [['EXPIRE', 'EXPIRE6'], { kind: 'failure', failure: 'expired', what: 'the lease expired without a renewal (EXPIRE)' }],
  [['NAK'], { kind: 'failure', failure: 'nak', what: 'the server refused the lease (NAK)' }],
  [['RELEASE', 'RELEASE6', 'STOP', 'STOP6', 'END', 'STOPPED'], { kind: 'ended', what: 'dhclient released its lease' }],
];

const BY_REASON = new Map(ROWS.flatMap(([reasons, action]) => reasons.map((r) => [r, action] as const)));

/** The action for a reason (case does not matter); undefined for one nmk does not know. */
export function reasonAction(reason: string): ReasonAction | undefined {
  return BY_REASON.get(reason.toUpperCase());
}
