/**
 * connection up against a fake daemon: the states it sends before its reply
 * to ActivateConnection are not lost (the CLI subscribes first), --wait runs
 * out with nmcli's exit 3, and the daemon's refusal is exit 4 with its message.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NMActiveConnectionState as AC, NMDeviceState as DS } from '../../sdk/nm.js';
import { CliError, Exit } from '../exit-codes.js';
import type { NmClient } from '../nm-client.js';
import type { NmSignal } from '../state-follower.js';
import { runUp } from './activation.js';

const PROFILE = '/org/freedesktop/NetworkManager/Settings/1';
const DEV = '/org/freedesktop/NetworkManager/Devices/3';
const ACP = '/org/freedesktop/NetworkManager/ActiveConnection/1';
const wire = { connection: { id: { signature: 's', value: 'lan' }, uuid: { signature: 's', value: 'u-1' }, 'interface-name': { signature: 's', value: 'veth0' } } };
const objects = new Map([[DEV, new Map([['org.freedesktop.NetworkManager.Device', { Interface: 'veth0', DeviceType: 1, State: DS.DISCONNECTED, ActiveConnection: '/' }]])]]);

/** A daemon whose ActivateConnection runs `activate`: it may send signals before its reply, and schedule more after it. */
function fakeDaemon(activate: (emit: (s: NmSignal) => void) => Promise<string>): NmClient {
  const listeners: Array<(s: NmSignal) => void> = [];
  const emit = (s: NmSignal) => listeners.forEach((l) => l(s));
  const fake = {
    call: async (_path: string, _iface: string, member: string) => {
      if (member === 'ListConnections') return [PROFILE];
      if (member === 'ActivateConnection') return activate(emit);
      throw new Error(`unexpected call ${member}`);
    },
    callRaw: async () => wire,
    getProperty: async () => '',
    managedObjects: async () => objects,
    subscribe: async (l: (s: NmSignal) => void) => {
      listeners.push(l);
      return () => listeners.splice(listeners.indexOf(l), 1);
    },
  };
  return fake as unknown as NmClient;
}

async function refusal(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('connection up against a fake daemon', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the states sent before the reply, then those after, and succeeds', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((l: string) => void out.push(l));
    const client = fakeDaemon(async (emit) => {
      emit({ kind: 'active', path: ACP, state: AC.ACTIVATING, reason: 1 });
      emit({ kind: 'device', path: DEV, state: DS.PREPARE, old: DS.DISCONNECTED, reason: 0 });
      setTimeout(() => {
        emit({ kind: 'device', path: DEV, state: DS.ACTIVATED, old: DS.PREPARE, reason: 0 });
        emit({ kind: 'active', path: ACP, state: AC.ACTIVATED, reason: 1 });
      }, 0);
      return ACP;
    });
    expect(await runUp(client, { value: 'lan' }, { terse: false, help: false })).toBe(Exit.OK);
    expect(out).toEqual(['lan: activating', 'veth0: connecting (prepare)', 'veth0: connected', 'lan: activated', `Connection successfully activated (D-Bus active path: ${ACP})`]);
  });

  it('--wait runs out with exit 3 when the activation never ends', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const client = fakeDaemon(async (emit) => {
      emit({ kind: 'active', path: ACP, state: AC.ACTIVATING, reason: 1 });
      return ACP;
    });
    const e = await refusal(runUp(client, { value: 'lan' }, { terse: false, help: false, wait: 1 }));
    expect([e.code, e.message]).toEqual([Exit.TIMEOUT, 'Timeout expired (1 seconds)']);
  });

  it("the daemon's refusal is exit 4 with its message; an unknown profile is exit 10 before the daemon is asked", async () => {
    const refused = fakeDaemon(async () => {
      throw Object.assign(new Error('x'), { type: 'org.freedesktop.NetworkManager.UnknownDevice', text: "no suitable device found for 'lan'" });
    });
    const e = await refusal(runUp(refused, { value: 'lan' }, { terse: false, help: false }));
    expect([e.code, e.message]).toEqual([Exit.ACTIVATION_FAILED, "Connection activation failed: no suitable device found for 'lan'"]);
    const unknown = await refusal(runUp(refused, { value: 'wan' }, { terse: false, help: false }));
    expect([unknown.code, unknown.message]).toEqual([Exit.NOT_FOUND, "unknown connection 'wan'."]);
  });
});
