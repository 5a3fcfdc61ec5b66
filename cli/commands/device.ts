/**
 * `nmk device [status]`, `nmk device show [DEV]` (commands/device-show.ts),
 * `nmk device connect|disconnect|reapply DEV` and
 * `nmk device set DEV managed|autoconnect yes|no`, with nmcli's messages
 * and exit codes. connect follows the states as `connection up` does
 * (--wait default 90 s); disconnect waits for the device to be
 * disconnected (10 s); reapply and set return with the daemon's answer.
 */
import { NMDeviceState as DS } from '../../sdk/nm.js';
import { matches, parseBool, type GlobalOptions } from '../args.js';
import { Deadline, TIMEOUT } from '../deadline.js';
import { CliError, Exit } from '../exit-codes.js';
import { activeOf, devicesOf, findDevice, ACTIVE_IFACE, DEVICE_IFACE } from '../lookup.js';
import type { NmClient } from '../nm-client.js';
import { print } from '../output.js';
import { StateFollower } from '../state-follower.js';
import { deviceStateName, deviceTypeName } from '../tables.js';
import { activationFailure, daemonCall } from './activation.js';
import { showDevices } from './device-show.js';

const NM_PATH = '/org/freedesktop/NetworkManager';
const NM_IFACE = 'org.freedesktop.NetworkManager';

export const DEVICE_USAGE = `Usage: nmk device [status]
       nmk device show [DEV]
       nmk device connect DEV [--wait SECONDS]
       nmk device disconnect DEV [--wait SECONDS]
       nmk device reapply DEV
       nmk device set DEV managed yes|no
       nmk device set DEV autoconnect yes|no`;

/** The writable Device properties `device set` knows: the command-line word, the D-Bus property. */
const SETTABLE = [
  ['managed', 'Managed'],
  ['autoconnect', 'Autoconnect'],
] as const;

export type DeviceRequest =
  | { kind: 'status' }
  | { kind: 'show'; ifname?: string }
  | { kind: 'connect' | 'disconnect' | 'reapply'; ifname: string }
  | { kind: 'set'; ifname: string; values: Array<{ property: string; value: boolean }> };

const usage = (message: string) => new CliError(Exit.USER_INPUT, `${message}\n${DEVICE_USAGE}`);

/** Commands in nmcli's order, so a prefix picks the same one ("d" is disconnect). */
const COMMANDS = ['status', 'show', 'connect', 'disconnect', 'reapply', 'set'] as const;

export function parseDevice(args: string[]): DeviceRequest {
  const [word = 'status', ...rest] = args;
  const kind = COMMANDS.find((c) => matches(word, c));
  if (!kind) throw usage(`'${word}' is not a known command of 'device' in this version of nmk.`);
  if (kind === 'status') {
    if (rest.length) throw usage(`invalid extra argument '${rest[0]}'.`);
    return { kind };
  }
  if (kind === 'show') {
    if (rest.length > 1) throw usage(`invalid extra argument '${rest[1]}'.`);
    return { kind, ifname: rest[0] };
  }
  // nmcli accepts "ifname DEV" for set.
  if (kind === 'set' && rest[0] === 'ifname') rest.shift();
  const [ifname, ...more] = rest;
  if (ifname === undefined) throw usage('No interface specified.');
  if (kind !== 'set') {
    if (more.length) throw usage(`invalid extra argument '${more[0]}'.`);
    return { kind, ifname };
  }
  if (more.length === 0) throw usage('No property specified.');
  const values: Array<{ property: string; value: boolean }> = [];
  for (let i = 0; i < more.length; i++) {
    const row = SETTABLE.find(([w]) => matches(more[i]!, w));
    if (!row) throw usage(`property '${more[i]}' is not known.`);
    const v = more[++i];
    if (v === undefined) throw usage(`'${row[0]}' argument is missing.`);
    values.push({ property: row[1], value: parseBool(row[0], v) });
  }
  return { kind, ifname, values };
}

async function status(client: NmClient, opts: GlobalOptions): Promise<number> {
  const objects = await client.managedObjects();
  const names = new Map(activeOf(objects).map((a) => [a.path, a.id]));
  const rows = devicesOf(objects).map((d) => [d.iface, deviceTypeName(d.type), deviceStateName(d.state), names.get(d.activePath) ?? '--', d.path]);
  print(opts, ['DEVICE', 'TYPE', 'STATE', 'CONNECTION', 'DBUS-PATH'], rows, ['DEVICE', 'TYPE', 'STATE', 'CONNECTION']);
  return Exit.OK;
}

