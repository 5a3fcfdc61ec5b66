import { describe, expect, it } from 'vitest';
import { NMActiveConnectionState as AC, NMActiveConnectionStateReason as AR, NMDeviceState as DS, NMDeviceStateReason as R } from '../sdk/index.js';
import { activationFailure } from './commands/activation.js';
import { Deadline, TIMEOUT } from './deadline.js';
import { decodeSignal } from './nm-client.js';
import { StateFollower, type NmSignal } from './state-follower.js';

const ACP = '/org/freedesktop/NetworkManager/ActiveConnection/7';
const OLD = '/org/freedesktop/NetworkManager/ActiveConnection/6';
const DEV = '/org/freedesktop/NetworkManager/Devices/3';
const OTHER = '/org/freedesktop/NetworkManager/Devices/4';
const ac = (path: string, state: number, reason: number = AR.NONE): NmSignal => ({ kind: 'active', path, state, reason });
const dev = (path: string, state: number, old: number, reason: number = R.NONE): NmSignal => ({ kind: 'device', path, state, old, reason });
const target = { activePath: ACP, connectionId: 'lan', devicePath: DEV, deviceName: 'veth0' };

function follow(goal: 'activated' | 'deactivated' | 'disconnected', signals: NmSignal[], bindAfter = signals.length) {
  const lines: string[] = [];
  const f = new StateFollower(goal, (l) => lines.push(l));
  signals.forEach((s, i) => {
    if (i === bindAfter) f.bind(target);
    f.push(s);
  });
  if (bindAfter >= signals.length) f.bind(target);
  return { lines, outcome: f.outcome };
}

describe('following an activation', () => {
  const success = [
    ac(ACP, AC.ACTIVATING), dev(DEV, DS.PREPARE, DS.DISCONNECTED), dev(OTHER, DS.PREPARE, DS.DISCONNECTED), dev(DEV, DS.CONFIG, DS.PREPARE),
    dev(DEV, DS.IP_CONFIG, DS.CONFIG), dev(DEV, DS.IP_CHECK, DS.IP_CONFIG), dev(DEV, DS.SECONDARIES, DS.IP_CHECK), dev(DEV, DS.ACTIVATED, DS.SECONDARIES), ac(ACP, AC.ACTIVATED),
  ];

  it('prints every state of its connection and device in order, whether seen before the reply or after, and succeeds at ACTIVATED', () => {
    const expected = [
      'lan: activating', 'veth0: connecting (prepare)', 'veth0: connecting (configuring)', 'veth0: connecting (getting IP configuration)',
      'veth0: connecting (checking IP connectivity)', 'veth0: connecting (starting secondary connections)', 'veth0: connected', 'lan: activated',
    ];
    for (const bindAfter of [0, 3, success.length]) {
      const r = follow('activated', success, bindAfter);
      expect(r.lines, `bound after ${bindAfter} signals`).toEqual(expected);
      expect(r.outcome).toEqual({ ok: true });
    }
  });

  it('fails with the device reason of this activation and the connection reason', () => {
    const r = follow('activated', [
      ac(ACP, AC.ACTIVATING), dev(DEV, DS.PREPARE, DS.DISCONNECTED), dev(DEV, DS.CONFIG, DS.PREPARE), dev(DEV, DS.IP_CONFIG, DS.CONFIG),
      dev(DEV, DS.FAILED, DS.IP_CONFIG, R.IP_METHOD_UNSUPPORTED), ac(ACP, AC.DEACTIVATED, AR.IP_CONFIG_INVALID), dev(DEV, DS.DISCONNECTED, DS.FAILED, R.IP_METHOD_UNSUPPORTED),
    ]);
    expect(r.lines.slice(-2)).toEqual(['veth0: connection failed (reason: ip-method-unsupported)', 'lan: deactivated (reason: ip-config-invalid)']);
    expect(r.outcome).toEqual({ ok: false, activeReason: AR.IP_CONFIG_INVALID, deviceReason: R.IP_METHOD_UNSUPPORTED });
    expect(activationFailure(r.outcome as any, 'veth0')).toBe('Connection activation failed: The selected IP method is not supported (device veth0: ip-method-unsupported; connection: ip-config-invalid).');
  });

  it('re-activating an active profile: the device leaving the old activation is shown but is no failure', () => {
    const r = follow('activated', [
      ac(OLD, AC.DEACTIVATING, AR.DEVICE_DISCONNECTED), dev(DEV, DS.DEACTIVATING, DS.ACTIVATED, R.NEW_ACTIVATION), ac(OLD, AC.DEACTIVATED, AR.DEVICE_DISCONNECTED),
      dev(DEV, DS.DISCONNECTED, DS.DEACTIVATING, R.NEW_ACTIVATION), ...success,
    ]);
    expect(r.lines.slice(0, 3)).toEqual(['veth0: deactivating (reason: new-activation)', 'veth0: disconnected (reason: new-activation)', 'lan: activating']);
    expect(r.outcome).toEqual({ ok: true });
  });

  it('a connection that ends for its own reason names it (no device reason)', () => {
    const r = follow('activated', [ac(ACP, AC.ACTIVATING), ac(ACP, AC.DEACTIVATED, AR.DEVICE_REMOVED)]);
    expect(r.outcome).toEqual({ ok: false, activeReason: AR.DEVICE_REMOVED, deviceReason: undefined });
    expect(activationFailure(r.outcome as any)).toBe('Connection activation failed: The device disappeared (connection: device-removed).');
  });

  it('stays unsettled while the states go on', () => {
    expect(follow('activated', success.slice(0, 5)).outcome).toBeUndefined();
  });
});

