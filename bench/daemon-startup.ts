/**
 * Benchmark: nmkd (compiled) from exec to "ready", and its RSS, in a network
 * namespace with 0 and with 2000 links, on a private bus. Prints one line per
 * case. Run: node node_modules/jiti/lib/jiti-cli.mjs bench/daemon-startup.ts
 * (needs root and `npm run build`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPrivateBus } from '../test/harness/dbus.js';
import { Netns, REPO_ROOT } from '../test/harness/netns.js';

const NMKD = path.join(REPO_ROOT, 'dist/core/main.js');
if (!fs.existsSync(NMKD)) throw new Error(`${NMKD} is missing: run npm run build first`);

/** RSS of the process and all its descendants (the platform's netlink event helper is a child). */
function rssMB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  let kb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const kids = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(/\s+/).filter(Boolean);
    for (const k of kids) kb += rssMB(Number(k)) * 1024;
  }
  return kb / 1024;
}

/** N static-IPv4 ethernet keyfiles, as `nmcli connection add` would write them. */
function writeProfiles(root: string, n: number): void {
  const dir = path.join(root, 'etc/nmk/system-connections');
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const uuid = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    const text = `[connection]\nid=p${i}\nuuid=${uuid}\ntype=ethernet\ninterface-name=p${i}\n\n[ipv4]\naddress1=10.${(i >> 8) & 255}.${i & 255}.1/24\nmethod=manual\n\n[ipv6]\nmethod=disabled\n`;
    fs.writeFileSync(path.join(dir, `p${i}.nmconnection`), text, { mode: 0o600 });
  }
}

async function once(links: number, profiles = 0): Promise<{ readyMs: number; internalMs: number; rss: number; rssSettled: number }> {
  const ns = await Netns.create('bst');
  const bus = await startPrivateBus();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-bench-'));
  try {
    if (profiles > 0) writeProfiles(root, profiles);
    if (links > 0) {
      const batch = Array.from({ length: links / 2 }, (_, i) => `link add b${i}a type veth peer name b${i}b`).join('\n') + '\n';
      const f = path.join(root, 'batch');
      fs.writeFileSync(f, batch);
      await ns.exec('ip', ['-batch', f]);
    }
    const t0 = performance.now();
    // Through the launcher the unit uses (bin/nmkd); NMKD_NODE_FLAGS reaches it through the environment.
    const child = spawn('ip', ['netns', 'exec', ns.name, path.join(REPO_ROOT, 'bin/nmkd'), '--root', root, '--bus', bus.address, '--log-format', 'json', '--profile', 'server'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NMKD_NODE: process.execPath },
    });
    let buf = '';
    const ready = await new Promise<any>((resolve, reject) => {
      child.stderr!.on('data', (d) => {
        buf += d;
        for (const line of buf.split('\n')) {
          try {
            const j = JSON.parse(line);
            if (j.msg === 'ready') resolve(j);
          } catch { /* partial line */ }
        }
      });
      child.on('exit', (code) => reject(new Error(`nmkd exited ${code}: ${buf.slice(-2000)}`)));
      setTimeout(() => reject(new Error('no ready line in 120 s')), 120_000);
    });
    const readyMs = performance.now() - t0;
    const rss = rssMB(child.pid!);
    await new Promise((r) => setTimeout(r, 2000));
    const rssSettled = rssMB(child.pid!);
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    return { readyMs, internalMs: ready.startupMs, rss, rssSettled };
  } finally {
    await bus.stop();
    await ns.destroy();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

for (const [links, profiles] of [[0, 0], [2000, 0], [0, 10_000]] as const) {
  const r = await once(links, profiles);
  console.log(
    `daemon-start links=${links} profiles=${profiles}: exec-to-ready ${(r.readyMs / 1000).toFixed(2)} s (in-process ${(r.internalMs / 1000).toFixed(2)} s), RSS at ready ${r.rss.toFixed(1)} MB, 2 s later ${r.rssSettled.toFixed(1)} MB`,
  );
}
