/**
 * Finding what the command line names: profiles (by name, UUID or D-Bus
 * path, as nmcli), devices (by interface name) and active connections.
 * Not finding one is CliError exit 10 naming it, as nmcli.
 */
import { CliError, Exit } from './exit-codes.js';
import type { ManagedObjects, NmClient } from './nm-client.js';

const NM = 'org.freedesktop.NetworkManager';
const SETTINGS = '/org/freedesktop/NetworkManager/Settings';
const SETTINGS_IFACE = `${NM}.Settings`;
const CONN_IFACE = `${NM}.Settings.Connection`;
export const DEVICE_IFACE = `${NM}.Device`;
export const ACTIVE_IFACE = `${NM}.Connection.Active`;

/** A profile as the daemon sends it (a{sa{sv}}, variants kept as { signature, value }). */
export type WireSettings = Record<string, Record<string, { signature: string; value: unknown }>>;

export interface ProfileInfo {
  path: string;
  id: string;
  uuid: string;
  /** connection.interface-name, "" when the profile names none. */
  interfaceName: string;
  wire: WireSettings;
  filename: string;
}

export interface DeviceInfo {
  path: string;
  iface: string;
  type: number;
  state: number;
  /** "/" when none. */
  activePath: string;
}

export interface ActiveInfo {
  path: string;
  id: string;
  uuid: string;
  /** The profile's path. */
  connection: string;
  state: number;
  devices: string[];
}

/**
 * Every profile, as the daemon holds it. The wire form is enough to find one
 * (name, UUID, interface): the SDK's settings model, whose tables take a
 * while to load, is left to the commands that print settings.
 */
export async function fetchProfiles(client: NmClient): Promise<ProfileInfo[]> {
  const paths = (await client.call(SETTINGS, SETTINGS_IFACE, 'ListConnections')) as string[];
  return Promise.all(
    paths.map(async (path) => {
      const wire = (await client.callRaw(path, CONN_IFACE, 'GetSettings')) as WireSettings;
      const filename = String(await client.getProperty(path, CONN_IFACE, 'Filename'));
      const c = wire.connection ?? {};
      const text = (key: string) => (typeof c[key]?.value === 'string' ? (c[key]!.value as string) : '');
      return { path, wire, filename, id: text('id'), uuid: text('uuid'), interfaceName: text('interface-name') };
    }),
  );
}

/** nmcli's selectors: `id NAME`, `uuid UUID`, `path PATH|N`, or a bare value that is tried as each. */
export const SELECTORS = ['id', 'uuid', 'path'] as const;
export type Selector = (typeof SELECTORS)[number];

const PATH_PREFIX = `${SETTINGS}/`;
const byPath = (path: string, value: string) => path === value || path === PATH_PREFIX + value;

/** The first profile the selector and value name; CliError exit 10 ("unknown connection 'X'") when none. */
export function findProfile<P extends ProfileInfo>(all: readonly P[], value: string, selector?: Selector): P {
  const tests: Record<Selector, (p: P) => boolean> = {
    id: (p) => p.id === value,
    uuid: (p) => p.uuid === value,
    path: (p) => byPath(p.path, value),
  };
  const order: Selector[] = selector ? [selector] : ['uuid', 'id', 'path'];
  for (const s of order) {
    const hit = all.find(tests[s]);
    if (hit) return hit;
  }
  throw new CliError(Exit.NOT_FOUND, `unknown connection '${value}'.`);
}

export function devicesOf(objects: ManagedObjects): DeviceInfo[] {
  const out: DeviceInfo[] = [];
  for (const [path, ifaces] of objects) {
    const d = ifaces.get(DEVICE_IFACE);
    if (!d) continue;
    out.push({ path, iface: String(d.Interface), type: Number(d.DeviceType), state: Number(d.State), activePath: String(d.ActiveConnection ?? '/') });
  }
  return out.sort((a, b) => a.iface.localeCompare(b.iface));
}

/** The device with this interface name; CliError exit 10 ("Device 'X' not found.") when none. */
export function findDevice(objects: ManagedObjects, iface: string): DeviceInfo {
  const d = devicesOf(objects).find((x) => x.iface === iface);
  if (!d) throw new CliError(Exit.NOT_FOUND, `Device '${iface}' not found.`);
  return d;
}

export function activeOf(objects: ManagedObjects): ActiveInfo[] {
  const out: ActiveInfo[] = [];
  for (const [path, ifaces] of objects) {
    const a = ifaces.get(ACTIVE_IFACE);
    if (!a) continue;
    out.push({ path, id: String(a.Id), uuid: String(a.Uuid), connection: String(a.Connection), state: Number(a.State), devices: (a.Devices as string[] | undefined) ?? [] });
  }
  return out;
}

/**
 * Active connections named by `nmk connection down`: a profile name, UUID
 * or path, or an active connection's path (`apath`), as nmcli. Undefined
 * when none matches.
 */
export function findActive(all: readonly ActiveInfo[], value: string, selector?: Selector | 'apath'): ActiveInfo | undefined {
  const tests: Record<Selector | 'apath', (a: ActiveInfo) => boolean> = {
    id: (a) => a.id === value,
    uuid: (a) => a.uuid === value,
    path: (a) => byPath(a.connection, value),
    apath: (a) => a.path === value || a.path === `/org/freedesktop/NetworkManager/ActiveConnection/${value}`,
  };
  const order: Array<Selector | 'apath'> = selector ? [selector] : ['uuid', 'id', 'path', 'apath'];
  for (const s of order) {
    const hit = all.find(tests[s]);
    if (hit) return hit;
  }
  return undefined;
}
