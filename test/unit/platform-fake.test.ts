/**
 * The fake platform: the shared conformance scenarios (each on a fresh
 * FakePlatform), then the fake's own test helpers.
 */
import { describe, expect, it } from 'vitest';
import { Errno, PlatformError, type PlatformEvent } from '../../sdk/index.js';
import { FakePlatform } from '../../plugins/platform-fake/fake-platform.js';
import type { ConformanceAssert } from '../platform-conformance/assert.js';
import { runConformance, scenarioNames } from '../platform-conformance/scenarios.js';

/** The conformance helper on top of expect, for Vitest's diffs. */
const vitestAssert: ConformanceAssert = {
  equal: (actual, expected, message) => expect(JSON.parse(JSON.stringify(actual ?? null)), message).toEqual(JSON.parse(JSON.stringify(expected ?? null))),
  ok: (value, message) => expect(value, message).toBeTruthy(),
  async rejects(promise, errno, message, mentions = []) {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, `${message}: should reject`).toBeInstanceOf(PlatformError);
    const e = error as PlatformError;
    expect(e.errno, `${message}: errno (${e.message})`).toBe(errno);
    for (const m of mentions) expect(e.operation, `${message}: the operation names ${m}`).toContain(m);
    return e;
  },
};

describe('FakePlatform conformance', () => {
  for (const name of scenarioNames) {
    it(name, async () => {
      const [result] = await runConformance(new FakePlatform(), vitestAssert, [name]);
      if (!result!.ok) throw new Error(result!.error);
    });
  }
});

async function started() {
  const p = new FakePlatform();
  const events: PlatformEvent[] = [];
  const snapshot = await p.start((e) => events.push(e));
  return { p, events, snapshot };
}

