/**
 * Benchmark: dump 2000 links (1000 veth pairs made with `ip -batch` in a
 * fresh namespace) through LinuxPlatform.links(), with `ip -d -j link show`
 * on the same links for reference.
 *
 *   node node_modules/jiti/lib/jiti-cli.mjs bench/platform-dump.ts [PAIRS]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Netns } from '../test/harness/netns.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const pairs = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'nmk-bench-'));
const batch = path.join(dir, 'batch');
writeFileSync(batch, Array.from({ length: pairs }, (_, i) => `link add bda${i} type veth peer name bdb${i}\n`).join(''));

const ns = await Netns.create('bdump');
try {
  await ns.exec('ip', ['-batch', batch], { timeoutMs: 300_000 });
  const r = await ns.runScript(path.join(here, 'platform-dump-inner.ts'), ['5'], { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`inner run failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!);
  if (m.count !== 2 * pairs + 1) throw new Error(`expected ${2 * pairs + 1} links (with lo), got ${m.count}`);
  console.log(`dump-links-${2 * pairs}: nmk ${m.median.toFixed(3)} s (median of 5; first ${m.first.toFixed(3)} s), ip -d -j link show ${m.ipMedian.toFixed(3)} s`);
  // Delete the pairs here, synchronously, so the namespace's teardown is quick.
  writeFileSync(batch, Array.from({ length: pairs }, (_, i) => `link del bda${i}\n`).join(''));
  await ns.exec('ip', ['-batch', batch], { timeoutMs: 300_000 });
} finally {
  await ns.destroy();
  rmSync(dir, { recursive: true, force: true });
}