describe('following a deactivation and a disconnect', () => {
  it('down settles at DEACTIVATED', () => {
    const r = follow('deactivated', [ac(ACP, AC.DEACTIVATING, AR.USER_DISCONNECTED), dev(DEV, DS.DEACTIVATING, DS.ACTIVATED, R.USER_REQUESTED), ac(ACP, AC.DEACTIVATED, AR.USER_DISCONNECTED)]);
    expect(r.lines).toEqual(['lan: deactivating (reason: user-disconnected)', 'veth0: deactivating (reason: user-requested)', 'lan: deactivated (reason: user-disconnected)']);
    expect(r.outcome).toEqual({ ok: true });
  });

  it('disconnect settles when the device is disconnected, or removed (a software link nmk deletes)', () => {
    expect(follow('disconnected', [dev(DEV, DS.DEACTIVATING, DS.ACTIVATED, R.USER_REQUESTED)]).outcome).toBeUndefined();
    expect(follow('disconnected', [dev(DEV, DS.DEACTIVATING, DS.ACTIVATED), dev(DEV, DS.DISCONNECTED, DS.DEACTIVATING, R.USER_REQUESTED)]).outcome).toEqual({ ok: true });
    const removed = follow('disconnected', [{ kind: 'device-removed', path: DEV }]);
    expect([removed.lines, removed.outcome]).toEqual([['veth0: removed'], { ok: true }]);
  });
});

describe('signals and deadlines', () => {
  it('decodes the StateChanged signals of active connections and devices, and DeviceRemoved', () => {
    expect(decodeSignal({ path: ACP, interface: 'org.freedesktop.NetworkManager.Connection.Active', member: 'StateChanged', body: [2, 1] })).toEqual(ac(ACP, 2, 1));
    expect(decodeSignal({ path: DEV, interface: 'org.freedesktop.NetworkManager.Device', member: 'StateChanged', body: [40, 30, 0] })).toEqual(dev(DEV, 40, 30, 0));
    expect(decodeSignal({ path: '/org/freedesktop/NetworkManager', interface: 'org.freedesktop.NetworkManager', member: 'DeviceRemoved', body: [DEV] })).toEqual({ kind: 'device-removed', path: DEV });
    expect(decodeSignal({ path: '/org/freedesktop/NetworkManager', interface: 'org.freedesktop.NetworkManager', member: 'StateChanged', body: [70] })).toBeUndefined();
  });

  it('a deadline answers TIMEOUT when the time is up first, and 0 never expires', async () => {
    const never = new Promise<string>(() => {});
    const d = new Deadline(0.01);
    expect(await d.race(never)).toBe(TIMEOUT);
    d.dispose();
    const zero = new Deadline(0);
    expect(await zero.race(Promise.resolve('answered'))).toBe('answered');
    zero.dispose();
  });
});

describe('following a VPN activation', () => {
  it('prints the VPN states beside the connection\'s and settles on the connection\'s ACTIVATED', () => {
    const vpn = (state: number): NmSignal => ({ kind: 'vpn', path: ACP, state, reason: AR.NONE });
    const r = follow('activated', [ac(ACP, AC.ACTIVATING), vpn(1), vpn(3), vpn(4), vpn(5), ac(ACP, AC.ACTIVATED)]);
    expect(r.lines).toEqual(['lan: activating', 'lan: VPN connecting (prepare)', 'lan: VPN connecting', 'lan: VPN connecting (getting IP configuration)', 'lan: VPN connected', 'lan: activated']);
    expect(r.outcome).toEqual({ ok: true });
  });
  it('decodes VpnStateChanged', () => {
    expect(decodeSignal({ path: ACP, interface: 'org.freedesktop.NetworkManager.VPN.Connection', member: 'VpnStateChanged', body: [6, 9] })).toEqual({ kind: 'vpn', path: ACP, state: 6, reason: 9 });
  });
});
