/**
 * Benchmark W4 (shared/PERFORMANCE.md): 2,000 veth pairs created and then
 * deleted by `ip -batch` (another tool) while the daemon runs, with no
 * profiles for them; 3 passes. Per pass: the daemon's CPU (utime + stime of
 * all its processes from /proc/PID/stat, until it is quiet again after the
 * deletion) and its RSS once quiet. For nmkd (compiled) and NetworkManager
 * 1.42 (unless NM=0), each in a fresh namespace.
 * Goal: nmk's CPU per pass <= 1/3 of NM's; RSS flat after the first pass.
 * Run: sudo npm run bench -- w4 (after `npm run build`); W4_PAIRS and W4_PASSES change the sizes.
 */
import { fmt, ipBatch, makeNamespaces, ratio, sleep, startDaemon, WITH_NM, type Who } from './activation.lib.js';
import fs from 'node:fs';
import { processTree, treeCpuSeconds, treeRssMB, waitQuiet } from './process-tree.lib.js';

const PAIRS = Number(process.env.W4_PAIRS ?? 2000);
const PASSES = Number(process.env.W4_PASSES ?? 3);

interface Pass {
  cpu: number;
  rss: number;
  ipSeconds: number;
}

/** The high-water mark of the tree's RSS (VmHWM of each process), in MB. */
function peakMB(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return kb / 1024;
}

/**
 * RSS once the daemon is quiet and settled: 10 s after it went quiet, so the
 * idle collection (core/daemon/idle-gc.ts) and V8's memory reducer have run,
 * as they do on a server between bursts; 1 s after quiet the number depends on
 * whether a collection happened to come first (+10 MB in one pass of three).
 */
async function settledRss(pid: number): Promise<number> {
  await waitQuiet(pid, 1000, 0.02, 300_000);
  await sleep(10_000);
  return treeRssMB(pid);
}

async function daemon(who: Who): Promise<{ rss0: number; passes: Pass[] }> {
  const spaces = await makeNamespaces(who === 'nmk' ? 'bw4k' : 'bw4n');
  try {
    const d = await startDaemon(who, spaces.ns);
    try {
      const rss0 = await settledRss(d.pid);
      const add = Array.from({ length: PAIRS }, (_, i) => `link add c${i}a type veth peer name c${i}b`);
      const del = Array.from({ length: PAIRS }, (_, i) => `link del c${i}a`);
      const passes: Pass[] = [];
      for (let p = 0; p < PASSES; p++) {
        const cpu0 = treeCpuSeconds(d.pid);
        const ipAdd = await ipBatch(spaces.ns, add);
        await waitQuiet(d.pid, 1000, 0.02, 300_000);
        const ipDel = await ipBatch(spaces.ns, del);
        const rss = await settledRss(d.pid);
        passes.push({ cpu: treeCpuSeconds(d.pid) - cpu0, rss, ipSeconds: ipAdd + ipDel });
        console.log(`w4 ${who} pass ${p + 1}: CPU ${fmt(passes[p].cpu)}, RSS ${rss.toFixed(1)} MB (peak so far ${peakMB(d.pid).toFixed(1)} MB)`);
      }
      return { rss0, passes };
    } finally {
      await d.stop();
    }
  } finally {
    await spaces.destroy();
  }
}

function describe(who: string, r: { rss0: number; passes: Pass[] }): string {
  const ps = r.passes.map((p, i) => `pass ${i + 1}: CPU ${fmt(p.cpu)}, RSS ${p.rss.toFixed(1)} MB (ip -batch ${fmt(p.ipSeconds)})`).join('; ');
  const flat = r.passes.length > 1 ? (r.passes.at(-1)!.rss - r.passes[0].rss).toFixed(1) : 'n/a';
  return `w4 ${PAIRS} pairs ${who}: RSS before ${r.rss0.toFixed(1)} MB; ${ps}; RSS last - first pass ${flat} MB`;
}

const mean = (ps: Pass[]) => ps.reduce((s, p) => s + p.cpu, 0) / ps.length;
const k = await daemon('nmk');
console.log(describe('nmk', k));
if (WITH_NM) {
  const m = await daemon('NM');
  console.log(describe('NM', m));
  console.log(`w4 ${PAIRS} pairs: CPU per pass nmk ${fmt(mean(k.passes))}, NM ${fmt(mean(m.passes))}, nmk/NM ${ratio(mean(k.passes), mean(m.passes))} (goal <= 0.33)`);
}