describe('FakePlatform', () => {
  it('starts with lo at ifindex 1, up, and allocates increasing ifindexes', async () => {
    const { p, snapshot } = await started();
    expect(snapshot.links).toHaveLength(1);
    expect(snapshot.links[0]).toMatchObject({ ifindex: 1, name: 'lo', up: true, carrier: true, arptype: 772, kind: '' });
    const a = await p.createLink({ name: 'br0', kind: 'bridge' });
    const b = await p.createLink({ name: 'br1', kind: 'bridge' });
    expect([a.ifindex, b.ifindex]).toEqual([2, 3]);
    await p.deleteLink(a.ifindex);
    expect((await p.createLink({ name: 'br2', kind: 'bridge' })).ifindex).toBe(4);
  });

  it('delivers events asynchronously and in order', async () => {
    const { p, events } = await started();
    const pending = p.createLink({ name: 'br0', kind: 'bridge' });
    expect(events).toHaveLength(0);
    const br = await pending;
    await p.setLink(br.ifindex, { up: true });
    await p.setLink(br.ifindex, { mtu: 1400 });
    await p.deleteLink(br.ifindex);
    await Promise.resolve();
    const links = events.filter((e) => e.type === 'link').map((e) => (e.type === 'link' ? `${e.action}:${e.link.up}:${e.link.mtu}` : ''));
    // Like the kernel, a link that is up goes down (NEWLINK) before it is deleted (DELLINK).
    expect(links).toEqual(['new:false:1500', 'new:true:1500', 'new:true:1400', 'new:false:1400', 'del:false:1400']);
  });

  it('simulateOverflow drops what was not yet delivered and delivers one resync', async () => {
    const { p, events } = await started();
    await p.createLink({ name: 'br0', kind: 'bridge' });
    await Promise.resolve();
    events.length = 0;
    void p.createLink({ name: 'br1', kind: 'bridge' });
    p.simulateOverflow();
    await new Promise((r) => setImmediate(r));
    expect(events.map((e) => e.type)).toEqual(['resync']);
    const resync = events[0] as Extract<PlatformEvent, { type: 'resync' }>;
    expect(resync.snapshot.links.map((l) => l.name)).toEqual(['lo', 'br0', 'br1']);
  });

  it('injectExternal changes state without a call, and carrier follows a NIC cable', async () => {
    const { p, events } = await started();
    const nic = p.injectExternal({ type: 'add-link', link: { name: 'eth0', mac: '52:54:00:12:34:56' } })!;
    expect(nic).toMatchObject({ kind: '', name: 'eth0', mac: '52:54:00:12:34:56', up: false });
    p.injectExternal({ type: 'set-link', ifindex: nic.ifindex, change: { up: true } });
    expect(await p.link('eth0')).toMatchObject({ carrier: true, operstate: 'up' });
    p.injectExternal({ type: 'set-link', ifindex: nic.ifindex, change: { carrier: false } });
    expect(await p.link('eth0')).toMatchObject({ up: true, carrier: false, operstate: 'down' });
    p.injectExternal({ type: 'sysfs', ifname: 'eth0', attribute: 'device/vendor', value: '0x8086' });
    expect(await p.readSysfs('eth0', 'device/vendor')).toBe('0x8086');
    await Promise.resolve();
    expect(events.filter((e) => e.type === 'link').length).toBeGreaterThanOrEqual(3);
    expect(p.calls.map((c) => c.op)).toEqual(['start', 'link', 'link', 'readSysfs']);
  });

  it('failNext rejects the next call with the errno and changes nothing', async () => {
    const { p } = await started();
    p.failNext('createLink', Errno.EPERM);
    await expect(p.createLink({ name: 'br0', kind: 'bridge' })).rejects.toMatchObject({ name: 'PlatformError', errno: Errno.EPERM, code: 'EPERM', operation: 'create link br0 (bridge)' });
    expect(await p.link('br0')).toBeUndefined();
    expect((await p.createLink({ name: 'br0', kind: 'bridge' })).name).toBe('br0');
    p.failNext('addAddress', Errno.EBUSY, 2);
    const spec = { family: 4 as const, ifindex: 2, address: '10.0.0.1', prefixlen: 24 };
    await expect(p.addAddress(spec)).rejects.toMatchObject({ errno: Errno.EBUSY });
    await expect(p.addAddress(spec)).rejects.toMatchObject({ errno: Errno.EBUSY });
    await p.addAddress(spec);
    expect((await p.addresses(2)).map((a) => a.address)).toEqual(['10.0.0.1']);
  });

  it('a second IPv4 address in a subnet is secondary and goes with its primary', async () => {
    const { p } = await started();
    const br = await p.createLink({ name: 'br0', kind: 'bridge', up: true });
    await p.addAddress({ family: 4, ifindex: br.ifindex, address: '10.0.0.1', prefixlen: 24 });
    await p.addAddress({ family: 4, ifindex: br.ifindex, address: '10.0.0.2', prefixlen: 24 });
    const addrs = await p.addresses(br.ifindex);
    expect(addrs.map((a) => [a.address, a.flags & 1])).toEqual([['10.0.0.1', 0], ['10.0.0.2', 1]]);
    expect((await p.routes({ family: 4 })).map((r) => `${r.dst}/${r.dstLen}`)).toEqual(['10.0.0.0/24']);
    await p.removeAddress({ family: 4, ifindex: br.ifindex, address: '10.0.0.1', prefixlen: 24 });
    expect(await p.addresses(br.ifindex)).toEqual([]);
    expect(await p.routes({ family: 4 })).toEqual([]);
  });

  it('refuses what the kernel refuses with the kernel errno', async () => {
    const { p } = await started();
    await expect(p.createLink({ name: 'v0', kind: 'vlan', parent: 1 })).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(p.createLink({ name: 'm0', kind: 'macvlan' })).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(p.createLink({ name: 'b0', kind: 'bond', info: { mode: 'nonsense' } })).rejects.toMatchObject({ errno: Errno.EINVAL });
    const bond = await p.createLink({ name: 'b0', kind: 'bond', info: { mode: '802.3ad' } });
    expect(bond.info).toMatchObject({ mode: '802.3ad' });
    expect(await p.readSysfs('b0', 'bonding/mode')).toBe('802.3ad 4');
    await expect(p.readSysfs('b0', 'carrier')).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(p.writeSysfs('b0', 'ifindex', '7')).rejects.toMatchObject({ code: 'EACCES' });
    await expect(p.writeSysctl('net.nosuch.key', '1')).rejects.toMatchObject({ errno: Errno.ENOENT });
  });

  it('rules: another tool adds one (no call, no event), failNext applies to addRule', async () => {
    const { p, events } = await started();
    p.injectExternal({ type: 'add-rule', rule: { family: 4, priority: 100, from: '10.0.0.0', fromLen: 8, table: 7 } });
    expect((await p.rules(4)).map((r) => r.priority)).toEqual([0, 100, 32766, 32767]);
    p.failNext('addRule', Errno.EPERM);
    const spec = { family: 6 as const, priority: 5, to: '2001:db8::', toLen: 32, table: 9 };
    await expect(p.addRule(spec)).rejects.toMatchObject({ errno: Errno.EPERM, operation: 'add rule priority 5 to 2001:db8::/32 table 9' });
    expect((await p.rules(6)).map((r) => r.priority)).toEqual([0, 32766]);
    await p.addRule(spec);
    await p.removeRule({ family: 4, priority: 100 });
    expect((await p.rules()).map((r) => `${r.family}|${r.priority}`)).toEqual(['4|0', '4|32766', '4|32767', '6|0', '6|5', '6|32766']);
    await Promise.resolve();
    expect(events).toEqual([]);
    expect(p.calls.map((c) => c.op)).toEqual(['start', 'rules', 'addRule', 'rules', 'addRule', 'removeRule', 'rules']);
  });
});