async function connect(client: NmClient, ifname: string, opts: GlobalOptions): Promise<number> {
  const wait = opts.wait ?? 90;
  const device = findDevice(await client.managedObjects(), ifname);
  const follower = new StateFollower('activated', (line) => console.log(line));
  const unsubscribe = await client.subscribe((s) => follower.push(s));
  const deadline = new Deadline(wait);
  const timeout = () => new CliError(Exit.TIMEOUT, `Timeout ${wait} sec expired.`);
  try {
    // "/" as the profile: the daemon picks the best one available for the device.
    const reply = await deadline.race(daemonCall(client.call(NM_PATH, NM_IFACE, 'ActivateConnection', 'ooo', ['/', device.path, '/']), Exit.ACTIVATION_FAILED, 'Device activation failed: '));
    if (reply === TIMEOUT) throw timeout();
    if (wait === 0) return Exit.OK;
    const activePath = String(reply);
    // The profile the daemon chose; an activation that already ended has no object left to ask.
    const props = (await client.call(activePath, 'org.freedesktop.DBus.Properties', 'GetAll', 's', [ACTIVE_IFACE]).catch(() => ({}))) as { Id?: string; Uuid?: string };
    follower.bind({ activePath, connectionId: props.Id ?? 'connection', devicePath: device.path, deviceName: device.iface });
    const outcome = await deadline.race(follower.settled);
    if (outcome === TIMEOUT) throw timeout();
    if (!outcome.ok) throw new CliError(Exit.ACTIVATION_FAILED, activationFailure(outcome, device.iface));
    console.log(`Device '${device.iface}' successfully activated with '${props.Uuid ?? ''}'.`);
    return Exit.OK;
  } finally {
    deadline.dispose();
    unsubscribe();
  }
}

async function disconnect(client: NmClient, ifname: string, opts: GlobalOptions): Promise<number> {
  const wait = opts.wait ?? 10;
  const device = findDevice(await client.managedObjects(), ifname);
  const follower = new StateFollower('disconnected', (line) => console.log(line));
  const unsubscribe = await client.subscribe((s) => follower.push(s));
  const deadline = new Deadline(wait);
  const timeout = () => new CliError(Exit.TIMEOUT, `Timeout ${wait} sec expired.`);
  try {
    const reply = await deadline.race(
      daemonCall(client.call(device.path, DEVICE_IFACE, 'Disconnect'), Exit.DISCONNECT_FAILED, `Device '${device.iface}' (${device.path}) disconnecting failed: `),
    );
    if (reply === TIMEOUT) throw timeout();
    if (wait === 0) return Exit.OK;
    follower.bind({ devicePath: device.path, deviceName: device.iface });
    // No signal comes when the device was already down by the reply and its signals were missed: read the state.
    if (!follower.outcome) {
      const state = await client.getProperty(device.path, DEVICE_IFACE, 'State').catch(() => undefined);
      if (state !== undefined && Number(state) <= DS.DISCONNECTED) follower.settle({ ok: true });
    }
    const outcome = await deadline.race(follower.settled);
    if (outcome === TIMEOUT) throw timeout();
    console.log(`Device '${device.iface}' successfully disconnected.`);
    return Exit.OK;
  } finally {
    deadline.dispose();
    unsubscribe();
  }
}

async function reapply(client: NmClient, ifname: string, opts: GlobalOptions): Promise<number> {
  const wait = opts.wait ?? 10;
  const device = findDevice(await client.managedObjects(), ifname);
  const deadline = new Deadline(wait);
  try {
    // No settings and version 0: the profile as it is now, whatever was applied before.
    const reply = await deadline.race(
      daemonCall(client.call(device.path, DEVICE_IFACE, 'Reapply', 'a{sa{sv}}tu', [{}, 0, 0]), Exit.DISCONNECT_FAILED, `Reapplying connection to device '${device.iface}' (${device.path}) failed: `),
    );
    if (reply === TIMEOUT) throw new CliError(Exit.TIMEOUT, `Timeout ${wait} sec expired.`);
    console.log(`Connection successfully reapplied to device '${device.iface}'.`);
    return Exit.OK;
  } finally {
    deadline.dispose();
  }
}

async function set(client: NmClient, req: Extract<DeviceRequest, { kind: 'set' }>): Promise<number> {
  const device = findDevice(await client.managedObjects(), req.ifname);
  // In the order given, as nmcli.
  for (const { property, value } of req.values) {
    await daemonCall(client.setProperty(device.path, DEVICE_IFACE, property, 'b', value), Exit.UNKNOWN, `Setting ${property} of device '${device.iface}' failed: `);
  }
  return Exit.OK;
}

export async function runDevice(client: NmClient, req: DeviceRequest, opts: GlobalOptions): Promise<number> {
  switch (req.kind) {
    case 'status':
      return status(client, opts);
    case 'show':
      return showDevices(client, req.ifname, opts);
    case 'connect':
      return connect(client, req.ifname, opts);
    case 'disconnect':
      return disconnect(client, req.ifname, opts);
    case 'reapply':
      return reapply(client, req.ifname, opts);
    case 'set':
      return set(client, req);
  }
}
