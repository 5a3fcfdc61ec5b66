/**
 * What the registry learns from the bus: an agent's process (pid and start
 * time, for NetworkManager's order), whether its name is still there, and
 * its departure (NameOwnerChanged with no new owner: all its agents go).
 */
import { readFile } from 'node:fs/promises';
import type { BusConnection } from '../dbus/connection.js';
import { isSignal, type Message } from '../dbus/messages.js';
import type { AgentRegistry } from './agent-registry.js';

const BUS_NAME = 'org.freedesktop.DBus';
const BUS_PATH = '/org/freedesktop/DBus';
const GONE_MATCH = `type='signal',sender='${BUS_NAME}',path='${BUS_PATH}',interface='${BUS_NAME}',member='NameOwnerChanged',arg2=''`;

function busCall(conn: BusConnection, member: string, name: string): Promise<any[]> {
  return conn.call({ destination: BUS_NAME, path: BUS_PATH, interface: BUS_NAME, member, signature: 's', body: [name] });
}

/** The sender's pid and its start time (field 22 of /proc/PID/stat); empty when the bus or /proc cannot tell. */
export async function processOf(conn: BusConnection, sender: string): Promise<{ pid?: number; startTime?: number }> {
  let pid: number;
  try {
    [pid] = (await busCall(conn, 'GetConnectionUnixProcessID', sender)) as [number];
  } catch {
    return {};
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = Number(fields[19]);
    return Number.isFinite(startTime) ? { pid, startTime } : { pid };
  } catch {
    return { pid };
  }
}

/** Whether a unique name is still on the bus. */
export function nameHasOwner(conn: BusConnection, name: string): Promise<boolean> {
  return busCall(conn, 'NameHasOwner', name).then(([has]) => Boolean(has), () => false);
}

/** Drop the agents of every sender that leaves the bus; resolves with the way to stop watching. */
export async function watchDepartures(conn: BusConnection, registry: AgentRegistry): Promise<() => Promise<void>> {
  const onMessage = (msg: Message) => {
    if (!isSignal(msg) || msg.member !== 'NameOwnerChanged' || msg.sender !== BUS_NAME || msg.interface !== BUS_NAME) return;
    const [name, , newOwner] = msg.body as [string, string, string];
    if (newOwner === '' && registry.all().some((a) => a.sender === name)) registry.dropSender(name);
  };
  conn.bus.on('message', onMessage);
  await conn.call({ destination: BUS_NAME, path: BUS_PATH, interface: BUS_NAME, member: 'AddMatch', signature: 's', body: [GONE_MATCH] });
  return async () => {
    conn.bus.removeListener('message', onMessage);
    if (conn.isOpen) await conn.call({ destination: BUS_NAME, path: BUS_PATH, interface: BUS_NAME, member: 'RemoveMatch', signature: 's', body: [GONE_MATCH] }).catch(() => undefined);
  };
}
