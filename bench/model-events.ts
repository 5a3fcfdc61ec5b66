/**
 * Benchmark: 10,000 link events arriving while the daemon's loop is busy.
 * Inside a namespace, the Linux platform feeds the live model; `ip -batch`
 * creates 5000 veth pairs (10,000 links) while this process busy-waits, so
 * the kernel queues (or overflows) the events. Then the loop runs free and we
 * measure how long until the model holds every link, and check the model
 * against `ip -j link`: none lost (a socket overflow must turn into a resync).
 * Run: node node_modules/jiti/lib/jiti-cli.mjs bench/model-events.ts
 */
import { Netns } from '../test/harness/netns.js';

const ns = await Netns.create('bev');
try {
  const r = await ns.runScript(new URL('./model-events.inner.ts', import.meta.url).pathname, [], { timeoutMs: 300_000 });
  process.stdout.write(r.stdout);
  if (r.code !== 0) throw new Error(`inner benchmark failed (${r.code}): ${r.stderr}`);
} finally {
  await ns.destroy();
}
