/**
 * Runs inside a network namespace (Netns.runScript): the netlink sockets
 * belong to the namespace of the process that opens them, and node cannot
 * switch namespaces, so the Linux platform is driven from here and the
 * Vitest test reads the outcome from the last line, `RESULT <json>`.
 *
 * Modes:
 *   scenarios            the conformance scenarios; RESULT is their results
 *   make                 creates a known set of links, addresses, routes and
 *                        rules through the platform and leaves them for the test
 *                        to check with ip and sysfs; RESULT is what the
 *                        platform returned
 *   dump                 RESULT is links(), addresses(), routes() and rules()
 *   overflow-busy        tiny event buffer, a burst of link changes from
 *                        `ip -batch` while this loop busy-waits; RESULT is
 *                        the resync count and the links as the events left them
 *   overflow-helper      the same, with the event helper process stopped
 *                        (SIGSTOP) so that the kernel socket itself overflows
 *   helper-killed        the event helper is killed (SIGKILL) during a burst:
 *                        a new one starts and a resync follows
 *   peer-netns PATH      a veth whose peer is created in the namespace at PATH
 *   model-overflow N B   the live model fed by the platform with event
 *                        buffers of B bytes, while this loop is blocked and
 *                        `ip -batch` makes N veth pairs with addresses and
 *                        routes; RESULT is the model's content and stats
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../sdk/index.js';
import { LinuxPlatform } from '../../plugins/platform-linux/linux-platform.js';
import { LocalEventBus } from '../../core/events/event-bus.js';
import { LiveNetworkModel } from '../../core/model/network-model.js';
import { strictAssert } from './assert.js';
import { EventView } from './event-view.js';
import { runConformance } from './scenarios.js';

const [mode, arg] = process.argv.slice(2);

/** Warnings and errors go to stderr, which the test shows when a run fails. */
const logger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (msg, fields) => console.error(`warn: ${msg} ${JSON.stringify(fields ?? {})}`),
  error: (msg, fields) => console.error(`error: ${msg} ${JSON.stringify(fields ?? {})}`),
  child: () => logger,
  isEnabled: (level) => level === 'warn' || level === 'error',
};

