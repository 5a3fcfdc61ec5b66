/**
 * NetworkManager 1.42's numbers and names for secret agents
 * (nm-dbus-interface.h, nm-setting.h, nm-errors.h), in one place.
 */

/** NMSecretAgentGetSecretsFlags: what a GetSecrets request allows. */
export const GetSecretsFlags = {
  NONE: 0x0,
  ALLOW_INTERACTION: 0x1,
  REQUEST_NEW: 0x2,
  USER_REQUESTED: 0x4,
  WPS_PBC_ACTIVE: 0x8,
  /** Private: answer from the profile only, ask no agent. Never sent to an agent. */
  ONLY_SYSTEM: 0x80000000,
  /** Private: a D-Bus GetSecrets; missing secrets are no error when no agent can help. Never sent to an agent. */
  NO_ERRORS: 0x40000000,
} as const;

/** The private bits NetworkManager masks off before calling an agent. */
export const PRIVATE_GET_SECRETS_FLAGS = GetSecretsFlags.ONLY_SYSTEM | GetSecretsFlags.NO_ERRORS;

/** NMSecretAgentCapabilities. */
export const AgentCapabilities = {
  NONE: 0x0,
  /** The agent passes a VPN plugin's hints to its dialog (ConnectInteractive is possible). */
  VPN_HINTS: 0x1,
} as const;

/** NMSettingSecretFlags: who owns a secret. */
export const SecretFlags = {
  NONE: 0x0,
  AGENT_OWNED: 0x1,
  NOT_SAVED: 0x2,
  NOT_REQUIRED: 0x4,
} as const;

export const AGENT_MANAGER_PATH = '/org/freedesktop/NetworkManager/AgentManager';
export const AGENT_MANAGER_IFACE = 'org.freedesktop.NetworkManager.AgentManager';
/** Where every agent serves its interface (on its unique name). */
export const SECRET_AGENT_PATH = '/org/freedesktop/NetworkManager/SecretAgent';
export const SECRET_AGENT_IFACE = 'org.freedesktop.NetworkManager.SecretAgent';

/** NMAgentManagerError, as D-Bus error names. */
export const AgentManagerErrors = {
  Failed: `${AGENT_MANAGER_IFACE}.Failed`,
  PermissionDenied: `${AGENT_MANAGER_IFACE}.PermissionDenied`,
  InvalidIdentifier: `${AGENT_MANAGER_IFACE}.InvalidIdentifier`,
  NotRegistered: `${AGENT_MANAGER_IFACE}.NotRegistered`,
  NoSecrets: `${AGENT_MANAGER_IFACE}.NoSecrets`,
  UserCanceled: `${AGENT_MANAGER_IFACE}.UserCanceled`,
} as const;

/** NMSecretAgentError names an agent replies with (only UserCanceled changes the flow). */
export const SecretAgentErrors = {
  UserCanceled: `${SECRET_AGENT_IFACE}.UserCanceled`,
  NoSecrets: `${SECRET_AGENT_IFACE}.NoSecrets`,
  AgentCanceled: `${SECRET_AGENT_IFACE}.AgentCanceled`,
} as const;

/**
 * Errors that mean the agent is gone from the bus: NetworkManager then drops
 * it at once (maybe_remove_agent_on_error), not only at NameOwnerChanged.
 */
export const AGENT_GONE_ERRORS: ReadonlySet<string> = new Set([
  'org.freedesktop.DBus.Error.NameHasNoOwner',
  'org.freedesktop.DBus.Error.ServiceUnknown',
  'org.freedesktop.DBus.Error.Disconnected',
]);

/** Call timeouts (nm-secret-agent.c): GetSecrets may wait on a person. */
export const AGENT_TIMEOUTS = {
  getSecrets: 120_000,
  saveSecrets: 60_000,
  deleteSecrets: 60_000,
  cancelGetSecrets: 1_500,
} as const;
