/**
 * `npm run sandbox`: a place to try nmk without touching this machine's network.
 *
 * It builds a network namespace `nmk-sandbox` with three ethernet-like links
 * (eth0..eth2, veths) whose far ends live in `nmk-sandbox-peer`, where dnsmasq
 * serves DHCPv4 and IPv6 router advertisements on each; starts a private
 * D-Bus and nmkd (desktop profile, state under /run/nmk-sandbox/root) inside
 * the namespace; prints the lines to paste into another terminal; forwards
 * nmkd's log here; and on Ctrl-C (or when nmkd dies) removes all of it.
 * Paths and names are fixed so the printed lines never change; a sandbox left
 * behind by a crashed run is cleared first. Needs root.
 *
 * Run: node node_modules/jiti/lib/jiti-cli.mjs scripts/sandbox.ts
 */
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startPrivateBus, type PrivateBus } from '../test/harness/dbus.js';
import { startDnsmasq, type Dnsmasq, type DnsmasqNetns } from '../test/harness/dnsmasq.js';
import { REPO_ROOT } from '../test/harness/netns.js';
import { runNmcli } from '../test/harness/nmcli.js';

/** nmkd's launcher (bin/nmkd). */
const NMKD_LAUNCHER = path.join(REPO_ROOT, 'bin/nmkd');
const run = promisify(execFile);

const SANDBOX_DIR = '/run/nmk-sandbox';
const NS = 'nmk-sandbox';
const PEER_NS = 'nmk-sandbox-peer';
const BUS_SOCKET = path.join(SANDBOX_DIR, 'bus');
const BUS_ADDRESS = `unix:path=${BUS_SOCKET}`;
const STATE_ROOT = path.join(SANDBOX_DIR, 'root');
/** Pids of what this run started, so the next run can clear them after a crash. */
const PID_FILES = { sandbox: path.join(SANDBOX_DIR, 'sandbox.pid'), bus: path.join(SANDBOX_DIR, 'bus.pid') };

/** One row per link: its name in the sandbox, its far end, and what dnsmasq serves there. */
const LINKS = [0, 1, 2].map((n) => ({
  name: `eth${n}`,
  peer: `peer${n}`,
  range: `10.42.${n}.10,10.42.${n}.100`,
  ipv6Prefix: `fd42:0:0:${n}::`,
}));

const READY_TIMEOUT_MS = 90_000;

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A namespace with a fixed name (the test harness's Netns makes unique ones). */
class NamedNetns implements DnsmasqNetns {
  constructor(readonly name: string) {}

  async ip(args: string[]): Promise<string> {
    return (await run('ip', ['-n', this.name, ...args])).stdout;
  }

  async ipJson<T = any>(args: string[]): Promise<T> {
    return JSON.parse((await this.ip(['-d', '-j', ...args])) || '[]') as T;
  }

  /** Detached: Ctrl-C reaches only the sandbox, which then stops everything in order. */
  spawn(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function deleteNamespace(name: string): Promise<void> {
  const pids = await run('ip', ['netns', 'pids', name]).then((r) => r.stdout.split(/\s+/).filter(Boolean), () => []);
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await run('ip', ['netns', 'del', name]).catch(() => undefined);
}

/** Clear what a previous run left (it crashed or was killed); refuse if one still runs. */
async function clearStaleSandbox(): Promise<void> {
  const previous = readPid(PID_FILES.sandbox);
  if (previous !== undefined && previous !== process.pid && alive(previous)) {
    throw new Error(`a sandbox is already running (pid ${previous}): stop it with Ctrl-C in its terminal, or kill ${previous}`);
  }
  const bus = readPid(PID_FILES.bus);
  if (bus !== undefined && alive(bus)) process.kill(bus, 'SIGKILL');
  const namespaces = (await run('ip', ['netns', 'list'])).stdout;
  for (const name of [NS, PEER_NS]) {
    if (new RegExp(`^${name}( |$)`, 'm').test(namespaces)) {
      say(`nmk sandbox: removing namespace ${name} left by an earlier run`);
      await deleteNamespace(name);
    }
  }
  rmSync(SANDBOX_DIR, { recursive: true, force: true });
}

/** Everything this run made, undone in reverse; set up as it is made. */
const undo: Array<() => Promise<void> | void> = [];
let nmkd: ChildProcess | undefined;
let stopping = false;

async function teardown(): Promise<void> {
  for (const step of undo.reverse()) {
    try {
      await step();
    } catch (e) {
      process.stderr.write(`nmk sandbox: cleanup step failed: ${String(e)}\n`);
    }
  }
  rmSync(SANDBOX_DIR, { recursive: true, force: true });
}

async function shutdown(reason: string, code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say(`\nnmk sandbox: ${reason}; removing the sandbox...`);
    await teardown();
    say('nmk sandbox: removed.');
  }
  process.exit(code);
}

function stopProcess(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), timeoutMs).unref();
  });
}

