/**
 * The dhclient plugin against real dnsmasq across a veth: the plugin runs in
 * the client namespace (driver.ts under `ip netns exec`, as nmkd would run
 * there) and real ISC dhclient reports through nmk-dhcp-helper. Checks the
 * lease against dnsmasq's own lease file, renewal, release, a server that
 * never answers, dhclient dying, and that every child ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DhcpLease, DhcpRequest } from '../../sdk/index.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';
import { JITI_CLI, Netns, REPO_ROOT } from '../harness/netns.js';

const run = promisify(execFile);
const DRIVER = path.join(REPO_ROOT, 'test/integration/dhcp-dhclient/driver.ts');
/** Generous: jiti's cold start on two loaded cores takes seconds. */
const WAIT_MS = 60_000;

type DriverEvent =
  | { event: 'started' | 'stopped' | 'closed' }
  | { event: 'lease'; lease: DhcpLease }
  | { event: 'failure'; reason: string; message: string }
  | { event: 'start-error'; message: string };

/** One plugin instance in a namespace, driven over stdin/stdout. */
class Driver {
  readonly events: DriverEvent[] = [];
  private waiters: Array<() => void> = [];
  private stderr = '';
  private constructor(private readonly proc: ChildProcess) {
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      this.events.push(JSON.parse(line) as DriverEvent);
      for (const w of this.waiters.splice(0)) w();
    });
    proc.stderr!.on('data', (b: Buffer) => (this.stderr += b.toString()));
    proc.once('exit', () => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static start(ns: Netns, root: string, request: DhcpRequest): Driver {
    return new Driver(ns.spawn(process.execPath, [JITI_CLI, DRIVER, root, JSON.stringify(request)], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** The `n`th event (from 0) matching `pred`; fails with the driver's log if it never comes. */
  async next<E extends DriverEvent>(pred: (e: DriverEvent) => e is E, n = 0): Promise<E> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.events.filter(pred);
      if (found.length > n) return found[n]!;
      if (this.proc.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no such event (have ${JSON.stringify(this.events.map((e) => e.event))}); driver log:\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
  }

  send(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  async kill(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGKILL');
    await new Promise((r) => this.proc.once('exit', r));
  }
}

const is = <K extends DriverEvent['event']>(k: K) => (e: DriverEvent): e is Extract<DriverEvent, { event: K }> => e.event === k;

/** dhclient processes running in the namespace for `ifname` (its last argument); a zombie has ended. */
async function dhclientPids(ns: Netns, ifname: string): Promise<number[]> {
  const { stdout } = await run('ip', ['netns', 'pids', ns.name]);
  const pids: number[] = [];
  for (const pid of stdout.split(/\s+/).filter(Boolean)) {
    try {
      const running = /^\d+ \(dhclient\) [^Z]/.test(fs.readFileSync(`/proc/${pid}/stat`, 'latin1'));
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
      if (running && argv.at(-1) === ifname) pids.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('dhcp-dhclient plugin against dnsmasq', () => {
  let server: Netns;
  let client: Netns;
  let dnsmasq: Dnsmasq | undefined;
  let dnsmasq6: Dnsmasq | undefined;
  let root: string;
  const drivers: Driver[] = [];

  beforeAll(async () => {
    server = await Netns.create('nmkds');
    client = await Netns.create('nmkdc');
    await client.addVeth('dhc0', 'dhs0', server);
    await client.addVeth('dhc1', 'dhs1', server); // no server behind this one
    await client.addVeth('dhc2', 'dhs2', server); // DHCPv6
    for (const l of ['dhc0', 'dhc1', 'dhc2']) await client.ip(['link', 'set', l, 'up']);
    await server.ip(['link', 'set', 'dhs1', 'up']);
    await server.ip(['-6', 'addr', 'add', 'fd47::1/64', 'dev', 'dhs2', 'nodad']);
    dnsmasq6 = await startDnsmasq({
      ns: server,
      iface: 'dhs2',
      range: '10.47.0.10,10.47.0.100',
      extraArgs: ['--dhcp-range=fd47::100,fd47::1ff,64,2m', '--dhcp-option=option6:dns-server,[fd47::1]', '--dhcp-option=option6:domain-search,six.test'],
    });
    dnsmasq = await startDnsmasq({
      ns: server,
      iface: 'dhs0',
      range: '10.46.0.10,10.46.0.100',
      leaseTime: '2m',
      // Renew after 5 s (T1) and rebind after 8 s (T2): renewal within the test's time.
      extraArgs: ['--dhcp-option=58,5', '--dhcp-option=59,8', '--dhcp-option=option:dns-server,10.46.0.1', '--dhcp-option=option:domain-name,lan.test', '--dhcp-option=option:domain-search,corp.test', '--dhcp-option=121,10.9.0.0/16,10.46.0.1'],
    });
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-dhclient-'));
    // The distribution's dhclient.conf, merged as NetworkManager merges /etc/dhcp/dhclient.conf: its request list asks for the search list.
    fs.mkdirSync(path.join(root, 'etc/dhcp'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/dhcp/dhclient.conf'), 'request subnet-mask, routers, domain-name, domain-name-servers, domain-search, host-name;\ntimeout 300;\n');
  });

  // A test that failed half-way leaves its driver and dhclient (its own session) behind: end them before the next.
  afterEach(async () => {
    for (const d of drivers.splice(0)) await d.kill();
    for (const ifname of ['dhc0', 'dhc1', 'dhc2']) for (const pid of await dhclientPids(client, ifname)) process.kill(pid, 'SIGKILL');
  });

  afterAll(async () => {
    for (const d of drivers) await d.kill();
    await dnsmasq?.stop();
    await dnsmasq6?.stop();
    await client?.destroy();
    await server?.destroy();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  function request(ifname: string, extra: Partial<DhcpRequest> = {}): DhcpRequest {
    return {
      family: 4,
      ifindex: 0,
      ifname,
      hwaddr: '',
      uuid: '5b0a4c4e-2f6d-4d6c-9a51-1c1f3b7c0d11',
      iaid: 0,
      timeout: 45,
      rejectServers: [],
      leaseFile: path.join(root, `var/lib/nmk/dhclient-5b0a4c4e-2f6d-4d6c-9a51-1c1f3b7c0d11-${ifname}.lease`),
      ...extra,
    };
  }

  it('gets dnsmasq\'s lease with the hostname and client id sent, renews it, and releases it on stop(true)', async () => {
    const d = Driver.start(client, root, request('dhc0', { hostname: 'nmk-dhclient-host', clientId: '01:02:46:00:00:00:99' }));
    drivers.push(d);
    const { lease } = await d.next(is('lease'));

    // dnsmasq's own record: "<expiry> <mac> <address> <hostname> <client-id>".
    const line = fs.readFileSync(dnsmasq!.leasesFile, 'utf8').trim().split('\n').find((l) => l.includes(' nmk-dhclient-host '));
    expect(line, 'dnsmasq recorded the lease with our hostname').toBeDefined();
    const [, , address, hostname, clientId] = line!.split(' ');
    expect(hostname).toBe('nmk-dhclient-host');
    expect(clientId).toBe('01:02:46:00:00:00:99');
    expect(lease.addresses).toEqual([{ address, prefixlen: 24, validLifetime: 120, preferredLifetime: 120 }]);
    expect(lease).toMatchObject({
      family: 4,
      gateways: ['10.46.0.1'],
      routes: [{ dest: '10.9.0.0', prefixlen: 16, gateway: '10.46.0.1' }],
      nameservers: ['10.46.0.1'],
      domains: ['lan.test', 'corp.test'],
      serverId: '10.46.0.1',
      leaseTime: 120,
    });
    expect(lease.options).toMatchObject({
      ip_address: address,
      subnet_mask: '255.255.255.0',
      routers: '10.46.0.1',
      dhcp_lease_time: '120',
      dhcp_server_identifier: '10.46.0.1',
      dhcp_client_identifier: '01:02:46:00:00:00:99',
      requested_domain_search: '1',
    });
    // The merged config kept the distribution's request list and replaced its timeout with the profile's.
    const conf = fs.readFileSync(path.join(root, 'run/nmk/dhclient-dhc0.conf'), 'utf8');
    expect(conf).toContain('request; # override dhclient defaults\nalso request subnet-mask;');
    expect(conf).not.toContain('timeout 300');

    // Core configures the address (dhclient -r sends its release from it).
    await client.ip(['addr', 'add', `${address}/24`, 'dev', 'dhc0']);

    // T1 is 5 s: the renewal reaches onLease again, same address.
    const renewed = await d.next(is('lease'), 1);
    expect(renewed.lease.addresses[0]!.address).toBe(address);
    expect(renewed.lease.options.ip_address).toBe(address);

    const [pid] = await dhclientPids(client, 'dhc0');
    expect(pid).toBeGreaterThan(0);
    d.send('stop release');
    await d.next(is('stopped'));
    expect(await dhclientPids(client, 'dhc0')).toEqual([]);
    // dnsmasq drops a released lease from its file.
    await until('dnsmasq dropped the released lease', () => !fs.readFileSync(dnsmasq!.leasesFile, 'utf8').includes(` ${address} `));
    expect(dnsmasq!.log()).toContain(`DHCPRELEASE(dhs0) ${address}`);
    expect(fs.readdirSync(path.join(root, 'run/nmk')).sort()).toEqual(['dhclient-helper.sock']);
    expect(d.events.filter(is('failure'))).toEqual([]);
    d.send('close');
    await d.next(is('closed'));
    await client.ip(['addr', 'flush', 'dev', 'dhc0']);
  });

  it('reports a timeout after the request\'s timeout when no server answers, and ends dhclient', async () => {
    const d = Driver.start(client, root, request('dhc1', { timeout: 3 }));
    drivers.push(d);
    await d.next(is('started'));
    const failure = await d.next(is('failure'));
    expect(failure.reason).toBe('timeout');
    expect(failure.message).toBe('no DHCPv4 lease on dhc1 within 3 s');
    await until('dhclient ended after the timeout', async () => (await dhclientPids(client, 'dhc1')).length === 0);
    expect(d.events.filter(is('lease'))).toEqual([]);
    d.send('close');
    await d.next(is('closed'));
  });

  it('reports dhclient dying as an error, ends a dhclient an earlier run left, and ends every child on shutdown', async () => {
    const d = Driver.start(client, root, request('dhc0'));
    drivers.push(d);
    await d.next(is('lease'));
    const pidFile = path.join(root, 'run/nmk/dhclient-dhc0.pid');
    await until('dhclient wrote its pid file', () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '');
    process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGKILL');
    const failure = await d.next(is('failure'));
    expect(failure).toMatchObject({ reason: 'error', message: 'dhclient was killed by signal SIGKILL' });

    // A second client on the link, then the daemon's shutdown (ctx.onStop) ends it.
    d.send('close');
    await d.next(is('closed'));
    // nmkd killed -9: its dhclient lives on; the next start on the link ends it (its pid file names it).
    const d2 = Driver.start(client, root, request('dhc0'));
    drivers.push(d2);
    await d2.next(is('lease'));
    const orphans = await dhclientPids(client, 'dhc0');
    expect(orphans).toHaveLength(1);
    await d2.kill();
    expect(await dhclientPids(client, 'dhc0')).toEqual(orphans);
    const d3 = Driver.start(client, root, request('dhc0'));
    drivers.push(d3);
    await d3.next(is('lease'));
    const running = await dhclientPids(client, 'dhc0');
    expect(running).toHaveLength(1);
    expect(running).not.toEqual(orphans);
    d3.send('close');
    await d3.next(is('closed'));
    expect(await dhclientPids(client, 'dhc0')).toEqual([]);
    expect(fs.existsSync(path.join(root, 'run/nmk/dhclient-helper.sock'))).toBe(false);
  });

  it('DHCPv6 (dhclient -6 -N): the IA_NA address, DNS and search list, with the DUID core chose', async () => {
    // dhclient -6 binds to the link-local address, which must have finished DAD.
    await until('dhc2 has a usable link-local address', async () => {
      const [link] = await client.ipJson(['-6', 'addr', 'show', 'dev', 'dhc2']);
      return (link?.addr_info ?? []).some((a: any) => a.scope === 'link' && !a.tentative);
    });
    const duid = '00:04:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00';
    const d = Driver.start(client, root, request('dhc2', { family: 6, clientId: duid, hostname: 'nmk-six' }));
    drivers.push(d);
    const { lease } = await d.next(is('lease'));
    const line = fs.readFileSync(dnsmasq6!.leasesFile, 'utf8').split('\n').find((l) => l.includes(' fd47::'));
    expect(line, 'dnsmasq recorded a DHCPv6 lease').toBeDefined();
    // "<expiry> <iaid> <address> <hostname> <duid>"
    const [, , address, hostname, clientDuid] = line!.split(' ');
    expect(clientDuid).toBe(duid);
    expect(hostname).toBe('nmk-six'); // sent as the FQDN option
    expect(lease).toMatchObject({
      family: 6,
      addresses: [{ address, prefixlen: 128, validLifetime: 120, preferredLifetime: 120 }],
      nameservers: ['fd47::1'],
      domains: ['six.test'],
    });
    expect(lease.options).toMatchObject({ ip6_address: address, dhcp6_name_servers: 'fd47::1', dhcp6_client_id: duid });
    d.send('stop');
    await d.next(is('stopped'));
    expect(await dhclientPids(client, 'dhc2')).toEqual([]);
    expect(d.events.filter(is('failure'))).toEqual([]);
    d.send('close');
    await d.next(is('closed'));
  });
});
