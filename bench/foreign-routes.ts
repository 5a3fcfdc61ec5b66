/**
 * Benchmark W5 (shared/PERFORMANCE.md): 100,000 routes added to a foreign
 * table (100) by `ip -batch` and then flushed by `ip route flush`, while the
 * daemon runs in the namespace. For nmkd (compiled) and then for
 * NetworkManager 1.42 (test/harness/networkmanager.ts: private bus, private
 * mount namespace), each in a fresh namespace: RSS of all the daemon's
 * processes before, at the peak, after the add and after the flush; the
 * daemon's CPU (utime + stime from /proc/PID/stat) for the whole storm; and
 * `nmcli general` run every 250 ms (one at a time) during the storm, with
 * its slowest answer.
 * Goal: RSS growth <= 10 MB, CPU <= NetworkManager's, nmcli within 0.5 s.
 * Run: node node_modules/jiti/lib/jiti-cli.mjs bench/foreign-routes.ts
 * (root, `npm run build`); ROUTES=N changes the count, NM=0 skips NetworkManager,
 * NMKD_NODE_FLAGS passes node options to nmkd.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecResult } from '../test/harness/netns.js';
import { Netns } from '../test/harness/netns.js';
import { startNetworkManager } from '../test/harness/networkmanager.js';
import { runNmcli } from '../test/harness/nmcli.js';
import { sleep, startCompiledNmkd, treeCpuSeconds, treeRssMB, treeRssSplitMB, waitQuiet } from './process-tree.lib.js';

const ROUTES = Number(process.env.ROUTES ?? 100_000);
const WITH_NM = process.env.NM !== '0';
const PROBE_MS = 250;

interface Outcome {
  rssBefore: number;
  rssPeak: number;
  rssAdded: number;
  rssFlushed: number;
  /** 15 s after the flush went quiet: V8 returns pages some seconds after a burst. */
  rssSettled: number;
  /** Growth of anonymous memory and of file pages (code first run during the storm) from before to settled. */
  anonGrowth: number;
  fileGrowth: number;
  cpu: number;
  ipAddSeconds: number;
  nmcliIdleMs: number;
  nmcliMaxMs: number;
  nmcliCalls: number;
  nmcliFailures: number;
}

