/**
 * Platform conformance: one set of scenarios that both platforms must pass,
 * the fake in the unit lane (test/unit/platform-fake.test.ts) and the Linux
 * platform inside a network namespace in the integration lane
 * (test/integration/platform-linux.test.ts, through run-linux.ts).
 *
 * runConformance(platform, assert) starts the platform once, runs the
 * scenarios in order and stops it. Each scenario uses its own link names
 * and its own 10.<n>.0.0/16 and 2001:db8:<n>::/48, deletes what it made
 * even when it fails, and may assume nothing about what other scenarios or
 * the kernel (IPv6 link-local addresses, local-table routes) added.
 */
import { Errno, RuleAction, routeSpecsFromSetting, ruleSpecsFromSetting, type Family, type Link, type Platform, type IpRoute, type PlatformEvent, type Rule, type RuleSpec } from '../../sdk/index.js';
import type { ConformanceAssert } from './assert.js';
import { EventView } from './event-view.js';

const IFA_F_NODAD = 0x02;
const IFA_F_PERMANENT = 0x80;
const FOREVER = 0xffffffff;
// errno values the SDK's Errno table does not name.
const ENETDOWN = 100;

export interface ScenarioContext {
  platform: Platform;
  assert: ConformanceAssert;
  /** Everything the events said since start(). */
  view: EventView;
  /** A link name unique to this scenario, at most 15 bytes. */
  name(suffix: string): string;
  /** 10.<n>.<c>.<d>, n unique to this scenario. */
  v4(c: number, d: number): string;
  /** 2001:db8:<n>:<group>::<last>. */
  v6(group: number, last: number | string): string;
  /** Remember a link to delete after the scenario (by name, so renames and peers are fine). */
  track(name: string): void;
  /** name(suffix), remembered for deletion after the scenario. */
  own(suffix: string): string;
  /** A rule priority unique to this scenario: 10000 + 100 n + k (k < 100). */
  priority(k: number): number;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface ScenarioResult {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

const isLink = (name: string, action: 'new' | 'del', extra: (l: Link) => boolean = () => true) => (ev: PlatformEvent) =>
  ev.type === 'link' && ev.action === action && ev.link.name === name && extra(ev.link);

async function mustLink(ctx: ScenarioContext, ref: number | string): Promise<Link> {
  const l = await ctx.platform.link(ref);
  ctx.assert.ok(l, `link ${ref} exists`);
  return l!;
}

export const scenarios: Scenario[] = [
  {
    name: 'the start snapshot holds lo, up, at ifindex 1, and lookups agree with it',
    async run({ platform, assert, view }) {
      const lo = view.links.get(1);
      assert.ok(lo, 'the snapshot has ifindex 1');
      assert.equal({ name: lo!.name, kind: lo!.kind, arptype: lo!.arptype, up: lo!.up, mtu: lo!.mtu, master: lo!.master }, { name: 'lo', kind: '', arptype: 772, up: true, mtu: 65536, master: 0 }, 'lo as the snapshot has it');
      const links = await platform.links();
      assert.ok(links.some((l) => l.ifindex === 1 && l.name === 'lo'), 'links() lists lo');
      assert.equal((await platform.link(1))?.name, 'lo', 'link(1)');
      assert.equal((await platform.link('lo'))?.ifindex, 1, "link('lo')");
      assert.equal(await platform.link('nosuchlink0'), undefined, 'an unknown name is undefined');
      assert.equal(await platform.link(999999), undefined, 'an unknown ifindex is undefined');
    },
  },
  {
    name: 'a bridge is created with its options, shows them in info and sysfs, and goes away',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const from = view.log.length;
      const name = ctx.own('br');
      const br = await platform.createLink({ name, kind: 'bridge', info: { stp: true, forward_delay: 4, priority: 4096 } });
      assert.equal({ name: br.name, kind: br.kind, up: br.up, master: br.master }, { name, kind: 'bridge', up: false, master: 0 }, 'the returned link');
      assert.equal({ stp: br.info?.stp, forward_delay: br.info?.forward_delay, priority: br.info?.priority }, { stp: true, forward_delay: 4, priority: 4096 }, 'bridge options in info');
      assert.equal(br.info?.hello_time, 2, 'an option not given keeps the kernel default');
      assert.equal(await platform.readSysfs(name, 'bridge/stp_state'), '1', 'sysfs stp_state');
      assert.equal(await platform.readSysfs(name, 'bridge/forward_delay'), '400', 'sysfs forward_delay (centiseconds)');
      await view.waitFor(`link new ${name}`, isLink(name, 'new'), from);
      await platform.writeSysfs(name, 'bridge/stp_state', '0');
      assert.equal((await mustLink(ctx, name)).info?.stp, false, 'stp off after writing sysfs');
      await platform.deleteLink(br.ifindex);
      await view.waitFor(`link del ${name}`, isLink(name, 'del'), from);
      assert.equal(await platform.link(name), undefined, 'gone after deleteLink');
    },
  },
  {
    name: 'a veth pair: both ends, pointing at each other, carrier when both are up, both deleted together',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const from = view.log.length;
      const a = ctx.own('a');
      const b = ctx.name('b');
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: b } });
      const vb = await mustLink(ctx, b);
      assert.equal({ kind: va.kind, parent: va.parent }, { kind: 'veth', parent: vb.ifindex }, 'the end points at its peer');
      assert.equal({ kind: vb.kind, parent: vb.parent }, { kind: 'veth', parent: va.ifindex }, 'the peer points back');
      assert.ok(vb.ifindex < va.ifindex, 'the peer is registered first, with the lower ifindex');
      await platform.setLink(va.ifindex, { up: true });
      const half = await mustLink(ctx, va.ifindex);
      assert.equal({ up: half.up, carrier: half.carrier }, { up: true, carrier: false }, 'one end up: no carrier');
      await platform.setLink(vb.ifindex, { up: true });
      await view.waitFor(`${a} with carrier`, isLink(a, 'new', (l) => l.carrier && l.operstate === 'up'), from);
      await view.waitFor(`${b} with carrier`, isLink(b, 'new', (l) => l.carrier && l.operstate === 'up'), from);
      await platform.deleteLink(va.ifindex);
      await view.waitFor(`link del ${a}`, isLink(a, 'del'), from);
      await view.waitFor(`link del ${b}`, isLink(b, 'del'), from);
      assert.equal(await platform.link(b), undefined, 'the peer went with it');
    },
  },
  {
    name: 'refusals carry the errno and name the operation and the link',
    async run(ctx) {
      const { platform, assert } = ctx;
      const br = ctx.own('br');
      const a = ctx.own('a');
      await platform.createLink({ name: br, kind: 'bridge' });
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: ctx.name('b') } });
      await assert.rejects(platform.createLink({ name: br, kind: 'bridge' }), Errno.EEXIST, 'a second link with the same name', [`create link ${br}`, 'bridge']);
      await assert.rejects(platform.createLink({ name: ctx.name('x'), kind: 'veth', peer: { name: a } }), Errno.EEXIST, 'a veth whose peer name is taken');
      await assert.rejects(platform.createLink({ name: 'this-name-is-too-long', kind: 'bridge' }), Errno.EINVAL, 'a name longer than 15 bytes');
      await assert.rejects(platform.createLink({ name: ctx.name('k'), kind: 'nosuchkind' }), Errno.EOPNOTSUPP, 'an unknown kind');
      await assert.rejects(platform.createLink({ name: ctx.name('f'), kind: 'bridge', info: { forward_delay: 99 } }), Errno.EINVAL, 'a bridge option out of range');
      await assert.rejects(platform.deleteLink(999999), Errno.ENODEV, 'deleting an unknown ifindex', ['999999']);
      await assert.rejects(platform.setLink(999999, { up: true }), Errno.ENODEV, 'changing an unknown ifindex');
      await assert.rejects(platform.deleteLink(1), Errno.EOPNOTSUPP, 'deleting lo');
      await assert.rejects(platform.setLink(va.ifindex, { mtu: 10 }), Errno.EINVAL, 'an MTU below the minimum', [a, `ifindex ${va.ifindex}`]);
      await assert.rejects(platform.setLink(va.ifindex, { mac: '01:00:5e:00:00:01' }), Errno.EADDRNOTAVAIL, 'a multicast MAC');
      await assert.rejects(platform.setLink(va.ifindex, { name: br }), Errno.EEXIST, 'renaming onto a taken name');
      await assert.rejects(platform.addAddress({ family: 4, ifindex: 999999, address: ctx.v4(0, 1), prefixlen: 24 }), Errno.ENODEV, 'an address on an unknown link');
    },
  },
  {
    name: 'setLink changes MTU, MAC, name and controller, and releases with master 0',
    async run(ctx) {
      const { platform, assert } = ctx;
      const br = ctx.own('br');
      const a = ctx.own('a');
      const b = ctx.name('b');
      const renamed = ctx.own('n');
      const bridge = await platform.createLink({ name: br, kind: 'bridge' });
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: b } });
      const vb = await mustLink(ctx, b);
      await platform.setLink(va.ifindex, { mtu: 1400, mac: '02:11:22:33:44:55' });
      let now = await mustLink(ctx, va.ifindex);
      assert.equal({ mtu: now.mtu, mac: now.mac }, { mtu: 1400, mac: '02:11:22:33:44:55' }, 'MTU and MAC');
      await platform.setLink(va.ifindex, { name: renamed });
      assert.equal((await mustLink(ctx, renamed)).ifindex, va.ifindex, 'renamed in place');
      assert.equal(await platform.link(a), undefined, 'the old name is free');
      await platform.setLink(va.ifindex, { master: bridge.ifindex });
      now = await mustLink(ctx, va.ifindex);
      assert.equal({ master: now.master, portKind: now.portKind }, { master: bridge.ifindex, portKind: 'bridge' }, 'a bridge port');
      await platform.setLink(va.ifindex, { master: 0 });
      now = await mustLink(ctx, va.ifindex);
      assert.equal({ master: now.master, portKind: now.portKind }, { master: 0, portKind: undefined }, 'released');
      await assert.rejects(platform.setLink(va.ifindex, { master: vb.ifindex }), Errno.EOPNOTSUPP, 'a veth cannot be a controller');
      await assert.rejects(platform.setLink(va.ifindex, { master: 999999 }), Errno.EINVAL, 'an unknown controller');
    },
  },
  {
    name: 'deleting a bridge releases its ports',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const from = view.log.length;
      const br = ctx.own('br');
      const a = ctx.own('a');
      const bridge = await platform.createLink({ name: br, kind: 'bridge', up: true });
      assert.equal(bridge.up, true, 'created up');
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: ctx.name('b') } });
      await platform.setLink(va.ifindex, { master: bridge.ifindex, up: true });
      // Events may trail the ACKs: look for "released" only after "joined".
      const joined = await view.waitFor(`${a} joined`, isLink(a, 'new', (l) => l.master === bridge.ifindex), from);
      await platform.deleteLink(bridge.ifindex);
      await view.waitFor(`${a} released`, isLink(a, 'new', (l) => l.master === 0), view.log.indexOf(joined) + 1);
      assert.equal((await mustLink(ctx, va.ifindex)).master, 0, 'the port has no controller');
    },
  },
  {
    name: 'a bridge port: its options set in one change, read back in portInfo, sysfs and an event; only the named ones change; defaults again when re-attached',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const br = ctx.own('br');
      const a = ctx.own('a');
      const bridge = await platform.createLink({ name: br, kind: 'bridge', up: true });
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: ctx.name('b') } });
      // Up: the kernel announces a port option change only on an up port.
      await platform.setLink(va.ifindex, { master: bridge.ifindex, up: true });
      let now = await mustLink(ctx, va.ifindex);
      const port = (l: Link) => ({ portKind: l.portKind, priority: l.portInfo?.priority, hairpin_mode: l.portInfo?.hairpin_mode });
      assert.equal(port(now), { portKind: 'bridge', priority: 32, hairpin_mode: false }, "the kernel's port defaults");
      // The kernel's default cost follows the port's speed (a veth's is 2); only its presence is common ground.
      assert.equal(typeof now.portInfo?.path_cost, 'number', 'a path cost is reported');

      const from = view.log.length;
      await platform.setLink(va.ifindex, { portOptions: { kind: 'bridge', info: { priority: 7, path_cost: 42, hairpin_mode: true } } });
      now = await mustLink(ctx, va.ifindex);
      assert.equal(now.portInfo, { priority: 7, path_cost: 42, hairpin_mode: true }, 'portInfo after the change');
      assert.equal(await Promise.all(['priority', 'path_cost', 'hairpin_mode'].map((f) => platform.readSysfs(a, `brport/${f}`))), ['7', '42', '1'], 'the brport/ files agree');
      const told = await view.waitFor(`${a} with its new port options`, isLink(a, 'new', (l) => l.portInfo?.priority === 7), from);
      assert.equal((told as Extract<PlatformEvent, { type: 'link' }>).link.portInfo, { priority: 7, path_cost: 42, hairpin_mode: true }, 'the event carries them');

      await platform.setLink(va.ifindex, { portOptions: { kind: 'bridge', info: { priority: 9 } } });
      assert.equal((await mustLink(ctx, va.ifindex)).portInfo, { priority: 9, path_cost: 42, hairpin_mode: true }, 'a change of the priority alone keeps the cost and hairpin mode');

      await platform.setLink(va.ifindex, { master: 0 });
      now = await mustLink(ctx, va.ifindex);
      assert.equal({ portKind: now.portKind, portInfo: now.portInfo }, { portKind: undefined, portInfo: undefined }, 'released: no port data');
      await platform.setLink(va.ifindex, { master: bridge.ifindex });
      assert.equal(port(await mustLink(ctx, va.ifindex)), { portKind: 'bridge', priority: 32, hairpin_mode: false }, 're-attached: a new port, with the defaults');
    },
  },
  {
    name: 'a change of some bridge options keeps the others',
    async run(ctx) {
      const { platform, assert } = ctx;
      const name = ctx.own('br');
      const br = await platform.createLink({ name, kind: 'bridge', info: { stp: true, forward_delay: 4, priority: 4096, hello_time: 3 } });
      await platform.setLink(br.ifindex, { options: { kind: 'bridge', info: { priority: 8192 } } });
      const info = (await mustLink(ctx, name)).info;
      assert.equal({ stp: info?.stp, forward_delay: info?.forward_delay, priority: info?.priority, hello_time: info?.hello_time }, { stp: true, forward_delay: 4, priority: 8192, hello_time: 3 }, 'only the priority changed');
    },
  },
  {
    name: 'an IPv4 address brings its prefix route, and takes it when removed',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const from = view.log.length;
      const a = ctx.own('a');
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: ctx.name('b') }, up: true });
      const spec = { family: 4 as const, ifindex: va.ifindex, address: ctx.v4(1, 1), prefixlen: 24 };
      await platform.addAddress(spec);
      const addrs = await platform.addresses(va.ifindex);
      const got = addrs.find((x) => x.address === spec.address);
      assert.ok(got, 'addresses() has it');
      assert.equal(
        { prefixlen: got!.prefixlen, scope: got!.scope, permanent: (got!.flags & IFA_F_PERMANENT) !== 0, valid: got!.validLifetime, preferred: got!.preferredLifetime, label: got!.label },
        { prefixlen: 24, scope: 0, permanent: true, valid: FOREVER, preferred: FOREVER, label: a },
        'the address as listed',
      );
      const prefix = (await platform.routes({ family: 4, table: 254 })).find((r) => r.dst === ctx.v4(1, 0) && r.dstLen === 24);
      assert.equal(prefix && { ifindex: prefix.ifindex, protocol: prefix.protocol, scope: prefix.scope, type: prefix.type, prefsrc: prefix.prefsrc, metric: prefix.metric }, { ifindex: va.ifindex, protocol: 2, scope: 253, type: 1, prefsrc: spec.address, metric: 0 }, 'the prefix route');
      await view.waitFor('address new', (ev) => ev.type === 'address' && ev.action === 'new' && ev.address.address === spec.address, from);
      await assert.rejects(platform.addAddress(spec), Errno.EEXIST, 'the same address twice', [spec.address, a]);
      await platform.removeAddress(spec);
      await view.waitFor('address del', (ev) => ev.type === 'address' && ev.action === 'del' && ev.address.address === spec.address, from);
      assert.equal((await platform.addresses(va.ifindex)).some((x) => x.address === spec.address), false, 'removed');
      assert.equal((await platform.routes({ family: 4 })).some((r) => r.dst === ctx.v4(1, 0) && r.dstLen === 24), false, 'the prefix route went too');
      await assert.rejects(platform.removeAddress(spec), Errno.EADDRNOTAVAIL, 'removing it again');
    },
  },
  {
    name: 'an IPv6 address keeps its flags and lifetimes and brings a metric-256 prefix route',
    async run(ctx) {
      const { platform, assert } = ctx;
      const a = ctx.own('a');
      const b = ctx.name('b');
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: b }, up: true });
      await platform.setLink((await mustLink(ctx, b)).ifindex, { up: true });
      const spec = { family: 6 as const, ifindex: va.ifindex, address: ctx.v6(1, 1), prefixlen: 64, flags: IFA_F_NODAD, validLifetime: 3600, preferredLifetime: 1800 };
      await platform.addAddress(spec);
      const got = (await platform.addresses(va.ifindex)).find((x) => x.address === spec.address);
      assert.ok(got, 'addresses() has it');
      assert.equal({ family: got!.family, prefixlen: got!.prefixlen, nodad: (got!.flags & IFA_F_NODAD) !== 0, permanent: (got!.flags & IFA_F_PERMANENT) !== 0 }, { family: 6, prefixlen: 64, nodad: true, permanent: false }, 'flags');
      assert.ok(got!.validLifetime <= 3600 && got!.validLifetime > 3500, `valid lifetime about 3600 (${got!.validLifetime})`);
      assert.ok(got!.preferredLifetime <= 1800 && got!.preferredLifetime > 1700, `preferred lifetime about 1800 (${got!.preferredLifetime})`);
      const prefix = (await platform.routes({ family: 6, table: 254 })).find((r) => r.dst === ctx.v6(1, '') && r.dstLen === 64);
      assert.equal(prefix && { ifindex: prefix.ifindex, metric: prefix.metric, protocol: prefix.protocol }, { ifindex: va.ifindex, metric: 256, protocol: 2 }, 'the prefix route');
      await platform.removeAddress(spec);
      assert.equal((await platform.addresses(va.ifindex)).some((x) => x.address === spec.address), false, 'removed');
    },
  },
  {
    name: 'routes: gateway, table, blackhole and IPv6; duplicates and missing ones refused',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const from = view.log.length;
      const a = ctx.own('a');
      const down = ctx.own('d');
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: ctx.name('b') }, up: true });
      const dn = await platform.createLink({ name: down, kind: 'bridge' });
      await platform.addAddress({ family: 4, ifindex: va.ifindex, address: ctx.v4(2, 1), prefixlen: 24 });

      const viaGateway = { family: 4 as const, dst: ctx.v4(50, 0), dstLen: 24, gateway: ctx.v4(2, 254), metric: 100, protocol: 4 };
      await platform.addRoute(viaGateway);
      const r1 = (await platform.routes({ family: 4, table: 254 })).find((r) => r.dst === viaGateway.dst && r.dstLen === 24);
      assert.equal(r1 && { ifindex: r1.ifindex, gateway: r1.gateway, metric: r1.metric, protocol: r1.protocol, scope: r1.scope, type: r1.type }, { ifindex: va.ifindex, gateway: viaGateway.gateway, metric: 100, protocol: 4, scope: 0, type: 1 }, 'the gateway route, its link found from the gateway');
      await view.waitFor('route new', (ev) => ev.type === 'route' && ev.action === 'new' && ev.route.dst === viaGateway.dst, from);
      await assert.rejects(platform.addRoute(viaGateway), Errno.EEXIST, 'the same route twice', [viaGateway.dst]);

      const inTable = { family: 4 as const, dst: ctx.v4(60, 0), dstLen: 24, ifindex: va.ifindex, table: 1000 };
      await platform.addRoute(inTable);
      const r2 = (await platform.routes({ table: 1000 })).find((r) => r.dst === inTable.dst);
      assert.equal(r2 && { table: r2.table, ifindex: r2.ifindex, scope: r2.scope, protocol: r2.protocol }, { table: 1000, ifindex: va.ifindex, scope: 253, protocol: 3 }, 'a route in table 1000');
      assert.equal((await platform.routes({ table: 254 })).some((r) => r.dst === inTable.dst), false, 'not in main');

      const blackhole = { family: 4 as const, dst: ctx.v4(70, 0), dstLen: 24, type: 6 };
      await platform.addRoute(blackhole);
      const r3 = (await platform.routes({ family: 4 })).find((r) => r.dst === blackhole.dst);
      assert.equal(r3 && { type: r3.type, ifindex: r3.ifindex }, { type: 6, ifindex: 0 }, 'a blackhole route has no link');

      const v6 = { family: 6 as const, dst: ctx.v6(99, ''), dstLen: 64, ifindex: va.ifindex, metric: 100 };
      await platform.addRoute(v6);
      const r4 = (await platform.routes({ family: 6 })).find((r) => r.dst === v6.dst && r.dstLen === 64);
      assert.equal(r4 && { ifindex: r4.ifindex, metric: r4.metric, protocol: r4.protocol, table: r4.table }, { ifindex: va.ifindex, metric: 100, protocol: 3, table: 254 }, 'an IPv6 route');

      await assert.rejects(platform.addRoute({ family: 4, dst: ctx.v4(80, 0), dstLen: 24, gateway: '192.0.2.1' }), Errno.ENETUNREACH, 'a gateway on no connected network');
      await assert.rejects(platform.addRoute({ family: 4, dst: ctx.v4(81, 0), dstLen: 24, ifindex: dn.ifindex }), ENETDOWN, 'a route through a link that is down');
      await assert.rejects(platform.addRoute({ family: 4, dst: ctx.v4(82, 1), dstLen: 24, ifindex: va.ifindex }), Errno.EINVAL, 'an IPv4 destination with host bits');

      for (const spec of [viaGateway, inTable, blackhole, v6]) await platform.removeRoute(spec);
      const left = await platform.routes();
      assert.equal(left.filter((r) => [viaGateway.dst, inTable.dst, blackhole.dst, v6.dst].includes(r.dst)), [], 'all removed');
      await assert.rejects(platform.removeRoute(viaGateway), Errno.ESRCH, 'removing a route that is not there');
      await assert.rejects(platform.removeRoute(v6), Errno.ESRCH, 'removing an IPv6 route that is not there');
    },
  },
  {
    name: 'a link going down loses its IPv4 routes and IPv6 addresses, and gets its prefix route back when up',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const from = view.log.length;
      const a = ctx.own('a');
      const b = ctx.name('b');
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: b }, up: true });
      await platform.setLink((await mustLink(ctx, b)).ifindex, { up: true });
      await platform.addAddress({ family: 4, ifindex: va.ifindex, address: ctx.v4(3, 1), prefixlen: 24 });
      await platform.addAddress({ family: 6, ifindex: va.ifindex, address: ctx.v6(3, 1), prefixlen: 64, flags: IFA_F_NODAD });
      await platform.addRoute({ family: 4, dst: ctx.v4(90, 0), dstLen: 24, gateway: ctx.v4(3, 254) });
      await platform.setLink(va.ifindex, { up: false });
      // The kernel flushes these without a word; the platform must still say so.
      await view.waitFor('the static route deleted', (ev) => ev.type === 'route' && ev.action === 'del' && ev.route.dst === ctx.v4(90, 0), from);
      await view.waitFor('the prefix route deleted', (ev) => ev.type === 'route' && ev.action === 'del' && ev.route.dst === ctx.v4(3, 0), from);
      const v4Routes = (await platform.routes({ family: 4, table: 254 })).filter((r) => r.ifindex === va.ifindex);
      assert.equal(v4Routes, [], 'no IPv4 route through a link that is down');
      const addrs = await platform.addresses(va.ifindex);
      assert.ok(addrs.some((x) => x.address === ctx.v4(3, 1)), 'the IPv4 address stays');
      assert.ok(!addrs.some((x) => x.address === ctx.v6(3, 1)), 'the IPv6 address goes');
      await platform.setLink(va.ifindex, { up: true });
      const routes = (await platform.routes({ family: 4, table: 254 })).filter((r) => r.ifindex === va.ifindex);
      assert.equal(routes.map((r) => `${r.dst}/${r.dstLen}`), [`${ctx.v4(3, 0)}/24`], 'the prefix route is back, the static one is not');
      const diff = await view.converge(platform);
      assert.equal(diff, undefined, 'events agree with the dumps');
    },
  },
  {
    name: 'deleting a link takes its addresses and routes',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const from = view.log.length;
      const a = ctx.own('a');
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: ctx.name('b') }, up: true });
      await platform.addAddress({ family: 4, ifindex: va.ifindex, address: ctx.v4(4, 1), prefixlen: 24 });
      await platform.addRoute({ family: 4, dst: ctx.v4(91, 0), dstLen: 24, gateway: ctx.v4(4, 254), metric: 7 });
      await platform.deleteLink(va.ifindex);
      await view.waitFor('address del', (ev) => ev.type === 'address' && ev.action === 'del' && ev.address.address === ctx.v4(4, 1), from);
      await view.waitFor('route del', (ev) => ev.type === 'route' && ev.action === 'del' && ev.route.dst === ctx.v4(91, 0), from);
      assert.equal(await platform.addresses(va.ifindex), [], 'no addresses left on the ifindex');
      assert.equal((await platform.routes()).filter((r) => r.ifindex === va.ifindex), [], 'no routes left through it');
    },
  },
  {
    name: 'sysctl and sysfs: dotted and slashed names, a name with a dot, missing files',
    async run(ctx) {
      const { platform, assert } = ctx;
      const before = await platform.readSysctl('net.ipv4.ip_forward');
      assert.ok(before === '0' || before === '1', `ip_forward reads 0 or 1 (${before})`);
      await platform.writeSysctl('net/ipv4/ip_forward', '1');
      assert.equal(await platform.readSysctl('net.ipv4.ip_forward'), '1', 'written slashed, read dotted');
      await platform.writeSysctl('net.ipv4.ip_forward', before);
      const dotted = `${ctx.name('')}.x`;
      ctx.track(dotted);
      const link = await platform.createLink({ name: dotted, kind: 'bridge' });
      assert.equal(await platform.readSysctl(`net/ipv6/conf/${dotted}/disable_ipv6`), '0', 'slashed name with a dotted interface');
      await platform.writeSysctl(`net/ipv6/conf/${dotted}/disable_ipv6`, '1');
      assert.equal(await platform.readSysctl(`/proc/sys/net/ipv6/conf/${dotted}/disable_ipv6`), '1', 'read back (with the /proc/sys prefix)');
      await assert.rejects(platform.readSysctl(`net.ipv6.conf.${dotted}.disable_ipv6`), Errno.ENOENT, 'the dotted form splits the interface name');
      await assert.rejects(platform.readSysctl('net.nosuch.key'), Errno.ENOENT, 'an unknown sysctl', ['net.nosuch.key']);
      assert.equal(await platform.readSysfs(dotted, 'mtu'), '1500', 'sysfs mtu');
      await platform.writeSysfs(dotted, 'mtu', '1400');
      assert.equal((await mustLink(ctx, link.ifindex)).mtu, 1400, 'writing sysfs mtu changes the link');
      await assert.rejects(platform.readSysfs(dotted, 'no_such_attribute'), Errno.ENOENT, 'an unknown attribute');
      await assert.rejects(platform.readSysfs('nosuchlink0', 'mtu'), Errno.ENOENT, 'an unknown link', ['nosuchlink0']);
    },
  },
  {
    name: 'macvlan and vxlan on a parent, which takes them along when deleted',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const from = view.log.length;
      const a = ctx.own('a');
      const b = ctx.name('b');
      const mv = ctx.own('mv');
      const vx = ctx.own('vx');
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: b } });
      const vb = await mustLink(ctx, b);
      const macvlan = await platform.createLink({ name: mv, kind: 'macvlan', parent: b, info: { mode: 'bridge' } });
      assert.equal({ kind: macvlan.kind, parent: macvlan.parent, mode: macvlan.info?.mode }, { kind: 'macvlan', parent: vb.ifindex, mode: 'bridge' }, 'the macvlan');
      const vxlan = await platform.createLink({ name: vx, kind: 'vxlan', parent: va.ifindex, info: { id: 42, destination_port: 4789, remote: ctx.v4(5, 2), local: ctx.v4(5, 1) } });
      assert.equal({ kind: vxlan.kind, parent: vxlan.parent, id: vxlan.info?.id, port: vxlan.info?.destination_port, remote: vxlan.info?.remote, local: vxlan.info?.local }, { kind: 'vxlan', parent: va.ifindex, id: 42, port: 4789, remote: ctx.v4(5, 2), local: ctx.v4(5, 1) }, 'the vxlan');
      await assert.rejects(platform.createLink({ name: ctx.name('nv'), kind: 'macvlan', parent: 'nosuchlink0' }), Errno.ENODEV, 'a parent that does not exist');
      await platform.deleteLink(va.ifindex);
      await view.waitFor(`link del ${mv}`, isLink(mv, 'del'), from);
      await view.waitFor(`link del ${vx}`, isLink(vx, 'del'), from);
      assert.equal(await platform.link(mv), undefined, 'the macvlan went with its parent');
      assert.equal(await platform.link(vx), undefined, 'the vxlan went with its parent');
    },
  },
  {
    name: 'fifty veth pairs created and deleted concurrently',
    async run(ctx) {
      const { platform, assert } = ctx;
      const names = Array.from({ length: 50 }, (_, i) => [ctx.name(`p${i}`), ctx.name(`q${i}`)] as const);
      for (const [a] of names) ctx.track(a);
      const links = await Promise.all(names.map(([a, b]) => platform.createLink({ name: a, kind: 'veth', peer: { name: b } })));
      assert.equal(links.map((l) => l.name), names.map(([a]) => a), 'each call got its own link');
      assert.equal(new Set(links.map((l) => l.ifindex)).size, 50, 'fifty different ifindexes');
      await Promise.all(links.map((l) => platform.deleteLink(l.ifindex)));
      const left = (await platform.links()).filter((l) => names.some(([a, b]) => l.name === a || l.name === b));
      assert.equal(left, [], 'all gone');
    },
  },
  {
    name: 'events tell NEW from DEL and, applied to the start snapshot, match the dumps',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const br = ctx.own('br');
      const a = ctx.own('a');
      const b = ctx.name('b');
      const gone = ctx.name('g');
      const bridge = await platform.createLink({ name: br, kind: 'bridge', up: true });
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: b }, up: true });
      await platform.setLink(va.ifindex, { master: bridge.ifindex, mtu: 1450 });
      await platform.addAddress({ family: 4, ifindex: bridge.ifindex, address: ctx.v4(6, 1), prefixlen: 24 });
      await platform.addRoute({ family: 4, dst: ctx.v4(92, 0), dstLen: 24, gateway: ctx.v4(6, 2), table: 254, metric: 5 });
      const tmp = await platform.createLink({ name: gone, kind: 'bridge' });
      await platform.addAddress({ family: 4, ifindex: tmp.ifindex, address: ctx.v4(7, 1), prefixlen: 24 });
      await platform.deleteLink(tmp.ifindex);
      await platform.removeRoute({ family: 4, dst: ctx.v4(92, 0), dstLen: 24, metric: 5 });
      const diff = await view.converge(platform);
      assert.equal(diff, undefined, 'the event view equals links(), addresses() and routes()');
      assert.ok(!view.links.has(tmp.ifindex), 'a deleted link is not in the view');
    },
  },

  {
    name: 'rules: the kernel defaults, add, list, remove; duplicates, missing and invalid ones refused',
    async run(ctx) {
      const { platform, assert } = ctx;
      const brief = (r: Rule) => ({ priority: r.priority, table: r.table, action: r.action, protocol: r.protocol, from: r.from });
      assert.equal((await platform.rules(4)).filter((r) => r.priority < 10000 || r.priority > 30000).map(brief), [
        { priority: 0, table: 255, action: 1, protocol: 2, from: undefined },
        { priority: 32766, table: 254, action: 1, protocol: 2, from: undefined },
        { priority: 32767, table: 253, action: 1, protocol: 2, from: undefined },
      ], 'IPv4 starts with local, main and default');
      assert.equal((await platform.rules(6)).filter((r) => r.priority < 10000 || r.priority > 30000).map((r) => [r.priority, r.table]), [[0, 255], [32766, 254]], 'IPv6 starts with local and main');

      const simple: RuleSpec = { family: 4, priority: ctx.priority(5), from: ctx.v4(0, 0), fromLen: 16, table: 100, protocol: 4 };
      const full: RuleSpec = {
        family: 4, priority: ctx.priority(1), invert: true, from: ctx.v4(1, 0), fromLen: 24, to: ctx.v4(2, 0), toLen: 24, tos: 0x10, ipproto: 6,
        fwmark: 0x10, fwmask: 0xff, sport: [1000, 2000], dport: [80, 80], iifname: 'lo', oifname: ctx.name('o'), uidRange: [100, 200],
        suppressPrefixlength: 8, table: 300, protocol: 4,
      };
      const v6: RuleSpec = { family: 6, priority: ctx.priority(7), from: ctx.v6(1, ''), fromLen: 64, action: RuleAction.unreachable };
      await platform.addRule(simple);
      await platform.addRule(full);
      await platform.addRule(v6);
      const mine = (rules: Rule[]) => rules.filter((r) => r.priority >= ctx.priority(0) && r.priority < ctx.priority(100));
      const v4 = mine(await platform.rules(4));
      assert.equal(v4.map((r) => r.priority), [ctx.priority(1), ctx.priority(5)], 'listed by priority');
      assert.equal(v4[0], { ...full, action: RuleAction.toTable }, 'every field of the full rule reads back');
      assert.equal(v4[1], { ...simple, action: RuleAction.toTable }, 'the simple rule reads back');
      assert.equal(mine(await platform.rules(6)), [{ ...v6, table: 0, protocol: 0 }], 'the IPv6 rule, without a table');
      assert.equal(mine(await platform.rules()).length, 3, 'rules() lists both families');

      await assert.rejects(platform.addRule(simple), Errno.EEXIST, 'the same rule twice', [`add rule priority ${simple.priority} from ${simple.from}/16 table 100`]);
      // The kernel compares prefixes only when the new rule gives one.
      await assert.rejects(platform.addRule({ family: 4, priority: simple.priority, table: 100, protocol: 4 }), Errno.EEXIST, 'a rule without "from" matches any "from"');
      await platform.addRule({ ...simple, from: ctx.v4(9, 0) });
      await platform.addRule({ ...simple, protocol: 0 });
      assert.equal(mine(await platform.rules(4)).filter((r) => r.priority === simple.priority).map((r) => `${r.from}|${r.protocol}`), [`${ctx.v4(0, 0)}|4`, `${ctx.v4(9, 0)}|4`, `${ctx.v4(0, 0)}|0`], 'same priority: in the order added');

      // A remove matches only the fields it names: the oldest of the priority goes first.
      await platform.removeRule({ family: 4, priority: simple.priority });
      assert.equal(mine(await platform.rules(4)).filter((r) => r.priority === simple.priority).map((r) => `${r.from}|${r.protocol}`), [`${ctx.v4(9, 0)}|4`, `${ctx.v4(0, 0)}|0`], 'the first of the priority removed');
      await platform.removeRule({ ...simple, protocol: 0, from: ctx.v4(0, 0) });
      await platform.removeRule(full);
      await platform.removeRule(v6);
      await assert.rejects(platform.removeRule(full), Errno.ENOENT, 'removing a rule that is not there', [`remove rule priority ${full.priority} not from ${full.from}/24`]);
      assert.equal(mine(await platform.rules()).map((r) => r.from), [ctx.v4(9, 0)], 'one left');

      const invalid: Array<[RuleSpec, string]> = [
        [{ family: 4, priority: ctx.priority(20), from: ctx.v4(3, 0), fromLen: 24 }, 'a lookup without a table'],
        [{ family: 4, priority: ctx.priority(21), from: ctx.v6(3, ''), table: 5 }, 'an IPv6 "from" on an IPv4 rule'],
        [{ family: 4, priority: ctx.priority(22), from: ctx.v4(3, 0), fromLen: 33, table: 5 }, 'a prefix longer than 32'],
        [{ family: 4, priority: ctx.priority(23), iifname: 'this-name-is-too-long', table: 5 }, 'an interface name too long'],
        [{ family: 4, priority: ctx.priority(24), from: ctx.v4(3, 0), tos: 0x20, table: 5 }, 'an IPv4 tos outside 0x1c'],
        [{ family: 4, priority: ctx.priority(25), from: ctx.v4(3, 0), sport: [0, 10], table: 5 }, 'port 0'],
        [{ family: 4, priority: ctx.priority(26), from: ctx.v4(3, 0), action: 2, table: 5 }, 'goto'],
        [{ family: 5 as Family, priority: ctx.priority(27), table: 5 }, 'family 5'],
      ];
      for (const [spec, what] of invalid) await assert.rejects(platform.addRule(spec), Errno.EINVAL, what, ['add rule', `priority ${spec.priority}`]);
      assert.equal(mine(await platform.rules()).length, 1, 'nothing invalid was added');
    },
  },
  {
    name: 'routes: onlink, tos, an IPv6 source prefix and metrics read back as given',
    async run(ctx) {
      const { platform, assert, view } = ctx;
      const from = view.log.length;
      const a = ctx.own('a');
      const b = ctx.name('b');
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: b }, up: true });
      await platform.setLink((await mustLink(ctx, b)).ifindex, { up: true });
      await platform.addAddress({ family: 4, ifindex: va.ifindex, address: ctx.v4(1, 1), prefixlen: 24 });
      await platform.addAddress({ family: 6, ifindex: va.ifindex, address: ctx.v6(1, 1), prefixlen: 64, flags: IFA_F_NODAD });
      const find = async (family: Family, dst: string, extra: (r: import('../../sdk/index.js').Route) => boolean = () => true) =>
        (await platform.routes({ family })).filter((r) => r.dst === dst && extra(r));

      const onlink = { family: 4 as const, dst: ctx.v4(50, 0), dstLen: 24, gateway: '192.0.2.1', ifindex: va.ifindex, onlink: true, metric: 10 };
      await platform.addRoute(onlink);
      const [r1] = await find(4, onlink.dst);
      assert.equal(r1 && { gateway: r1.gateway, ifindex: r1.ifindex, onlink: r1.onlink, metrics: r1.metrics }, { gateway: '192.0.2.1', ifindex: va.ifindex, onlink: true, metrics: undefined }, 'an onlink route through a gateway on no connected network');
      await assert.rejects(platform.addRoute({ family: 4, dst: ctx.v4(51, 0), dstLen: 24, ifindex: va.ifindex, onlink: true }), Errno.EINVAL, 'onlink on an IPv4 route without a gateway', [ctx.v4(51, 0)]);
      await assert.rejects(platform.addRoute({ family: 4, dst: ctx.v4(52, 0), dstLen: 24, gateway: '192.0.2.1', onlink: true }), Errno.ENODEV, 'onlink without a link');

      const metrics = { mtu: 1400, window: 1000, cwnd: 10, initcwnd: 5, initrwnd: 6, advmss: 1300, rto_min: 300, quickack: true, lock: ['mtu' as const, 'cwnd' as const] };
      const withMetrics = { family: 4 as const, dst: ctx.v4(53, 0), dstLen: 24, gateway: ctx.v4(1, 254), metric: 20, metrics };
      await platform.addRoute(withMetrics);
      const [r2] = await find(4, withMetrics.dst);
      assert.equal(r2?.metrics, metrics, 'every metric and the locks read back');
      await view.waitFor('the route event carries the metrics', (ev) => ev.type === 'route' && ev.action === 'new' && ev.route.dst === withMetrics.dst && ev.route.metrics?.mtu === 1400, from);
      await platform.addRoute({ family: 4, dst: ctx.v4(54, 0), dstLen: 24, ifindex: va.ifindex, metrics: { mtu: 70000, advmss: 70000, window: 0, quickack: false } });
      assert.equal((await find(4, ctx.v4(54, 0)))[0]?.metrics, { mtu: 65520, advmss: 65495 }, 'the kernel caps mtu and advmss and drops zeros');
      await assert.rejects(platform.addRoute({ family: 4, dst: ctx.v4(55, 0), dstLen: 24, ifindex: va.ifindex, metrics: { hoplimit: 5 } as never }), Errno.EINVAL, 'an unknown metric');
      await assert.rejects(platform.addRoute({ family: 4, dst: ctx.v4(55, 0), dstLen: 24, ifindex: va.ifindex, metrics: { lock: ['quickack'] } as never }), Errno.EINVAL, 'a lock on a metric that cannot be locked');

      // tos is part of an IPv4 route's identity: the same destination twice, and each removed by its own.
      const plain = { family: 4 as const, dst: ctx.v4(56, 0), dstLen: 24, ifindex: va.ifindex };
      await platform.addRoute({ ...plain, tos: 0x10 });
      await platform.addRoute(plain);
      assert.equal((await find(4, plain.dst)).map((r) => r.tos ?? 0).sort(), [0, 0x10], 'with and without tos side by side');
      await platform.removeRoute(plain);
      assert.equal((await find(4, plain.dst)).map((r) => r.tos), [0x10], 'removing without tos left the tos route');
      await assert.rejects(platform.removeRoute(plain), Errno.ESRCH, 'no route without tos left');
      await platform.removeRoute({ ...plain, tos: 0x10 });
      await assert.rejects(platform.addRoute({ ...plain, tos: 0x11 }), Errno.EINVAL, 'tos with the ECN bits');
      await assert.rejects(platform.addRoute({ family: 6, dst: ctx.v6(60, ''), dstLen: 64, ifindex: va.ifindex, tos: 0x10 }), Errno.EINVAL, 'tos on an IPv6 route');

      const sourced = { family: 6 as const, dst: ctx.v6(61, ''), dstLen: 64, ifindex: va.ifindex, from: ctx.v6(62, ''), fromLen: 64, metrics: { mtu: 1300 } };
      await platform.addRoute(sourced);
      await platform.addRoute({ ...sourced, from: ctx.v6(63, 5), fromLen: 64, metrics: undefined });
      assert.equal((await find(6, sourced.dst)).map((r) => `${r.from}/${r.fromLen} ${r.metrics?.mtu}`).sort(), [`${ctx.v6(62, '')}/64 1300`, `${ctx.v6(63, '')}/64 undefined`], 'two source prefixes (host bits cleared), one with an MTU');
      await assert.rejects(platform.removeRoute({ ...sourced, from: undefined, fromLen: undefined }), Errno.ESRCH, 'an IPv6 route without "from" is another route');
      await platform.removeRoute(sourced);
      assert.equal((await find(6, sourced.dst)).length, 1, 'removed by its source prefix');
      const v6onlink = { family: 6 as const, dst: ctx.v6(64, ''), dstLen: 64, gateway: '2001:db8:ffff::1', ifindex: va.ifindex, onlink: true };
      await platform.addRoute(v6onlink);
      assert.equal((await find(6, v6onlink.dst)).map((r) => [r.gateway, r.onlink]), [['2001:db8:ffff::1', true]], 'an IPv6 onlink route');
      await assert.rejects(platform.addRoute({ family: 4, dst: ctx.v4(57, 0), dstLen: 24, ifindex: va.ifindex, from: ctx.v4(58, 0), fromLen: 24 }), Errno.EINVAL, 'a source prefix on an IPv4 route');

      const diff = await view.converge(platform);
      assert.equal(diff, undefined, 'events with the extras agree with the dumps');
    },
  },

  {
    name: "a profile's routing rules and route attributes, converted by the SDK, are taken as they are",
    async run(ctx) {
      const { platform, assert } = ctx;
      const a = ctx.own('a');
      const va = await platform.createLink({ name: a, kind: 'veth', peer: { name: ctx.name('b') }, up: true });
      await platform.addAddress({ family: 4, ifindex: va.ifindex, address: ctx.v4(1, 1), prefixlen: 24 });
      const p = (k: number) => ctx.priority(k);
      const texts4 = [
        `priority ${p(1)} from ${ctx.v4(0, 0)}/16 table 100`,
        `priority ${p(2)} not to ${ctx.v4(2, 0)}/24 tos 0x08 ipproto 17 fwmark 0x5/0xf sport 53 dport 1000-1100 iif ${a} uidrange 10-20 suppress_prefixlength 0 table 101`,
        `priority ${p(3)} from ${ctx.v4(3, 0)}/24 type prohibit`,
      ];
      const texts6 = [`priority ${p(4)} from ${ctx.v6(1, '')}/64 table 102`];
      const rules4 = ruleSpecsFromSetting(texts4, 4);
      const rules6 = ruleSpecsFromSetting(texts6, 6);
      assert.ok(rules4.ok && rules6.ok, 'the texts convert');
      const specs = [...(rules4.ok ? rules4.value : []), ...(rules6.ok ? rules6.value : [])];
      for (const spec of specs) await platform.addRule(spec);
      const listed = (await platform.rules()).filter((r) => r.priority >= p(0) && r.priority < p(100));
      assert.equal(listed, specs.map((spec) => ({ ...spec, table: spec.table ?? 0 })), 'each rule as the kernel lists it');

      const routeData: IpRoute[] = [
        { dest: ctx.v4(60, 0), prefix: 24, nextHop: '198.51.100.1', attributes: { onlink: true, mtu: 1280, 'lock-mtu': true, initcwnd: 20, table: 103 } },
        { dest: ctx.v4(61, 0), prefix: 24, attributes: { type: 'blackhole', tos: 0x08 } },
      ];
      const routes = routeSpecsFromSetting({ 'route-metric': 300, 'route-data': routeData }, 4, va.ifindex, 100);
      assert.ok(routes.ok, 'the routes convert');
      for (const spec of routes.ok ? routes.value : []) await platform.addRoute(spec);
      const [r1] = await platform.routes({ family: 4, table: 103 });
      assert.equal(r1 && { dst: r1.dst, gateway: r1.gateway, ifindex: r1.ifindex, metric: r1.metric, protocol: r1.protocol, onlink: r1.onlink, metrics: r1.metrics }, {
        dst: ctx.v4(60, 0), gateway: '198.51.100.1', ifindex: va.ifindex, metric: 300, protocol: 4, onlink: true, metrics: { mtu: 1280, initcwnd: 20, lock: ['mtu'] },
      }, 'the onlink route with metrics in its table');
      const r2 = (await platform.routes({ family: 4, table: 254 })).find((r) => r.dst === ctx.v4(61, 0));
      assert.equal(r2 && { type: r2.type, tos: r2.tos, ifindex: r2.ifindex }, { type: 6, tos: 0x08, ifindex: 0 }, 'the blackhole route with its tos and no link');
      for (const spec of routes.ok ? routes.value : []) await platform.removeRoute(spec);
    },
  },
];

