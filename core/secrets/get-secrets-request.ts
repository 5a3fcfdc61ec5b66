/**
 * One GetSecrets request, as NetworkManager 1.42 runs it (nm-agent-manager.c
 * request_start, _con_get_try_complete_early, request_next_agent,
 * _con_get_request_done; the filtering of nm-settings-connection.c
 * get_cmp_flags):
 *
 *  1. On the next turn of the loop: when the profile's own (system-owned)
 *     secrets for the setting are there and enough — ONLY_SYSTEM asked, or
 *     nothing more is needed, or NO_ERRORS with no agent to ask — they are
 *     the answer.
 *  2. Otherwise the agents are asked one at a time, in order (agent-order.ts).
 *     An error or an answer without the setting's secrets moves on to the
 *     next agent; an agent's UserCanceled ends the request with
 *     AgentManager.UserCanceled; no agent left ends it with
 *     AgentManager.NoSecrets. An agent that registers meanwhile joins the
 *     queue; one that leaves is skipped (or, when being asked, abandoned).
 *  3. An agent's answer keeps only the secrets it may give: system-owned
 *     ones only from an agent allowed to modify the profile when interaction
 *     was allowed, never a not-saved or not-required one without interaction.
 *     The answer is the setting's system secrets with the agent's on top.
 *  Cancelling (the caller's AbortSignal) sends CancelGetSecrets to the agent
 *  being asked. Only setting and secret names are logged, never values.
 */
import type { ConnectionSettings, Logger } from '../../sdk/index.js';
import { NmkError } from '../../sdk/index.js';
import { DBusError } from '../dbus/errors.js';
import { compareAgents, orderAgents, type SecretsSubject } from './agent-order.js';
import type { SecretAgent } from './agent-registry.js';
import type { AgentTransport } from './agent-transport.js';
import { AGENT_GONE_ERRORS, AgentManagerErrors, GetSecretsFlags, PRIVATE_GET_SECRETS_FLAGS, SecretAgentErrors, SecretFlags } from './nm-agent-constants.js';
import {
  connectionForAgent,
  filterSecrets,
  holdsSecrets,
  isSystemOwned,
  mergeSettingSecrets,
  secretNames,
  systemSecrets,
  type WireSetting,
  type WireSettings,
} from './secret-flags.js';

/** The part of a profile a request needs (a settings-store Profile fits). */
export interface SecretsProfile {
  readonly path: string;
  readonly id: string;
  readonly settings: ConnectionSettings;
}

export interface GetSecretsOptions {
  profile: SecretsProfile;
  settingName: string;
  /** Secret names, or hints such as "x-vpn-message:..." (VPN), passed to the agent as they are. */
  hints?: readonly string[];
  /** NMSecretAgentGetSecretsFlags (GetSecretsFlags), default NONE. */
  flags?: number;
  /** The stored secrets were wrong: adds REQUEST_NEW and ALLOW_INTERACTION. */
  requestNew?: boolean;
  /** Who the secrets are for (the user who activated); undefined for nmk itself (autoconnect). */
  subject?: SecretsSubject;
  /**
   * Whether the setting's stored secrets are not enough on their own (NetworkManager's
   * nm_connection_need_secrets). Default: always for vpn (as NetworkManager), and when
   * REQUEST_NEW is set; otherwise stored secrets suffice.
   */
  needsMore?: (stored: WireSetting) => boolean;
  signal?: AbortSignal;
}

/** Thrown when the caller cancelled (its AbortSignal) or nmk stopped. */
export class SecretsCancelledError extends Error {
  override readonly name = 'SecretsCancelledError';
}

export interface RequestContext {
  transport: AgentTransport;
  log: Logger;
  /** The agents now registered. */
  agents(): readonly SecretAgent[];
  userName(uid: number): string | undefined;
  /** An agent call found the agent gone from the bus. */
  agentGone(agent: SecretAgent): void;
  /** The request ended (either way). */
  done(req: GetSecretsRequest): void;
}

