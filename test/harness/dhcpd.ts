/**
 * ISC dhcpd as a DHCPv6 server that delegates prefixes (IA_PD), which
 * dnsmasq cannot: `dhcpd -6` in the foreground on one interface of a peer
 * namespace, with its config, lease and pid files in a temporary directory
 * of its own (Debian's isc-dhcp-server; its system services are never used).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Netns } from './netns.js';

export interface Dhcpd6Options {
  ns: Pick<Netns, 'name' | 'spawn'>;
  iface: string;
  /** The subnet6 the interface has an address in, e.g. '2001:db8:1::/64'. */
  subnet: string;
  /** The prefix6 pool: first and last prefix and their length, e.g. ['2001:db8:100::', '2001:db8:1ff::', 56]. */
  prefixes: [string, string, number];
  /** Seconds (default-lease-time, and the prefixes' lifetimes). */
  leaseTime?: number;
  startTimeoutMs?: number;
}

export interface Dhcpd6 {
  pid: number;
  leasesFile: string;
  /** The lease file as dhcpd wrote it so far. */
  leases(): Promise<string>;
  log(): string;
  /** Stop dhcpd and remove its directory. Safe to call twice. */
  stop(): Promise<void>;
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startDhcpd6(opts: Dhcpd6Options): Promise<Dhcpd6> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `nmk-dhcpd6-${opts.iface}-`));
  const conf = path.join(dir, 'dhcpd6.conf');
  const leasesFile = path.join(dir, 'dhcpd6.leases');
  const time = opts.leaseTime ?? 600;
  const [first, last, len] = opts.prefixes;
  await writeFile(conf, [`default-lease-time ${time};`, `max-lease-time ${time};`, 'authoritative;', `subnet6 ${opts.subnet} {`, `  prefix6 ${first} ${last} /${len};`, '}', ''].join('\n'));
  // dhcpd refuses to start without a lease file.
  await writeFile(leasesFile, '');
  let log = '';
  const child = opts.ns.spawn('dhcpd', ['-6', '-d', '-cf', conf, '-lf', leasesFile, '-pf', path.join(dir, 'pid'), opts.iface]);
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  const timeoutMs = opts.startTimeoutMs ?? 10_000;
  const problem = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(`did not start serving within ${timeoutMs} ms`), timeoutMs);
    child.stderr?.on('data', () => {
      if (/Server starting service/.test(log)) {
        clearTimeout(timer);
        resolve(undefined);
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve(`could not be started (${e.message}): apt-get install -y isc-dhcp-server`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`exited ${code} at start-up`);
    });
  });
  if (problem) {
    child.kill('SIGKILL');
    await waitExit(child);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`dhcpd -6 on ${opts.iface} in netns ${opts.ns.name} ${problem}:\n${log}`);
  }
  let stopped: Promise<void> | undefined;
  return {
    pid: child.pid!,
    leasesFile,
    leases: () => readFile(leasesFile, 'utf8'),
    log: () => log,
    stop: () =>
      (stopped ??= (async () => {
        child.kill('SIGTERM');
        await waitExit(child);
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}
