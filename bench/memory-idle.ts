/**
 * Benchmark W3 (shared/PERFORMANCE.md), the idle part: RSS of all of the
 * daemon's processes (nmkd and its netlink event helper), idle, in a network
 * namespace with no links but lo, and with 1000 veth links (500 pairs, both
 * ends up, made by `ip`). The same for NetworkManager 1.42
 * (test/harness/networkmanager.ts) unless NM=0. "Idle" is after the daemon
 * used under 0.02 s of CPU in a second; "settled" is 15 s after that.
 * Goal: nmk <= 60 MB idle. The part
 * with profiles active is bench/memory-active-w3.ts.
 * Run: node node_modules/jiti/lib/jiti-cli.mjs bench/memory-idle.ts
 * (root, `npm run build`); NMKD_NODE_FLAGS passes node options to nmkd.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Netns } from '../test/harness/netns.js';
import { startNetworkManager } from '../test/harness/networkmanager.js';
import { sleep, startCompiledNmkd, treeMembers, treeRssMB, treeRssSplitMB, waitQuiet } from './process-tree.lib.js';

const WITH_NM = process.env.NM !== '0';
const SETTLE_MS = 15_000;
const CASES = [
  { name: 'lo only', pairs: 0 },
  { name: '1000 veth links', pairs: 500 },
];

async function makeLinks(ns: Netns, pairs: number): Promise<void> {
  if (pairs === 0) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-w3-'));
  try {
    const lines: string[] = [];
    for (let i = 0; i < pairs; i++) lines.push(`link add m${i}a type veth peer name m${i}b`, `link set m${i}a up`, `link set m${i}b up`);
    fs.writeFileSync(path.join(dir, 'batch'), `${lines.join('\n')}\n`);
    await ns.exec('ip', ['-batch', path.join(dir, 'batch')], { timeoutMs: 300_000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Twice: 1 s after the daemon went quiet, and settled, 15 s later: V8 gives
 * the pages a collection freed back to the kernel only after a while (its
 * memory reducer), so the first number still holds start-up's garbage.
 */
async function measure(pid: number): Promise<string> {
  await waitQuiet(pid);
  await sleep(1000);
  const first = treeRssMB(pid);
  await sleep(SETTLE_MS);
  const parts = treeMembers(pid).map((m) => `${m.comm} ${m.rssMB.toFixed(1)}`).join(' + ');
  const split = treeRssSplitMB(pid);
  return `RSS settled ${treeRssMB(pid).toFixed(1)} MB (${parts}; anonymous ${split.anon.toFixed(1)}, file pages ${split.file.toFixed(1)}); 1 s after quiet ${first.toFixed(1)} MB`;
}

async function nmk(c: (typeof CASES)[number]): Promise<string> {
  const ns = await Netns.create('bw3');
  try {
    await makeLinks(ns, c.pairs);
    const d = await startCompiledNmkd(ns, 'server');
    try {
      return `memory-idle nmk ${c.name}: ${await measure(d.pid)}`;
    } finally {
      await d.stop();
    }
  } finally {
    await ns.destroy();
  }
}

async function networkManager(c: (typeof CASES)[number]): Promise<string> {
  const ns = await Netns.create('bw3nm');
  try {
    await makeLinks(ns, c.pairs);
    const nm = await startNetworkManager({ ns, logLevel: 'WARN', readyTimeoutMs: 120_000 });
    try {
      return `memory-idle NetworkManager ${c.name}: ${await measure(nm.pid)}`;
    } finally {
      await nm.cleanup();
    }
  } finally {
    await ns.destroy();
  }
}

for (const c of CASES) {
  console.log(await nmk(c));
  console.log(WITH_NM ? await networkManager(c) : `memory-idle NetworkManager ${c.name}: skipped (NM=0)`);
}
console.log('memory-idle: with profiles active, see bench/memory-active-w3.ts');