export class GetSecretsRequest {
  readonly promise: Promise<WireSettings>;
  private resolve!: (v: WireSettings) => void;
  private reject!: (e: unknown) => void;
  private readonly flags: number;
  private readonly existing: WireSettings;
  private pending: SecretAgent[] = [];
  private current?: SecretAgent;
  /** Bumped per agent call, so a late reply from an abandoned call is ignored. */
  private callToken = 0;
  private finished = false;
  private readonly log: Logger;
  private readonly onAbort = () => this.cancel();

  constructor(
    private readonly o: GetSecretsOptions,
    private readonly ctx: RequestContext,
  ) {
    this.promise = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    this.flags = ((o.flags ?? GetSecretsFlags.NONE) | (o.requestNew ? GetSecretsFlags.REQUEST_NEW | GetSecretsFlags.ALLOW_INTERACTION : 0)) >>> 0;
    this.log = ctx.log.child({ connection: o.profile.path, setting: o.settingName });
    this.existing = systemSecrets(o.profile.settings);
    if (!(this.flags & GetSecretsFlags.ONLY_SYSTEM)) this.pending = this.order(ctx.agents());
  }

  /** Begin on the next turn of the loop (NetworkManager's idle start), so a caller can still cancel first. */
  start(): this {
    const { profile, settingName, signal } = this.o;
    if (profile.settings[settingName] === undefined) {
      this.fail(new NmkError('SETTING_NOT_FOUND', `Connection didn't have requested setting '${settingName}'.`));
      return this;
    }
    if (signal?.aborted) {
      this.cancel();
      return this;
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
    this.log.debug('secrets requested', { flags: this.flags, hints: (this.o.hints ?? []).length, agents: this.pending.length });
    setImmediate(() => {
      if (this.finished) return;
      if (!this.completeEarly()) this.nextAgent();
    });
    return this;
  }

  /** A newly registered agent joins the queue when it may answer. */
  agentAdded(agent: SecretAgent): void {
    if (this.finished || this.flags & GetSecretsFlags.ONLY_SYSTEM) return;
    if (this.order([agent]).length === 0) return;
    const i = this.pending.findIndex((a) => compareAgents(agent, a, this.o.subject?.pid) <= 0);
    this.pending.splice(i < 0 ? this.pending.length : i, 0, agent);
    this.log.debug('secret agent added to the request', { agent: agent.sender });
  }

  /** An agent went away: out of the queue, or abandoned and the next one asked. */
  agentRemoved(agent: SecretAgent): void {
    if (this.finished) return;
    this.pending = this.pending.filter((a) => a !== agent);
    if (this.current === agent) {
      this.log.debug('the secret agent being asked went away', { agent: agent.sender });
      this.nextAgent();
    }
  }

  /** Cancel: the agent being asked hears CancelGetSecrets; the promise rejects with SecretsCancelledError. */
  cancel(why = 'the secrets request was cancelled'): void {
    if (this.finished) return;
    const agent = this.current;
    this.fail(new SecretsCancelledError(why));
    if (agent) {
      this.ctx.transport.cancelGetSecrets(agent, this.o.profile.path, this.o.settingName).catch((err: unknown) =>
        this.log.debug('CancelGetSecrets failed', { agent: agent.sender, error: errorName(err) }),
      );
    }
  }

  private order(agents: readonly SecretAgent[]): SecretAgent[] {
    const permissions = this.o.profile.settings.connection?.permissions;
    return orderAgents(agents, {
      subject: this.o.subject,
      checkAcl: true,
      permissions: Array.isArray(permissions) ? (permissions as string[]) : [],
      userName: this.ctx.userName,
    });
  }

  private needsMore(stored: WireSetting): boolean {
    if (this.o.needsMore) return this.o.needsMore(stored);
    return this.o.settingName === 'vpn' || Boolean(this.flags & GetSecretsFlags.REQUEST_NEW);
  }

  private completeEarly(): boolean {
    const stored = this.existing[this.o.settingName];
    if (!holdsSecrets(stored)) return false;
    if (this.flags & GetSecretsFlags.ONLY_SYSTEM || !this.needsMore(stored!)) {
      this.log.debug('system secrets sufficient', { secrets: secretNames(this.o.settingName, stored) });
      this.succeed(stored!);
      return true;
    }
    if (this.flags & GetSecretsFlags.NO_ERRORS && this.pending.length === 0) {
      this.succeed(stored!);
      return true;
    }
    this.log.debug('system secrets insufficient, asking agents');
    return false;
  }

  private nextAgent(): void {
    this.current = undefined;
    const agent = this.pending.shift();
    if (!agent) {
      this.fail(new DBusError(AgentManagerErrors.NoSecrets, 'No agents were available for this request.'));
      return;
    }
    this.current = agent;
    const token = ++this.callToken;
    const { profile, settingName } = this.o;
    // An agent may see the system's secrets only when interaction is allowed and it may modify the profile (root).
    const hasModify = this.flags !== GetSecretsFlags.NONE && agent.uid === 0;
    this.log.debug('asking secret agent', { agent: agent.sender, identifier: agent.identifier, uid: agent.uid, withSystemSecrets: hasModify });
    this.ctx.transport
      .getSecrets(agent, {
        connection: connectionForAgent(profile.settings, settingName, this.existing, hasModify),
        path: profile.path,
        settingName,
        hints: this.o.hints ?? [],
        flags: (this.flags & ~PRIVATE_GET_SECRETS_FLAGS) >>> 0,
      })
      .then(
        (reply) => token === this.callToken && !this.finished && this.answered(agent, reply, hasModify),
        (err: unknown) => token === this.callToken && !this.finished && this.failed(agent, err),
      );
  }

  private answered(agent: SecretAgent, reply: WireSettings, hasModify: boolean): void {
    const { settingName, profile } = this.o;
    if (!holdsSecrets(reply?.[settingName])) {
      this.log.debug('secret agent returned no secrets', { agent: agent.sender });
      this.nextAgent();
      return;
    }
    const settings = profile.settings;
    let required = SecretFlags.NONE as number;
    let forbidden = SecretFlags.NONE as number;
    const hadSystem = Object.keys(filterSecrets(settings, reply, isSystemOwned)).length > 0;
    if (hadSystem && (this.flags === GetSecretsFlags.NONE || !hasModify)) required |= SecretFlags.AGENT_OWNED;
    // Without interaction no secret that needs a person (not saved, not required) may come back.
    if (this.flags === GetSecretsFlags.NONE) forbidden |= SecretFlags.NOT_SAVED | SecretFlags.NOT_REQUIRED;
    const kept = filterSecrets(settings, reply, (f) => (f & required) === required && (f & forbidden) === 0)[settingName];
    this.log.debug('secret agent returned secrets', {
      agent: agent.sender,
      secrets: secretNames(settingName, reply[settingName]),
      kept: secretNames(settingName, kept),
    });
    this.succeed(mergeSettingSecrets(settingName, this.existing[settingName], kept));
  }

  private failed(agent: SecretAgent, err: unknown): void {
    const name = errorName(err);
    this.log.debug('secret agent failed the request', { agent: agent.sender, error: name });
    if (name === SecretAgentErrors.UserCanceled) {
      this.fail(new DBusError(AgentManagerErrors.UserCanceled, 'User canceled the secrets request.'));
      return;
    }
    this.nextAgent();
    if (AGENT_GONE_ERRORS.has(name)) this.ctx.agentGone(agent);
  }

  private succeed(secrets: WireSetting): void {
    this.finish();
    this.resolve({ [this.o.settingName]: secrets });
  }

  private fail(err: unknown): void {
    this.finish();
    this.reject(err);
  }

  private finish(): void {
    this.finished = true;
    this.current = undefined;
    this.callToken++;
    this.o.signal?.removeEventListener('abort', this.onAbort);
    this.ctx.done(this);
  }
}

/** The D-Bus error name of a failure, or a short description of a local one. */
function errorName(err: unknown): string {
  const e = err as { dbusName?: unknown; message?: unknown } | null;
  if (e && typeof e.dbusName === 'string') return e.dbusName;
  return e && typeof e.message === 'string' ? e.message : String(err);
}
