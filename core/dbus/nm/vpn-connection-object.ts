/**
 * A VPN's active connection on D-Bus, as NetworkManager 1.42 shows it:
 * org.freedesktop.NetworkManager.Connection.Active (Vpn true, Devices the
 * base device, SpecificObject the base active connection, Ip4Config/Ip6Config
 * the tunnel's) and org.freedesktop.NetworkManager.VPN.Connection (VpnState,
 * Banner, the VpnStateChanged signal). Both interfaces are exported at once,
 * so libnm makes an NMVpnConnection of it. Its IP config objects show the
 * tunnel interface (the base device's for IP-less plugins).
 */
import { NMActiveConnectionState } from '../../../sdk/index.js';
import type { NetworkModel } from '../../../sdk/index.js';
import type { ObjectTree } from '../object-tree.js';
import type { InterfaceDef, PropertyRow } from '../rows.js';
import type { VpnActiveConnection } from '../../vpn/vpn-active-connection.js';
import type { VpnManager } from '../../vpn/vpn-manager.js';
import { vpnDnsView } from '../../vpn/vpn-apply.js';
import { ACTIVE_IFACE, ACTIVE_STATE_PROPERTIES, activeConnectionInterface } from './active-connection-object.js';
import { mergeRows } from './activation-rows.js';
import { IP4_CONFIG_IFACE, IP6_CONFIG_IFACE, IP_CONFIG_PROPERTIES, IP_DNS_PROPERTIES, ipConfigInterface } from './ip-config-object.js';
import { NM_IFACE, NM_PATH, NO_OBJECT } from './paths.js';

export const VPN_CONNECTION_IFACE = 'org.freedesktop.NetworkManager.VPN.Connection';

const ro = (name: string, signature: string, get: () => unknown): PropertyRow => ({ name, signature, access: 'read', get });

/** A VPN going down keeps its VPN state until it is DISCONNECTED (NetworkManager has no deactivating VPN state). */
function shownVpnState(vac: VpnActiveConnection): number {
  return vac.vpnState;
}

export function vpnConnectionInterfaces(vac: VpnActiveConnection): InterfaceDef[] {
  const hasIp = () => vac.state >= NMActiveConnectionState.ACTIVATING && vac.state < NMActiveConnectionState.DEACTIVATED;
  const active = mergeRows(activeConnectionInterface(() => undefined), {
    properties: [
      ro('SpecificObject', 'o', () => (vac.done ? NO_OBJECT : vac.base.path)),
      ro('Vpn', 'b', () => true),
      ro('Default', 'b', () => vac.defaultMetric4 !== undefined),
      ro('Default6', 'b', () => vac.defaultMetric6 !== undefined),
      ro('Ip4Config', 'o', () => (hasIp() ? vac.ip4Path : NO_OBJECT)),
      ro('Ip6Config', 'o', () => (hasIp() ? vac.ip6Path : NO_OBJECT)),
      ro('Dhcp4Config', 'o', () => NO_OBJECT),
      ro('Dhcp6Config', 'o', () => NO_OBJECT),
    ],
  });
  return [
    active,
    {
      name: VPN_CONNECTION_IFACE,
      properties: [ro('VpnState', 'u', () => shownVpnState(vac)), ro('Banner', 's', () => vac.banner)],
      signals: [{ name: 'VpnStateChanged', args: [['state', 'u'], ['reason', 'u']] }],
    },
  ];
}

/**
 * Keep the bus in step with the VPN manager: export a VPN's objects when it
 * starts, announce its states (StateChanged and VpnStateChanged), its IP
 * config and banner, the manager's ActiveConnections, and remove its objects
 * when it ends. Returns the unsubscribe function.
 */
export function exportVpnConnections(vpn: VpnManager, tree: ObjectTree, model: NetworkModel, managerChanged: () => void): () => void {
  const lastVpnState = new Map<string, number>();
  return vpn.onChange((vac, change) => {
    if (change === 'new') {
      tree.export(vac.path, vpnConnectionInterfaces(vac), vac);
      tree.export(vac.ip4Path, [ipConfigInterface(4, model)], { ifindex: () => vac.configIfindex, dns: () => vpnDnsView(vac, 4) });
      tree.export(vac.ip6Path, [ipConfigInterface(6, model)], { ifindex: () => vac.configIfindex, dns: () => vpnDnsView(vac, 6) });
      tree.changed(NM_PATH, NM_IFACE, ['ActiveConnections']);
      managerChanged();
      return;
    }
    if (change === 'banner') {
      tree.changed(vac.path, VPN_CONNECTION_IFACE, ['Banner']);
      return;
    }
    if (change === 'ip') {
      tree.changed(vac.ip4Path, IP4_CONFIG_IFACE, [...IP_CONFIG_PROPERTIES, ...IP_DNS_PROPERTIES]);
      // IP6Config has no NameserverData (NetworkManager 1.42 has it on IP4Config only).
      tree.changed(vac.ip6Path, IP6_CONFIG_IFACE, [...IP_CONFIG_PROPERTIES, ...IP_DNS_PROPERTIES.filter((p) => p !== 'NameserverData')]);
      return;
    }
    if (change === 'state') {
      tree.changed(vac.path, ACTIVE_IFACE, [...ACTIVE_STATE_PROPERTIES, 'SpecificObject']);
      tree.emitSignal(vac.path, ACTIVE_IFACE, 'StateChanged', [vac.state, vac.stateReason]);
      const shown = shownVpnState(vac);
      if (lastVpnState.get(vac.path) !== shown) {
        lastVpnState.set(vac.path, shown);
        tree.changed(vac.path, VPN_CONNECTION_IFACE, ['VpnState']);
        tree.emitSignal(vac.path, VPN_CONNECTION_IFACE, 'VpnStateChanged', [shown, vac.vpnReason]);
      }
      managerChanged();
      return;
    }
    // gone
    lastVpnState.delete(vac.path);
    tree.flush();
    tree.unexport(vac.path);
    tree.unexport(vac.ip4Path);
    tree.unexport(vac.ip6Path);
    tree.changed(NM_PATH, NM_IFACE, ['ActiveConnections']);
    managerChanged();
  });
}
