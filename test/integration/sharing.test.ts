/**
 * Connection sharing end to end, in three namespaces:
 *
 *   client (cl0) ── (rc0) router (ru0) ── (up0) upstream 192.0.2.1/24
 *                   10.42.0.1/24     192.0.2.2/24, default via .1
 *
 * The sharing plugin runs in the router namespace (test/integration/sharing/
 * driver.ts). A DHCP client in the client namespace gets an address, a
 * default route and a name server from it; a ping to the upstream only comes
 * back through NAT (upstream has no route to 10.42.0.0/24); a name is resolved
 * through the router's dnsmasq by the upstream's DNS server, named in the
 * state root's resolv.conf; SLAAC gives an address in the advertised prefix.
 * After stop() nothing of it is left: no dnsmasq, no table, forwarding as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JITI_CLI, Netns, REPO_ROOT } from '../harness/netns.js';
import type { SharingRequest } from '../../sdk/index.js';

const DRIVER = path.join(REPO_ROOT, 'test/integration/sharing/driver.ts');
const ULA = { prefix: 'fd42:4242:4242:1::', prefixlen: 64, address: 'fd42:4242:4242:1::1' };

interface Driver {
  child: ChildProcess;
  events: Array<{ event: string; message?: string }>;
  stderr: () => string;
  next(event: string | string[]): Promise<{ event: string; message?: string }>;
  send(command: 'stop' | 'close'): void;
  exited: Promise<void>;
}

function startDriver(ns: Netns, root: string, request: SharingRequest | SharingRequest[]): Driver {
  const child = ns.spawn(process.execPath, [JITI_CLI, DRIVER, root, JSON.stringify(request)], { stdio: ['pipe', 'pipe', 'pipe'], cwd: REPO_ROOT });
  const events: Driver['events'] = [];
  let stderr = '';
  let partial = '';
  const waiters = new Set<() => void>();
  let done = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { done = true; resolve(); waiters.forEach((w) => w()); }));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout!.on('data', (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines.filter(Boolean)) events.push(JSON.parse(l));
    waiters.forEach((w) => w());
  });
  let seen = 0;
  return {
    child,
    events,
    stderr: () => stderr,
    exited,
    send: (command) => child.stdin!.write(`${command}\n`),
    next: (event) =>
      new Promise((resolve, reject) => {
        const wanted = Array.isArray(event) ? event : [event];
        const check = () => {
          for (; seen < events.length; seen++) {
            if (wanted.includes(events[seen]!.event)) {
              waiters.delete(check);
              return resolve(events[seen++]!);
            }
          }
          if (done) {
            waiters.delete(check);
            reject(new Error(`driver exited before ${wanted.join('/')}; events ${JSON.stringify(events)}; stderr:\n${stderr}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

async function sysctls(ns: Netns): Promise<Record<string, string>> {
  const names = ['net/ipv4/ip_forward', 'net/ipv4/ip_dynaddr', 'net/ipv6/conf/all/forwarding'];
  const values = await Promise.all(names.map(async (n) => (await ns.exec('cat', [`/proc/sys/${n}`])).stdout.trim()));
  return Object.fromEntries(names.map((n, i) => [n, values[i]!]));
}

/** The processes running in the namespace, zombies left out (PID 1 here does not reap orphans). */
async function processes(ns: Netns): Promise<Array<{ pid: string; name: string }>> {
  const pids = await new Promise<string[]>((resolve) => {
    const c = spawn('ip', ['netns', 'pids', ns.name]);
    let o = '';
    c.stdout.on('data', (b) => (o += b));
    c.on('close', () => resolve(o.split(/\s+/).filter(Boolean)));
  });
  const found: Array<{ pid: string; name: string }> = [];
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat && !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) found.push({ pid, name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
  }
  return found;
}

async function processNames(ns: Netns): Promise<string[]> {
  return (await processes(ns)).map((p) => p.name);
}

async function nftTables(ns: Netns): Promise<string> {
  return (await ns.exec('nft', ['list', 'tables'])).stdout;
}

