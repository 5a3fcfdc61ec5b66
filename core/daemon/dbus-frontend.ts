/**
 * NetworkManager's D-Bus API, wired to the managers: exports the manager,
 * settings and DNS objects and one object per device, keeps them in step with
 * the bus events (coalesced by the object tree into one PropertiesChanged per
 * object per tick), then owns the name. The bus is required: failing to reach
 * it or to own the name stops start-up with a message naming the address.
 */
import { ListThrottle } from '../dbus/list-throttle.js';
import { NMActiveConnectionState, NMActiveConnectionStateReason, NMDeviceStateReason, NmkError, type ConfigView, type EventBus, type Logger, type NetworkModel } from '../../sdk/index.js';
import { connectBus } from '../dbus/connection.js';
import { ObjectTree } from '../dbus/object-tree.js';
import { ACTIVATION_DRIVEN_PROPERTIES, deviceInterfaceTable, LINK_DRIVEN_PROPERTIES, type DeviceControl } from '../dbus/nm/device-object.js';
import { ACTIVE_IFACE, ACTIVE_STATE_PROPERTIES, activeConnectionInterface } from '../dbus/nm/active-connection-object.js';
import { ACTIVATION_MANAGER_PROPERTIES, activationRows, mergeRows, overallState } from '../dbus/nm/activation-rows.js';
import { IP4_CONFIG_IFACE, IP6_CONFIG_IFACE, IP_CONFIG_PROPERTIES, IP_DNS_PROPERTIES, ipConfigInterface } from '../dbus/nm/ip-config-object.js';
import { DHCP4_CONFIG_IFACE, DHCP6_CONFIG_IFACE, dhcpConfigInterface } from '../dbus/nm/dhcp-config-object.js';
import { ipDnsView } from '../activation/dynamic/dns-config.js';
import type { ActivationManager } from '../activation/activation-manager.js';
import { DNS_MANAGER_PROPERTIES, dnsManagerInterface, type DnsSnapshotSource } from '../dbus/nm/dns-manager-object.js';
import { managerInterface } from '../dbus/nm/manager-object.js';
import { announceConnectivity, connectivityDeviceRows, connectivityManagerRows } from '../dbus/nm/connectivity-rows.js';
import type { Connectivity } from '../connectivity/connectivity.js';
import { DEVICE_IFACE, DNS_MANAGER_IFACE, DNS_MANAGER_PATH, NM_BUS_NAME, NM_IFACE, NM_PATH, SETTINGS_IFACE, SETTINGS_PATH } from '../dbus/nm/paths.js';
import { settingsInterface } from '../dbus/nm/settings-object.js';
import { connectionInterface, CONNECTION_IFACE } from '../dbus/nm/connection-object.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { TimestampView } from '../settings/timestamps.js';
import { checkIncoming } from '../settings/validate.js';
import type { Device } from '../devices/device.js';
import type { DeviceManager } from '../devices/device-manager.js';
import type { LogSink } from '../log/logger.js';
import { AGENT_MANAGER_PATH, agentManagerInterface } from '../dbus/nm/agent-manager-object.js';
import { dbusAgentTransport } from '../secrets/agent-transport.js';
import { watchDepartures } from '../secrets/agent-bus.js';
import { watchProfileRemovals } from '../secrets/profile-notices.js';
import type { SecretAgents } from '../secrets/secret-agents.js';
import type { VpnManager } from '../vpn/vpn-manager.js';
import { exportVpnConnections } from '../dbus/nm/vpn-connection-object.js';

