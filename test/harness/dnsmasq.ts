/**
 * A DHCPv4 (and optionally IPv6 router advertisement) server for the
 * integration lane: Debian's dnsmasq (dnsmasq-base) on one interface of the
 * "far" namespace, with no DNS service (port=0), no /etc/dnsmasq.conf, and its
 * lease and pid files in a temporary directory of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Netns } from './netns.js';

/** What the harness needs of a namespace (the sandbox passes its own fixed-name one). */
export type DnsmasqNetns = Pick<Netns, 'name' | 'ip' | 'ipJson' | 'spawn'>;

export interface DnsmasqOptions {
  ns: DnsmasqNetns;
  iface: string;
  /** "first,last" of the IPv4 pool, e.g. '10.42.0.10,10.42.0.100'. */
  range: string;
  /** The server's own address on iface; default <first three octets of range>.1/24. Added unless present. */
  address?: string;
  /** Also send router advertisements (SLAAC only: no M/O flags) for ipv6Prefix. */
  ipv6Ra?: boolean;
  /** The /64 advertised when ipv6Ra is set (default 'fd42::'); the server takes <prefix>1/64. */
  ipv6Prefix?: string;
  /** Lease time (dnsmasq syntax: '12h', '120'); default 1h. */
  leaseTime?: string;
  /** Extra dnsmasq arguments, e.g. ['--dhcp-option=option:dns-server,10.42.0.1']. */
  extraArgs?: string[];
  startTimeoutMs?: number;
  /** Where its private directory is made (default the OS temp directory). */
  dir?: string;
}

export interface Dnsmasq {
  pid: number;
  leasesFile: string;
  /** dnsmasq's log so far (it logs to stderr, DHCP exchanges included). */
  log(): string;
  /** Stop dnsmasq and remove its directory. Safe to call twice. */
  stop(): Promise<void>;
}

function defaultServerAddress(range: string): string {
  const first = range.split(',')[0]!;
  const octets = first.split('.');
  if (octets.length !== 4) throw new Error(`dnsmasq harness: range ${range} does not start with an IPv4 address`);
  return `${octets.slice(0, 3).join('.')}.1/24`;
}

async function ensureAddress(ns: DnsmasqNetns, iface: string, cidr: string, family: '-4' | '-6'): Promise<void> {
  const [link] = await ns.ipJson(['addr', 'show', 'dev', iface]);
  const [addr, len] = cidr.split('/');
  const present = (link?.addr_info ?? []).some((a: any) => a.local === addr && String(a.prefixlen) === len);
  // nodad: an IPv6 address stays tentative for a second otherwise, and dnsmasq ignores it meanwhile.
  if (!present) await ns.ip([family, 'addr', 'add', cidr, 'dev', iface, ...(family === '-6' ? ['nodad'] : [])]);
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startDnsmasq(opts: DnsmasqOptions): Promise<Dnsmasq> {
  const { ns, iface } = opts;
  const dir = await mkdtemp(path.join(opts.dir ?? os.tmpdir(), `nmk-dnsmasq-${iface}-`));
  const leasesFile = path.join(dir, 'leases');
  const prefix = opts.ipv6Prefix ?? 'fd42::';
  let child: ChildProcess | undefined;
  try {
    await ns.ip(['link', 'set', iface, 'up']);
    await ensureAddress(ns, iface, opts.address ?? defaultServerAddress(opts.range), '-4');
    if (opts.ipv6Ra) await ensureAddress(ns, iface, `${prefix}1/64`, '-6');
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  const args = [
    '--keep-in-foreground',
    '--conf-file=/dev/null', // not /etc/dnsmasq.conf
    '--no-resolv',
    '--no-hosts',
    '--port=0', // no DNS
    '--user=root', // keeps access to the private lease directory
    `--interface=${iface}`,
    // Bound to its one interface, several instances (one per link) can share a namespace.
    '--bind-interfaces',
    '--log-facility=-',
    '--log-dhcp',
    '--dhcp-authoritative',
    `--dhcp-range=${opts.range},${opts.leaseTime ?? '1h'}`,
    // With DNS off, do not hand out ourselves as a name server (a client would also rewrite resolv.conf).
    '--dhcp-option=option:dns-server',
    `--dhcp-leasefile=${leasesFile}`,
    `--pid-file=${path.join(dir, 'pid')}`,
    ...(opts.ipv6Ra ? ['--enable-ra', `--dhcp-range=${prefix},ra-only,64`] : []),
    ...(opts.extraArgs ?? []),
  ];
  let log = '';
  child = ns.spawn('dnsmasq', args);
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));

  const ready = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(`did not report its DHCP range within ${opts.startTimeoutMs ?? 10_000} ms`), opts.startTimeoutMs ?? 10_000);
    const check = () => {
      // "DHCP, IP range 10.42.0.10 -- 10.42.0.100, lease time 1h" is logged once the DHCP socket is open.
      if (/DHCP, IP range/.test(log)) {
        clearTimeout(timer);
        resolve(undefined);
      }
    };
    child!.stderr?.on('data', check);
    child!.once('error', (e) => {
      clearTimeout(timer);
      resolve(`could not be started (${e.message}): apt-get install -y dnsmasq-base`);
    });
    child!.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`exited ${code} at start-up`);
    });
  });
  if (ready) {
    child.kill('SIGKILL');
    await waitExit(child);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`dnsmasq on ${iface} in netns ${ns.name} ${ready}:\n${log}`);
  }

  let stopped: Promise<void> | undefined;
  const proc = child;
  return {
    pid: proc.pid!,
    leasesFile,
    log: () => log,
    stop: () =>
      (stopped ??= (async () => {
        proc.kill('SIGTERM');
        const killer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await waitExit(proc);
        clearTimeout(killer);
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}
