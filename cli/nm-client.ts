/**
 * A small client of NetworkManager's D-Bus API (nmk's or NetworkManager's
 * own): method calls, properties, and the StateChanged signals the
 * activation commands follow. One GetManagedObjects call gives every object.
 */
import dbus from 'dbus-next';
import { CliError, Exit } from './exit-codes.js';
import type { NmSignal } from './state-follower.js';

export const NM_BUS_NAME = 'org.freedesktop.NetworkManager';
const NM = 'org.freedesktop.NetworkManager';
const DEVICE_IFACE = `${NM}.Device`;
const ACTIVE_IFACE = `${NM}.Connection.Active`;
const VPN_CONNECTION_IFACE = `${NM}.VPN.Connection`;
const SIGNAL = 4; // dbus-next MessageType.SIGNAL
/** Match rules for the signals the commands follow (the bus delivers only what a rule asks for). */
const MATCH_RULES = [
  `type='signal',sender='${NM_BUS_NAME}',member='StateChanged'`,
  `type='signal',sender='${NM_BUS_NAME}',interface='${NM}',member='DeviceRemoved'`,
  `type='signal',sender='${NM_BUS_NAME}',interface='${VPN_CONNECTION_IFACE}',member='VpnStateChanged'`,
];

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

/** A signal from the daemon as the commands see it, or undefined for one they do not follow. */
export function decodeSignal(m: { path?: string; interface?: string; member?: string; body?: unknown[] }): NmSignal | undefined {
  const b = (m.body ?? []).map(Number);
  if (m.member === 'StateChanged' && m.interface === ACTIVE_IFACE) return { kind: 'active', path: String(m.path), state: b[0]!, reason: b[1]! };
  if (m.member === 'StateChanged' && m.interface === DEVICE_IFACE) return { kind: 'device', path: String(m.path), state: b[0]!, old: b[1]!, reason: b[2]! };
  if (m.member === 'VpnStateChanged' && m.interface === VPN_CONNECTION_IFACE) return { kind: 'vpn', path: String(m.path), state: b[0]!, reason: b[1]! };
  if (m.member === 'DeviceRemoved' && m.interface === NM) return { kind: 'device-removed', path: String(m.body?.[0]) };
  return undefined;
}

export class NmClient {
  private broken?: Error;
  private onBroken: Array<(e: Error) => void> = [];

  private constructor(private bus: dbus.MessageBus, readonly address: string) {
    bus.on('error', (err: Error) => {
      this.broken ??= err;
      for (const f of this.onBroken.splice(0)) f(err);
    });
  }

  /** The bus address: DBUS_SYSTEM_BUS_ADDRESS as for nmcli, else the system bus. */
  static defaultAddress(): string {
    return process.env.DBUS_SYSTEM_BUS_ADDRESS || 'unix:path=/run/dbus/system_bus_socket';
  }

  /**
   * Connect and check that the daemon owns its name on the bus. Throws
   * CliError (exit 8, as nmcli's "NetworkManager is not running") naming the
   * bus address when either fails.
   */
  static async open(address = NmClient.defaultAddress()): Promise<NmClient> {
    // sessionBus() is the one that takes an address; the bus type does not matter to the wire protocol.
    const client = new NmClient(dbus.sessionBus({ busAddress: address }), address);
    let owner: unknown;
    try {
      owner = await client.guard(
        client.bus.call(new dbus.Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'NameHasOwner', signature: 's', body: [NM_BUS_NAME] })),
      );
    } catch (err) {
      client.disconnect();
      throw new CliError(Exit.NOT_RUNNING, `cannot reach the D-Bus bus at ${address} (${(err as Error)?.message ?? err}); is nmkd running? Set DBUS_SYSTEM_BUS_ADDRESS to its bus.`);
    }
    if ((owner as dbus.Message | null)?.body?.[0] !== true) {
      client.disconnect();
      throw new CliError(Exit.NOT_RUNNING, `nmk is not running: nothing owns ${NM_BUS_NAME} on the bus at ${address}.`);
    }
    return client;
  }

  /** A call that also fails when the connection breaks (dbus-next would leave it pending). */
  private guard<T>(p: Promise<T>): Promise<T> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<T>((resolve, reject) => {
      this.onBroken.push(reject);
      p.then(resolve, reject).finally(() => {
        this.onBroken = this.onBroken.filter((f) => f !== reject);
      });
    });
  }

  private async send(path: string, iface: string, member: string, signature = '', body: unknown[] = []): Promise<dbus.Message | null> {
    return this.guard(this.bus.call(new dbus.Message({ destination: NM_BUS_NAME, path, interface: iface, member, signature, body })));
  }

  async call(path: string, iface: string, member: string, signature = '', body: unknown[] = []): Promise<unknown> {
    return plain((await this.send(path, iface, member, signature, body))?.body?.[0]);
  }

  /** Every out argument of a call, as plain values. */
  async callAll(path: string, iface: string, member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    return ((await this.send(path, iface, member, signature, body))?.body ?? []).map(plain);
  }

  /** The first out argument with its variants kept as { signature, value } (for a{sa{sv}} settings). */
  async callRaw(path: string, iface: string, member: string): Promise<unknown> {
    return (await this.send(path, iface, member))?.body?.[0];
  }

  async getProperty(path: string, iface: string, name: string): Promise<unknown> {
    return this.call(path, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [iface, name]);
  }

  async setProperty(path: string, iface: string, name: string, signature: string, value: unknown): Promise<void> {
    await this.send(path, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', [iface, name, new dbus.Variant(signature, value)]);
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

  /**
   * Deliver the daemon's state signals to `onSignal`, from the moment this
   * resolves (the match rules are in place): subscribe before the call whose
   * states you follow, as they can be sent before its reply.
   */
  async subscribe(onSignal: (s: NmSignal) => void): Promise<() => void> {
    const listener = (m: dbus.Message) => {
      if (m.type !== SIGNAL) return;
      const s = decodeSignal(m);
      if (s) onSignal(s);
    };
    this.bus.on('message', listener);
    const busCall = (member: string, rule: string) =>
      this.guard(this.bus.call(new dbus.Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member, signature: 's', body: [rule] })));
    await Promise.all(MATCH_RULES.map((r) => busCall('AddMatch', r)));
    return () => {
      this.bus.off('message', listener);
      // The rules go with the connection; nothing to wait for.
      for (const r of MATCH_RULES) busCall('RemoveMatch', r).catch(() => undefined);
    };
  }

  disconnect(): void {
    this.bus.disconnect();
  }
}

/** The D-Bus error name of a failed call (org.freedesktop.NetworkManager.UnknownConnection...), if it is one. */
export function errorName(err: unknown): string | undefined {
  const t = (err as { type?: unknown })?.type;
  return typeof t === 'string' ? t : undefined;
}

/** The daemon's message for a failed call ("no device at /x"), or the error's own. */
export function errorText(err: unknown): string {
  const e = err as { text?: string; message?: string };
  if (errorName(err)) return e.text || errorName(err)!;
  return e?.message ?? String(err);
}
