/**
 * Benchmark W2 (shared/PERFORMANCE.md): N bridges, each with one veth port,
 * from keyfiles (a bridge profile with STP off and a static IPv4 address, and
 * an ethernet port profile naming it as master), one reload, until every
 * bridge address is in the kernel and all 2N devices are activated. For each
 * N, in fresh namespaces (the veths' far ends up in a second one):
 * - floor: one `ip -batch` creating the bridges, enslaving and raising the
 *   veths, raising the bridges and adding their addresses;
 * - nmk: nmkd (compiled), no profiles at start, the 2N keyfiles written,
 *   Settings.ReloadConnections, timed to the last address and activation;
 * - NM: the same with NetworkManager 1.42, unless NM=0.
 * Goal: nmk <= 1/10 of NM.
 * Run: sudo npm run bench -- w2 (after `npm run build`); W2_N=100,200 picks sizes.
 */
import {
  addressOf,
  bridgeProfile,
  fmt,
  ipBatch,
  kernelAddresses,
  makeNamespaces,
  makeVeths,
  portProfile,
  ratio,
  reload,
  sizes,
  startDaemon,
  uuidOf,
  watch,
  WITH_NM,
  writeKeyfiles,
  type Who,
} from './activation.lib.js';
import { treeCpuSeconds, waitQuiet } from './process-tree.lib.js';

const NS = sizes('W2_N', [100, 200, 500]);
const ports = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);

async function floor(n: number): Promise<number> {
  const spaces = await makeNamespaces('bw2f');
  try {
    await makeVeths(spaces, ports(n));
    const lines = ports(n).flatMap((p, i) => [
      `link add b${i} type bridge stp_state 0`,
      `link set ${p} master b${i}`,
      `link set b${i} up`,
      `addr add ${addressOf(i)} dev b${i}`,
    ]);
    return await ipBatch(spaces.ns, lines);
  } finally {
    await spaces.destroy();
  }
}

function keyfiles(n: number): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    files.set(`b${i}.nmconnection`, bridgeProfile(`b${i}`, uuidOf(2, i), `b${i}`, addressOf(i)));
    files.set(`p${i}.nmconnection`, portProfile(`p${i}`, uuidOf(3, i), `p${i}`, uuidOf(2, i)));
  }
  return files;
}

interface Outcome {
  seconds: number;
  cpu: number;
}

async function daemon(who: Who, n: number): Promise<Outcome> {
  const spaces = await makeNamespaces(who === 'nmk' ? 'bw2k' : 'bw2n');
  try {
    await makeVeths(spaces, ports(n));
    const d = await startDaemon(who, spaces.ns);
    try {
      await waitQuiet(d.pid);
      const w = await watch(spaces.ns, d.busAddress);
      try {
        writeKeyfiles(d, keyfiles(n));
        const cpu0 = treeCpuSeconds(d.pid);
        const t0 = performance.now();
        await reload(w.client);
        const t1 = await w.until(n, 2 * n, 900_000);
        const cpu = treeCpuSeconds(d.pid) - cpu0;
        const have = await kernelAddresses(spaces.ns);
        if (have !== n) throw new Error(`${who}: the kernel holds ${have} addresses, expected ${n}`);
        const enslaved = (await spaces.ns.ip(['-o', 'link', 'show', 'type', 'veth'])).split('\n').filter((l) => / master b\d+ /.test(l)).length;
        if (enslaved !== n) throw new Error(`${who}: ${enslaved} veths are bridge ports, expected ${n}`);
        return { seconds: (t1 - t0) / 1000, cpu };
      } finally {
        await w.close();
      }
    } finally {
      await d.stop();
    }
  } finally {
    await spaces.destroy();
  }
}

const rows: string[] = [];
for (const n of NS) {
  const f = await floor(n);
  const k = await daemon('nmk', n);
  const m = WITH_NM ? await daemon('NM', n) : undefined;
  console.log(
    `w2 N=${n}: nmk ${fmt(k.seconds)} (CPU ${fmt(k.cpu)}, ${((k.seconds / n) * 1000).toFixed(2)} ms/bridge); ` +
      (m ? `NM ${fmt(m.seconds)} (CPU ${fmt(m.cpu)}); nmk/NM ${ratio(k.seconds, m.seconds)} (goal <= 0.10); ` : 'NM skipped (NM=0); ') +
      `floor (ip -batch) ${fmt(f)}; nmk/floor ${ratio(k.seconds, f)}`,
  );
  rows.push(`| W2 N=${n} | ${fmt(k.seconds)} | ${m ? fmt(m.seconds) : '-'} | ${fmt(f)} | ${m ? ratio(k.seconds, m.seconds) : '-'} | ${ratio(k.seconds, f)} |`);
}
console.log(`| workload | nmk | NM 1.42 | floor | nmk/NM | nmk/floor |\n|---|---|---|---|---|---|\n${rows.join('\n')}`);