async function waitUntilServing(): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (stopping) return;
    // nmcli answering is what "ready" means to the person about to use it.
    const r = await runNmcli(BUS_ADDRESS, ['-t', '-f', 'RUNNING', 'general'], { timeoutMs: 5000 });
    if (r.code === 0 && r.stdout.trim() === 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`nmkd did not answer nmcli within ${READY_TIMEOUT_MS / 1000} s`);
}

async function build(): Promise<void> {
  mkdirSync(SANDBOX_DIR, { recursive: true, mode: 0o755 });
  writeFileSync(PID_FILES.sandbox, `${process.pid}\n`);

  const peer = new NamedNetns(PEER_NS);
  const sandbox = new NamedNetns(NS);
  for (const ns of [sandbox, peer]) {
    await run('ip', ['netns', 'add', ns.name]);
    undo.push(() => deleteNamespace(ns.name));
    await ns.ip(['link', 'set', 'lo', 'up']);
  }
  for (const link of LINKS) {
    await sandbox.ip(['link', 'add', link.name, 'type', 'veth', 'peer', 'name', link.peer, 'netns', PEER_NS]);
  }

  const dnsmasqs: Dnsmasq[] = [];
  undo.push(async () => {
    await Promise.all(dnsmasqs.map((d) => d.stop()));
  });
  for (const link of LINKS) {
    dnsmasqs.push(await startDnsmasq({ ns: peer, iface: link.peer, range: link.range, ipv6Ra: true, ipv6Prefix: link.ipv6Prefix, dir: SANDBOX_DIR }));
  }

  const bus: PrivateBus = await startPrivateBus(SANDBOX_DIR);
  undo.push(() => bus.stop());
  writeFileSync(PID_FILES.bus, `${bus.pid}\n`);
  // The bus lives in a directory with a random name; the link gives it the fixed one we print.
  symlinkSync(bus.address.replace(/^unix:path=/, '').replace(/,.*$/, ''), BUS_SOCKET);

  // A state root shaped like a machine: /etc (for resolv.conf, which the desktop profile's DNS writes) and a machine id.
  mkdirSync(path.join(STATE_ROOT, 'etc'), { recursive: true });
  writeFileSync(path.join(STATE_ROOT, 'etc/machine-id'), `${randomBytes(16).toString('hex')}\n`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NMK_')));
  // The launcher the systemd unit uses (same node options), running the source through jiti: no build needed.
  nmkd = sandbox.spawn(
    NMKD_LAUNCHER,
    ['--root', STATE_ROOT, '--bus', BUS_ADDRESS, '--profile', 'desktop', '--log-format', 'text'],
    // Its log goes straight to this terminal.
    { stdio: ['ignore', 'inherit', 'inherit'], cwd: REPO_ROOT, env: { ...env, DBUS_SYSTEM_BUS_ADDRESS: BUS_ADDRESS, NMKD_FROM_SOURCE: '1', NMKD_NODE: process.execPath } },
  );
  const daemon = nmkd;
  undo.push(() => stopProcess(daemon, 10_000));
  daemon.once('exit', (code, signal) => {
    if (!stopping) void shutdown(`nmkd exited (${signal ?? `code ${code}`})`, code || 1);
  });
}

function printWelcome(): void {
  say();
  say('nmk sandbox is up: nmkd (desktop profile) manages eth0, eth1 and eth2 in network namespace');
  say(`${NS}; dnsmasq serves DHCP (10.42.N.0/24) and IPv6 RAs (fd42:0:0:N::/64) on their far ends.`);
  say('In another terminal:');
  say();
  say(`  export DBUS_SYSTEM_BUS_ADDRESS=${BUS_ADDRESS}`);
  say('  nmcli device');
  say('  nmcli connection show');
  say(`  sudo ip netns exec ${NS} ip addr`);
  say();
  say(`nmkd's files are under ${STATE_ROOT}. Ctrl-C here stops everything and removes the sandbox.`);
  say();
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('nmk sandbox: needs root (it creates network namespaces and a D-Bus daemon under /run): run it with sudo, e.g. `sudo npm run sandbox`\n');
    process.exit(1);
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) say('nmk sandbox: still removing the sandbox...');
      else void shutdown(`${signal} received`, 0);
    });
  }
  try {
    await clearStaleSandbox();
    say(`nmk sandbox: building namespaces ${NS} and ${PEER_NS}, starting dnsmasq, D-Bus and nmkd...`);
    await build();
    await waitUntilServing();
  } catch (e) {
    process.stderr.write(`nmk sandbox: ${e instanceof Error ? e.message : String(e)}\n`);
    await shutdown('start-up failed', 1);
  }
  if (!stopping) printWelcome();
}

await main();