export interface DBusFrontendOptions {
  address?: string;
  logger: Logger;
  events: EventBus;
  devices: DeviceManager;
  activation: ActivationManager;
  /** A user activated this profile by hand (lifts autoconnect blocking). */
  onManualActivation(uuid: string): void;
  /** Networking off pauses autoconnect; on resumes it. */
  pauseAutoconnect(paused: boolean): void;
  settings: SettingsStore;
  model: NetworkModel;
  config: ConfigView;
  version: string;
  sink: LogSink;
  reload(): Promise<void>;
  /** The DNS manager: its Mode, RcManager and Configuration, with a change callback. */
  dns?: DnsSnapshotSource & { onChanged(listener: () => void): () => void };
  /** Connectivity checking (core/connectivity); without it the manager and devices report UNKNOWN. */
  connectivity?: Connectivity;
  /** Secret agents (core/secrets): the AgentManager object, and agent calls on this connection. */
  secretAgents?: SecretAgents;
  /** VPN connections (core/vpn): activated through ActivateConnection, exported with the VPN.Connection interface. */
  vpn?: VpnManager;
  /** connection.timestamp kept apart from the profiles (core/settings/timestamps), shown in GetSettings. */
  timestamps?: TimestampView;
}

export interface DBusFrontend {
  stop(): Promise<void>;
}

/** Signals that announce a change of a list property themselves: the list follows once per tick, not before each. */
const LIST_SIGNAL = { flushFirst: false } as const;
/** Devices/AllDevices and ActiveConnections announcements while links or activations come and go by the thousand: at most 4 a second (core/dbus/list-throttle.ts). */
const DEVICE_LIST_INTERVAL_MS = 250;
/** What a device state change can change (Disconnect clears Autoconnect; unmanaging is a state change too). */
const STATE_DRIVEN_PROPERTIES = ['State', 'StateReason', 'Managed', 'Autoconnect'] as const;

