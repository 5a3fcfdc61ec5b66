/**
 * Inner half of bench/platform-dump.ts, run inside a namespace that already
 * holds the links: times LinuxPlatform.links() (a fresh platform, so the
 * first run includes opening the socket) and `ip -d -j link show` for
 * reference. Prints one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { LinuxPlatform } from '../plugins/platform-linux/linux-platform.js';

const runs = Number(process.argv[2] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const platform = new LinuxPlatform();
const nmk: number[] = [];
let count = 0;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const links = await platform.links();
  nmk.push((performance.now() - t0) / 1000);
  count = links.length;
}
await platform.stop();

const ip: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = spawnSync('ip', ['-d', '-j', 'link', 'show'], { maxBuffer: 256 * 1024 * 1024 });
  ip.push((performance.now() - t0) / 1000);
  if (r.status !== 0) throw new Error(`ip failed: ${r.stderr}`);
}
console.log(JSON.stringify({ count, first: nmk[0], median: median(nmk), ipMedian: median(ip) }));
