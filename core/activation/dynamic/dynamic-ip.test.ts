/**
 * DynamicIp on the fake platform, fed by hand-driven DHCP and router
 * discovery fakes: what a lease, a renewal, a changed address, an expiry and
 * stop() leave in the (fake) kernel, and which platform calls they make.
 */
import { describe, expect, it } from 'vitest';
import { NMDeviceStateReason, type DhcpRequest, type Family, type NdiscRequest } from '../../../sdk/index.js';
import { FakePlatform } from '../../../plugins/platform-fake/fake-platform.js';
import { createLogger, LogSink } from '../../log/logger.js';
import { drain, FakeDhcp, FakeNdisc, lease4, lease6, ra } from '../test/fake-ip-services.js';
import { DynamicIp, type DynamicIpHost } from './dynamic-ip.js';
import type { L3Context } from './l3-config.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));

async function setup(family: Family = 4) {
  const platform = new FakePlatform();
  await platform.start(() => undefined);
  const link = await platform.createLink({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
  await platform.setLink(link.ifindex, { up: true });
  const ifindex = link.ifindex;
  const lost: Array<[number, string]> = [];
  const mtus: Array<[Family, number]> = [];
  let changes = 0;
  const host: DynamicIpHost = {
    platform: () => platform,
    logger,
    changed: () => void changes++,
    lost: (reason, message) => void lost.push([reason, message]),
    applyMtu: async (f, mtu) => void mtus.push([f, mtu]),
  };
  const ctx: L3Context = { family, ifindex, metric: 100, table: 254, neverDefault: false, ignoreAutoRoutes: false, ignoreAutoDns: false };
  const dyn = new DynamicIp(family, ctx, host);
  const dhcp = new FakeDhcp();
  const request = (f: Family, extra: Partial<DhcpRequest> = {}): DhcpRequest => ({ family: f, ifindex, ifname: 'v0', hwaddr: link.mac, uuid: 'u-1', iaid: 1, timeout: 45, rejectServers: [], leaseFile: '/nonexistent', ...extra });
  /** Platform calls that change something, since `from`, as "op address/len" strings. */
  const changesSince = (from: number) =>
    platform.calls.slice(from).filter((c) => /^(add|remove)(Address|Route)$/.test(c.op)).map((c) => {
      const a = c.args[0] as { address?: string; prefixlen?: number; dst?: string; dstLen?: number };
      return `${c.op} ${a.address ?? a.dst}/${a.prefixlen ?? a.dstLen}`;
    });
  const kernel = async () => ({
    addresses: (await platform.addresses(ifindex)).filter((a) => a.scope === 0).map((a) => `${a.address}/${a.prefixlen}`),
    routes: (await platform.routes({ family })).filter((r) => r.ifindex === ifindex && r.table === 254 && !(family === 6 && r.dst === 'fe80::')).map((r) => `${r.dst}/${r.dstLen}${r.gateway ? ` via ${r.gateway}` : ''} metric ${r.metric}${r.prefsrc ? ` src ${r.prefsrc}` : ''}`).sort(),
  });
  return { platform, ifindex, dyn, dhcp, request, lost, mtus, changes: () => changes, changesSince, kernel };
}

describe('DynamicIp with DHCPv4', () => {
  it('the first lease adds the address with its lifetimes (replace), its subnet route and the default route', async () => {
    const t = await setup();
    const ready = t.dyn.startDhcp('dhcp4', t.dhcp, t.request(4));
    await drain();
    t.dhcp.lease(4, lease4());
    expect(await ready).toBe(true);
    const added = t.platform.calls.find((c) => c.op === 'addAddress')!.args[0];
    expect(added).toMatchObject({ address: '192.0.2.50', prefixlen: 24, validLifetime: 120, preferredLifetime: 120, replace: true, flags: 0x200, broadcast: '192.0.2.255' });
    const addr = (await t.platform.addresses(t.ifindex)).find((a) => a.address === '192.0.2.50')!;
    expect(addr).toMatchObject({ validLifetime: 120, preferredLifetime: 120 });
    expect(await t.kernel()).toEqual({
      addresses: ['192.0.2.50/24'],
      routes: ['0.0.0.0/0 via 192.0.2.1 metric 100', '192.0.2.0/24 metric 100 src 192.0.2.50'],
    });
    expect(t.dyn.leases.get('dhcp4')?.addresses[0]?.address).toBe('192.0.2.50');
    expect(t.dyn.current.nameservers).toEqual(['192.0.2.53']);
    expect(t.changes()).toBe(1);
  });

  it('a renewal of the same lease only refreshes the address lifetimes', async () => {
    const t = await setup();
    const ready = t.dyn.startDhcp('dhcp4', t.dhcp, t.request(4));
    await drain();
    t.dhcp.lease(4, lease4());
    await ready;
    const mark = t.platform.calls.length;
    t.dhcp.lease(4, lease4({ addresses: [{ address: '192.0.2.50', prefixlen: 24, validLifetime: 300, preferredLifetime: 250 }] }));
    await drain();
    expect(t.changesSince(mark)).toEqual(['addAddress 192.0.2.50/24']);
    expect((await t.platform.addresses(t.ifindex)).find((a) => a.address === '192.0.2.50')).toMatchObject({ validLifetime: 300, preferredLifetime: 250 });
    expect((await t.kernel()).routes).toHaveLength(2);
    expect(t.changes()).toBe(2);
  });

  it('a lease with a new address replaces the old one, and the routes follow it', async () => {
    const t = await setup();
    const ready = t.dyn.startDhcp('dhcp4', t.dhcp, t.request(4));
    await drain();
    t.dhcp.lease(4, lease4());
    await ready;
    const mark = t.platform.calls.length;
    t.dhcp.lease(4, lease4({ addresses: [{ address: '192.0.2.60', prefixlen: 24, validLifetime: 120, preferredLifetime: 120 }] }));
    await drain();
    const ops = t.changesSince(mark);
    expect(ops).toContain('removeAddress 192.0.2.50/24');
    expect(ops).toContain('addAddress 192.0.2.60/24');
    expect(await t.kernel()).toEqual({
      addresses: ['192.0.2.60/24'],
      routes: ['0.0.0.0/0 via 192.0.2.1 metric 100', '192.0.2.0/24 metric 100 src 192.0.2.60'],
    });
  });

  it('a lease in another subnet moves the subnet and default routes', async () => {
    const t = await setup();
    const ready = t.dyn.startDhcp('dhcp4', t.dhcp, t.request(4));
    await drain();
    t.dhcp.lease(4, lease4());
    await ready;
    t.dhcp.lease(4, lease4({ addresses: [{ address: '198.51.100.9', prefixlen: 25, validLifetime: 120, preferredLifetime: 120 }], gateways: ['198.51.100.1'] }));
    await drain();
    expect(await t.kernel()).toEqual({
      addresses: ['198.51.100.9/25'],
      routes: ['0.0.0.0/0 via 198.51.100.1 metric 100', '198.51.100.0/25 metric 100 src 198.51.100.9'],
    });
  });

  it('an expired lease removes everything and reports IP_CONFIG_EXPIRED', async () => {
    const t = await setup();
    const ready = t.dyn.startDhcp('dhcp4', t.dhcp, t.request(4));
    await drain();
    t.dhcp.lease(4, lease4());
    await ready;
    t.dhcp.fail(4, 'expired', 'no renewal');
    await drain();
    expect(t.lost).toEqual([[NMDeviceStateReason.IP_CONFIG_EXPIRED, 'DHCP lease expired: no renewal']]);
    expect(await t.kernel()).toEqual({ addresses: [], routes: [] });
    expect(t.dyn.leases.has('dhcp4')).toBe(false);
    expect(t.dyn.current.addresses).toEqual([]);
  });

  it('losing the lease otherwise reports DHCP_FAILED; an optional client reports nothing', async () => {
    const t = await setup();
    const ready = t.dyn.startDhcp('dhcp4', t.dhcp, t.request(4));
    await drain();
    t.dhcp.lease(4, lease4());
    await ready;
    t.dhcp.fail(4, 'nak', 'refused');
    expect(t.lost.map(([r]) => r)).toEqual([NMDeviceStateReason.DHCP_FAILED]);

    const u = await setup();
    const optional = u.dyn.startDhcp('dhcp4', u.dhcp, u.request(4), true);
    await drain();
    u.dhcp.lease(4, lease4());
    await optional;
    u.dhcp.fail(4, 'expired');
    await drain();
    expect(u.lost).toEqual([]);
    expect(await u.kernel()).toEqual({ addresses: [], routes: [] });
  });

  it('a failure before the first lease resolves not ready and reports no loss', async () => {
    const t = await setup();
    const ready = t.dyn.startDhcp('dhcp4', t.dhcp, t.request(4));
    await drain();
    t.dhcp.fail(4, 'timeout', 'no offer');
    expect(await ready).toBe(false);
    expect(t.lost).toEqual([]);
    expect(t.dyn.startFailed).toBe(false);
  });

  it('a client that cannot start resolves not ready and marks startFailed', async () => {
    const t = await setup();
    t.dhcp.startError = new Error('dhclient: not found');
    expect(await t.dyn.startDhcp('dhcp4', t.dhcp, t.request(4))).toBe(false);
    expect(t.dyn.startFailed).toBe(true);
  });

  it('stop() stops the client and removes exactly what it added, not what another tool added', async () => {
    const t = await setup();
    t.platform.injectExternal({ type: 'add-address', address: { family: 4, ifindex: t.ifindex, address: '203.0.113.7', prefixlen: 24 } });
    t.platform.injectExternal({ type: 'add-route', route: { family: 4, dst: '10.77.0.0', dstLen: 16, gateway: '203.0.113.1', ifindex: t.ifindex, metric: 5 } });
    const ready = t.dyn.startDhcp('dhcp4', t.dhcp, t.request(4));
    await drain();
    t.dhcp.lease(4, lease4({ routes: [{ dest: '10.9.0.0', prefixlen: 16, gateway: '192.0.2.3' }] }));
    await ready;
    expect((await t.kernel()).routes).toHaveLength(5);
    const mark = t.platform.calls.length;
    await t.dyn.stop(true);
    expect(t.dhcp.session(4).stops).toEqual([true]);
    expect(t.changesSince(mark).sort()).toEqual(['removeAddress 192.0.2.50/24', 'removeRoute 0.0.0.0/0', 'removeRoute 10.9.0.0/16', 'removeRoute 192.0.2.0/24'].sort());
    expect(await t.kernel()).toEqual({ addresses: ['203.0.113.7/24'], routes: ['10.77.0.0/16 via 203.0.113.1 metric 5', '203.0.113.0/24 metric 0 src 203.0.113.7'] });
    // Late events from the stopped client change nothing.
    t.dhcp.lease(4, lease4());
    await drain();
    expect(await t.kernel()).toEqual({ addresses: ['203.0.113.7/24'], routes: ['10.77.0.0/16 via 203.0.113.1 metric 5', '203.0.113.0/24 metric 0 src 203.0.113.7'] });
  });

  it('an MTU from the lease is applied once, not again on a renewal', async () => {
    const t = await setup();
    const ready = t.dyn.startDhcp('dhcp4', t.dhcp, t.request(4));
    await drain();
    t.dhcp.lease(4, lease4({ mtu: 1400 }));
    await ready;
    t.dhcp.lease(4, lease4({ mtu: 1400 }));
    await drain();
    expect(t.mtus).toEqual([[4, 1400]]);
  });
});

describe('DynamicIp with router discovery', () => {
  const ndiscRequest = (ifindex: number): NdiscRequest => ({ ifindex, ifname: 'v0', hwaddr: '02:00:00:00:00:01', addrGenMode: 'eui64', stableId: 'u-1', secretKey: new Uint8Array(32), timeout: 30 });
  /** As auto-ip wires it: M starts stateful DHCPv6, O an information-only client whose failure is not a loss. */
  const start = (t: Awaited<ReturnType<typeof setup>>) =>
    t.dyn.startNdisc(ndisc(t), ndiscRequest(t.ifindex), (infoOnly) => t.dyn.startDhcp('dhcp6', t.dhcp, t.request(6, { infoOnly }), infoOnly));
  const ndiscs = new WeakMap<object, FakeNdisc>();
  const ndisc = (t: object) => {
    if (!ndiscs.has(t)) ndiscs.set(t, new FakeNdisc());
    return ndiscs.get(t)!;
  };

  it('an advertisement with a SLAAC address makes the family ready with address, prefix and default routes', async () => {
    const t = await setup(6);
    const ready = start(t);
    await drain();
    ndisc(t).advertise(ra({ mtu: 1450 }));
    expect(await ready).toBe(true);
    expect(await t.kernel()).toEqual({
      addresses: ['fd42:1::5054:ff:fe12:3456/64'],
      routes: ['::/0 via fe80::1 metric 100', 'fd42:1::/64 metric 100'],
    });
    expect(t.dhcp.sessions).toEqual([]);
    expect(t.mtus).toEqual([[6, 1450]]);
  });

  it('the M flag starts stateful DHCPv6 and the family is ready with its lease', async () => {
    const t = await setup(6);
    let settled: boolean | undefined;
    const ready = start(t).then((ok) => (settled = ok));
    await drain();
    ndisc(t).advertise(ra({ managed: true, addresses: [] }));
    await drain();
    expect(settled).toBeUndefined();
    const s = t.dhcp.session(6);
    expect(s.request.infoOnly).toBe(false);
    t.dhcp.lease(6, lease6());
    await ready;
    expect(settled).toBe(true);
    expect((await t.kernel()).addresses).toEqual(['fd42:1::100/128']);
    // The same flags again start no second client.
    ndisc(t).advertise(ra({ managed: true, addresses: [] }));
    await drain();
    expect(t.dhcp.sessions).toHaveLength(1);
    // Stateful DHCPv6 losing its lease is a loss.
    t.dhcp.fail(6, 'expired');
    expect(t.lost.map(([r]) => r)).toEqual([NMDeviceStateReason.IP_CONFIG_EXPIRED]);
  });

  it('the O flag starts information-only DHCPv6, whose failure is not a loss', async () => {
    const t = await setup(6);
    const ready = start(t);
    await drain();
    ndisc(t).advertise(ra({ otherConfig: true }));
    expect(await ready).toBe(true);
    await drain();
    expect(t.dhcp.session(6).request.infoOnly).toBe(true);
    t.dhcp.lease(6, lease6({ addresses: [], nameservers: ['fd42:1::53'] }));
    await drain();
    expect(t.dyn.current.nameservers).toEqual(['fd42:1::53']);
    t.dhcp.fail(6, 'expired');
    await drain();
    expect(t.lost).toEqual([]);
    expect(t.dyn.current.nameservers).toEqual([]);
    expect((await t.kernel()).addresses).toEqual(['fd42:1::5054:ff:fe12:3456/64']);
  });

  it('no advertisement within the timeout resolves not ready; stop() ends discovery and DHCPv6 without RELEASE', async () => {
    const t = await setup(6);
    const ready = start(t);
    await drain();
    ndisc(t).timeout();
    expect(await ready).toBe(false);

    const u = await setup(6);
    const ok = start(u);
    await drain();
    ndisc(u).advertise(ra({ managed: true }));
    await ok;
    await drain();
    u.dhcp.lease(6, lease6());
    await drain();
    await u.dyn.stop(true);
    expect(ndisc(u).sessions[0]!.stopped).toBe(1);
    expect(u.dhcp.session(6).stops).toEqual([false]);
    expect(await u.kernel()).toEqual({ addresses: [], routes: [] });
  });
});
