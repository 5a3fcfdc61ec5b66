/**
 * Benchmark W3 (shared/PERFORMANCE.md): RSS of all of the daemon's processes
 * (nmkd and its netlink event helper), idle, in a network namespace:
 * with no links but lo, with 1000 veth links (500 pairs), and with those
 * 1000 links and 500 static-IPv4 profiles active (autoconnect, loaded from
 * keyfiles). The same for NetworkManager 1.42 (test/harness/networkmanager.ts)
 * unless NM=0. "Idle" is after the daemon used under 0.02 s of CPU in a
 * second. Goal: nmk <= 60 MB idle, <= 50 kB per active profile and device.
 * Run: node node_modules/jiti/lib/jiti-cli.mjs bench/memory-idle.ts
 * (root, `npm run build`).
 */
import { Netns } from '../test/harness/netns.js';
import { startNetworkManager } from '../test/harness/networkmanager.js';
import { sleep, startCompiledNmkd, treeMembers, treeRssMB, waitQuiet } from './process-tree.lib.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PAIRS = 500;
const ACTIVE = 500;
const WITH_NM = process.env.NM !== '0';

interface Case {
  name: string;
  pairs: number;
  active: number;
}
const CASES: Case[] = [
  { name: 'idle, lo only', pairs: 0, active: 0 },
  { name: `idle, ${PAIRS * 2} veth links`, pairs: PAIRS, active: 0 },
  { name: `${PAIRS * 2} veth links, ${ACTIVE} profiles active`, pairs: PAIRS, active: ACTIVE },
];

/** A static-IPv4 ethernet profile for the veth end m<i>a, as `nmcli connection add` writes it. */
function profile(i: number): string {
  const uuid = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  return `[connection]\nid=m${i}\nuuid=${uuid}\ntype=ethernet\ninterface-name=m${i}a\n\n[ipv4]\naddress1=10.${(i >> 8) & 255}.${i & 255}.1/24\nmethod=manual\n\n[ipv6]\nmethod=disabled\n`;
}

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

/** Wait (at most 5 minutes) until `n` profile addresses are in the kernel. */
async function waitActive(ns: Netns, n: number): Promise<number> {
  const t = performance.now();
  for (;;) {
    const out = (await ns.exec('ip', ['-4', '-o', 'addr', 'show'])).stdout;
    const have = out.split('\n').filter((l) => / inet 10\./.test(l)).length;
    if (have >= n) return (performance.now() - t) / 1000;
    if (performance.now() - t > 300_000) throw new Error(`only ${have} of ${n} profiles active after 300 s`);
    await sleep(200);
  }
}

async function measure(pid: number): Promise<{ rss: number; parts: string }> {
  await waitQuiet(pid);
  await sleep(1000);
  const parts = treeMembers(pid).map((m) => `${m.comm} ${m.rssMB.toFixed(1)}`).join(' + ');
  return { rss: treeRssMB(pid), parts };
}

async function nmkCase(c: Case): Promise<string> {
  const ns = await Netns.create('bw3');
  try {
    await makeLinks(ns, c.pairs);
    const files: Record<string, string> = {};
    for (let i = 0; i < c.active; i++) files[`m${i}.nmconnection`] = profile(i);
    const d = await startCompiledNmkd(ns, 'server', files);
    try {
      const activeSeconds = c.active > 0 ? await waitActive(ns, c.active) : 0;
      const m = await measure(d.pid);
      return `memory-idle nmk ${c.name}: RSS ${m.rss.toFixed(1)} MB (${m.parts})${c.active ? `; ${c.active} active after ${activeSeconds.toFixed(1)} s` : ''}`;
    } finally {
      await d.stop();
    }
  } finally {
    await ns.destroy();
  }
}

async function nmCase(c: Case): Promise<string> {
  const ns = await Netns.create('bw3nm');
  try {
    await makeLinks(ns, c.pairs);
    const keyfiles: Record<string, string> = {};
    for (let i = 0; i < c.active; i++) keyfiles[`m${i}.nmconnection`] = profile(i);
    const nm = await startNetworkManager({ ns, keyfiles, logLevel: 'WARN', readyTimeoutMs: 120_000 });
    try {
      const activeSeconds = c.active > 0 ? await waitActive(ns, c.active) : 0;
      const m = await measure(nm.pid);
      return `memory-idle NetworkManager ${c.name}: RSS ${m.rss.toFixed(1)} MB (${m.parts})${c.active ? `; ${c.active} active after ${activeSeconds.toFixed(1)} s` : ''}`;
    } finally {
      await nm.cleanup();
    }
  } finally {
    await ns.destroy();
  }
}

for (const c of CASES) {
  console.log(await nmkCase(c));
  console.log(WITH_NM ? await nmCase(c) : `memory-idle NetworkManager ${c.name}: skipped (NM=0)`);
}