/** A veth pair, up, for the routes to go through. */
async function prepare(ns: Netns): Promise<string> {
  await ns.ip(['link', 'add', 'fr0', 'type', 'veth', 'peer', 'name', 'fr1']);
  await ns.ip(['link', 'set', 'fr0', 'up']);
  await ns.ip(['link', 'set', 'fr1', 'up']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-w5-'));
  const lines: string[] = [];
  for (let i = 0; i < ROUTES; i++) lines.push(`route add 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 dev fr0 table 100`);
  fs.writeFileSync(path.join(dir, 'add'), `${lines.join('\n')}\n`);
  return dir;
}

async function storm(ns: Netns, dir: string, pid: number, nmcli: (args: string[]) => Promise<ExecResult>): Promise<Outcome> {
  await waitQuiet(pid);
  const rssBefore = treeRssMB(pid);
  const splitBefore = treeRssSplitMB(pid);
  const t = performance.now();
  const idle = await nmcli(['general']);
  const nmcliIdleMs = performance.now() - t;
  if (idle.code !== 0) throw new Error(`nmcli general failed before the storm: ${idle.stderr}`);
  const cpu0 = treeCpuSeconds(pid);

  let running = true;
  let rssPeak = rssBefore;
  const latencies: number[] = [];
  let nmcliFailures = 0;
  // One call at a time, started at most every PROBE_MS: the daemon's CPU then
  // holds about the same number of answers for either daemon, not as many as
  // a fast one can give.
  const prober = (async () => {
    while (running) {
      const s = performance.now();
      const r = await nmcli(['general']);
      latencies.push(performance.now() - s);
      if (r.code !== 0) nmcliFailures++;
      await sleep(Math.max(0, PROBE_MS - (performance.now() - s)));
    }
  })();
  const sampler = (async () => {
    while (running) {
      rssPeak = Math.max(rssPeak, treeRssMB(pid));
      await sleep(100);
    }
  })();

  const a = performance.now();
  await ns.exec('ip', ['-batch', path.join(dir, 'add')], { timeoutMs: 300_000 });
  const ipAddSeconds = (performance.now() - a) / 1000;
  await waitQuiet(pid);
  const rssAdded = treeRssMB(pid);
  await ns.exec('ip', ['route', 'flush', 'table', '100'], { timeoutMs: 300_000 });
  await waitQuiet(pid);
  const rssFlushed = treeRssMB(pid);
  const cpu = treeCpuSeconds(pid) - cpu0;
  running = false;
  await Promise.all([prober, sampler]);
  await sleep(15_000);
  const rssSettled = treeRssMB(pid);
  const splitAfter = treeRssSplitMB(pid);
  const anonGrowth = splitAfter.anon - splitBefore.anon;
  const fileGrowth = splitAfter.file - splitBefore.file;
  return { rssBefore, rssPeak, rssAdded, rssFlushed, rssSettled, anonGrowth, fileGrowth, cpu, ipAddSeconds, nmcliIdleMs, nmcliMaxMs: Math.max(...latencies), nmcliCalls: latencies.length, nmcliFailures };
}

function line(who: string, o: Outcome): string {
  return (
    `foreign-routes-${ROUTES} ${who}: RSS ${o.rssBefore.toFixed(1)} MB before, peak ${o.rssPeak.toFixed(1)}, ${o.rssAdded.toFixed(1)} after add, ` +
    `${o.rssFlushed.toFixed(1)} after flush, ${o.rssSettled.toFixed(1)} 15 s later (growth ${(o.rssSettled - o.rssBefore).toFixed(1)} MB: anonymous ${o.anonGrowth.toFixed(1)}, file pages ${o.fileGrowth.toFixed(1)}); CPU ${o.cpu.toFixed(2)} s for the storm ` +
    `(ip -batch add ${o.ipAddSeconds.toFixed(2)} s); nmcli general ${o.nmcliCalls} calls, slowest ${(o.nmcliMaxMs / 1000).toFixed(2)} s ` +
    `(idle ${(o.nmcliIdleMs / 1000).toFixed(2)} s), ${o.nmcliFailures} failed`
  );
}

async function runNmk(): Promise<Outcome & { resyncs: number }> {
  const ns = await Netns.create('bw5');
  let dir: string | undefined;
  try {
    dir = await prepare(ns);
    const d = await startCompiledNmkd(ns);
    try {
      const o = await storm(ns, dir, d.pid, (args) => runNmcli(d.busAddress, args));
      return { ...o, resyncs: d.lostEvents() };
    } finally {
      await d.stop();
    }
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await ns.destroy();
  }
}

async function runNetworkManager(): Promise<Outcome> {
  const ns = await Netns.create('bw5nm');
  let dir: string | undefined;
  try {
    dir = await prepare(ns);
    const nm = await startNetworkManager({ ns, logLevel: 'WARN' });
    try {
      return await storm(ns, dir, nm.pid, (args) => nm.nmcli(args));
    } finally {
      await nm.cleanup();
    }
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await ns.destroy();
  }
}

const nmk = await runNmk();
console.log(`${line('nmk', nmk)}; ${nmk.resyncs} resyncs after lost events`);
if (WITH_NM) {
  const nm = await runNetworkManager();
  console.log(line('NetworkManager', nm));
  console.log(
    `foreign-routes-${ROUTES} ratios: nmk/NM CPU ${(nmk.cpu / nm.cpu).toFixed(2)}, RSS growth nmk ${(nmk.rssSettled - nmk.rssBefore).toFixed(1)} MB vs NM ${(nm.rssSettled - nm.rssBefore).toFixed(1)} MB, ` +
      `slowest nmcli nmk ${(nmk.nmcliMaxMs / 1000).toFixed(2)} s vs NM ${(nm.nmcliMaxMs / 1000).toFixed(2)} s`,
  );
} else {
  console.log(`foreign-routes-${ROUTES} NetworkManager: skipped (NM=0)`);
}
