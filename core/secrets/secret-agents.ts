/**
 * Secret agents for the rest of nmk: the registry, GetSecrets requests, and
 * the SaveSecrets/DeleteSecrets notices NetworkManager 1.42 sends
 * (nm-agent-manager.c nm_agent_manager_get_secrets, _save_secrets,
 * _delete_secrets, _all_agents_have_capability).
 *
 *   const secrets = await secretAgents.getSecrets({ profile, settingName: 'vpn', hints, flags, subject, signal })
 *     -> { vpn: { secrets: Variant<a{ss}> , ... } }  the setting's secrets, D-Bus form
 *     rejects DBusError AgentManager.NoSecrets / .UserCanceled, NmkError SETTING_NOT_FOUND,
 *     or SecretsCancelledError (signal aborted, or nmk stopping)
 *   const plain = await secretAgents.getSecretSettings(same options)
 *     -> { vpn: { secrets: { password: '...' } } }  the same, as ConnectionSettings (sdk's plain values)
 *
 * The D-Bus frontend attaches the transport once it is on the bus; before
 * that no agent can have registered, so requests end with NoSecrets.
 */
import type { ConnectionSettings, Logger } from '../../sdk/index.js';
import { settingsFromWire, settingsToWire } from '../settings/dbus-form.js';
import { orderAgents, type SecretsSubject } from './agent-order.js';
import { AgentRegistry, type SecretAgent } from './agent-registry.js';
import type { AgentTransport } from './agent-transport.js';
import { GetSecretsRequest, type GetSecretsOptions, type SecretsProfile } from './get-secrets-request.js';
import { AGENT_GONE_ERRORS, SecretFlags } from './nm-agent-constants.js';
import { filterSecrets, mergeSettingSecrets, type WireSettings } from './secret-flags.js';
import { passwdUserName } from './user-names.js';

export { SecretsCancelledError, type GetSecretsOptions, type SecretsProfile } from './get-secrets-request.js';
export type { SecretsSubject } from './agent-order.js';

export interface SecretAgentsOptions {
  log: Logger;
  transport?: AgentTransport;
  /** uid -> user name (default: /etc/passwd). */
  userName?: (uid: number) => string | undefined;
}

export class SecretAgents {
  readonly registry: AgentRegistry;
  private transport?: AgentTransport;
  private readonly requests = new Set<GetSecretsRequest>();
  private readonly log: Logger;
  private readonly userName: (uid: number) => string | undefined;

  constructor(o: SecretAgentsOptions) {
    this.log = o.log;
    this.transport = o.transport;
    this.userName = o.userName ?? ((uid) => passwdUserName(uid));
    this.registry = new AgentRegistry(o.log);
    this.registry.onAdded((a) => this.requests.forEach((r) => r.agentAdded(a)));
    this.registry.onRemoved((a) => this.requests.forEach((r) => r.agentRemoved(a)));
  }

  /** Where agent calls go (the D-Bus frontend's connection). */
  attach(transport: AgentTransport): void {
    this.transport = transport;
  }

  /** Ask the agents for a setting's secrets; see get-secrets-request.ts for the rules. */
  getSecrets(o: GetSecretsOptions): Promise<WireSettings> {
    const req = new GetSecretsRequest(o, {
      transport: this.requireTransport(),
      log: this.log,
      agents: () => this.registry.all(),
      userName: this.userName,
      agentGone: (a) => this.registry.dropSender(a.sender, 'is gone from the bus'),
      done: (r) => this.requests.delete(r),
    });
    this.requests.add(req);
    return req.start().promise;
  }

  /** getSecrets, answered as plain settings values rather than D-Bus variants. */
  async getSecretSettings(o: GetSecretsOptions): Promise<ConnectionSettings> {
    return settingsFromWire(await this.getSecrets(o));
  }

  /**
   * A profile was added or updated by `subject`: its agent-owned secrets go to
   * that user's agents for safe keeping, one agent after another until one
   * takes them (NetworkManager sends this after every Update and Add).
   */
  async saveSecrets(profile: SecretsProfile, subject?: SecretsSubject): Promise<void> {
    const agents = orderAgents(this.registry.all(), { subject, checkAcl: false, permissions: [], userName: this.userName });
    if (agents.length === 0) return;
    const connection = this.withAgentOwnedSecrets(profile);
    for (const agent of agents) {
      try {
        await this.requireTransport().saveSecrets(agent, connection, profile.path);
        this.log.debug('secret agent saved secrets', { connection: profile.path, agent: agent.sender });
        return;
      } catch (err) {
        this.agentFailed(agent, 'SaveSecrets', err);
      }
    }
  }

  /** A profile is gone: every agent is told to forget its secrets (the profile is sent without secrets). */
  async deleteSecrets(profile: SecretsProfile): Promise<void> {
    const agents = orderAgents(this.registry.all(), { checkAcl: false, permissions: [], userName: this.userName });
    if (agents.length === 0) return;
    const connection = settingsToWire(profile.settings, { withSecrets: false });
    for (const agent of agents) {
      try {
        await this.requireTransport().deleteSecrets(agent, connection, profile.path);
      } catch (err) {
        this.agentFailed(agent, 'DeleteSecrets', err);
      }
    }
  }

  /**
   * Whether every agent of the subject's user (all agents for nmk itself) has
   * the capability; true when there is none (NetworkManager's rule, which the
   * VPN code uses to choose ConnectInteractive).
   */
  allAgentsHaveCapability(capability: number, subject?: SecretsSubject): boolean {
    return this.registry.all().every((a) => (subject !== undefined && a.uid !== subject.uid) || (a.capabilities & capability) === capability);
  }

  /** Shutdown: requests in flight are cancelled, agents forgotten. */
  stop(): void {
    for (const r of [...this.requests]) r.cancel('nmk is stopping');
    this.registry.clear();
  }

  private withAgentOwnedSecrets(profile: SecretsProfile): WireSettings {
    const wire = settingsToWire(profile.settings, { withSecrets: false });
    const secrets = settingsToWire(profile.settings, { withSecrets: true, onlySecrets: true });
    const owned = filterSecrets(profile.settings, secrets, (f) => (f & SecretFlags.AGENT_OWNED) !== 0);
    for (const [setting, values] of Object.entries(owned)) wire[setting] = mergeSettingSecrets(setting, wire[setting], values);
    return wire;
  }

  private agentFailed(agent: SecretAgent, member: string, err: unknown): void {
    const name = (err as { dbusName?: string })?.dbusName ?? String((err as Error)?.message ?? err);
    this.log.debug(`secret agent failed ${member}`, { agent: agent.sender, error: name });
    if (AGENT_GONE_ERRORS.has(name)) this.registry.dropSender(agent.sender, 'is gone from the bus');
  }

  private requireTransport(): AgentTransport {
    // Without a transport no agent can have registered; a transport that never answers keeps requests honest.
    return this.transport ?? NO_TRANSPORT;
  }
}

const NO_TRANSPORT: AgentTransport = {
  getSecrets: () => Promise.reject(new Error('not on D-Bus')),
  cancelGetSecrets: () => Promise.resolve(),
  saveSecrets: () => Promise.reject(new Error('not on D-Bus')),
  deleteSecrets: () => Promise.reject(new Error('not on D-Bus')),
};
