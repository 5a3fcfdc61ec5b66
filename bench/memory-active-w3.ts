/**
 * Benchmark W3 (shared/PERFORMANCE.md), the per-profile part: RSS of all of
 * the daemon's processes with N veth links (far ends up in a second
 * namespace), idle with no profiles, then with N static-IPv4 profiles loaded
 * by one reload and active, in the same daemon. "Idle" is after the daemon
 * used under 0.02 s of CPU in a second (process-tree.lib.ts); the idle RSS
 * with no links is bench/memory-idle.ts's. The same for NetworkManager 1.42
 * unless NM=0. Goal: nmk <= 50 kB more per active profile than idle.
 * Run: sudo npm run bench -- w3 (after `npm run build`); W3_N=100 picks sizes.
 */
import {
  addressOf,
  kernelAddresses,
  makeNamespaces,
  makeVeths,
  reload,
  sizes,
  sleep,
  startDaemon,
  staticProfile,
  uuidOf,
  watch,
  WITH_NM,
  writeKeyfiles,
  type Who,
} from './activation.lib.js';
import { treeMembers, treeRssMB, waitQuiet } from './process-tree.lib.js';

const NS = sizes('W3_N', [500]);
const names = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);

interface Outcome {
  idle: number;
  active: number;
  parts: string;
}

/** RSS once the daemon is quiet and V8 gave back what its last collection freed (15 s: bench/memory-idle.ts). */
async function settledRss(pid: number): Promise<number> {
  await waitQuiet(pid);
  await sleep(15_000);
  return treeRssMB(pid);
}

async function daemon(who: Who, n: number): Promise<Outcome> {
  const spaces = await makeNamespaces(who === 'nmk' ? 'bw3k' : 'bw3n');
  try {
    await makeVeths(spaces, names(n));
    const d = await startDaemon(who, spaces.ns);
    try {
      const idle = await settledRss(d.pid);
      const w = await watch(spaces.ns, d.busAddress);
      try {
        writeKeyfiles(d, new Map(names(n).map((name, i) => [`${name}.nmconnection`, staticProfile(name, uuidOf(1, i), name, addressOf(i))])));
        await reload(w.client);
        await w.until(n, n, 600_000);
      } finally {
        await w.close();
      }
      const have = await kernelAddresses(spaces.ns);
      if (have !== n) throw new Error(`${who}: the kernel holds ${have} addresses, expected ${n}`);
      const active = await settledRss(d.pid);
      const parts = treeMembers(d.pid).map((m) => `${m.comm} ${m.rssMB.toFixed(1)}`).join(' + ');
      return { idle, active, parts };
    } finally {
      await d.stop();
    }
  } finally {
    await spaces.destroy();
  }
}

const perProfileKB = (o: Outcome, n: number) => ((o.active - o.idle) * 1024) / n;
for (const n of NS) {
  const k = await daemon('nmk', n);
  const m = WITH_NM ? await daemon('NM', n) : undefined;
  console.log(
    `w3 N=${n} links: nmk idle ${k.idle.toFixed(1)} MB, ${n} active ${k.active.toFixed(1)} MB (${k.parts}): ${perProfileKB(k, n).toFixed(1)} kB per active profile (goal <= 50); ` +
      (m ? `NM idle ${m.idle.toFixed(1)} MB, ${n} active ${m.active.toFixed(1)} MB: ${perProfileKB(m, n).toFixed(1)} kB per active profile` : 'NM skipped (NM=0)'),
  );
}
