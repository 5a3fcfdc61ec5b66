/**
 * The connectivity manager on a hand-made model: the guessed states with
 * checking off, the kernel pre-check, the manager's state decided by the
 * device with the best default route, CheckConnectivity and switching
 * checking off over D-Bus.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NMConnectivity, NMDeviceState, NMDeviceType, type Address, type DeviceView, type Link, type NetworkModel, type Route } from '../../sdk/index.js';
import { MergedConfig } from '../config/merged-config.js';
import { LocalEventBus } from '../events/event-bus.js';
import { createLogger, LogSink } from '../log/logger.js';
import { Connectivity, type ConnectivityChange } from './connectivity.js';
import type { HttpCheckRequest } from './http-check.js';
import type { CheckResult } from './states.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));

const link = (ifindex: number, name: string, carrier = true): Link => ({ ifindex, name, kind: 'veth', arptype: 1, flags: 0, up: true, carrier, operstate: 'up', mtu: 1500, mac: '', master: 0, parent: 0 } as Link);
const addr = (ifindex: number, address: string, family: 4 | 6 = 4): Address => ({ family, ifindex, address, prefixlen: 24, scope: 0, flags: 0x80, validLifetime: 0xffffffff, preferredLifetime: 0xffffffff });
const route = (ifindex: number, dst: string, dstLen: number, metric: number, gateway?: string, family: 4 | 6 = 4): Route =>
  ({ family, table: 254, dst, dstLen, gateway, ifindex, metric, protocol: 4, scope: gateway ? 0 : 253, type: 1 });

class Model implements NetworkModel {
  linksBy = new Map<number, Link>();
  addrs: Address[] = [];
  rts: Route[] = [];
  links() { return this.linksBy.values(); }
  link(i: number) { return this.linksBy.get(i); }
  linkByName(n: string) { return [...this.linksBy.values()].find((l) => l.name === n); }
  addresses(i: number) { return this.addrs.filter((a) => a.ifindex === i); }
  routes(i?: number) { return this.rts.filter((r) => i === undefined || r.ifindex === i); }
  defaultRoutes() { return this.rts.filter((r) => r.dstLen === 0); }
  stats = { links: 0, addresses: 0, trackedRoutes: 0, foreignRoutes: 0, events: 0, resyncs: 0 };
}

const device = (ifindex: number, name: string, state: number, deviceType: number = NMDeviceType.VETH): DeviceView =>
  ({ ifindex, name, kind: 'veth', deviceType, state, stateReason: 0, managed: true, link: link(ifindex, name), path: `/org/freedesktop/NetworkManager/Devices/${ifindex}` });

let running: Connectivity | undefined;
afterEach(() => running?.stop());

function setup(conf: Record<string, string>, devices: DeviceView[], model: Model, answers: Record<string, NMConnectivityValue> = {}) {
  const config = new MergedConfig();
  for (const [k, v] of Object.entries(conf)) config.set('connectivity', k, v, 'test.conf:1');
  const events = new LocalEventBus(logger);
  const requests: HttpCheckRequest[] = [];
  const check = async (req: HttpCheckRequest): Promise<CheckResult> => {
    requests.push(req);
    return { state: answers[req.localAddress ?? ''] ?? NMConnectivity.LIMITED, reason: 'test' };
  };
  const c = new Connectivity({ events, model, devices: { all: () => devices }, config, logger, check });
  const changes: ConnectivityChange[] = [];
  c.onChange((ch) => changes.push(ch));
  running = c;
  return { c, events, requests, changes };
}
type NMConnectivityValue = (typeof NMConnectivity)[keyof typeof NMConnectivity];

const flush = () => new Promise((r) => setImmediate(r));

describe('Connectivity', () => {
  it('with no uri guesses as NetworkManager: FULL with a default route, LIMITED without, NONE when not activated', async () => {
    const m = new Model();
    m.linksBy.set(2, link(2, 'a')).set(3, link(3, 'b')).set(4, link(4, 'c'));
    m.rts.push(route(2, '0.0.0.0', 0, 100, '192.0.2.1'));
    const [a, b, c] = [device(2, 'a', NMDeviceState.ACTIVATED), device(3, 'b', NMDeviceState.ACTIVATED), device(4, 'c', NMDeviceState.DISCONNECTED)];
    const { c: conn, requests } = setup({}, [a, b, c], m);
    conn.start();
    await flush();
    expect([conn.deviceState(a, 4), conn.deviceState(a, 6)]).toEqual([NMConnectivity.FULL, NMConnectivity.FULL]);
    expect([conn.deviceState(b, 4), conn.deviceState(b, 6)]).toEqual([NMConnectivity.LIMITED, NMConnectivity.LIMITED]);
    expect(conn.deviceState(c, 4)).toBe(NMConnectivity.NONE);
    expect(conn.state).toBe(NMConnectivity.FULL);
    expect([conn.available, conn.enabled, conn.uri]).toEqual([false, false, '']);
    expect(await conn.checkNow()).toBe(NMConnectivity.FULL);
    expect(requests).toEqual([]);
  });

  it('follows a default route that arrives after the device activated (checking off)', async () => {
    const m = new Model();
    m.linksBy.set(2, link(2, 'a'));
    const a = device(2, 'a', NMDeviceState.ACTIVATED);
    const { c, events, changes } = setup({ uri: 'http://192.0.2.1/', enabled: 'false' }, [a], m);
    c.start();
    expect(c.state).toBe(NMConnectivity.LIMITED);
    const r = route(2, '0.0.0.0', 0, 100, '192.0.2.1');
    m.rts.push(r);
    events.emit('route.added', { route: r });
    expect(c.deviceState(a, 4)).toBe(NMConnectivity.FULL);
    expect(c.state).toBe(NMConnectivity.FULL);
    expect(changes).toContainEqual({ kind: 'manager' });
    expect(changes).toContainEqual({ kind: 'device', device: a, family: 4 });
    expect([c.available, c.enabled, c.uri]).toEqual([true, false, 'http://192.0.2.1/']);
  });

  it('checks the kernel first: no carrier or no address is NONE, only a subnet route is LIMITED, without a request', async () => {
    const m = new Model();
    m.linksBy.set(2, link(2, 'nocarrier', false)).set(3, link(3, 'noaddr')).set(4, link(4, 'subnet'));
    m.addrs.push(addr(2, '192.0.2.10'), addr(4, '198.51.100.10'));
    m.rts.push(route(4, '198.51.100.0', 24, 100));
    const devs = [device(2, 'nocarrier', NMDeviceState.ACTIVATED), device(3, 'noaddr', NMDeviceState.ACTIVATED), device(4, 'subnet', NMDeviceState.ACTIVATED)];
    const { c, requests } = setup({ uri: 'http://192.0.2.1/' }, devs, m);
    c.start();
    await flush();
    expect(devs.map((d) => c.deviceState(d, 4))).toEqual([NMConnectivity.NONE, NMConnectivity.NONE, NMConnectivity.LIMITED]);
    expect(devs.map((d) => c.deviceState(d, 6))).toEqual([NMConnectivity.NONE, NMConnectivity.NONE, NMConnectivity.NONE]);
    expect(requests).toEqual([]);
  });

  it('sends the check from the device address; the device with the best default route decides the manager', async () => {
    const m = new Model();
    m.linksBy.set(2, link(2, 'a')).set(3, link(3, 'b')).set(1, link(1, 'lo'));
    m.addrs.push(addr(2, '192.0.2.10'), addr(3, '198.51.100.10'), addr(1, '127.0.0.1'));
    m.rts.push(route(2, '0.0.0.0', 0, 200, '192.0.2.1'), route(3, '0.0.0.0', 0, 100, '198.51.100.1'), route(1, '0.0.0.0', 0, 10, '127.0.0.2'));
    const a = device(2, 'a', NMDeviceState.ACTIVATED);
    const b = device(3, 'b', NMDeviceState.ACTIVATED);
    const lo = device(1, 'lo', NMDeviceState.ACTIVATED, NMDeviceType.LOOPBACK);
    // NetworkManager stops at the first FULL it meets, so the order matters: b (the better route) first.
    const { c, requests } = setup({ uri: 'http://192.0.2.1/check' }, [b, a, lo], m, { '192.0.2.10': NMConnectivity.FULL, '198.51.100.10': NMConnectivity.PORTAL });
    c.start();
    await flush();
    expect(c.deviceState(a, 4)).toBe(NMConnectivity.FULL);
    expect(c.deviceState(b, 4)).toBe(NMConnectivity.PORTAL);
    // b's default route has the lower metric: its PORTAL is the manager's, though a is FULL.
    expect(c.state).toBe(NMConnectivity.PORTAL);
    // Loopback is never checked.
    expect(requests.map((r) => r.localAddress).sort()).toEqual(['192.0.2.10', '198.51.100.10']);
    expect(requests[0]!.config).toMatchObject({ host: '192.0.2.1', path: '/check', port: 80 });
    expect(await c.checkNow()).toBe(NMConnectivity.PORTAL);
  });

  it('ConnectivityCheckEnabled off turns the checks into guesses; on again checks', async () => {
    const m = new Model();
    m.linksBy.set(2, link(2, 'a'));
    m.addrs.push(addr(2, '192.0.2.10'));
    m.rts.push(route(2, '0.0.0.0', 0, 100, '192.0.2.1'));
    const a = device(2, 'a', NMDeviceState.ACTIVATED);
    const { c, requests, changes } = setup({ uri: 'http://192.0.2.1/' }, [a], m, { '192.0.2.10': NMConnectivity.PORTAL });
    c.start();
    await flush();
    expect(c.state).toBe(NMConnectivity.PORTAL);
    c.setEnabled(false);
    expect(c.enabled).toBe(false);
    expect(c.state).toBe(NMConnectivity.FULL);
    expect(changes).toContainEqual({ kind: 'config' });
    const sent = requests.length;
    c.setEnabled(true);
    await flush();
    // IPv4 only: without an IPv6 address the pre-check answers NONE.
    expect(requests.length).toBe(sent + 1);
    expect(c.deviceState(a, 6)).toBe(NMConnectivity.NONE);
    expect(c.state).toBe(NMConnectivity.PORTAL);
  });

  it('a removed device no longer counts', async () => {
    const m = new Model();
    m.linksBy.set(2, link(2, 'a'));
    m.rts.push(route(2, '0.0.0.0', 0, 100, '192.0.2.1'));
    const a = device(2, 'a', NMDeviceState.ACTIVATED);
    const { c, events } = setup({}, [a], m);
    c.start();
    expect(c.state).toBe(NMConnectivity.FULL);
    events.emit('device.removed', { device: a });
    expect(c.state).toBe(NMConnectivity.UNKNOWN);
    expect(c.deviceState(a, 4)).toBe(NMConnectivity.UNKNOWN);
  });
});
