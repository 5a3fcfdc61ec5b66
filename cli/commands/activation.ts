/**
 * `nmk connection up ID|UUID|PATH [ifname DEV]` and `nmk connection down
 * ID|UUID|PATH|APATH`: NetworkManager's ActivateConnection and
 * DeactivateConnection, following the states as they happen, with nmcli's
 * messages and exit codes. --wait defaults to 90 s for up and 10 s for
 * down, as nmcli; --wait 0 returns once the daemon has accepted the request.
 */
import { NMActiveConnectionState as AC } from '../../sdk/nm.js';
import type { GlobalOptions } from '../args.js';
import { Deadline, TIMEOUT } from '../deadline.js';
import { CliError, Exit } from '../exit-codes.js';
import { activeOf, devicesOf, fetchProfiles, findActive, findDevice, findProfile, SELECTORS, ACTIVE_IFACE, type DeviceInfo, type Selector } from '../lookup.js';
import { errorName, errorText, type NmClient } from '../nm-client.js';
import { activeReasonName, activeReasonText, deviceReasonName, deviceReasonText } from '../reasons.js';
import { StateFollower, type Outcome } from '../state-follower.js';

const NM_PATH = '/org/freedesktop/NetworkManager';
const NM_IFACE = 'org.freedesktop.NetworkManager';
export const UP_USAGE = 'Usage: nmk connection up [id|uuid|path] ID [ifname DEV] [--wait SECONDS]';
export const DOWN_USAGE = 'Usage: nmk connection down [id|uuid|path|apath] ID';

export interface UpRequest {
  value: string;
  selector?: Selector;
  ifname?: string;
}

export interface DownRequest {
  value: string;
  selector?: Selector | 'apath';
}

const usage = (message: string, text: string) => new CliError(Exit.USER_INPUT, `${message}\n${text}`);

/** `[id|uuid|path] VALUE`, the way nmcli names a profile; returns the rest of the words. */
function takeProfile<S extends string>(args: string[], selectors: readonly S[], text: string): { value: string; selector?: S; rest: string[] } {
  const [first, ...rest] = args;
  if (first === undefined) throw usage('No connection specified.', text);
  if ((selectors as readonly string[]).includes(first)) {
    const [value, ...more] = rest;
    if (value === undefined) throw usage(`${first} argument is missing.`, text);
    return { value, selector: first as S, rest: more };
  }
  return { value: first, rest };
}

export function parseUp(args: string[]): UpRequest {
  const { value, selector, rest } = takeProfile(args, SELECTORS, UP_USAGE);
  const req: UpRequest = { value, selector };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] !== 'ifname') throw usage(`invalid extra argument '${rest[i]}'.`, UP_USAGE);
    const dev = rest[++i];
    if (dev === undefined) throw usage('ifname argument is missing.', UP_USAGE);
    req.ifname = dev;
  }
  return req;
}

export function parseDown(args: string[]): DownRequest {
  const { value, selector, rest } = takeProfile(args, [...SELECTORS, 'apath'] as const, DOWN_USAGE);
  if (rest.length) throw usage(`invalid extra argument '${rest[0]}'.`, DOWN_USAGE);
  return { value, selector };
}

/** A daemon error of `p` becomes CliError(code, prefix + the daemon's message); other failures pass. */
export async function daemonCall<T>(p: Promise<T>, code: number, prefix: string): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (errorName(err)) throw new CliError(code, `${prefix}${errorText(err)}`);
    throw err;
  }
}

/** nmcli's failure sentence, with the reasons' names so the cause is plain ("ip-method-unsupported"). */
export function activationFailure(o: Extract<Outcome, { ok: false }>, deviceName?: string): string {
  // nmk's own reason is the device's when it failed during this activation; the connection's says less.
  const text = o.deviceReason !== undefined ? deviceReasonText(o.deviceReason) : activeReasonText(o.activeReason);
  const names = [
    ...(o.deviceReason !== undefined ? [`${deviceName ? `device ${deviceName}` : 'device'}: ${deviceReasonName(o.deviceReason)}`] : []),
    `connection: ${activeReasonName(o.activeReason)}`,
  ];
  return `Connection activation failed: ${text} (${names.join('; ')}).`;
}

