/**
 * The Linux platform against the real kernel, each part in its own network
 * namespace. The platform runs in test/platform-conformance/run-linux.ts
 * inside the namespace (its sockets belong to the namespace that opens
 * them); this file checks what it reports and, independently, what `ip` and
 * sysfs say the kernel holds.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address, Link, Route, Rule } from '../../sdk/index.js';
import { Netns, REPO_ROOT } from '../harness/netns.js';
import type { ScenarioResult } from '../platform-conformance/scenarios.js';
import { scenarioNames } from '../platform-conformance/scenarios.js';

const RUNNER = path.join(REPO_ROOT, 'test/platform-conformance/run-linux.ts');

async function runner<T>(ns: Netns, args: string[], timeoutMs = 120_000): Promise<T> {
  const r = await ns.runScript(RUNNER, args, { timeoutMs });
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('RESULT '));
  if (r.code !== 0 || !line) throw new Error(`run-linux.ts ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

async function sysfs(ns: Netns, file: string): Promise<string> {
  return (await ns.exec('cat', [file])).stdout.trim();
}

describe('LinuxPlatform passes the platform conformance scenarios', () => {
  let ns: Netns | undefined;
  let results: ScenarioResult[] = [];

  beforeAll(async () => {
    ns = await Netns.create('nmkpc');
    results = await runner<ScenarioResult[]>(ns, ['scenarios'], 240_000);
  }, 260_000);
  afterAll(async () => {
    await ns?.destroy();
  });

  for (const name of scenarioNames) {
    it(name, () => {
      const r = results.find((x) => x.name === name);
      expect(r, 'the scenario ran').toBeDefined();
      if (!r!.ok) throw new Error(r!.error);
    });
  }
});

describe('what LinuxPlatform creates is what ip and sysfs show', () => {
  let ns: Netns;
  let made: Record<'br' | 'va' | 'vb' | 'mv' | 'vx', Link>;
  let links: any[];

  beforeAll(async () => {
    ns = await Netns.create('nmkpm');
    made = await runner(ns, ['make']);
    links = await ns.ipJson(['link', 'show']);
  }, 120_000);
  afterAll(async () => {
    await ns?.destroy();
  });

  const ipLink = (name: string) => {
    const l = links.find((x) => x.ifname === name);
    expect(l, `ip shows ${name}`).toBeDefined();
    return l;
  };

  it('a bridge with STP, forward delay, hello time, priority and snooping off, up', async () => {
    const br = ipLink('br0');
    expect(br.ifindex).toBe(made.br.ifindex);
    expect(br.linkinfo.info_kind).toBe('bridge');
    expect(br.linkinfo.info_data).toMatchObject({ stp_state: 1, forward_delay: 400, hello_time: 100, priority: 4096, mcast_snooping: 0 });
    expect(br.flags).toContain('UP');
    expect(await sysfs(ns, '/sys/class/net/br0/bridge/stp_state')).toBe('1');
    expect(await sysfs(ns, '/sys/class/net/br0/bridge/forward_delay')).toBe('400');
    expect(await sysfs(ns, '/sys/class/net/br0/bridge/priority')).toBe('4096');
    expect(made.br.info).toMatchObject({ stp: true, forward_delay: 4, hello_time: 1, priority: 4096, multicast_snooping: false });
  });

  it('a veth pair: MAC, controller, MTU and up state as asked', () => {
    const va = ipLink('va');
    const vb = ipLink('vb');
    expect(va).toMatchObject({ ifindex: made.va.ifindex, address: '02:00:00:aa:bb:01', master: 'br0', link: 'vb', mtu: 1500 });
    expect(va.linkinfo).toMatchObject({ info_kind: 'veth', info_slave_kind: 'bridge' });
    expect(va.flags).toContain('UP');
    expect(vb).toMatchObject({ ifindex: made.vb.ifindex, link: 'va', mtu: 1400 });
    expect(vb.flags).toEqual(expect.arrayContaining(['UP', 'LOWER_UP']));
    expect(made.va.parent).toBe(made.vb.ifindex);
    expect(made.vb.parent).toBe(made.va.ifindex);
  });

  it('a macvlan and a vxlan on the veth, with their options', () => {
    const mv = ipLink('mv0');
    expect(mv).toMatchObject({ link: 'vb', mtu: 1300, address: '02:00:00:aa:bb:02' });
    expect(mv.linkinfo).toMatchObject({ info_kind: 'macvlan', info_data: { mode: 'private' } });
    const vx = ipLink('vx0');
    expect(vx.linkinfo.info_kind).toBe('vxlan');
    expect(vx.linkinfo.info_data).toMatchObject({ id: 4242, remote: '10.99.0.2', local: '10.99.0.1', link: 'vb', port: 4789, ttl: 10, learning: false });
    expect(made.vx).toMatchObject({ parent: made.vb.ifindex, info: { id: 4242, remote: '10.99.0.2', local: '10.99.0.1', destination_port: 4789, ttl: 10, learning: false } });
    expect(made.mv).toMatchObject({ parent: made.vb.ifindex, info: { mode: 'private' } });
  });

  it('IPv4 and IPv6 addresses with broadcast, flags and lifetimes', async () => {
    const [br] = await ns.ipJson<any[]>(['addr', 'show', 'br0']);
    const v4 = br.addr_info.find((a: any) => a.local === '10.99.0.1');
    expect(v4).toMatchObject({ prefixlen: 24, broadcast: '10.99.0.255', scope: 'global', valid_life_time: 4294967295 });
    const v6 = br.addr_info.find((a: any) => a.local === '2001:db8:99::1');
    expect(v6).toMatchObject({ prefixlen: 64, nodad: true, noprefixroute: true });
    expect(v6.valid_life_time).toBeLessThanOrEqual(7200);
    expect(v6.valid_life_time).toBeGreaterThan(7000);
    expect(v6.preferred_life_time).toBeLessThanOrEqual(3600);
    expect(v6.preferred_life_time).toBeGreaterThan(3400);
  });

  it('routes in table 100 and main, with metric, protocol and gateway', async () => {
    const t100 = await ns.ipJson<any[]>(['route', 'show', 'table', '100']);
    expect(t100).toEqual([expect.objectContaining({ dst: '10.98.0.0/16', gateway: '10.99.0.254', dev: 'br0', protocol: 'static', metric: 123 })]);
    const v6 = await ns.ipJson<any[]>(['-6', 'route', 'show']);
    expect(v6).toEqual(expect.arrayContaining([expect.objectContaining({ dst: '2001:db8:98::/48', dev: 'br0', metric: 77 })]));
    // noprefixroute: the IPv6 address brought no route of its own.
    expect(v6.some((r) => r.dst === '2001:db8:99::/64')).toBe(false);
  });

  it('routes with onlink, tos, a source prefix and metrics, as ip -d route shows them', async () => {
    const [v4] = await ns.ipJson<any[]>(['-d', 'route', 'show', '10.96.0.0/16']);
    expect(v4).toMatchObject({ dst: '10.96.0.0/16', tos: '0x10', gateway: '192.0.2.1', dev: 'br0', metric: 5 });
    expect(v4.flags).toContain('onlink');
    expect(v4.metrics).toEqual([{ mtu: 1400, window: 1000, cwnd: 10, initcwnd: 5, initrwnd: 6, advmss: 1300, rto_min: 300, quickack: 1 }]);
    // ip's JSON leaves the locks out; its text shows them.
    expect(await ns.ip(['route', 'show', '10.96.0.0/16'])).toMatch(/mtu lock 1400 .*advmss lock 1300/);
    const [v6] = await ns.ipJson<any[]>(['-6', '-d', 'route', 'show', '2001:db8:96::/48']);
    expect(v6).toMatchObject({ dst: '2001:db8:96::/48', from: '2001:db8:95::/48', gateway: '2001:db8:ffff::1', dev: 'br0', metrics: [{ mtu: 1300 }] });
    expect(v6.flags).toContain('onlink');
  });

  it('rules with every selector NetworkManager uses, as ip rule shows them', async () => {
    const v4 = await ns.ipJson<any[]>(['rule', 'show']);
    expect(v4.find((r) => r.priority === 100)).toEqual({ priority: 100, src: '10.99.0.0', srclen: 24, table: '100', protocol: 'static' });
    expect(v4.find((r) => r.priority === 101)).toEqual({
      priority: 101, not: null, src: 'all', dst: '10.97.0.0', dstlen: 16, tos: '0x10', fwmark: '0x10', fwmask: '0xff', iif: 'br0', oif: 'va',
      uid_start: 100, uid_end: 200, ipproto: 'tcp', sport_start: 1000, sport_end: 2000, dport: 80, table: '300', suppress_prefixlen: 8, protocol: 'static',
    });
    const v6 = await ns.ipJson<any[]>(['-6', 'rule', 'show']);
    expect(v6.find((r) => r.priority === 102)).toMatchObject({ src: '2001:db8:99::', srclen: 64, action: 'unreachable' });
  });
});

describe('what LinuxPlatform reads back is what ip made', () => {
  let ns: Netns;
  let dump: { links: Link[]; addresses: Address[]; routes: Route[]; rules: Rule[] };

  beforeAll(async () => {
    ns = await Netns.create('nmkpd');
    const ip = (args: string) => ns.ip(args.split(' '));
    // STP off: with it on, a topology change makes the kernel shorten ageing_time for a while (timing-dependent values).
    await ip('link add bx type bridge stp_state 0 forward_delay 500 priority 1000 ageing_time 12000');
    await ip('link add ia type veth peer name ib');
    await ip('link set ia master bx');
    await ip('link set ia type bridge_slave priority 5 cost 77 hairpin on');
    await ip('link set ib up mtu 1480');
    await ip('link set ia up');
    await ip('link set bx up');
    await ip('link add mx link ib type macvlan mode vepa');
    await ip('link add vxx type vxlan id 7 dstport 4789 dev ib remote 10.7.0.9');
    await ip('addr add 10.7.0.1/24 brd + dev bx');
    await ip('addr add 10.8.0.1 peer 10.8.0.2/32 dev ib');
    await ip('addr add 2001:db8:7::1/64 dev bx nodad valid_lft 5000 preferred_lft 4000');
    await ip('route add 10.70.0.0/16 via 10.7.0.254 metric 50 proto static table 200');
    await ip('route add 10.71.0.0/16 dev bx metric 9');
    await ip('route add blackhole 10.72.0.0/16');
    await ip('route add 10.73.0.0/16 tos 0x08 via 192.0.2.7 dev bx onlink mtu lock 1300 window 900 cwnd 9 advmss 1200 initcwnd 4 initrwnd 3 rto_min 250ms quickack 1 table 300');
    await ip('-6 route add 2001:db8:73::/48 from 2001:db8:74::/48 dev bx mtu 1280 table 300');
    await ip('rule add priority 50 from 10.7.0.0/24 table 200');
    await ip('rule add priority 51 not to 10.9.0.0/16 fwmark 0x7/0xf iif bx oif ib ipproto udp sport 53 dport 1000-1100 uidrange 5-6 tos 0x08 suppress_prefixlength 4 lookup 300 proto static');
    await ip('rule add priority 52 from 10.8.0.0/16 prohibit');
    await ip('-6 rule add priority 53 from 2001:db8:7::/64 lookup 200');
    dump = await runner(ns, ['dump']);
  }, 120_000);
  afterAll(async () => {
    await ns?.destroy();
  });

  it('links: every field agrees with ip -d -j link', async () => {
    const ipLinks = await ns.ipJson<any[]>(['link', 'show']);
    const byName = new Map(ipLinks.map((l) => [l.ifname, l]));
    expect(dump.links.map((l) => l.name).sort()).toEqual(ipLinks.map((l) => l.ifname).sort());
    for (const l of dump.links) {
      const ip = byName.get(l.name);
      const what = `link ${l.name}`;
      expect(l.ifindex, what).toBe(ip.ifindex);
      expect(l.mtu, what).toBe(ip.mtu);
      expect(l.mac, what).toBe(ip.address ?? '');
      expect(l.operstate.toUpperCase(), what).toBe(ip.operstate);
      expect(l.up, what).toBe(ip.flags.includes('UP'));
      expect(l.carrier, what).toBe(ip.flags.includes('LOWER_UP'));
      expect(l.kind, what).toBe(ip.linkinfo?.info_kind ?? '');
      expect(l.portKind, what).toBe(ip.linkinfo?.info_slave_kind);
      // ip names a bridge port's IFLA_BRPORT_COST "cost" and IFLA_BRPORT_MODE "hairpin".
      const port = ip.linkinfo?.info_slave_kind === 'bridge' ? ip.linkinfo.info_slave_data : undefined;
      expect(l.portInfo, what).toEqual(port && { priority: port.priority, path_cost: port.cost, hairpin_mode: port.hairpin });
      expect(l.master, what).toBe(ip.master ? byName.get(ip.master).ifindex : 0);
      // ip names the parent (IFLA_LINK, or vxlan's own link) by name.
      const parentName = ip.link ?? ip.linkinfo?.info_data?.link;
      expect(l.parent, what).toBe(parentName ? byName.get(parentName).ifindex : 0);
      expect(l.arptype, what).toBe(ip.link_type === 'loopback' ? 772 : 1);
    }
    expect(dump.links.find((l) => l.name === 'ia')!.portInfo).toEqual({ priority: 5, path_cost: 77, hairpin_mode: true });
    const bx = dump.links.find((l) => l.name === 'bx')!;
    expect(bx.info).toMatchObject({ stp: false, forward_delay: 5, priority: 1000, ageing_time: 120 });
    expect(dump.links.find((l) => l.name === 'mx')!.info).toMatchObject({ mode: 'vepa' });
    expect(dump.links.find((l) => l.name === 'vxx')!.info).toMatchObject({ id: 7, destination_port: 4789, remote: '10.7.0.9' });
  });

  it('addresses: local, peer, broadcast, scope, flags and lifetimes agree with ip -j addr', async () => {
    const ipAddrs = (await ns.ipJson<any[]>(['addr', 'show'])).flatMap((l) => l.addr_info.map((a: any) => ({ ...a, ifindex: l.ifindex })));
    expect(dump.addresses.length).toBe(ipAddrs.length);
    const scopes: Record<string, number> = { global: 0, link: 253, host: 254 };
    for (const a of ipAddrs) {
      const mine = dump.addresses.find((x) => x.ifindex === a.ifindex && x.address === a.local && x.prefixlen === a.prefixlen);
      expect(mine, `address ${a.local}/${a.prefixlen}`).toBeDefined();
      expect(mine!.family).toBe(a.family === 'inet' ? 4 : 6);
      expect(mine!.peer).toBe(a.address);
      expect(mine!.broadcast).toBe(a.broadcast);
      expect(mine!.scope).toBe(scopes[a.scope]);
      expect(mine!.label).toBe(a.label);
      expect((mine!.flags & 0x80) !== 0, `${a.local} permanent`).toBe(a.valid_life_time === 4294967295);
      expect(Math.abs(mine!.validLifetime - a.valid_life_time)).toBeLessThanOrEqual(2);
      expect(Math.abs(mine!.preferredLifetime - a.preferred_life_time)).toBeLessThanOrEqual(2);
    }
    expect(dump.addresses.find((a) => a.address === '10.8.0.1')).toMatchObject({ prefixlen: 32, peer: '10.8.0.2' });
    expect(dump.addresses.find((a) => a.address === '10.7.0.1')).toMatchObject({ broadcast: '10.7.0.255', label: 'bx' });
  });

  it('routes: destination, table, link, metric, gateway, protocol and type agree with ip -j route', async () => {
    const names = new Map(dump.links.map((l) => [l.name, l.ifindex]));
    const protocols: Record<string, number> = { kernel: 2, boot: 3, static: 4 };
    const key = (family: 4 | 6, table: number, dst: string, ifindex: number, metric: number) => `${family}|${table}|${dst}|${ifindex}|${metric}`;
    const expected = new Set<string>();
    for (const [family, table] of [[4, 'main'], [4, '200'], [6, 'main']] as const) {
      const rows = await ns.ipJson<any[]>([`-${family}`, 'route', 'show', 'table', table]);
      for (const r of rows) {
        const dst = r.dst === 'default' ? (family === 4 ? '0.0.0.0/0' : '::/0') : r.dst.includes('/') ? r.dst : `${r.dst}/${family === 4 ? 32 : 128}`;
        expected.add(key(family, table === 'main' ? 254 : Number(table), dst, r.dev ? names.get(r.dev)! : 0, r.metric ?? 0));
        const mine = dump.routes.find((x) => x.family === family && `${x.dst}/${x.dstLen}` === dst && x.table === (table === 'main' ? 254 : Number(table)));
        expect(mine, `route ${dst} table ${table}`).toBeDefined();
        expect(mine!.gateway).toBe(r.gateway);
        expect(mine!.protocol).toBe(protocols[r.protocol ?? 'boot']);
        expect(mine!.type).toBe(r.type === 'blackhole' ? 6 : 1);
        if (r.prefsrc) expect(mine!.prefsrc).toBe(r.prefsrc);
      }
    }
    const mine = new Set(dump.routes.filter((r) => r.table === 254 || r.table === 200).map((r) => key(r.family, r.table, `${r.dst}/${r.dstLen}`, r.ifindex, r.metric)));
    expect([...mine].sort()).toEqual([...expected].sort());
    expect(dump.routes.find((r) => r.dst === '10.70.0.0')).toMatchObject({ table: 200, gateway: '10.7.0.254', metric: 50, protocol: 4, ifindex: names.get('bx') });
  });

  it('route extras: onlink, tos, the source prefix and the metrics ip set are read back', () => {
    const v4 = dump.routes.find((r) => r.dst === '10.73.0.0');
    expect(v4).toMatchObject({ table: 300, tos: 0x08, gateway: '192.0.2.7', onlink: true });
    expect(v4!.metrics).toEqual({ mtu: 1300, window: 900, cwnd: 9, advmss: 1200, initcwnd: 4, initrwnd: 3, rto_min: 250, quickack: true, lock: ['mtu'] });
    expect(dump.routes.find((r) => r.dst === '2001:db8:73::')).toMatchObject({ table: 300, from: '2001:db8:74::', fromLen: 48, metrics: { mtu: 1280 } });
    // Ordinary routes carry none of the extras.
    const plain = dump.routes.find((r) => r.dst === '10.71.0.0')!;
    expect([plain.onlink, plain.tos, plain.from, plain.metrics]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('rules: every rule ip rule lists, with its selectors', async () => {
    const v4 = await ns.ipJson<any[]>(['rule', 'show']);
    const v6 = await ns.ipJson<any[]>(['-6', 'rule', 'show']);
    expect(dump.rules.map((r) => `${r.family}|${r.priority}`)).toEqual([...v4.map((r) => `4|${r.priority}`), ...v6.map((r) => `6|${r.priority}`)]);
    const byPriority = (p: number) => dump.rules.find((r) => r.priority === p);
    expect(byPriority(0)).toEqual({ family: 4, priority: 0, table: 255, action: 1, protocol: 2 });
    expect(byPriority(50)).toEqual({ family: 4, priority: 50, from: '10.7.0.0', fromLen: 24, table: 200, action: 1, protocol: 0 });
    expect(byPriority(51)).toEqual({
      family: 4, priority: 51, invert: true, to: '10.9.0.0', toLen: 16, tos: 0x08, fwmark: 7, fwmask: 15, iifname: 'bx', oifname: 'ib', ipproto: 17,
      sport: [53, 53], dport: [1000, 1100], uidRange: [5, 6], suppressPrefixlength: 4, table: 300, action: 1, protocol: 4,
    });
    expect(byPriority(52)).toEqual({ family: 4, priority: 52, from: '10.8.0.0', fromLen: 16, table: 0, action: 8, protocol: 0 });
    expect(byPriority(53)).toEqual({ family: 6, priority: 53, from: '2001:db8:7::', fromLen: 64, table: 200, action: 1, protocol: 0 });
  });
});

describe('lost events become one resync, not a crash or a gap', () => {
  let ns: Netns | undefined;
  afterAll(async () => {
    await ns?.destroy();
  });

  type Outcome = { resyncs: number; converged: boolean; diff?: string; links: Array<{ ifindex: number; name: string; up: boolean; mtu: number }>; helperBefore: number; helperAfter: number };

  async function expectSameAsIp(outcome: Outcome) {
    expect(outcome.resyncs, 'a resync arrived').toBeGreaterThanOrEqual(1);
    expect(outcome.diff, 'events and dumps agree after the resync').toBeUndefined();
    const ip = await ns!.ipJson<any[]>(['link', 'show']);
    const fromIp = ip.map((l) => `${l.ifindex}:${l.ifname}:${l.flags.includes('UP')}:${l.mtu}`).sort();
    const fromEvents = outcome.links.map((l) => `${l.ifindex}:${l.name}:${l.up}:${l.mtu}`).sort();
    expect(fromEvents).toEqual(fromIp);
  }

  it('a burst while the event loop is blocked (tiny buffer, busy-wait)', async () => {
    ns = await Netns.create('nmkpo');
    const outcome = await runner<Outcome>(ns, ['overflow-busy'], 180_000);
    await expectSameAsIp(outcome);
    expect(outcome.helperAfter, 'the same event helper runs on').toBe(outcome.helperBefore);
    await ns.destroy();
    ns = undefined;
  }, 200_000);

  it('a burst while the event helper is stopped, so the kernel socket overflows; the helper reports it and runs on', async () => {
    ns = await Netns.create('nmkpr');
    const outcome = await runner<Outcome>(ns, ['overflow-helper'], 180_000);
    await expectSameAsIp(outcome);
    expect(outcome.helperAfter, 'the same event helper runs on').toBe(outcome.helperBefore);
    await ns.destroy();
    ns = undefined;
  }, 200_000);

  it('the event helper killed during a burst: a new one starts and a resync follows', async () => {
    ns = await Netns.create('nmkpk');
    const outcome = await runner<Outcome>(ns, ['helper-killed'], 180_000);
    await expectSameAsIp(outcome);
    expect(outcome.helperAfter, 'a new event helper runs').not.toBe(outcome.helperBefore);
    await ns.destroy();
    ns = undefined;
  }, 200_000);
});

describe('a veth whose peer is created in another namespace', () => {
  let here: Netns;
  let there: Netns;
  beforeAll(async () => {
    here = await Netns.create('nmkph');
    there = await Netns.create('nmkpt');
  });
  afterAll(async () => {
    await here?.destroy();
    await there?.destroy();
  });

  it('puts the peer there and reports no parent here', async () => {
    const r = await runner<{ link: Link; peerHere: Link | null }>(here, ['peer-netns', `/var/run/netns/${there.name}`]);
    expect(r.link).toMatchObject({ name: 'vhere', kind: 'veth', parent: 0 });
    expect(r.peerHere).toBeNull();
    const [peer] = await there.ipJson<any[]>(['link', 'show', 'vthere']);
    expect(peer.linkinfo.info_kind).toBe('veth');
  });
});
