/**
 * The contract between a VPN connection and whatever carries it out: the
 * classic out-of-process D-Bus service NetworkManager's plugins provide
 * (dbus-vpn-service.ts), and later a plugin written against nmk's TypeScript
 * SDK. The shapes are NetworkManager's org.freedesktop.NetworkManager.VPN.Plugin:
 * the profile goes in as its D-Bus form (a{sa{sv}}, secrets included), the
 * configuration comes back as the Config / Ip4Config / Ip6Config dictionaries
 * (plain values, see vpn-config.ts for their keys).
 */

/** NMVpnServiceState. */
export const VpnServiceState = { UNKNOWN: 0, INIT: 1, SHUTDOWN: 2, STARTING: 3, STARTED: 4, STOPPING: 5, STOPPED: 6 } as const;
/** NMVpnPluginFailure. */
export const VpnPluginFailure = { LOGIN_FAILED: 0, CONNECT_FAILED: 1, BAD_IP_CONFIG: 2 } as const;

/** A decoded a{sv}: keys to plain values (numbers, strings, booleans, Buffers, arrays). */
export type VpnDict = Record<string, unknown>;
/** A profile on the wire (a{sa{sv}}), as the service receives it. */
export type VpnConnectionDict = Record<string, Record<string, unknown>>;

export interface VpnServiceEvents {
  /** StateChanged (NMVpnServiceState). */
  state: (state: number) => void;
  config: (dict: VpnDict) => void;
  ip4config: (dict: VpnDict) => void;
  ip6config: (dict: VpnDict) => void;
  /** Failure (NMVpnPluginFailure). */
  failure: (reason: number) => void;
  /** SecretsRequired: a message for the user and the secrets (hints) wanted. */
  'secrets-required': (message: string, secrets: string[]) => void;
  banner: (text: string) => void;
  /** The service is gone (exited, crashed, lost its bus name); `why` says how. */
  gone: (why: string) => void;
}

export interface VpnService {
  /** Start it and wait until it can take calls; rejects (with the reason's words) when it cannot start or does not answer in time. */
  start(): Promise<void>;
  connect(connection: VpnConnectionDict, interactive: boolean): Promise<void>;
  /** The setting name that still lacks secrets, or '' when none. */
  needSecrets(connection: VpnConnectionDict): Promise<string>;
  newSecrets(connection: VpnConnectionDict): Promise<void>;
  disconnect(): Promise<void>;
  /** Stop the service (it is not needed any more). Idempotent. */
  stop(): Promise<void>;
  on<E extends keyof VpnServiceEvents>(event: E, listener: VpnServiceEvents[E]): void;
}

/** Errors of start(): why the service could not be used, as NetworkManager reasons about it. */
export class VpnStartError extends Error {
  constructor(
    message: string,
    /** 'failed': exec failed or the program exited; 'timeout': no bus name in time. */
    readonly kind: 'failed' | 'timeout',
  ) {
    super(message);
  }
}

/** The D-Bus error a service answers ConnectInteractive with when it only knows Connect. */
export const INTERACTIVE_NOT_SUPPORTED = 'org.freedesktop.NetworkManager.VPN.Error.InteractiveNotSupported';