export const scenarioNames = scenarios.map((s) => s.name);

/** Rules are global to the namespace: remove what a scenario added in its priority range, even when it failed. */
async function removeOwnRules(platform: Platform, base: number): Promise<void> {
  const rules = await platform.rules().catch(() => [] as Rule[]);
  for (const r of rules) {
    if (r.priority >= base && r.priority < base + 100) await platform.removeRule(r).catch(() => undefined);
  }
}

/**
 * Start the platform, run the scenarios (all, or those named in `only`) in
 * order, and stop it. Never throws for a failing scenario: each result says.
 */
export async function runConformance(platform: Platform, assert: ConformanceAssert, only?: readonly string[]): Promise<ScenarioResult[]> {
  const view = new EventView();
  view.load(await platform.start(view.listener));
  const results: ScenarioResult[] = [];
  try {
    let index = 0;
    for (const scenario of scenarios) {
      index++;
      if (only && !only.includes(scenario.name)) continue;
      const tracked: string[] = [];
      const n = index;
      const ctx: ScenarioContext = {
        platform,
        assert,
        view,
        name: (suffix) => `c${n}${suffix}`,
        v4: (c, d) => `10.${n}.${c}.${d}`,
        v6: (group, last) => `2001:db8:${n}:${group}::${last}`,
        track: (name) => void tracked.push(name),
        priority: (k) => 10000 + 100 * n + k,
        own: (suffix) => {
          const name = `c${n}${suffix}`;
          tracked.push(name);
          return name;
        },
      };
      const t0 = Date.now();
      try {
        await scenario.run(ctx);
        results.push({ name: scenario.name, ok: true, ms: Date.now() - t0 });
      } catch (e) {
        results.push({ name: scenario.name, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), ms: Date.now() - t0 });
      } finally {
        await removeOwnRules(platform, 10000 + 100 * n);
        for (const name of tracked.reverse()) {
          const l = await platform.link(name).catch(() => undefined);
          if (l) await platform.deleteLink(l.ifindex).catch(() => undefined);
        }
      }
    }
  } finally {
    await platform.stop();
  }
  return results;
}
