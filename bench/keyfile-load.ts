/**
 * Loading many keyfiles: writes N profiles (ethernet, static IPv4, as
 * NetworkManager writes them) into a temporary state root, then times one
 * KeyfileSource.load() over them and reports the process's RSS after it
 * (and its peak). Every profile must load without an error. A second line
 * splits the time by stage, each stage timed alone over all files: reading
 * the bytes, the key-file syntax, keyfile → settings, and the model's
 * normalisation plus verification. Each time is given as wall time and as
 * the process's CPU time (all threads: the JIT's compiler threads and the
 * GC's too), which a machine shared with other work disturbs less.
 * Run: node node_modules/jiti/lib/jiti-cli.mjs bench/keyfile-load.ts [count]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from '../sdk/index.js';
import { readKeyfileBytes } from '../plugins/keyfile/file-access.js';
import { normalizeAndVerify } from '../plugins/keyfile/model.js';
import { serializeProfile } from '../plugins/keyfile/profile-codec.js';
import { ReadContext } from '../plugins/keyfile/read-context.js';
import { keyfileToSettings } from '../plugins/keyfile/reader.js';
import { KeyfileSource } from '../plugins/keyfile/source.js';

const COUNT = Number(process.argv[2] ?? 10_000);

/** CPU seconds (user + system, all threads) since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

function profileText(i: number): string {
  const a = 10 + Math.floor(i / 250);
  const b = (i % 250) + 1;
  return serializeProfile({
    connection: { id: `bench-eth-${i}`, uuid: randomUUID(), type: '802-3-ethernet', 'interface-name': `eth${i}` },
    '802-3-ethernet': {},
    ipv4: {
      method: 'manual',
      'address-data': [{ address: `10.${a}.${b}.2`, prefix: 24 }],
      gateway: `10.${a}.${b}.1`,
      dns: ['192.0.2.53', '192.0.2.54'],
      'dns-search': ['example.com'],
    },
    ipv6: { 'addr-gen-mode': 3, method: 'auto' },
    proxy: {},
  });
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-bench-keyfile-'));
try {
  const dirs = {
    persistent: path.join(root, 'etc/nmk/system-connections'),
    runtime: path.join(root, 'run/nmk/system-connections'),
    readOnly: path.join(root, 'usr/lib/nmk/system-connections'),
  };
  fs.mkdirSync(dirs.persistent, { recursive: true });
  const writeStart = performance.now();
  for (let i = 0; i < COUNT; i++) fs.writeFileSync(path.join(dirs.persistent, `bench-eth-${i}.nmconnection`), profileText(i), { mode: 0o600 });
  const writeSeconds = (performance.now() - writeStart) / 1000;

  const rssBefore = process.memoryUsage().rss;
  const source = new KeyfileSource({ directories: dirs, root });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const { profiles, errors } = await source.load();
  const cpu = cpuSeconds(cpuStart);
  const seconds = (performance.now() - start) / 1000;
  const rss = process.memoryUsage().rss;
  const peak = process.resourceUsage().maxRSS * 1024;

  if (errors.length > 0 || profiles.length !== COUNT) {
    throw new Error(`expected ${COUNT} profiles and no errors, got ${profiles.length} and ${errors.length}: ${errors[0]?.message}`);
  }
  const mb = (n: number) => Math.round(n / (1024 * 1024));
  // Once more, warm: what a reload costs once the code is compiled by V8.
  const again = performance.now();
  const cpuAgain = process.cpuUsage();
  await new KeyfileSource({ directories: dirs, root }).load();
  const secondCpu = cpuSeconds(cpuAgain);
  const secondSeconds = (performance.now() - again) / 1000;

  const files = fs.readdirSync(dirs.persistent).map((f) => path.join(dirs.persistent, f));
  const stage = <T>(fn: () => T): [T, number, number] => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = fn();
    return [r, (performance.now() - t0) / 1000, cpuSeconds(c0)];
  };
  const [bytes, tRead, cRead] = stage(() => files.map((f) => readKeyfileBytes(f)));
  const [docs, tSyntax, cSyntax] = stage(() => bytes.map((b, i) => parse(b, files[i])));
  const [raw, tReader, cReader] = stage(() => docs.map((d, i) => keyfileToSettings(new ReadContext(d, files[i]!), { id: () => '', uuid: () => '' })));
  const [, tModel, cModel] = stage(() => raw.map((r) => normalizeAndVerify(r)));
  const both = (wall: number, cpuTime: number) => `${wall.toFixed(2)} s (CPU ${cpuTime.toFixed(2)} s)`;
  console.log(`keyfile-load-${COUNT}: ${both(seconds, cpu)}, RSS ${mb(rss)} MB (before load ${mb(rssBefore)} MB, peak ${mb(peak)} MB); ${(seconds * 1e6 / COUNT).toFixed(0)} µs per file (CPU ${(cpu * 1e6 / COUNT).toFixed(0)} µs); writing the files took ${writeSeconds.toFixed(2)} s`);
  console.log(`  a second load (warm): ${both(secondSeconds, secondCpu)}`);
  console.log(`  by stage: read ${both(tRead, cRead)}, key-file syntax ${both(tSyntax, cSyntax)}, keyfile → settings ${both(tReader, cReader)}, normalise + verify (sdk/settings) ${both(tModel, cModel)}`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
