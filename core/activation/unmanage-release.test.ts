/**
 * What making an active device unmanaged (Device.Managed=false, `nmcli
 * device set DEV managed no`) does to its link, on the fake platform, as
 * NetworkManager 1.42 does it (nm-device.c: the D-Bus setter marks the
 * device "removed", so its move to UNMANAGED runs nm_device_cleanup with
 * CLEANUP_TYPE_REMOVED; checked side by side in
 * test/integration/unmanage-restore.test.ts): the connection ends, the link
 * gets back the MAC address it had before the activation and loses the
 * profile's routing rules, and keeps everything else: its addresses,
 * routes, MTU, up state and controller. A link nmk created stays; an
 * external connection is left exactly as it is.
 */
import { describe, expect, it } from 'vitest';
import { NMActiveConnectionState as AC, type ConnectionSettings } from '../../sdk/index.js';
import { bridgeKind } from '../../plugins/device-bridge/index.js';
import { ethernetKind, vethKind } from '../../plugins/device-ethernet/index.js';
import { loopbackKind } from '../../plugins/device-loopback/index.js';
import { createLogger, LogSink } from '../log/logger.js';
import { GENERATED_SOURCE, SettingsStore } from '../settings/settings-store.js';
import type { Profile } from '../settings/profile.js';
import { ActivationManager, type ActivateOptions } from './activation-manager.js';
import { drain, fakeCore, until, managersTakenDownAfterEach } from './test/fake-ip-services.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));
const ORIGINAL = '52:54:00:12:34:56';
const LITERAL = '02:11:22:33:44:55';

const live = managersTakenDownAfterEach();

let nextUuid = 1;
function profile(connection: Record<string, unknown>, more: ConnectionSettings = {}): Profile {
  const uuid = `7b1b2c3d-0000-4000-8000-${String(nextUuid++).padStart(12, '0')}`;
  const settings: ConnectionSettings = {
    connection: { id: `u${uuid.slice(-3)}`, uuid, type: '802-3-ethernet', 'interface-name': 'eth0', ...connection },
    ipv4: { method: 'disabled' },
    ipv6: { method: 'ignore' },
    ...more,
  };
  return { uuid, id: String(settings.connection!.id), path: `/org/freedesktop/NetworkManager/Settings/${uuid.slice(-3)}`, settings, source: GENERATED_SOURCE, stored: { settings, file: '' }, version: 1 };
}

/** A literal cloned MAC, an MTU, an address, a gateway, a route and a routing rule. */
const configured = profile({}, {
  '802-3-ethernet': { 'cloned-mac-address': LITERAL, mtu: 1400 },
  ipv4: {
    method: 'manual',
    'address-data': [{ address: '192.0.2.7', prefix: 24 }],
    gateway: '192.0.2.254',
    'route-data': [{ dest: '198.51.100.0', prefix: 24, nextHop: '192.0.2.2' }],
    'routing-rules': ['priority 5 from 192.0.2.0/24 table 100'],
  },
});

async function setup() {
  const core = await fakeCore([], logger);
  const { events, kinds, devices, model, platform, config } = core;
  kinds.load([ethernetKind, vethKind, loopbackKind, bridgeKind], () => undefined);
  const eth0 = platform.injectExternal({ type: 'add-link', link: { name: 'eth0', up: true, mac: ORIGINAL } })!.ifindex;
  await drain();
  const settings = new SettingsStore(() => [], events, logger, config);
  const am = new ActivationManager(devices, kinds, settings, () => platform, model, events, logger);
  live.push(am);
  const link = async (name = 'eth0') => (await platform.link(name))!;
  const up = async (p: Profile, options?: ActivateOptions, device = devices.byName(String(p.settings.connection?.['interface-name']))) => {
    const ac = await am.activate(p, device, options);
    await until(() => ac.state === AC.ACTIVATED || ac.done, `'${p.id}' activated`);
    return ac;
  };
  const kernel = async () => ({
    addresses: (await platform.addresses(eth0)).filter((a) => a.family === 4).map((a) => `${a.address}/${a.prefixlen}`),
    routes: (await platform.routes({ family: 4 })).filter((r) => r.ifindex === eth0).map((r) => `${r.dst}/${r.dstLen} via ${r.gateway ?? '-'}`).sort(),
    rules: (await platform.rules(4)).filter((r) => r.priority === 5).length,
  });
  return { platform, am, devices, link, up, kernel, eth0 };
}