/** The device an activation runs on when the command did not name one: the AC's, or the profile's interface. */
async function deviceAfterReply(client: NmClient, activePath: string, ifname: string): Promise<DeviceInfo | undefined> {
  const objects = await client.managedObjects();
  const ac = activeOf(objects).find((a) => a.path === activePath);
  const devices = devicesOf(objects);
  return devices.find((d) => d.path === ac?.devices[0]) ?? devices.find((d) => d.iface === ifname);
}

export async function runUp(client: NmClient, req: UpRequest, opts: GlobalOptions): Promise<number> {
  const wait = opts.wait ?? 90;
  const profile = findProfile(await fetchProfiles(client), req.value, req.selector);
  const objects = await client.managedObjects();
  const named = req.ifname !== undefined ? findDevice(objects, req.ifname) : undefined;
  const ifname = profile.interfaceName;
  let device = named ?? devicesOf(objects).find((d) => d.iface === ifname);

  const follower = new StateFollower('activated', (line) => console.log(line));
  // Subscribed before the call: the first states are sent before its reply.
  const unsubscribe = await client.subscribe((s) => follower.push(s));
  const deadline = new Deadline(wait);
  try {
    const reply = await deadline.race(
      daemonCall(client.call(NM_PATH, NM_IFACE, 'ActivateConnection', 'ooo', [profile.path, named?.path ?? '/', '/']), Exit.ACTIVATION_FAILED, 'Connection activation failed: '),
    );
    if (reply === TIMEOUT) throw new CliError(Exit.TIMEOUT, `Timeout expired (${wait} seconds)`);
    const activePath = String(reply);
    if (wait === 0) {
      // nmcli -w 0: the request is accepted; say more only if it is already done.
      const state = await client.getProperty(activePath, ACTIVE_IFACE, 'State').catch(() => undefined);
      if (Number(state) === AC.ACTIVATED) console.log(`Connection successfully activated (D-Bus active path: ${activePath})`);
      return Exit.OK;
    }
    device ??= await deviceAfterReply(client, activePath, ifname);
    follower.bind({ activePath, connectionId: profile.id, devicePath: device?.path, deviceName: device?.iface });
    const outcome = await deadline.race(follower.settled);
    if (outcome === TIMEOUT) throw new CliError(Exit.TIMEOUT, `Timeout expired (${wait} seconds)`);
    if (!outcome.ok) throw new CliError(Exit.ACTIVATION_FAILED, activationFailure(outcome, device?.iface));
    console.log(`Connection successfully activated (D-Bus active path: ${activePath})`);
    return Exit.OK;
  } finally {
    deadline.dispose();
    unsubscribe();
  }
}

export async function runDown(client: NmClient, req: DownRequest, opts: GlobalOptions): Promise<number> {
  const wait = opts.wait ?? 10;
  const objects = await client.managedObjects();
  const active = findActive(activeOf(objects), req.value, req.selector);
  if (!active) throw new CliError(Exit.NOT_FOUND, `'${req.value}' is not an active connection.`);
  const device = devicesOf(objects).find((d) => d.path === active.devices[0]);

  const follower = new StateFollower('deactivated', (line) => console.log(line));
  const unsubscribe = await client.subscribe((s) => follower.push(s));
  const deadline = new Deadline(wait);
  try {
    const reply = await deadline.race(
      daemonCall(client.call(NM_PATH, NM_IFACE, 'DeactivateConnection', 'o', [active.path]), Exit.DEACTIVATION_FAILED, `Connection '${active.id}' deactivation failed: `),
    );
    if (reply === TIMEOUT) throw new CliError(Exit.TIMEOUT, `Timeout expired (${wait} seconds)`);
    if (wait === 0) return Exit.OK;
    follower.bind({ activePath: active.path, connectionId: active.id, devicePath: device?.path, deviceName: device?.iface });
    const outcome = await deadline.race(follower.settled);
    if (outcome === TIMEOUT) throw new CliError(Exit.TIMEOUT, `Timeout expired (${wait} seconds)`);
    console.log(`Connection '${active.id}' successfully deactivated (D-Bus active path: ${active.path})`);
    return Exit.OK;
  } finally {
    deadline.dispose();
    unsubscribe();
  }
}
