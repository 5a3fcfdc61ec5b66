/**
 * Inner half of bench/platform-veth.ts, run inside a fresh network namespace:
 * `nmk N` creates N veth pairs through LinuxPlatform, all requests issued at
 * once (pipelined); `ip N` creates the same pairs with one `ip -batch`.
 * Prints one JSON line {seconds}; then deletes the pairs (untimed) so the
 * namespace's teardown does not compete with the next measurement.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LinuxPlatform } from '../plugins/platform-linux/linux-platform.js';

const [mode, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 1000);
const names = Array.from({ length: count }, (_, i) => [`bva${i}`, `bvb${i}`] as const);
const dir = mkdtempSync(path.join(os.tmpdir(), 'nmk-bench-'));

function ipBatch(lines: string[]): number {
  const file = path.join(dir, 'batch');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const t0 = performance.now();
  const r = spawnSync('ip', ['-batch', file], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`ip -batch failed: ${r.stderr}`);
  return seconds;
}

let seconds: number;
if (mode === 'nmk') {
  const t0 = performance.now();
  const platform = new LinuxPlatform();
  const links = await Promise.all(names.map(([a, b]) => platform.createLink({ name: a, kind: 'veth', peer: { name: b } })));
  seconds = (performance.now() - t0) / 1000;
  if (links.length !== count || links.some((l, i) => l.name !== names[i]![0])) throw new Error('LinuxPlatform returned the wrong links');
  await platform.stop();
} else if (mode === 'ip') {
  seconds = ipBatch(names.map(([a, b]) => `link add ${a} type veth peer name ${b}`));
} else {
  throw new Error(`usage: platform-veth-inner.ts nmk|ip COUNT (got ${mode})`);
}
const created = spawnSync('ip', ['-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' }).stdout.trim().split('\n').length;
ipBatch(names.map(([a]) => `link del ${a}`));
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ mode, count, seconds, created }));
