/**
 * A VPN's active connection: an ActiveConnection whose device is the base
 * connection's device (NetworkManager's Devices for a VPN), with the VPN's
 * own state, banner, the service that carries it and what it reported.
 * The tunnel's addresses and routes are in ownedAddresses/ownedRoutes (the
 * gateway's host route too), so teardown removes exactly those.
 */
import { ActiveConnection } from '../activation/active-connection.js';
import type { Device } from '../devices/device.js';
import type { Profile } from '../settings/profile.js';
import type { ConnectionSettings } from '../../sdk/index.js';
import type { VpnGeneric, VpnIpConfig } from './vpn-config.js';
import type { VpnService } from './vpn-service.js';
import { VpnState } from './vpn-states.js';

export class VpnActiveConnection extends ActiveConnection {
  vpnState: number = VpnState.UNKNOWN;
  vpnReason = 0;
  banner = '';
  service?: VpnService;
  generic?: VpnGeneric;
  ip4?: VpnIpConfig;
  ip6?: VpnIpConfig;
  /** The interface the config goes on: the tunnel, or the base device for IP-less plugins. */
  ipIfindex = 0;
  /** The reason a Failure signal gave, used when the service then stops (NetworkManager's failure_reason). */
  failureReason = 0;
  connectTimer?: NodeJS.Timeout;

  constructor(
    id: number,
    profile: Profile,
    applied: ConnectionSettings,
    device: Device,
    /** The active connection the VPN runs over. */
    readonly base: ActiveConnection,
  ) {
    super(id, profile, applied, device);
  }

  /** The interface the IP config objects show: the tunnel once known, else the base device. */
  get configIfindex(): number {
    return this.ipIfindex || this.device.ifindex;
  }
}
