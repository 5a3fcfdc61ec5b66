/**
 * A small read-only client of NetworkManager's D-Bus API (nmk's or
 * NetworkManager's own): one GetManagedObjects call gives every object.
 */
import dbus from 'dbus-next';

export const NM_BUS_NAME = 'org.freedesktop.NetworkManager';
const NM = 'org.freedesktop.NetworkManager';

export type Props = Record<string, unknown>;
export type ManagedObjects = Map<string, Map<string, Props>>;

function plain(v: unknown): unknown {
  if (v instanceof dbus.Variant) return plain(v.value);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

export class NmClient {
  private constructor(private bus: dbus.MessageBus) {}

  /** Connects to DBUS_SYSTEM_BUS_ADDRESS, else the system bus, or to the given address. */
  static connect(address?: string): NmClient {
    // sessionBus() is the one that takes an address; the bus type does not matter to the wire protocol.
    const busAddress = address ?? process.env.DBUS_SYSTEM_BUS_ADDRESS ?? 'unix:path=/run/dbus/system_bus_socket';
    return new NmClient(dbus.sessionBus({ busAddress }));
  }

  async call(path: string, iface: string, member: string, signature = '', body: unknown[] = []): Promise<unknown> {
    const reply = await this.bus.call(
      new dbus.Message({ destination: NM_BUS_NAME, path, interface: iface, member, signature, body }),
    );
    return plain(reply?.body?.[0]);
  }

  /** Every out argument of a call, as plain values. */
  async callAll(path: string, iface: string, member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    const reply = await this.bus.call(new dbus.Message({ destination: NM_BUS_NAME, path, interface: iface, member, signature, body }));
    return (reply?.body ?? []).map(plain);
  }

  /** The first out argument with its variants kept as { signature, value } (for a{sa{sv}} settings). */
  async callRaw(path: string, iface: string, member: string): Promise<unknown> {
    const reply = await this.bus.call(new dbus.Message({ destination: NM_BUS_NAME, path, interface: iface, member }));
    return reply?.body?.[0];
  }

  async getProperty(path: string, iface: string, name: string): Promise<unknown> {
    return this.call(path, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [iface, name]);
  }

  async managedObjects(): Promise<ManagedObjects> {
    const raw = (await this.call('/org/freedesktop', 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects')) as Record<string, Record<string, Props>>;
    const out: ManagedObjects = new Map();
    for (const [path, ifaces] of Object.entries(raw ?? {})) out.set(path, new Map(Object.entries(ifaces)));
    return out;
  }

  async managerProps(): Promise<Props> {
    return (await this.call('/org/freedesktop/NetworkManager', 'org.freedesktop.DBus.Properties', 'GetAll', 's', [NM])) as Props;
  }

  disconnect(): void {
    this.bus.disconnect();
  }
}
