/**
 * Shared pieces of the activation benchmarks (W1-W4 of shared/PERFORMANCE.md):
 * a namespace for the daemon and one for the far ends of its veths, `ip -batch`,
 * keyfile text, nmkd or NetworkManager 1.42 started the same way, and a
 * watcher that counts addresses (from `ip -o monitor address`) and activated
 * devices (from Device.StateChanged signals) without polling either daemon.
 * Not a benchmark itself (run.mjs skips *.lib.ts).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testClient, type TestClient } from '../test/harness/dbus.js';
import { Netns } from '../test/harness/netns.js';
import { startNetworkManager } from '../test/harness/networkmanager.js';
import { startCompiledNmkd, sleep } from './process-tree.lib.js';

export type Who = 'nmk' | 'NM';
export const WITH_NM = process.env.NM !== '0';
const NMD_ACTIVATED = 100;

/** The sizes to run: the env variable (comma-separated) or the defaults. */
export function sizes(envName: string, defaults: number[]): number[] {
  const v = process.env[envName];
  return v ? v.split(',').map(Number).filter((n) => n > 0) : defaults;
}

/** The daemon's namespace and the one holding the far ends of its veths; both destroyed by destroy(). */
export interface Namespaces {
  ns: Netns;
  far: Netns;
  destroy(): Promise<void>;
}

export async function makeNamespaces(prefix: string): Promise<Namespaces> {
  const ns = await Netns.create(prefix);
  let far: Netns;
  try {
    far = await Netns.create(`${prefix}f`);
  } catch (e) {
    await ns.destroy();
    throw e;
  }
  return { ns, far, destroy: async () => void (await Promise.all([ns.destroy(), far.destroy()])) };
}

