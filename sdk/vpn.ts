/**
 * VPN plugins written in TypeScript. A plugin contributes one
 * VpnPluginDefinition per VPN type under Tokens.VpnPlugin; core runs it in
 * nmkd the way NetworkManager runs a classic VPN service, so clients (nmcli,
 * applets) see the same VPN connection, states and IP configuration.
 *
 * The life of one connection: core asks `needSecrets` (with the secrets it
 * has: the profile's, then the secret agents'), then calls `connect` once.
 * The plugin brings the tunnel up and calls `reportConfig` when it is up;
 * it may call `requestSecrets` (a password prompt) or `fail` at any time.
 * When the user (or the base connection going down) ends it, `signal` aborts
 * and the `onDisconnect` callbacks run; the plugin must then release
 * everything it started (child processes, sockets, files).
 */
import type { Logger } from './logger.js';
import type { ConnectionSettings } from './settings/index.js';

/** A VPN profile as the plugin sees it: vpn.data and vpn.secrets are string maps, as in NetworkManager. */
export interface VpnProfile {
  readonly id: string;
  readonly uuid: string;
  /** vpn.data: the plugin's own options (NetworkManager's keys for a known VPN type). */
  readonly data: Readonly<Record<string, string>>;
  /** vpn.secrets: what the profile and the secret agents gave. */
  readonly secrets: Readonly<Record<string, string>>;
  /** vpn.user-name. */
  readonly userName?: string;
  /** The whole profile (ipv4/ipv6 settings...), secrets included. */
  readonly settings: ConnectionSettings;
}

/** A route pushed by the VPN server (next hop inside the tunnel, or none: on-link). */
export interface VpnRouteReport {
  dest: string;
  prefix: number;
  nextHop?: string;
}

/** One family's configuration of the tunnel. */
export interface VpnIpReport {
  address: string;
  prefix: number;
  /** Point-to-point peer (net30/p2p topologies). */
  peer?: string;
  /** The default route's next hop inside the tunnel (when it needs one). */
  gateway?: string;
  routes?: VpnRouteReport[];
  dns?: string[];
  domains?: string[];
  /** The server says: do not route everything through the tunnel. */
  neverDefault?: boolean;
}

/** What `reportConfig` takes: the tunnel is up with this configuration. */
export interface VpnConfigReport {
  /** The tunnel interface; omitted when the plugin configures no interface of its own. */
  tundev?: string;
  /** The VPN server's public address (core adds a host route to it through the base connection). */
  gateway: string;
  mtu?: number;
  banner?: string;
  ipv4?: VpnIpReport;
  ipv6?: VpnIpReport;
}

/** Why a connection failed (NetworkManager's VPN plugin failures). */
export type VpnFailureReason = 'login-failed' | 'connect-failed' | 'bad-ip-config';

/** What `connect` receives: the profile, and the ways to talk back to core. */
export interface VpnConnectContext extends VpnProfile {
  readonly logger: Logger;
  /** Aborts when the connection is to end (disconnect, failure, nmkd stopping). */
  readonly signal: AbortSignal;
  /** Run when the connection ends, in reverse order of registration; awaited. */
  onDisconnect(fn: () => void | Promise<void>): void;
  /**
   * Ask the secret agents (nmcli --ask, the applet) for secrets, by vpn.secrets
   * key ("password"); `message` is shown to the user. Resolves with every
   * secret the connection now has; rejects when none can be had or it ends.
   */
  requestSecrets(hints: string[], message?: string): Promise<Record<string, string>>;
  /** The tunnel is up: core applies the addresses, routes and DNS. Once per connection. */
  reportConfig(config: VpnConfigReport): void;
  /** Give up: core ends the connection with this reason and `message` in its log. */
  fail(reason: VpnFailureReason, message: string): void;
  /** A login banner for the user (VPN.Connection Banner). */
  banner(text: string): void;
}

/** A file an importer wants written beside the profile (an inline certificate of an .ovpn). */
export interface VpnImportFile {
  path: string;
  text: string;
}

export interface VpnImportResult {
  settings: ConnectionSettings;
  /** Files the caller writes (mode 0600) before adding the profile; the profile names them by path. */
  files: VpnImportFile[];
}

export interface VpnImportOptions {
  /** Where inline blobs (certificates, keys) go: NetworkManager uses ~/.cert/nm-openvpn. */
  blobDir: string;
}

export interface VpnPluginDefinition {
  /** vpn.service-type it serves ("org.freedesktop.NetworkManager.openvpn"), as a classic .name file's service=. */
  serviceType: string;
  /** Short name ("openvpn"): `nmk connection import --type NAME`. */
  name: string;
  /** The setting that still lacks secrets ("vpn"; core then asks the agents), or undefined when connect can go ahead. */
  needSecrets(profile: VpnProfile): string | undefined;
  /** Start the connection; a rejection fails it (connect-failed). May resolve before the tunnel is up. */
  connect(ctx: VpnConnectContext): Promise<void>;
  /**
   * Optional, a pure function of its inputs: a client configuration file
   * (`fileName` is its absolute path, for relative paths inside it) to a profile.
   * Throws an Error naming the file, line and option for what it cannot read.
   */
  import?(fileText: string, fileName: string, options: VpnImportOptions): VpnImportResult;
  /** Optional: the profile as a client configuration file. */
  export?(profile: VpnProfile): string;
}

/**
 * The named export of a VPN plugin's entry module that lists its definitions,
 * so tools can use an importer without nmkd (`nmk connection import`).
 */
export const VPN_PLUGINS_EXPORT = 'vpnPlugins';

/** A plugin's entry contributes what this returns under Tokens.VpnPlugin. */
export function defineVpnPlugin(definition: VpnPluginDefinition): VpnPluginDefinition {
  return definition;
}
