/**
 * The registered secret agents, as NetworkManager 1.42's agent manager keeps
 * them (nm-agent-manager.c): one agent per (identifier, uid) — a second
 * Register of an identifier by the same user is refused, whoever sends it —
 * each remembered with its sender's unique name, uid, pid and capabilities.
 * Unregister drops the sender's agent; a sender that leaves the bus loses all
 * of its agents. Listeners hear of every change, so requests in flight can
 * add a new agent or forget a gone one.
 */
import type { Logger } from '../../sdk/index.js';
import { DBusError } from '../dbus/errors.js';
import { identifierProblem } from './identifier.js';
import { AgentManagerErrors } from './nm-agent-constants.js';

export interface SecretAgent {
  /** The agent's unique bus name (":1.42"); calls go there. */
  readonly sender: string;
  readonly identifier: string;
  readonly uid: number;
  /** The agent's process, when the bus told us. */
  readonly pid?: number;
  /** When that process started (clock ticks after boot), when known: NetworkManager prefers agents started later. */
  readonly startTime?: number;
  /** NMSecretAgentCapabilities. */
  readonly capabilities: number;
  /** Registration order (ties are broken by it: later first, as a later start). */
  readonly seq: number;
}

export type AgentInput = Omit<SecretAgent, 'seq'>;

type Listener = (agent: SecretAgent) => void;

export class AgentRegistry {
  private readonly agents: SecretAgent[] = [];
  private readonly added = new Set<Listener>();
  private readonly removed = new Set<Listener>();
  private seq = 0;

  constructor(private readonly log: Logger) {}

  /** Every agent, in registration order. */
  all(): readonly SecretAgent[] {
    return this.agents;
  }

  get size(): number {
    return this.agents.length;
  }

  /** Add an agent; throws NetworkManager's InvalidIdentifier or PermissionDenied error. */
  register(input: AgentInput): SecretAgent {
    const problem = identifierProblem(input.identifier);
    if (problem) throw new DBusError(AgentManagerErrors.InvalidIdentifier, problem);
    if (this.agents.some((a) => a.identifier === input.identifier && a.uid === input.uid)) {
      throw new DBusError(AgentManagerErrors.PermissionDenied, 'An agent with this ID is already registered for this user.');
    }
    const agent: SecretAgent = Object.freeze({ ...input, seq: ++this.seq });
    this.agents.push(agent);
    this.log.info('secret agent registered', describe(agent));
    for (const l of this.added) l(agent);
    return agent;
  }

  /** The Unregister call: the sender's (first) agent goes; NotRegistered when it has none. */
  unregister(sender: string): SecretAgent {
    const agent = this.agents.find((a) => a.sender === sender);
    if (!agent) throw new DBusError(AgentManagerErrors.NotRegistered, 'Caller is not registered as an Agent');
    this.remove(agent, 'unregistered');
    return agent;
  }

  /** A sender left the bus (or an agent call found it gone): all of its agents go. */
  dropSender(sender: string, why = 'left the bus'): void {
    for (const agent of this.agents.filter((a) => a.sender === sender)) this.remove(agent, why);
  }

  /** Forget every agent (shutdown), telling the listeners. */
  clear(): void {
    for (const agent of [...this.agents]) this.remove(agent, 'daemon stopping');
  }

  onAdded(l: Listener): () => void {
    this.added.add(l);
    return () => this.added.delete(l);
  }

  onRemoved(l: Listener): () => void {
    this.removed.add(l);
    return () => this.removed.delete(l);
  }

  private remove(agent: SecretAgent, why: string): void {
    const i = this.agents.indexOf(agent);
    if (i < 0) return;
    this.agents.splice(i, 1);
    this.log.info(`secret agent ${why}`, describe(agent));
    for (const l of this.removed) l(agent);
  }
}

/** What is logged about an agent (never anything it sent). */
export function describe(agent: SecretAgent): Record<string, string | number> {
  return { sender: agent.sender, identifier: agent.identifier, uid: agent.uid, capabilities: agent.capabilities };
}
