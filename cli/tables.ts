/** nmcli's names for numeric values, as tables. */
import { NMConnectivity, NMDeviceState, NMDeviceType, NMState } from '../sdk/nm.js';

const invert = (o: Record<string, number>) => new Map(Object.entries(o).map(([k, v]) => [v, k]));

/** nmcli's device type names ("ethernet", "bridge", "loopback"...). */
const TYPE_NAMES: Record<number, string> = {
  [NMDeviceType.ETHERNET]: 'ethernet', [NMDeviceType.WIFI]: 'wifi', [NMDeviceType.BOND]: 'bond', [NMDeviceType.VLAN]: 'vlan',
  [NMDeviceType.BRIDGE]: 'bridge', [NMDeviceType.GENERIC]: 'generic', [NMDeviceType.TEAM]: 'team', [NMDeviceType.MACVLAN]: 'macvlan',
  [NMDeviceType.VXLAN]: 'vxlan', [NMDeviceType.VETH]: 'ethernet', [NMDeviceType.DUMMY]: 'dummy', [NMDeviceType.LOOPBACK]: 'loopback',
  [NMDeviceType.INFINIBAND]: 'infiniband', [NMDeviceType.TUN]: 'tun', [NMDeviceType.WIREGUARD]: 'wireguard', [NMDeviceType.VRF]: 'vrf',
};

const STATE_NAMES: Record<number, string> = {
  [NMDeviceState.UNKNOWN]: 'unknown', [NMDeviceState.UNMANAGED]: 'unmanaged', [NMDeviceState.UNAVAILABLE]: 'unavailable',
  [NMDeviceState.DISCONNECTED]: 'disconnected', [NMDeviceState.PREPARE]: 'connecting (prepare)', [NMDeviceState.CONFIG]: 'connecting (configuring)',
  [NMDeviceState.NEED_AUTH]: 'connecting (need authentication)', [NMDeviceState.IP_CONFIG]: 'connecting (getting IP configuration)',
  [NMDeviceState.IP_CHECK]: 'connecting (checking IP connectivity)', [NMDeviceState.SECONDARIES]: 'connecting (starting secondary connections)',
  [NMDeviceState.ACTIVATED]: 'connected', [NMDeviceState.DEACTIVATING]: 'deactivating', [NMDeviceState.FAILED]: 'connection failed',
};

const NM_STATE_NAMES = invert(NMState);
const CONNECTIVITY_NAMES = invert(NMConnectivity);

/** nmcli's words for a VPN connection's state (NMVpnConnectionState), as `nmcli connection up` prints them. */
const VPN_STATE_NAMES: Record<number, string> = {
  0: 'unknown', 1: 'VPN connecting (prepare)', 2: 'VPN connecting (need authentication)', 3: 'VPN connecting',
  4: 'VPN connecting (getting IP configuration)', 5: 'VPN connected', 6: 'VPN connection failed', 7: 'VPN disconnected',
};

export const vpnStateName = (s: number) => VPN_STATE_NAMES[s] ?? 'unknown';
export const deviceTypeName = (t: number) => TYPE_NAMES[t] ?? 'unknown';
export const deviceStateName = (s: number) => STATE_NAMES[s] ?? 'unknown';
export const managerStateName = (s: number) => (NM_STATE_NAMES.get(s) ?? 'UNKNOWN').toLowerCase().replace(/_/g, ' ');
/** nmcli's connectivity words: unknown, none, portal, limited, full. */
export const connectivityName = (c: number) => (CONNECTIVITY_NAMES.get(c) ?? 'UNKNOWN').toLowerCase();
