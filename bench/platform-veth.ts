/**
 * Benchmark: create 1000 veth pairs through LinuxPlatform (concurrently,
 * pipelined) and with `ip -batch`, each in a fresh network namespace, and
 * print both times and their ratio. The machine is shared and noisy, so it
 * alternates the two ROUNDS times (default 3) and reports every round and
 * the median ratio.
 *
 *   node node_modules/jiti/lib/jiti-cli.mjs bench/platform-veth.ts [COUNT]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Netns } from '../test/harness/netns.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const inner = path.join(here, 'platform-veth-inner.ts');
const count = Number(process.argv[2] ?? 1000);
const rounds = Number(process.env.ROUNDS ?? 3);

async function measure(mode: 'nmk' | 'ip'): Promise<number> {
  const ns = await Netns.create('bveth');
  try {
    const r = await ns.runScript(inner, [mode, String(count)], { timeoutMs: 300_000 });
    if (r.code !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
    const line = JSON.parse(r.stdout.trim().split('\n').pop()!);
    if (line.created !== 2 * count) throw new Error(`${mode}: expected ${2 * count} veth links, saw ${line.created}`);
    return line.seconds;
  } finally {
    await ns.destroy();
  }
}

const ratios: number[] = [];
for (let round = 1; round <= rounds; round++) {
  // Alternate who goes first so that neither always runs after the other's teardown.
  const order: Array<'nmk' | 'ip'> = round % 2 ? ['nmk', 'ip'] : ['ip', 'nmk'];
  const t: Record<string, number> = {};
  for (const mode of order) t[mode] = await measure(mode);
  const ratio = t.nmk! / t.ip!;
  ratios.push(ratio);
  console.log(`veth-create-${count} round ${round}: nmk ${t.nmk!.toFixed(2)} s, ip -batch ${t.ip!.toFixed(2)} s, ratio ${ratio.toFixed(2)}`);
}
const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
console.log(`veth-create-${count}: median ratio ${median.toFixed(2)} over ${rounds} rounds (target at most 1.50)`);
