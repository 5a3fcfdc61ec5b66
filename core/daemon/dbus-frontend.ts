/**
 * NetworkManager's D-Bus API, wired to the managers: exports the manager,
 * settings and DNS objects and one object per device, keeps them in step with
 * the bus events (coalesced by the object tree into one PropertiesChanged per
 * object per tick), then owns the name. The bus is required: failing to reach
 * it or to own the name stops start-up with a message naming the address.
 */
import { type ConfigView, type EventBus, type Logger, type NetworkModel } from '../../sdk/index.js';
import { connectBus } from '../dbus/connection.js';
import { ObjectTree } from '../dbus/object-tree.js';
import { deviceInterfaces, LINK_DRIVEN_PROPERTIES } from '../dbus/nm/device-object.js';
import { dnsManagerInterface } from '../dbus/nm/dns-manager-object.js';
import { managerInterface, managerState } from '../dbus/nm/manager-object.js';
import { DEVICE_IFACE, DNS_MANAGER_PATH, NM_BUS_NAME, NM_IFACE, NM_PATH, SETTINGS_IFACE, SETTINGS_PATH } from '../dbus/nm/paths.js';
import { settingsInterface } from '../dbus/nm/settings-object.js';
import { connectionInterface, CONNECTION_IFACE } from '../dbus/nm/connection-object.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { Device } from '../devices/device.js';
import type { DeviceManager } from '../devices/device-manager.js';
import type { LogSink } from '../log/logger.js';

export interface DBusFrontendOptions {
  address?: string;
  logger: Logger;
  events: EventBus;
  devices: DeviceManager;
  settings: SettingsStore;
  model: NetworkModel;
  config: ConfigView;
  version: string;
  sink: LogSink;
  reload(): Promise<void>;
}

export interface DBusFrontend {
  stop(): Promise<void>;
}

export async function startDBusFrontend(o: DBusFrontendOptions): Promise<DBusFrontend> {
  const conn = await connectBus({ address: o.address, logger: o.logger });
  const tree = await ObjectTree.attach(conn, { logger: o.logger });
  const devices = o.devices;
  let level = 'INFO';

  tree.export(NM_PATH, [
    managerInterface({
      version: o.version,
      devices: () => devices.all(),
      deviceByName: (n) => devices.byName(n),
      config: o.config,
      logger: o.logger,
      setLogLevel: (l) => {
        o.sink.setLevel(l);
        level = l === 'error' ? 'ERR' : l.toUpperCase();
      },
      logLevel: () => level,
      reload: o.reload,
    }),
  ]);
  const store = o.settings;
  tree.export(SETTINGS_PATH, [settingsInterface(store)]);
  for (const p of store.profiles()) tree.export(p.path, [connectionInterface(p, store)]);
  tree.export(DNS_MANAGER_PATH, [dnsManagerInterface(o.config)]);

  let lastState = managerState(devices.all());
  const refreshManagerState = () => {
    const s = managerState(devices.all());
    if (s === lastState) return;
    lastState = s;
    tree.changed(NM_PATH, NM_IFACE, ['State']);
    tree.emitSignal(NM_PATH, NM_IFACE, 'StateChanged', [s]);
  };

  const exportDevice = (d: Device) => tree.export(d.path, deviceInterfaces(d, devices, devices));
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

  const subs = [
    o.events.on('device.added', ({ device }) => {
      exportDevice(device as Device);
      tree.changed(NM_PATH, NM_IFACE, ['Devices', 'AllDevices']);
      tree.emitSignal(NM_PATH, NM_IFACE, 'DeviceAdded', [device.path]);
      if (device.link.master) markPorts(device.link.master);
    }),
    o.events.on('device.removed', ({ device }) => {
      tree.unexport(device.path);
      tree.changed(NM_PATH, NM_IFACE, ['Devices', 'AllDevices']);
      tree.emitSignal(NM_PATH, NM_IFACE, 'DeviceRemoved', [device.path]);
      if (device.link.master) markPorts(device.link.master);
      refreshManagerState();
    }),
    o.events.on('device.changed', ({ device }) => markDevice(device as Device)),
    o.events.on('device.state-changed', ({ device, state, oldState, reason }) => {
      markDevice(device as Device);
      tree.emitSignal(device.path, DEVICE_IFACE, 'StateChanged', [state, oldState, reason]);
      refreshManagerState();
    }),
    o.events.on('connection.added', ({ uuid, path }) => {
      const p = store.get(uuid);
      if (!p) return;
      tree.export(path, [connectionInterface(p, store)]);
      tree.changed(SETTINGS_PATH, SETTINGS_IFACE, ['Connections']);
      tree.emitSignal(SETTINGS_PATH, SETTINGS_IFACE, 'NewConnection', [path]);
    }),
    o.events.on('connection.updated', ({ path }) => {
      tree.changed(path, CONNECTION_IFACE, ['Unsaved', 'Flags', 'Filename']);
      tree.emitSignal(path, CONNECTION_IFACE, 'Updated', []);
    }),
    o.events.on('connection.removed', ({ path }) => {
      tree.emitSignal(path, CONNECTION_IFACE, 'Removed', []);
      tree.unexport(path);
      tree.changed(SETTINGS_PATH, SETTINGS_IFACE, ['Connections']);
      tree.emitSignal(SETTINGS_PATH, SETTINGS_IFACE, 'ConnectionRemoved', [path]);
    }),
    o.events.on('link.changed', ({ link, previous }) => {
      if (link.master === previous.master) return;
      if (previous.master) markPorts(previous.master);
      if (link.master) markPorts(link.master);
    }),
  ];

  await conn.requestName(NM_BUS_NAME);
  o.logger.info('serving on D-Bus', { name: NM_BUS_NAME, objects: devices.size + 3 });

  return {
    async stop() {
      for (const off of subs) off();
      await conn.releaseName(NM_BUS_NAME).catch(() => undefined);
      await tree.close();
      await conn.close();
    },
  };
}
