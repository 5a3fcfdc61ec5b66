/**
 * One active connection: a profile applied to a device, from the request to
 * DEACTIVATED. It remembers the settings as applied (later edits to the
 * profile do not change it until a reapply) and every address and route it
 * put in the kernel, so that deactivation removes exactly those and nothing
 * another tool added.
 */
import { NMActivationStateFlags, NMActiveConnectionState, type AddressSpec, type ConnectionSettings, type Family, type RouteSpec, type RuleSpec } from '../../sdk/index.js';
import type { DynamicIp } from './dynamic/dynamic-ip.js';
import type { Device } from '../devices/device.js';
import type { Profile } from '../settings/profile.js';

export const ACTIVE_PATH_PREFIX = '/org/freedesktop/NetworkManager/ActiveConnection/';
export const IP4_CONFIG_PATH_PREFIX = '/org/freedesktop/NetworkManager/IP4Config/';
export const IP6_CONFIG_PATH_PREFIX = '/org/freedesktop/NetworkManager/IP6Config/';
export const DHCP4_CONFIG_PATH_PREFIX = '/org/freedesktop/NetworkManager/DHCP4Config/';
export const DHCP6_CONFIG_PATH_PREFIX = '/org/freedesktop/NetworkManager/DHCP6Config/';

export class ActiveConnection {
  state: number = NMActiveConnectionState.UNKNOWN;
  stateReason = 0;
  stateFlags = 0;
  /**
   * The metric of the default route this connection added, per family
   * (undefined: none). The connection with the lowest one is the Default
   * (Default6) and the manager's primary connection.
   */
  defaultMetric4?: number;
  defaultMetric6?: number;
  /** What this activation added to the kernel, in the order it was added. */
  readonly ownedAddresses: AddressSpec[] = [];
  readonly ownedRoutes: RouteSpec[] = [];
  readonly ownedRules: RuleSpec[] = [];
  /** The automatic part of each family (DHCP, router discovery, sharing), while it runs. */
  readonly dynamic = new Map<Family, DynamicIp>();
  /** Set when deactivation was asked for: the activation chain stops at its next step. */
  cancelled = false;
  /** The activation failed (rather than being taken down): autoconnect counts it against autoconnect-retries. */
  failed = false;
  /** Pending deactivation after the carrier went (NetworkManager waits a few seconds for it to come back). */
  carrierTimer?: NodeJS.Timeout;
  /** nmk created the link for this activation (a software device): deactivation deletes it again. */
  createdLink = false;
  /** Bumped by each Reapply: GetAppliedConnection's version_id. */
  version = 1;
  /** Taken over from what the kernel already had (at start-up or after a restart). */
  assumed = false;
  /** The controller's active connection, for a port (connection.master). */
  controller?: ActiveConnection;
  /** A controller's live ports (kept by the activation manager), so taking it down does not walk every connection. */
  readonly ports = new Set<ActiveConnection>();
  /** IPv6 sysctls written before the link went up (name -> value): the IPv6 configuration does not write them again. */
  readonly earlySysctls = new Map<string, string>();

  constructor(
    readonly id: number,
    readonly profile: Profile,
    /** The settings as applied: a copy, changed only by Reapply. */
    public applied: ConnectionSettings,
    readonly device: Device,
  ) {}

  get path(): string {
    return `${ACTIVE_PATH_PREFIX}${this.id}`;
  }
  get ip4Path(): string {
    return `${IP4_CONFIG_PATH_PREFIX}${this.id}`;
  }
  get ip6Path(): string {
    return `${IP6_CONFIG_PATH_PREFIX}${this.id}`;
  }
  dhcpPath(family: Family): string {
    return `${family === 4 ? DHCP4_CONFIG_PATH_PREFIX : DHCP6_CONFIG_PATH_PREFIX}${this.id}`;
  }
  get uuid(): string {
    return this.profile.uuid;
  }
  get type(): string {
    return String(this.applied.connection?.type ?? '');
  }
  /** Generated to describe another tool's configuration: nmk writes and owns nothing. */
  get external(): boolean {
    return (this.stateFlags & NMActivationStateFlags.EXTERNAL) !== 0;
  }
  get done(): boolean {
    return this.state >= NMActiveConnectionState.DEACTIVATED;
  }
}
