/**
 * Benchmark W1 (shared/PERFORMANCE.md): N veth links, each with a
 * static-IPv4 keyfile, one reload, until every address is in the kernel and
 * every device is activated. For each N, in fresh namespaces (the veths' far
 * ends live in a second one, up, so each device has carrier):
 * - floor: the same N addresses added by one `ip -batch` (and, as a second
 *   floor, that plus making the N veth pairs and raising both ends, which is
 *   how shared/PERFORMANCE.md's floor figures were taken);
 * - nmk: nmkd (compiled) started with no profiles, the N keyfiles written,
 *   Settings.ReloadConnections (what `nmcli connection reload` calls), timed
 *   from the call until `ip monitor address` has shown all N addresses and
 *   Device.StateChanged has said ACTIVATED for N devices;
 * - NM: the same with NetworkManager 1.42 (test/harness/networkmanager.ts,
 *   networking on), unless NM=0.
 * Goal: nmk <= 1/4 of NM and <= 3x the floor, time linear in N.
 * Run: sudo npm run bench -- w1 (after `npm run build`); W1_N=100,500 picks sizes.
 */
import {
  addressOf,
  fmt,
  ipBatch,
  kernelAddresses,
  makeNamespaces,
  makeVeths,
  ratio,
  reload,
  sizes,
  startDaemon,
  staticProfile,
  uuidOf,
  watch,
  WITH_NM,
  writeKeyfiles,
  type Who,
} from './activation.lib.js';
import { treeCpuSeconds, waitQuiet } from './process-tree.lib.js';

const NS = sizes('W1_N', [100, 500, 1000]);
const names = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`);

async function floor(n: number): Promise<{ addr: number; links: number }> {
  const spaces = await makeNamespaces('bw1f');
  try {
    const links = await makeVeths(spaces, names(n));
    return { addr: await ipBatch(spaces.ns, names(n).map((name, i) => `addr add ${addressOf(i)} dev ${name}`)), links };
  } finally {
    await spaces.destroy();
  }
}

interface Outcome {
  seconds: number;
  cpu: number;
}

async function daemon(who: Who, n: number): Promise<Outcome> {
  const spaces = await makeNamespaces(who === 'nmk' ? 'bw1k' : 'bw1n');
  try {
    await makeVeths(spaces, names(n));
    const d = await startDaemon(who, spaces.ns);
    try {
      await waitQuiet(d.pid);
      const w = await watch(spaces.ns, d.busAddress);
      try {
        writeKeyfiles(d, new Map(names(n).map((name, i) => [`${name}.nmconnection`, staticProfile(name, uuidOf(1, i), name, addressOf(i))])));
        const cpu0 = treeCpuSeconds(d.pid);
        const t0 = performance.now();
        await reload(w.client);
        const t1 = await w.until(n, n, 600_000);
        const cpu = treeCpuSeconds(d.pid) - cpu0;
        const have = await kernelAddresses(spaces.ns);
        if (have !== n) throw new Error(`${who}: the kernel holds ${have} addresses, expected ${n}`);
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
  const fl = await floor(n);
  const f = fl.addr;
  const full = fl.addr + fl.links;
  const k = await daemon('nmk', n);
  const m = WITH_NM ? await daemon('NM', n) : undefined;
  console.log(
    `w1 N=${n}: nmk ${fmt(k.seconds)} (CPU ${fmt(k.cpu)}, ${((k.seconds / n) * 1000).toFixed(2)} ms/profile); ` +
      (m ? `NM ${fmt(m.seconds)} (CPU ${fmt(m.cpu)}); nmk/NM ${ratio(k.seconds, m.seconds)} (goal <= 0.25); ` : 'NM skipped (NM=0); ') +
      `floor (ip -batch addr add) ${fmt(f)}; nmk/floor ${ratio(k.seconds, f)} (goal <= 3); ` +
      `floor with the veths made and raised ${fmt(full)}; nmk/that ${ratio(k.seconds, full)}`,
  );
  rows.push(`| W1 N=${n} | ${fmt(k.seconds)} | ${m ? fmt(m.seconds) : '-'} | ${fmt(f)} / ${fmt(full)} | ${m ? ratio(k.seconds, m.seconds) : '-'} | ${ratio(k.seconds, f)} / ${ratio(k.seconds, full)} |`);
}
console.log(`| workload | nmk | NM 1.42 | floor (addr / with veths) | nmk/NM | nmk/floor |\n|---|---|---|---|---|---|\n${rows.join('\n')}`);
