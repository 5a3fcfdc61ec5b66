/** The part of bench/model-events.ts that runs inside the namespace. */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalEventBus } from '../core/events/event-bus.js';
import { createLogger, LogSink } from '../core/log/logger.js';
import { LiveNetworkModel } from '../core/model/network-model.js';
import { LinuxPlatform } from '../plugins/platform-linux/linux-platform.js';

const PAIRS = Number(process.env.PAIRS ?? 5000);

const logger = createLogger(new LogSink({ format: 'text', level: 'error' }));
const events = new LocalEventBus(logger);
const model = new LiveNetworkModel(events, logger);
let added = 0;
events.on('link.added', () => added++);
const platform = new LinuxPlatform({ logger });
const snapshot = await platform.start((ev) => model.apply(ev));
model.load(snapshot);

const batch = path.join(os.tmpdir(), `bev-${process.pid}`);
fs.writeFileSync(batch, Array.from({ length: PAIRS }, (_, i) => `link add e${i}a type veth peer name e${i}b`).join('\n') + '\n');
const t0 = performance.now();
const ip = spawn('ip', ['-batch', batch], { stdio: 'ignore' });
const ipDone = new Promise((r) => ip.on('exit', r));
// Keep the loop busy for the whole time ip works: the kernel must queue (or drop) every event.
// The child cannot be reaped while the loop is blocked, so its zombie state says it is done.
const ipState = () => { try { return fs.readFileSync(`/proc/${ip.pid}/stat`, 'utf8').split(') ')[1]![0]; } catch { return 'Z'; } };
while (ipState() !== 'Z') { /* busy */ }
await ipDone;
const ipMs = performance.now() - t0;
const tFree = performance.now();
const want = PAIRS * 2 + 1;
while (model.stats.links < want) await new Promise((r) => setImmediate(r));
const convergeMs = performance.now() - tFree;
await new Promise((r) => setImmediate(r));
const kernel = (JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { maxBuffer: 64 << 20 }).toString()) as Array<{ ifname: string; ifindex: number }>);
const missing = kernel.filter((l) => model.link(l.ifindex)?.name !== l.ifname).length;
console.log(
  `link-events-10000-busy-loop: ${model.stats.events} events applied, ${model.stats.resyncs} resyncs, model ${model.stats.links} links vs kernel ${kernel.length}, missing ${missing}; ` +
    `ip -batch ${(ipMs / 1000).toFixed(2)} s, model complete ${(convergeMs / 1000).toFixed(2)} s after the loop was free, ${added} link.added events`,
);
await platform.stop();
fs.rmSync(batch);
if (missing !== 0 || model.stats.links !== kernel.length) process.exit(1);
