/**
 * The dns=systemd-resolved backend (see index.ts): a connection of its own
 * to the system bus, resolved's link calls on every DNS change, and a watch
 * for resolved leaving and coming back. Imported by the entry when core
 * creates the backend.
 */
import { Message, MessageType, sessionBus, type MessageBus } from 'dbus-next';
import type { DnsBackend, DnsBackendFactory, DnsState, Logger, ResolvConfContent } from '../../sdk/index.js';
import { RESOLVED_MANAGER, RESOLVED_NAME, RESOLVED_PATH, resolvedCalls, type LinkCall } from './link-calls.js';

const DBUS = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' };
const STUB = '127.0.0.53';
const CALL_TIMEOUT_MS = 10_000;
/** Calls older resolved versions lack (SetLinkDefaultRoute since v240, SetLinkDNSOverTLS since v239): skipped once refused. */
const OPTIONAL = new Set(['SetLinkDefaultRoute', 'SetLinkDNSOverTLS']);

export interface ResolvedBackendOptions {
  logger: Logger;
  /** Default: $DBUS_SYSTEM_BUS_ADDRESS or unix:path=/run/dbus/system_bus_socket. */
  busAddress?: string;
}

function systemBusAddress(): string {
  return process.env.DBUS_SYSTEM_BUS_ADDRESS || 'unix:path=/run/dbus/system_bus_socket';
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS))),
  ]);
}

function errorText(err: unknown): string {
  const e = err as { type?: string; text?: string; message?: string };
  return e.type ? `${e.type}: ${e.text ?? ''}` : (e.message ?? String(err));
}

async function connect(address: string): Promise<MessageBus> {
  const bus = sessionBus({ busAddress: address });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      bus.once('connect', () => resolve());
      bus.once('error', reject);
    }),
    `cannot connect to the system bus at ${address}`,
  ).catch((err) => {
    try {
      bus.disconnect();
    } catch {
      /* not connected */
    }
    throw new Error(`cannot connect to the system bus at ${address}: ${errorText(err)}`);
  });
  // A broken connection later is logged by the calls that fail; it must not throw at the loop.
  bus.on('error', () => undefined);
  return bus;
}

function plainContent(state: DnsState): ResolvConfContent {
  return { nameservers: state.nameservers, searches: state.searches, options: state.options };
}

export function resolvedBackend(o: ResolvedBackendOptions): DnsBackendFactory {
  return {
    name: 'systemd-resolved',
    async create(): Promise<DnsBackend> {
      const address = o.busAddress ?? systemBusAddress();
      const bus = await connect(address);
      const call = (m: { destination: string; path: string; interface: string }, member: string, signature = '', body: unknown[] = []) =>
        withTimeout(bus.call(new Message({ ...m, member, signature, body })) as Promise<Message>, `${m.interface}.${member}`);
      const manager = { destination: RESOLVED_NAME, path: RESOLVED_PATH, interface: RESOLVED_MANAGER };

      const hasOwner = () => call(DBUS, 'GetNameOwner', 's', [RESOLVED_NAME]).then(() => true, () => false);
      let available = await hasOwner();
      if (!available) {
        // D-Bus activation, once (NetworkManager's StartServiceByName with a 4 s limit).
        await call(DBUS, 'StartServiceByName', 'su', [RESOLVED_NAME, 0]).catch(() => undefined);
        available = await hasOwner();
      }
      let warned = false;
      let links = new Set<number>();
      const refused = new Set<string>();
      let last: DnsState | undefined;

      const send = async (state: DnsState) => {
        const { calls, links: next } = resolvedCalls(state, links);
        const failures: string[] = [];
        for (const c of calls as LinkCall[]) {
          if (refused.has(c.member)) continue;
          try {
            await call(manager, c.member, c.signature, c.body);
          } catch (err) {
            if (OPTIONAL.has(c.member) && (err as { type?: string }).type === 'org.freedesktop.DBus.Error.UnknownMethod') refused.add(c.member);
            else failures.push(`${c.member}(${String(c.body[0])}): ${errorText(err)}`);
          }
        }
        links = next;
        if (failures.length) throw new Error(`systemd-resolved refused ${failures.join('; ')}`);
      };

      await call(DBUS, 'AddMatch', 's', [`type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${RESOLVED_NAME}'`]).catch(() => undefined);
      bus.on('message', (m: Message) => {
        if (m.type !== MessageType.SIGNAL || m.member !== 'NameOwnerChanged' || m.body?.[0] !== RESOLVED_NAME) return;
        available = m.body[2] !== '';
        if (!available) {
          o.logger.warn(`systemd-resolved left the bus (${RESOLVED_NAME}); its links keep what they were given`);
          links = new Set();
          return;
        }
        warned = false;
        o.logger.info(`systemd-resolved appeared on the bus; sending the DNS configuration`);
        if (last) send(last).catch((err: Error) => o.logger.warn(err.message));
      });

      return {
        name: 'systemd-resolved',
        async update(state) {
          last = state;
          if (!available) {
            if (!warned) {
              warned = true;
              o.logger.warn(`systemd-resolved is not on the bus (${RESOLVED_NAME} has no owner at ${address}); resolv.conf lists the name servers themselves until it appears`);
            }
            return plainContent(state);
          }
          await send(state);
          const options = [...state.options];
          for (const opt of ['edns0', 'trust-ad']) if (!options.includes(opt)) options.push(opt);
          return { nameservers: [STUB], searches: state.searches, options };
        },
        async stop() {
          bus.disconnect();
        },
      };
    },
  };
}