/** `ip -batch` of these lines in the namespace; resolves with the seconds it took. */
export async function ipBatch(ns: Netns, lines: string[], timeoutMs = 600_000): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-bench-batch-'));
  try {
    const f = path.join(dir, 'batch');
    fs.writeFileSync(f, `${lines.join('\n')}\n`);
    const t = performance.now();
    await ns.exec('ip', ['-batch', f], { timeoutMs });
    return (performance.now() - t) / 1000;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * veth pairs `names[i]` (in ns, up) <-> `f<i>` (in far, up): both ends up, so
 * each device has carrier before the daemon sees a profile. Seconds taken.
 */
export async function makeVeths(n: Namespaces, names: string[]): Promise<number> {
  const here = names.flatMap((name, i) => [`link add ${name} type veth peer name f${i} netns ${n.far.name}`, `link set ${name} up`]);
  const there = names.map((_, i) => `link set f${i} up`);
  return (await ipBatch(n.ns, here)) + (await ipBatch(n.far, there));
}

export function uuidOf(kind: number, i: number): string {
  return `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${i.toString(16).padStart(12, '0')}`;
}

/** 10.a.b.1/24, distinct for i < 65536. */
export function addressOf(i: number): string {
  return `10.${(i >> 8) & 255}.${i & 255}.1/24`;
}

/** A static-IPv4 ethernet profile for `ifname`, as `nmcli --offline connection add` writes it. */
export function staticProfile(id: string, uuid: string, ifname: string, address: string): string {
  return `[connection]\nid=${id}\nuuid=${uuid}\ntype=ethernet\ninterface-name=${ifname}\n\n[ethernet]\n\n[ipv4]\naddress1=${address}\nmethod=manual\n\n[ipv6]\naddr-gen-mode=default\nmethod=disabled\n\n[proxy]\n`;
}

/** A bridge (STP off, so its port forwards at once) with a static IPv4 address. */
export function bridgeProfile(id: string, uuid: string, ifname: string, address: string): string {
  return `[connection]\nid=${id}\nuuid=${uuid}\ntype=bridge\ninterface-name=${ifname}\n\n[ethernet]\n\n[bridge]\nstp=false\n\n[ipv4]\naddress1=${address}\nmethod=manual\n\n[ipv6]\naddr-gen-mode=default\nmethod=disabled\n\n[proxy]\n`;
}

/** An ethernet port of the bridge profile `masterUuid`. */
export function portProfile(id: string, uuid: string, ifname: string, masterUuid: string): string {
  return `[connection]\nid=${id}\nuuid=${uuid}\ntype=ethernet\ninterface-name=${ifname}\nmaster=${masterUuid}\nslave-type=bridge\n\n[ethernet]\n\n[bridge-port]\n`;
}

/** A running daemon, nmk or NetworkManager, in `ns`, on its own private bus. */
export interface Daemon {
  who: Who;
  pid: number;
  busAddress: string;
  /** Where it reads keyfiles. */
  keyfileDir: string;
  stop(): Promise<void>;
}

/** nmkd (compiled, `--profile server`) or NetworkManager 1.42 (networking on), with no profiles. */
export async function startDaemon(who: Who, ns: Netns): Promise<Daemon> {
  if (who === 'nmk') {
    const d = await startCompiledNmkd(ns, 'server');
    return { who, pid: d.pid, busAddress: d.busAddress, keyfileDir: path.join(d.root, 'etc/nmk/system-connections'), stop: d.stop };
  }
  const nm = await startNetworkManager({ ns, networking: true, logLevel: 'WARN', readyTimeoutMs: 120_000 });
  return { who, pid: nm.pid, busAddress: nm.busAddress, keyfileDir: nm.keyfileDir, stop: nm.cleanup };
}

/** Write keyfiles (name -> text, mode 0600) into the daemon's directory. */
export function writeKeyfiles(d: Daemon, files: Map<string, string>): void {
  for (const [name, text] of files) fs.writeFileSync(path.join(d.keyfileDir, name), text, { mode: 0o600 });
}

/** Settings.ReloadConnections, as `nmcli connection reload` calls it. */
export async function reload(client: TestClient): Promise<void> {
  await client.call('org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager/Settings', 'org.freedesktop.NetworkManager.Settings', 'ReloadConnections');
}

/**
 * Counts, as they happen, the 10.x IPv4 addresses in the namespace (from
 * `ip -o monitor address`) and the devices whose last Device.StateChanged
 * said ACTIVATED. Started before the work it watches.
 */
export interface Watcher {
  client: TestClient;
  addresses(): number;
  activated(): number;
  /** Resolve with the time (performance.now()) both counts first reached their targets. */
  until(addresses: number, devices: number, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

export async function watch(ns: Netns, busAddress: string): Promise<Watcher> {
  const addrs = new Set<string>();
  const active = new Set<string>();
  let wake = () => {};
  const monitor: ChildProcess = ns.spawn('ip', ['-o', 'monitor', 'address']);
  let partial = '';
  let monitorErr = '';
  monitor.stderr!.on('data', (b: Buffer) => (monitorErr = (monitorErr + b.toString()).slice(-2000)));
  let sentinelSeen = false;
  monitor.stdout!.on('data', (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      if (/ inet 192\.0\.2\.\d+\/32/.test(l)) sentinelSeen = true;
      const m = /^(Deleted )?(?:\[\w+\])?\s*\d+:\s+(\S+)\s+inet (10\.\S+)/.exec(l);
      if (!m) continue;
      const key = `${m[2]} ${m[3]}`;
      if (m[1]) addrs.delete(key);
      else addrs.add(key);
    }
    wake();
  });
  const client = await testClient(busAddress);
  try {
    await client.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'AddMatch', 's', [
      "type='signal',interface='org.freedesktop.NetworkManager.Device',member='StateChanged'",
    ]);
    client.bus.on('message', (m) => {
      if (m.member !== 'StateChanged' || m.interface !== 'org.freedesktop.NetworkManager.Device') return;
      if (m.body[0] === NMD_ACTIVATED) active.add(m.path);
      else active.delete(m.path);
      wake();
    });
    // The monitor is listening once it reports an address added after it started; one
    // added before it subscribed is never reported, so add another each second.
    for (let i = 0; !sentinelSeen; i++) {
      if (i > 30) throw new Error(`ip monitor address reported nothing in 30 s (exit ${monitor.exitCode ?? 'none'}): ${monitorErr}`);
      await ns.ip(['addr', 'add', `192.0.2.${i + 1}/32`, 'dev', 'lo']);
      for (let j = 0; j < 20 && !sentinelSeen; j++) await sleep(50);
    }
  } catch (e) {
    monitor.kill('SIGKILL');
    await client.close();
    throw e;
  }
  return {
    client,
    addresses: () => addrs.size,
    activated: () => active.size,
    until(nAddr, nDev, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          wake = () => {};
          reject(new Error(`after ${timeoutMs / 1000} s: ${addrs.size}/${nAddr} addresses, ${active.size}/${nDev} devices activated`));
        }, timeoutMs);
        wake = () => {
          if (addrs.size < nAddr || active.size < nDev) return;
          const t = performance.now();
          clearTimeout(timer);
          wake = () => {};
          resolve(t);
        };
        wake();
      });
    },
    async close() {
      if (monitor.exitCode === null && monitor.signalCode === null) {
        const gone = new Promise((r) => monitor.once('exit', r));
        monitor.kill('SIGTERM');
        await gone;
      }
      await client.close();
    },
  };
}

/** How many 10.x IPv4 addresses the kernel holds in the namespace (a check after the run). */
export async function kernelAddresses(ns: Netns): Promise<number> {
  const out = await ns.ip(['-4', '-o', 'addr', 'show']);
  return out.split('\n').filter((l) => / inet 10\./.test(l)).length;
}

export const fmt = (s: number) => `${s.toFixed(2)} s`;
export const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
export { sleep };