describe('making an active device unmanaged', () => {
  it('the MAC address from before comes back; addresses, routes, MTU and up state stay; the routing rule goes', async () => {
    const t = await setup();
    const ac = await t.up(configured);
    expect(ac.state).toBe(AC.ACTIVATED);
    const before = await t.kernel();
    expect(before.addresses).toEqual(['192.0.2.7/24']);
    expect(before.routes).toEqual(['0.0.0.0/0 via 192.0.2.254', '192.0.2.0/24 via -', '198.51.100.0/24 via 192.0.2.2']);
    expect(before.rules).toBe(1);
    expect((await t.link()).mac).toBe(LITERAL);

    await t.am.forget(ac);

    expect(ac.done).toBe(true);
    expect(t.devices.byName('eth0')!.active).toBeUndefined();
    const link = await t.link();
    expect(link.mac).toBe(ORIGINAL);
    expect(link.mtu).toBe(1400);
    expect(link.up).toBe(true);
    const after = await t.kernel();
    expect(after.addresses).toEqual(before.addresses);
    expect(after.routes).toEqual(before.routes);
    expect(after.rules).toBe(0);
  });

  it('without a cloned address nothing is written to the link', async () => {
    const t = await setup();
    const ac = await t.up(profile({}, { ipv4: { method: 'manual', 'address-data': [{ address: '192.0.2.8', prefix: 24 }] } }));
    const writes = t.platform.calls.length;
    await t.am.forget(ac);
    expect(t.platform.calls.slice(writes).filter((c) => c.op === 'setLink' || c.op === 'removeAddress' || c.op === 'deleteLink')).toEqual([]);
    expect((await t.link()).mac).toBe(ORIGINAL);
    expect((await t.kernel()).addresses).toEqual(['192.0.2.8/24']);
  });

  it('a bridge nmk created stays, and its port stays in it with the MAC address from before', async () => {
    const t = await setup();
    const br = await t.up(profile({ type: 'bridge', 'interface-name': 'br0' }, { bridge: { stp: false } }));
    expect(br.createdLink).toBe(true);
    const port = await t.up(profile({ master: 'br0', 'slave-type': 'bridge' }, { '802-3-ethernet': { 'cloned-mac-address': LITERAL } }));
    expect(port.state).toBe(AC.ACTIVATED);
    const brIndex = (await t.link('br0')).ifindex;
    expect((await t.link()).master).toBe(brIndex);

    await t.am.forget(port);
    expect((await t.link()).master).toBe(brIndex);
    expect((await t.link()).mac).toBe(ORIGINAL);

    await t.am.forget(br);
    expect((await t.platform.links()).map((l) => l.name)).toContain('br0');
  });

  it('an external connection is left exactly as it is', async () => {
    const t = await setup();
    t.platform.injectExternal({ type: 'set-link', ifindex: t.eth0, change: { mac: LITERAL } });
    t.platform.injectExternal({ type: 'add-address', address: { family: 4, ifindex: t.eth0, address: '192.0.2.9', prefixlen: 24 } });
    await drain();
    const ac = await t.up(profile({}, { '802-3-ethernet': { 'cloned-mac-address': '02:aa:aa:aa:aa:aa' } }), { external: true });
    const writes = t.platform.calls.length;
    await t.am.forget(ac);
    expect(t.platform.calls.slice(writes).filter((c) => !['link', 'links', 'addresses', 'routes', 'rules'].includes(c.op))).toEqual([]);
    expect((await t.link()).mac).toBe(LITERAL);
  });
});