describe('sharing plugin (root, network namespaces)', () => {
  let router: Netns | undefined;
  let client: Netns | undefined;
  let upstream: Netns | undefined;
  let upstreamDns: ChildProcess | undefined;
  let root: string | undefined;
  let driver: Driver | undefined;
  let baseline: Record<string, string>;

  beforeAll(async () => {
    router = await Netns.create('nmksr');
    client = await Netns.create('nmksc');
    upstream = await Netns.create('nmksu');
    await router.addVeth('rc0', 'cl0', client);
    await router.addVeth('ru0', 'up0', upstream);
    await upstream.ip(['addr', 'add', '192.0.2.1/24', 'dev', 'up0']);
    await upstream.ip(['link', 'set', 'up0', 'up']);
    await router.ip(['addr', 'add', '192.0.2.2/24', 'dev', 'ru0']);
    await router.ip(['link', 'set', 'ru0', 'up']);
    await router.ip(['route', 'add', 'default', 'via', '192.0.2.1']);
    // What core puts on the shared link before it asks the plugin.
    await router.ip(['addr', 'add', '10.42.0.1/24', 'dev', 'rc0']);
    await router.ip(['-6', 'addr', 'add', `${ULA.address}/64`, 'dev', 'rc0', 'nodad']);
    await router.ip(['link', 'set', 'rc0', 'up']);
    await client.ip(['link', 'set', 'cl0', 'up']);
    baseline = await sysctls(router);
    root = await mkdtemp(path.join(os.tmpdir(), 'nmk-sharing-root-'));
    // dnsmasq reads resolv.conf after dropping root (to nobody), as under a real "/": the root must be open to it.
    await chmod(root, 0o755);

    // The upstream's name server: the one the router's resolv.conf names.
    upstreamDns = upstream.spawn('dnsmasq', [
      '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces',
      '--listen-address=192.0.2.1', '--except-interface=lo', '--address=/shared.test/192.0.2.55', '--log-facility=-',
      `--pid-file=${path.join(root, 'upstream-dns.pid')}`,
    ]);
    await new Promise<void>((resolve, reject) => {
      let log = '';
      upstreamDns!.stderr!.on('data', (b: Buffer) => {
        log += b.toString();
        if (/started, version/.test(log)) resolve();
      });
      upstreamDns!.once('exit', (code) => reject(new Error(`the upstream's dnsmasq exited (${code}):\n${log}`)));
    });
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'etc/resolv.conf'), 'nameserver 192.0.2.1\n');
  });

  afterEach(async () => {
    if (driver && driver.child.exitCode === null && driver.child.signalCode === null) {
      driver.child.kill('SIGKILL');
      await driver.exited;
    }
    driver = undefined;
    // A failed test may leave what the plugin started: end it, so the next test starts from the baseline.
    for (const { pid, name } of await processes(router!)) if (name === 'dnsmasq') process.kill(Number(pid), 'SIGKILL');
    await router!.tryExec('nft', ['delete', 'table', 'ip', 'nm-shared-rc0']);
    for (const [name, value] of Object.entries(baseline)) await router!.exec('sh', ['-c', `echo ${value} > /proc/sys/${name}`]);
  });

  afterAll(async () => {
    upstreamDns?.kill('SIGKILL');
    // Destroying a namespace kills whatever still runs in it (a dnsmasq the plugin left, if a test failed).
    for (const ns of [client, router, upstream]) await ns?.destroy();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('serves a client: address, default route and DNS by DHCP, NAT to the upstream, SLAAC; stop leaves nothing', async () => {
    const link = { ifindex: Number((await router!.ipJson(['link', 'show', 'rc0']))[0].ifindex), ifname: 'rc0', uuid: 'c0ffee00-0000-4000-8000-000000000001' };
    // As core asks: IPv4 and IPv6 of the link as two requests, served by one dnsmasq.
    driver = startDriver(router!, root!, [
      { ...link, ipv4: { address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254', leaseTime: 600 } },
      { ...link, ipv6: ULA },
    ]);
    const started = await driver.next(['started', 'start-error']);
    expect(started, driver.stderr()).toEqual({ event: 'started' });

    expect(await sysctls(router!)).toEqual({ ...baseline, 'net/ipv4/ip_forward': '1', 'net/ipv4/ip_dynaddr': '1', 'net/ipv6/conf/all/forwarding': '1' });
    expect(await nftTables(router!)).toContain('table ip nm-shared-rc0');
    expect((await processNames(router!)).filter((n) => n === 'dnsmasq')).toHaveLength(1);

    // DHCPv4: busybox udhcpc with a script that configures what it got and writes it down.
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'nmk-udhcpc-'));
    try {
      const script = path.join(tmp, 'script');
      const got = path.join(tmp, 'got');
      await writeFile(script, [
        '#!/bin/sh',
        '[ "$1" = bound ] || exit 0',
        'ip addr add "$ip/$mask" dev "$interface"',
        'ip route add default via "$router" dev "$interface"',
        `printf 'ip=%s\\nmask=%s\\nrouter=%s\\ndns=%s\\nlease=%s\\n' "$ip" "$mask" "$router" "$dns" "$lease" > '${got}'`,
        '',
      ].join('\n'));
      await chmod(script, 0o755);
      const r = await client!.tryExec('busybox', ['udhcpc', '-f', '-q', '-n', '-i', 'cl0', '-t', '10', '-T', '1', '-s', script], { timeoutMs: 60_000 });
      expect(r.code, `udhcpc failed:\n${r.stdout}\n${r.stderr}\n--- plugin ---\n${driver.stderr()}`).toBe(0);
      const lease = Object.fromEntries((await readFile(got, 'utf8')).trim().split('\n').map((l) => l.split('=') as [string, string]));
      const last = Number(lease.ip!.split('.')[3]);
      expect(lease.ip!.startsWith('10.42.0.') && last >= 10 && last <= 254, lease.ip).toBe(true);
      expect(lease).toMatchObject({ mask: '24', router: '10.42.0.1', dns: '10.42.0.1', lease: '600' });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    const [route] = await client!.ipJson(['-4', 'route', 'show', 'default']);
    expect([route.gateway, route.dev]).toEqual(['10.42.0.1', 'cl0']);

    // NAT: the upstream has no route to 10.42.0.0/24, so only a masqueraded ping is answered.
    expect((await upstream!.ip(['-4', 'route', 'show'])).trim()).toBe('192.0.2.0/24 dev up0 proto kernel scope link src 192.0.2.1');
    const ping = await client!.tryExec('busybox', ['ping', '-c', '1', '-W', '5', '192.0.2.1']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    const conntrack = (await router!.exec('cat', ['/proc/net/nf_conntrack'])).stdout;
    expect(conntrack).toMatch(/icmp .* src=10\.42\.0\.\d+ dst=192\.0\.2\.1 .* src=192\.0\.2\.1 dst=192\.0\.2\.2 /);

    // DNS: the router's dnsmasq forwards to the server in the state root's resolv.conf.
    const dig = await client!.exec('dig', ['+time=3', '+tries=3', '@10.42.0.1', 'www.shared.test', 'A']);
    expect(dig.stdout, `${dig.stdout}\n--- plugin ---\n${driver.stderr()}`).toMatch(/^www\.shared\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.55$/m);

    // IPv6: SLAAC in the advertised prefix (router advertisements are periodic; wait for one).
    let slaac: any;
    for (let i = 0; i < 150 && !slaac; i++) {
      const [link] = await client!.ipJson(['-6', 'addr', 'show', 'dev', 'cl0']);
      slaac = (link?.addr_info ?? []).find((a: any) => a.scope === 'global' && String(a.local).startsWith('fd42:4242:4242:1:'));
      if (!slaac) await new Promise((r) => setTimeout(r, 200));
    }
    expect(slaac, `no SLAAC address in ${ULA.prefix}/64 on cl0; plugin log:\n${driver.stderr()}`).toBeDefined();
    expect(slaac.prefixlen).toBe(64);

    driver.send('stop');
    expect(await driver.next(['stopped', 'stop-error'])).toEqual({ event: 'stopped' });
    await driver.exited;
    expect(await processNames(router!)).not.toContain('dnsmasq');
    expect(await nftTables(router!)).not.toContain('nm-shared-rc0');
    expect(await sysctls(router!)).toEqual(baseline);
    expect(existsSync(path.join(root!, 'run/nmk/dnsmasq-rc0.pid'))).toBe(false);
  });

  it('undoes the table and forwarding when dnsmasq cannot serve (an address not on the link), naming its error', async () => {
    driver = startDriver(router!, root!, {
      ifindex: 0,
      ifname: 'rc0',
      uuid: 'c0ffee00-0000-4000-8000-000000000002',
      ipv4: { address: '10.99.0.1', prefixlen: 24, rangeStart: '10.99.0.10', rangeEnd: '10.99.0.254', leaseTime: 3600 },
    });
    const r = await driver.next(['started', 'start-error']);
    expect(r.event, driver.stderr()).toBe('start-error');
    expect(r.message).toMatch(/^plugin sharing \(start\): dnsmasq for rc0 exited with code 2: .*failed to create listening socket for 10\.99\.0\.1/);
    expect(await nftTables(router!)).not.toContain('nm-shared-rc0');
    expect(await sysctls(router!)).toEqual(baseline);
    expect(await processNames(router!)).not.toContain('dnsmasq');
    driver.send('close');
    await driver.exited;
  });

  it('stops every share when the daemon shuts down (ctx.onStop)', async () => {
    driver = startDriver(router!, root!, {
      ifindex: 0,
      ifname: 'rc0',
      uuid: 'c0ffee00-0000-4000-8000-000000000003',
      ipv4: { address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254', leaseTime: 3600 },
    });
    expect(await driver.next(['started', 'start-error']), driver.stderr()).toEqual({ event: 'started' });
    expect(await processNames(router!)).toContain('dnsmasq');
    driver.send('close');
    expect(await driver.next('closed')).toEqual({ event: 'closed' });
    await driver.exited;
    expect(await processNames(router!)).not.toContain('dnsmasq');
    expect(await nftTables(router!)).not.toContain('nm-shared-rc0');
    expect(await sysctls(router!)).toEqual(baseline);
  });
});