export async function startDBusFrontend(o: DBusFrontendOptions): Promise<DBusFrontend> {
  const conn = await connectBus({ address: o.address, logger: o.logger });
  const tree = await ObjectTree.attach(conn, { logger: o.logger });
  const devices = o.devices;
  const activation = o.activation;
  const connectivityRows = o.connectivity ? connectivityManagerRows(o.connectivity) : {};
  tree.export(NM_PATH, [
    mergeRows(mergeRows(managerInterface({
      version: o.version,
      devices: () => devices.all(),
      deviceByName: (n) => devices.byName(n),
      config: o.config,
      logger: o.logger,
      setLogLevel: (l) => o.sink.setLevel(l),
      reload: o.reload,
    }), activationRows({
      activation,
      devices,
      settings: o.settings,
      onManualActivation: o.onManualActivation,
      ...(o.vpn ? { vpn: o.vpn } : {}),
      ...(o.connectivity ? { connectivity: () => o.connectivity!.state } : {}),
      setNetworking: async (on) => {
        if (!on) {
          o.pauseAutoconnect(true);
          await Promise.all([...activation.all()].map((ac) => activation.deactivate(ac, NMActiveConnectionStateReason.DEVICE_DISCONNECTED, NMDeviceStateReason.NETWORKING_OFF)));
        }
        devices.setNetworking(on);
        if (on) o.pauseAutoconnect(false);
        refreshManagerState();
      },
    })), connectivityRows),
  ]);
  const store = o.settings;
  tree.export(SETTINGS_PATH, [settingsInterface(store, o.secretAgents)]);
  // One Settings.Connection interface for every profile's object (the profile is the target).
  const connectionDef = connectionInterface(store, o.secretAgents, o.timestamps);
  for (const p of store.profiles()) tree.export(p.path, [connectionDef], p);
  tree.export(DNS_MANAGER_PATH, [dnsManagerInterface(o.config, o.dns)]);
  // Secret agents: registered here, called back on this connection, dropped when they leave the bus.
  const agents = o.secretAgents;
  let stopAgents: (() => Promise<void>) | undefined;
  if (agents) {
    agents.attach(dbusAgentTransport(conn));
    const unwatch = await watchDepartures(conn, agents.registry);
    const offRemovals = watchProfileRemovals(o.events, store, agents);
    tree.export(AGENT_MANAGER_PATH, [agentManagerInterface(agents.registry, conn)]);
    stopAgents = async () => {
      offRemovals();
      agents.stop();
      await unwatch();
    };
  }
  o.vpn?.attachBus(conn);
  const offVpn = o.vpn ? exportVpnConnections(o.vpn, tree, o.model, () => refreshManagerState()) : undefined;
  const offDns = o.dns?.onChanged(() => tree.changed(DNS_MANAGER_PATH, DNS_MANAGER_IFACE, DNS_MANAGER_PROPERTIES));

  const stateNow = () => overallState(devices, activation, o.connectivity ? () => o.connectivity!.state : undefined);
  let lastState = stateNow();
  // Once per tick: the state is a pass over every active connection, and a thousand activations change it a thousand times a tick.
  let stateCheck: NodeJS.Immediate | undefined;
  const refreshManagerState = () => {
    stateCheck ??= setImmediate(() => {
      stateCheck = undefined;
      const s = stateNow();
      if (s === lastState) return;
      lastState = s;
      tree.changed(NM_PATH, NM_IFACE, ['State']);
      tree.emitSignal(NM_PATH, NM_IFACE, 'StateChanged', [s]);
    });
  };

  const lastBest: Record<4 | 6, string | undefined> = { 4: undefined, 6: undefined };
  const control: DeviceControl = {
    setManaged: async (d, managed) => {
      // Unmanaging ends the connection at once, then gives back the MAC and ethtool options before the reply, as NetworkManager does (forget).
      const released = !managed && d.active ? activation.forget(d.active) : undefined;
      devices.setManaged(d, managed);
      await released;
    },
    disconnect: async (d) => {
      if (d.active) await activation.deactivate(d.active);
    },
    reapply: async (d, given, version) => {
      const ac = d.active;
      if (!ac) return;
      if (version !== 0 && version !== ac.version) throw new NmkError('VERSION_ID_MISMATCH', `the applied connection of ${d.name} is at version ${ac.version}, not ${version}`);
      // No settings: the profile as it is now (nmcli device reapply after a modify).
      await activation.reapply(ac, given ? checkIncoming(given) : ac.profile.settings);
    },
    delete: (d) => activation.deleteDevice(d),
  };
  // One set of rows per device kind, shared by all its devices (each device is its object's target).
  const deviceDefs = deviceInterfaceTable(devices, control, o.connectivity ? connectivityDeviceRows(o.connectivity) : undefined);
  const exportDevice = (d: Device) => tree.export(d.path, deviceDefs(d.kindRow), d);
  /** The IP config objects of the device on this link, when an active connection gives it some. */
  const markIpConfig = (ifindex: number, family: 4 | 6) => {
    const ac = devices.byIfindex(ifindex)?.active;
    if (ac) tree.changed(family === 4 ? ac.ip4Path : ac.ip6Path, family === 4 ? IP4_CONFIG_IFACE : IP6_CONFIG_IFACE, IP_CONFIG_PROPERTIES);
  };
  /** Everything a link change can alter on a device object (typed interfaces included). */
  const markDevice = (d: Device) => {
    tree.changed(d.path, DEVICE_IFACE, [...LINK_DRIVEN_PROPERTIES, 'Managed', 'State', 'StateReason']);
    for (const iface of d.kindRow.dbus) tree.changed(d.path, iface.interface, iface.properties.map((p) => p.name));
  };
  const markPorts = (ifindex: number) => {
    const c = devices.byIfindex(ifindex);
    if (!c) return;
    tree.changed(c.path, DEVICE_IFACE, ['Ports']);
    for (const iface of c.kindRow.dbus) if (iface.properties.some((p) => p.name === 'Slaves')) tree.changed(c.path, iface.interface, ['Slaves']);
  };

  for (const d of devices.all()) exportDevice(d as Device);

  // Default/Default6 move between connections only when the best default route changes.
  const refreshDefaults = () => {
    for (const family of [4, 6] as const) {
      const best = activation.bestDefault(family)?.path;
      if (best === lastBest[family]) continue;
      for (const p of [lastBest[family], best]) if (p) tree.changed(p, ACTIVE_IFACE, [family === 4 ? 'Default' : 'Default6']);
      lastBest[family] = best;
    }
  };
  const activeDef = activeConnectionInterface((f) => activation.bestDefault(f));
  // The whole path lists at most every DEVICE_LIST_INTERVAL_MS while links come and go by the thousand.
  const deviceLists = new ListThrottle(() => tree.changed(NM_PATH, NM_IFACE, ['Devices', 'AllDevices']), DEVICE_LIST_INTERVAL_MS);
  const activeLists = new ListThrottle(() => tree.changed(NM_PATH, NM_IFACE, ['ActiveConnections']), DEVICE_LIST_INTERVAL_MS);
  /** DHCP4Config/DHCP6Config objects exported now (one per active connection holding a lease). */
  const dhcpExported = new Set<string>();
  const subs = [
    o.events.on('device.added', ({ device }) => {
      exportDevice(device as Device);
      deviceLists.changed();
      tree.emitSignal(NM_PATH, NM_IFACE, 'DeviceAdded', [device.path], LIST_SIGNAL);
      if (device.link.master) markPorts(device.link.master);
    }),
    o.events.on('device.removed', ({ device }) => {
      tree.unexport(device.path);
      deviceLists.changed();
      tree.emitSignal(NM_PATH, NM_IFACE, 'DeviceRemoved', [device.path], LIST_SIGNAL);
      if (device.link.master) markPorts(device.link.master);
      refreshManagerState();
    }),
    o.events.on('device.changed', ({ device }) => markDevice(device as Device)),
    o.events.on('device.state-changed', ({ device, state, oldState, reason }) => {
      // A state change moves the state and what a user's request changed with it; the link's own
      // properties follow device.changed. As NetworkManager, only what changed is announced.
      tree.changed(device.path, DEVICE_IFACE, STATE_DRIVEN_PROPERTIES);
      tree.emitSignal(device.path, DEVICE_IFACE, 'StateChanged', [state, oldState, reason]);
      refreshManagerState();
    }),
    o.events.on('connection.added', ({ uuid, path }) => {
      const p = store.get(uuid);
      if (!p) return;
      tree.export(path, [connectionDef], p);
      tree.changed(SETTINGS_PATH, SETTINGS_IFACE, ['Connections']);
      tree.emitSignal(SETTINGS_PATH, SETTINGS_IFACE, 'NewConnection', [path], LIST_SIGNAL);
    }),
    o.events.on('connection.updated', ({ path }) => {
      tree.changed(path, CONNECTION_IFACE, ['Unsaved', 'Flags', 'Filename']);
      tree.emitSignal(path, CONNECTION_IFACE, 'Updated', []);
    }),
    o.events.on('connection.removed', ({ path }) => {
      tree.emitSignal(path, CONNECTION_IFACE, 'Removed', []);
      tree.unexport(path);
      tree.changed(SETTINGS_PATH, SETTINGS_IFACE, ['Connections']);
      tree.emitSignal(SETTINGS_PATH, SETTINGS_IFACE, 'ConnectionRemoved', [path], LIST_SIGNAL);
    }),
    o.events.on('activation.state-changed', ({ path, device, state, oldState, reason }) => {
      const ac = activation.get(path);
      if (oldState === NMActiveConnectionState.UNKNOWN && ac) {
        const ifindex = () => ac.device.ifindex;
        tree.export(path, [activeDef], ac);
        tree.export(ac.ip4Path, [ipConfigInterface(4, o.model)], { ifindex, dns: () => ipDnsView(ac, 4) });
        tree.export(ac.ip6Path, [ipConfigInterface(6, o.model)], { ifindex, dns: () => ipDnsView(ac, 6) });
      }
      tree.changed(path, ACTIVE_IFACE, ACTIVE_STATE_PROPERTIES);
      refreshDefaults();
      tree.emitSignal(path, ACTIVE_IFACE, 'StateChanged', [state, reason]);
      tree.changed(device.path, DEVICE_IFACE, ACTIVATION_DRIVEN_PROPERTIES);
      tree.changed(NM_PATH, NM_IFACE, ACTIVATION_MANAGER_PROPERTIES);
      if (oldState === NMActiveConnectionState.UNKNOWN || state === NMActiveConnectionState.DEACTIVATED) activeLists.changed();
      if (state === NMActiveConnectionState.DEACTIVATED) {
        for (const dhcpPath of [path.replace('/ActiveConnection/', '/DHCP4Config/'), path.replace('/ActiveConnection/', '/DHCP6Config/')]) {
          if (dhcpExported.delete(dhcpPath)) tree.unexport(dhcpPath);
        }
        tree.unexport(path);
        tree.unexport(path.replace('/ActiveConnection/', '/IP4Config/'));
        tree.unexport(path.replace('/ActiveConnection/', '/IP6Config/'));
      }
      refreshManagerState();
    }),
    o.events.on('ip.config-changed', ({ path, device, family }) => {
      const ac = activation.get(path);
      if (!ac) return;
      // The DHCP config object exists while the connection holds a lease of that family.
      const dhcpPath = ac.dhcpPath(family);
      const lease = () => ac.dynamic.get(family)?.leases.get(family === 4 ? 'dhcp4' : 'dhcp6');
      const has = lease() !== undefined;
      const iface = family === 4 ? DHCP4_CONFIG_IFACE : DHCP6_CONFIG_IFACE;
      if (has && !dhcpExported.has(dhcpPath)) {
        dhcpExported.add(dhcpPath);
        tree.export(dhcpPath, [dhcpConfigInterface(family)], () => lease()?.options ?? {});
      } else if (!has && dhcpExported.delete(dhcpPath)) tree.unexport(dhcpPath);
      else if (has) tree.changed(dhcpPath, iface, ['Options']);
      // NameserverData is IPv4's only (IP6Config has the legacy Nameservers alone).
      const dnsProps = family === 4 ? IP_DNS_PROPERTIES : IP_DNS_PROPERTIES.filter((p) => p !== 'NameserverData');
      tree.changed(family === 4 ? ac.ip4Path : ac.ip6Path, family === 4 ? IP4_CONFIG_IFACE : IP6_CONFIG_IFACE, [...IP_CONFIG_PROPERTIES, ...dnsProps]);
      tree.changed(path, ACTIVE_IFACE, ['Dhcp4Config', 'Dhcp6Config', 'Default', 'Default6']);
      tree.changed(device.path, DEVICE_IFACE, ['Dhcp4Config', 'Dhcp6Config']);
      tree.changed(NM_PATH, NM_IFACE, ACTIVATION_MANAGER_PROPERTIES);
      refreshDefaults();
      refreshManagerState();
    }),
    o.events.on('address.added', ({ address }) => markIpConfig(address.ifindex, address.family)),
    o.events.on('address.removed', ({ address }) => markIpConfig(address.ifindex, address.family)),
    o.events.on('route.added', ({ route }) => markIpConfig(route.ifindex, route.family)),
    o.events.on('route.removed', ({ route }) => markIpConfig(route.ifindex, route.family)),
    o.events.on('link.changed', ({ link, previous }) => {
      if (link.master === previous.master) return;
      if (previous.master) markPorts(previous.master);
      if (link.master) markPorts(link.master);
    }),
  ];

  if (o.connectivity) {
    subs.push(announceConnectivity(o.connectivity, tree));
    // The manager's State follows connectivity too (full: connected globally; otherwise site only).
    subs.push(o.connectivity.onChange((ch) => ch.kind === 'manager' && refreshManagerState()));
  }
  await conn.requestName(NM_BUS_NAME);
  o.logger.info('serving on D-Bus', { name: NM_BUS_NAME, objects: devices.size + 3 });

  return {
    async stop() {
      for (const off of subs) off();
      deviceLists.stop();
      activeLists.stop();
      if (stateCheck) clearImmediate(stateCheck);
      offDns?.();
      offVpn?.();
      await stopAgents?.();
      await conn.releaseName(NM_BUS_NAME).catch(() => undefined);
      await tree.close();
      await conn.close();
    },
  };
}