function result(value: unknown): void {
  console.log(`RESULT ${JSON.stringify(value)}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The event helper: our child running nmk-rtnl-events. */
function helperPid(): number {
  const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  const pid = children.find((c) => {
    try {
      return readlinkSync(`/proc/${c}/exe`).endsWith('/nmk-rtnl-events');
    } catch {
      return false;
    }
  });
  if (!pid) throw new Error(`no event helper among the children ${children.join(' ')}`);
  return pid;
}

async function overflow(helper: 'running' | 'stopped' | 'killed'): Promise<void> {
  // A buffer this small cannot hold even a few link messages.
  const platform = new LinuxPlatform({ eventBufferBytes: 4096, logger });
  const view = new EventView();
  view.load(await platform.start(view.listener));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nmk-overflow-'));
  const batch = path.join(dir, 'batch');
  const done = path.join(dir, 'done');
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) lines.push(`link add ov${i} type veth peer name ow${i}`);
  for (let i = 0; i < 300; i += 2) lines.push(`link set ov${i} up`, `link set ow${i} mtu 1400`);
  for (let i = 0; i < 300; i += 3) lines.push(`link del ov${i}`);
  writeFileSync(batch, `${lines.join('\n')}\n`);
  const eventsBefore = view.log.length;
  const before = helperPid();
  if (helper === 'stopped') process.kill(before, 'SIGSTOP');
  spawn('sh', ['-c', `ip -batch ${batch} && touch ${done}`], { stdio: 'inherit' });
  if (helper === 'killed') process.kill(before, 'SIGKILL');
  // Busy-wait: the event loop is blocked while the kernel makes the burst.
  const deadline = Date.now() + 60_000;
  while (!existsSync(done) && Date.now() < deadline) {
    /* spin */
  }
  if (helper === 'stopped') process.kill(before, 'SIGCONT');
  for (let i = 0; i < 200 && view.resyncs === 0; i++) await sleep(50);
  // Let the resync and what follows it land.
  const diff = await view.converge(platform, 10_000);
  const links = [...view.links.values()].map((l) => ({ ifindex: l.ifindex, name: l.name, up: l.up, mtu: l.mtu }));
  result({ resyncs: view.resyncs, eventsDuringBurst: view.log.length - eventsBefore, converged: diff === undefined, diff, links, helperBefore: before, helperAfter: helperPid() });
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Run `ip -batch` on these lines while this loop is blocked (the kernel queues or drops our events). */
function batchWhileBlocked(lines: string[]): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nmk-batch-'));
  const batch = path.join(dir, 'batch');
  const done = path.join(dir, 'done');
  writeFileSync(batch, `${lines.join('\n')}\n`);
  spawn('sh', ['-c', `ip -batch ${batch} && touch ${done}`], { stdio: 'inherit' });
  const deadline = Date.now() + 120_000;
  while (!existsSync(done) && Date.now() < deadline) {
    /* spin */
  }
  rmSync(dir, { recursive: true, force: true });
}

async function modelOverflow(pairs: number, bufferBytes: number): Promise<void> {
  const events = new LocalEventBus(logger);
  const model = new LiveNetworkModel(events, logger);
  const platform = new LinuxPlatform({ logger, eventBufferBytes: bufferBytes });
  model.load(await platform.start((ev) => model.apply(ev)));
  const lines: string[] = [];
  for (let i = 0; i < pairs; i++) lines.push(`link add mo${i} type veth peer name mp${i}`);
  for (let i = 0; i < pairs; i += 10) {
    const net = `10.${(i >> 8) & 255}.${i & 255}`;
    lines.push(`link set mo${i} up`, `link set mp${i} up`, `addr add ${net}.1/24 dev mo${i}`, `route add 10.200.${(i >> 8) & 255}.${i & 255}/32 dev mo${i} table 100`);
  }
  const before = model.stats.resyncs;
  batchWhileBlocked(lines);
  // Wait (bounded) until the model says what the kernel says; the test compares in detail.
  const kernelLinks = () => (JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { maxBuffer: 64 << 20 }).toString()) as unknown[]).length;
  const want = kernelLinks();
  for (let i = 0; i < 600 && (model.stats.links !== want || model.stats.resyncs === before); i++) await sleep(50);
  // IPv6 link-local addresses get their local-table routes once duplicate
  // address detection ends, a second or two after the links came up: wait
  // for that, so that the test's `ip` finds what the model was told.
  const tentative = () => execFileSync('ip', ['-6', '-o', 'addr', 'show', 'tentative']).toString().trim() !== '';
  for (let i = 0; i < 300 && tentative(); i++) await sleep(100);
  await sleep(500); // what is still on its way (the resync's held events) lands
  result({
    resyncs: model.stats.resyncs - before,
    stats: model.stats,
    links: [...model.links()].map((l) => ({ ifindex: l.ifindex, name: l.name, up: l.up, mtu: l.mtu })),
    addresses: [...model.links()].flatMap((l) => model.addresses(l.ifindex).map((a) => `${a.ifindex}|${a.address}/${a.prefixlen}`)),
    routes: model.routes().map((r) => `${r.family}|${r.table}|${r.dst}/${r.dstLen}|${r.ifindex}|${r.metric}`),
  });
  await platform.stop();
}

async function make(): Promise<void> {
  const p = new LinuxPlatform({ logger });
  const br = await p.createLink({ name: 'br0', kind: 'bridge', info: { stp: true, forward_delay: 4, hello_time: 1, priority: 4096, multicast_snooping: false }, up: true });
  const va = await p.createLink({ name: 'va', kind: 'veth', peer: { name: 'vb' }, mac: '02:00:00:aa:bb:01' });
  const vb = (await p.link('vb'))!;
  await p.setLink(va.ifindex, { master: br.ifindex, up: true });
  await p.setLink(vb.ifindex, { up: true, mtu: 1400 });
  const mv = await p.createLink({ name: 'mv0', kind: 'macvlan', parent: 'vb', info: { mode: 'private' }, mtu: 1300, mac: '02:00:00:aa:bb:02' });
  const vx = await p.createLink({ name: 'vx0', kind: 'vxlan', parent: vb.ifindex, info: { id: 4242, remote: '10.99.0.2', local: '10.99.0.1', destination_port: 4789, ttl: 10, learning: false } });
  await p.addAddress({ family: 4, ifindex: br.ifindex, address: '10.99.0.1', prefixlen: 24, broadcast: '10.99.0.255' });
  await p.addAddress({ family: 6, ifindex: br.ifindex, address: '2001:db8:99::1', prefixlen: 64, flags: 0x02 | 0x200, validLifetime: 7200, preferredLifetime: 3600 });
  await p.addRoute({ family: 4, dst: '10.98.0.0', dstLen: 16, gateway: '10.99.0.254', metric: 123, protocol: 4, table: 100 });
  await p.addRoute({ family: 6, dst: '2001:db8:98::', dstLen: 48, ifindex: br.ifindex, metric: 77 });
  // Route extras and rules, for the test to read with ip -d route and ip rule.
  const metrics = { mtu: 1400, window: 1000, cwnd: 10, initcwnd: 5, initrwnd: 6, advmss: 1300, rto_min: 300, quickack: true, lock: ['mtu' as const, 'advmss' as const] };
  await p.addRoute({ family: 4, dst: '10.96.0.0', dstLen: 16, gateway: '192.0.2.1', ifindex: br.ifindex, onlink: true, tos: 0x10, metric: 5, metrics });
  await p.addRoute({ family: 6, dst: '2001:db8:96::', dstLen: 48, from: '2001:db8:95::', fromLen: 48, gateway: '2001:db8:ffff::1', ifindex: br.ifindex, onlink: true, metrics: { mtu: 1300 } });
  await p.addRule({ family: 4, priority: 100, from: '10.99.0.0', fromLen: 24, table: 100, protocol: 4 });
  await p.addRule({
    family: 4, priority: 101, invert: true, to: '10.97.0.0', toLen: 16, tos: 0x10, fwmark: 0x10, fwmask: 0xff, iifname: 'br0', oifname: 'va',
    ipproto: 6, sport: [1000, 2000], dport: [80, 80], uidRange: [100, 200], suppressPrefixlength: 8, table: 300, protocol: 4,
  });
  await p.addRule({ family: 6, priority: 102, from: '2001:db8:99::', fromLen: 64, action: 7 });
  result({ br, va, vb, mv, vx });
  await p.stop();
}

async function dump(): Promise<void> {
  const p = new LinuxPlatform({ logger });
  result({ links: await p.links(), addresses: await p.addresses(), routes: await p.routes(), rules: await p.rules() });
  await p.stop();
}

async function peerNetns(nsPath: string): Promise<void> {
  const p = new LinuxPlatform({ logger });
  const link = await p.createLink({ name: 'vhere', kind: 'veth', peer: { name: 'vthere', netns: nsPath } });
  result({ link, peerHere: (await p.link('vthere')) ?? null, ipSaysHere: execFileSync('ip', ['-o', 'link', 'show', 'vhere']).toString() });
  await p.stop();
}

switch (mode) {
  case 'scenarios':
    result(await runConformance(new LinuxPlatform({ logger }), strictAssert));
    break;
  case 'make':
    await make();
    break;
  case 'dump':
    await dump();
    break;
  case 'overflow-busy':
    await overflow('running');
    break;
  case 'overflow-helper':
    await overflow('stopped');
    break;
  case 'helper-killed':
    await overflow('killed');
    break;
  case 'model-overflow':
    await modelOverflow(Number(arg ?? 2000), Number(process.argv[4] ?? 8 << 20));
    break;
  case 'peer-netns':
    await peerNetns(arg!);
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
