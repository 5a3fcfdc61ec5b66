/**
 * Which agents a request asks, and in which order (nm-agent-manager.c
 * request_add_agent, agent_compare_func):
 *  - A request made for a user (a D-Bus caller: `subject` set) asks only that
 *    user's agents; one made by nmk itself (autoconnect: no subject) asks all.
 *  - GetSecrets skips an agent whose user is not in the profile's
 *    connection.permissions (root always passes; empty permissions admit all).
 *  - Order: the requesting process's own agent first; then agents started
 *    later first (NetworkManager's aid to debugging agents). NetworkManager
 *    puts agents of active login sessions before others; nmk has no session
 *    monitor, so that step is left out.
 */
import type { SecretAgent } from './agent-registry.js';

/** Who a request is for: a D-Bus caller's uid (and pid when known); undefined for nmk itself. */
export interface SecretsSubject {
  readonly uid: number;
  readonly pid?: number;
}

export interface OrderInput {
  subject?: SecretsSubject;
  /** GetSecrets checks the profile's permissions; SaveSecrets and DeleteSecrets do not. */
  checkAcl: boolean;
  /** connection.permissions of the profile ("user:NAME:" entries). */
  permissions: readonly string[];
  /** The user name of a uid, undefined when unknown (then a restricted profile is refused). */
  userName(uid: number): string | undefined;
}

/** The user names a connection.permissions list admits; empty for "everyone". */
export function permittedUsers(permissions: readonly string[]): string[] {
  return permissions.flatMap((p) => (p.startsWith('user:') ? [p.slice(5).split(':')[0]!] : [])).filter(Boolean);
}

/** Whether an agent of `uid` may see the profile (nm_auth_is_subject_in_acl). */
export function inAcl(uid: number, permissions: readonly string[], userName: (uid: number) => string | undefined): boolean {
  if (uid === 0 || permissions.length === 0) return true;
  const name = userName(uid);
  return name !== undefined && permittedUsers(permissions).includes(name);
}

export function orderAgents(agents: readonly SecretAgent[], o: OrderInput): SecretAgent[] {
  const eligible = agents.filter((a) => (!o.checkAcl || inAcl(a.uid, o.permissions, o.userName)) && (o.subject === undefined || a.uid === o.subject.uid));
  return eligible.sort((a, b) => compareAgents(a, b, o.subject?.pid));
}

/** Negative when `a` is asked before `b`. */
export function compareAgents(a: SecretAgent, b: SecretAgent, requesterPid?: number): number {
  if (requesterPid !== undefined && a.pid !== b.pid) {
    if (a.pid === requesterPid) return -1;
    if (b.pid === requesterPid) return 1;
  }
  const sa = a.startTime ?? -1;
  const sb = b.startTime ?? -1;
  if (sa !== sb) return sb - sa;
  // Equal start (or unknown): NetworkManager's sorted insert puts the newer agent first.
  return b.seq - a.seq;
}
