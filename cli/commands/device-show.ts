/**
 * `nmk device show [DEV]`: nmcli's multi-line view of a device (every device
 * without DEV): GENERAL, WIRED-PROPERTIES, then IP4, DHCP4, IP6 and DHCP6
 * read from the device's Ip4Config, Dhcp4Config, Ip6Config and Dhcp6Config
 * objects. Unlike nmcli, the DHCP options are shown without -f.
 */
import type { GlobalOptions } from '../args.js';
import { printBlocks, type FieldRow } from '../fields.js';
import { dhcpRows, ipConfigRows } from '../ip-config.js';
import { activeOf, devicesOf, findDevice, DEVICE_IFACE, type DeviceInfo } from '../lookup.js';
import type { ManagedObjects, NmClient, Props } from '../nm-client.js';
import { deviceStateName, deviceTypeName } from '../tables.js';
import { Exit } from '../exit-codes.js';

const NM = 'org.freedesktop.NetworkManager';
const NO_OBJECT = '/';
const WIRED_IFACE = `${NM}.Device.Wired`;

export const SHOW_GROUPS = ['GENERAL', 'WIRED-PROPERTIES', 'IP4', 'DHCP4', 'IP6', 'DHCP6'] as const;

/** The object a device property names: from GetManagedObjects, else asked for; undefined for "/" or one that is gone. */
async function objectProps(client: NmClient, objects: ManagedObjects, path: unknown, iface: string): Promise<Props | undefined> {
  const p = String(path ?? NO_OBJECT);
  if (p === NO_OBJECT || p === '') return undefined;
  const known = objects.get(p)?.get(iface);
  if (known) return known;
  return (await client.call(p, 'org.freedesktop.DBus.Properties', 'GetAll', 's', [iface]).catch(() => undefined)) as Props | undefined;
}

/** The rows of one device, from its D-Bus properties and the objects they name. */
export interface DeviceShowInput {
  device: Props;
  wired?: Props;
  connectionId?: string;
  ip4?: Props;
  dhcp4?: Props;
  ip6?: Props;
  dhcp6?: Props;
}

export function deviceShowRows(i: DeviceShowInput): FieldRow[] {
  const d = i.device;
  const state = Number(d.State ?? 0);
  const activePath = String(d.ActiveConnection ?? NO_OBJECT);
  const rows: FieldRow[] = [
    ['GENERAL.DEVICE', String(d.Interface ?? '')],
    ['GENERAL.TYPE', deviceTypeName(Number(d.DeviceType ?? 0))],
    ['GENERAL.HWADDR', String(d.HwAddress ?? '')],
    ['GENERAL.MTU', String(d.Mtu ?? '')],
    ['GENERAL.STATE', `${state} (${deviceStateName(state)})`],
    ['GENERAL.CONNECTION', i.connectionId ?? ''],
    ['GENERAL.CON-PATH', activePath === NO_OBJECT ? '' : activePath],
  ];
  if (i.wired) rows.push(['WIRED-PROPERTIES.CARRIER', i.wired.Carrier ? 'on' : 'off']);
  rows.push(...ipConfigRows(4, i.ip4), ...(i.dhcp4 ? dhcpRows(4, i.dhcp4) : []), ...ipConfigRows(6, i.ip6), ...(i.dhcp6 ? dhcpRows(6, i.dhcp6) : []));
  return rows;
}

async function gather(client: NmClient, objects: ManagedObjects, dev: DeviceInfo): Promise<DeviceShowInput> {
  const ifaces = objects.get(dev.path);
  const device = ifaces?.get(DEVICE_IFACE) ?? {};
  const active = activeOf(objects).find((a) => a.path === dev.activePath);
  const [ip4, dhcp4, ip6, dhcp6] = await Promise.all([
    objectProps(client, objects, device.Ip4Config, `${NM}.IP4Config`),
    objectProps(client, objects, device.Dhcp4Config, `${NM}.DHCP4Config`),
    objectProps(client, objects, device.Ip6Config, `${NM}.IP6Config`),
    objectProps(client, objects, device.Dhcp6Config, `${NM}.DHCP6Config`),
  ]);
  return { device, wired: ifaces?.get(WIRED_IFACE), connectionId: active?.id, ip4, dhcp4, ip6, dhcp6 };
}

export async function showDevices(client: NmClient, ifname: string | undefined, opts: GlobalOptions): Promise<number> {
  const objects = await client.managedObjects();
  const devices = ifname === undefined ? devicesOf(objects) : [findDevice(objects, ifname)];
  const blocks = await Promise.all(devices.map(async (d) => deviceShowRows(await gather(client, objects, d))));
  printBlocks(opts, blocks, SHOW_GROUPS);
  return Exit.OK;
}
