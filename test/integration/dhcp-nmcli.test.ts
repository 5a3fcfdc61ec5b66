/**
 * DHCPv4 through nmkd and the real nmcli, once per client plugin
 * (`[main] dhcp=internal` and `[main] dhcp=dhclient`): dnsmasq in a peer
 * namespace hands out a two-minute lease with T1 = 4 s and T2 = 7 s, so the
 * client renews every few seconds. `nmcli connection up` gets the address,
 * gateway and DNS; renewals refresh the address's lifetime in place (`ip
 * monitor` never shows it deleted) with unicast REQUEST/ACK exchanges that
 * dnsmasq logs (an nftables counter on the server sees them sent to its own
 * address); DHCP4.OPTION shows the options under the names and with the
 * values the real NetworkManager 1.42 shows with the same client for the
 * same dnsmasq (both merge the distribution's /etc/dhcp/dhclient.conf);
 * `down` removes the address and ends dhclient.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';
import { Netns } from '../harness/netns.js';
import { startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';
import { parseTerse } from '../harness/nmcli.js';

const UUID = '8e0c6a52-2f4b-4b8e-9d3a-6c1f0d2e0001';
const PROFILE = `[connection]
id=lan
uuid=${UUID}
type=ethernet
interface-name=veth0
autoconnect=false

[ipv4]
method=auto
dhcp-hostname=nmk-renew
# Explicit: with dhclient, NetworkManager sends no client id unless asked (the default is compared in dhcp-nmcli-identity.test.ts).
dhcp-client-id=mac
may-fail=false

[ipv6]
method=ignore
`;

/** dnsmasq's options for every server here: routers, DNS, domain, and short T1/T2 so renewals come quickly. */
const SERVER_OPTIONS = [
  '--dhcp-option=option:router,192.0.2.1',
  '--dhcp-option=option:dns-server,192.0.2.253,192.0.2.254',
  '--dhcp-option=option:domain-name,example.test',
  '--dhcp-option=option:ntp-server,192.0.2.123',
  '--dhcp-option=58,4',
  '--dhcp-option=59,7',
];

const execFileP = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` until it returns a defined value; the error names `what`. */
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Lines `ip -o monitor address` prints in a namespace, until stopped. */
class AddressMonitor {
  readonly lines: string[] = [];
  private constructor(private readonly proc: ChildProcess) {
    let partial = '';
    proc.stdout!.on('data', (b: Buffer) => {
      const parts = (partial + b.toString()).split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts.filter(Boolean));
    });
  }
  static async start(ns: Netns): Promise<AddressMonitor> {
    const m = new AddressMonitor(ns.spawn('ip', ['-o', 'monitor', 'address']));
    // The monitor is listening once its process runs; an address added and removed on lo proves it.
    for (let i = 0; i < 50 && !m.lines.some((l) => l.includes('198.18.255.254')); i++) {
      await ns.ip(['addr', 'add', '198.18.255.254/32', 'dev', 'lo']).catch(() => undefined);
      await ns.ip(['addr', 'del', '198.18.255.254/32', 'dev', 'lo']).catch(() => undefined);
      await sleep(100);
    }
    if (!m.lines.some((l) => l.includes('198.18.255.254'))) throw new Error('ip monitor address did not start');
    return m;
  }
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    await new Promise((r) => this.proc.once('exit', r));
  }
}

/**
 * Count, in the server's namespace, the DHCP packets sent to the server's own
 * address (unicast renewals) rather than broadcast: an nftables counter.
 */
async function countUnicastToServer(srv: Netns): Promise<() => Promise<number>> {
  await srv.exec('nft', ['add table inet nmkdhcp']);
  await srv.exec('nft', ['add chain inet nmkdhcp in { type filter hook input priority 0 ; }']);
  await srv.exec('nft', ['add rule inet nmkdhcp in ip daddr 192.0.2.1 udp dport 67 counter']);
  return async () => Number(/counter packets (\d+)/.exec((await srv.exec('nft', ['list chain inet nmkdhcp in'])).stdout)?.[1] ?? NaN);
}

/** The global IPv4 addresses of a link, as `ip -j` reports them. */
async function v4Addresses(ns: Netns, dev: string): Promise<any[]> {
  return ((await ns.ipJson<any[]>(['-4', 'addr', 'show', 'dev', dev]))[0]?.addr_info ?? []).filter((a: any) => a.scope === 'global');
}

/** dhclient processes in the namespace whose command line names `ifname` (a zombie has ended). */
async function dhclientsFor(ns: Netns, ifname: string): Promise<number[]> {
  const { stdout } = await execFileP('ip', ['netns', 'pids', ns.name]);
  const pids: number[] = [];
  for (const pid of stdout.split(/\s+/).filter(Boolean)) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
      if (/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'latin1'))) continue;
      if (argv[0]?.endsWith('dhclient') && argv.includes(ifname)) pids.push(Number(pid));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

/** The names in `nmcli -t -f DHCP4.OPTION device show` ("DHCP4.OPTION[3]:routers = 192.0.2.1"). */
function optionMap(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [field, ...rest] of parseTerse(stdout)) {
    if (!field?.startsWith('DHCP4.OPTION')) continue;
    const text = rest.join(':');
    const eq = text.indexOf(' = ');
    if (eq > 0) out.set(text.slice(0, eq), text.slice(eq + 3));
  }
  return out;
}

/** The option names each client's DHCP4Config showed, for the comparison with NetworkManager at the end. */
const seenOptions = new Map<string, Map<string, string>>();

describe.each(['internal', 'dhclient'] as const)('[main] dhcp=%s through nmcli against dnsmasq', (client) => {
  let ns: Netns | undefined;
  let srv: Netns | undefined;
  let d: Daemon | undefined;
  let dnsmasq: Dnsmasq | undefined;
  let monitor: AddressMonitor | undefined;
  let address = '';
  let unicastRequests: () => Promise<number>;

  beforeAll(async () => {
    ns = await Netns.create('nmkdn');
    srv = await Netns.create('nmkds');
    await ns.addVeth('veth0', 'veth1', srv);
    await ns.ip(['link', 'set', 'veth0', 'up']);
    dnsmasq = await startDnsmasq({ ns: srv, iface: 'veth1', range: '192.0.2.50,192.0.2.60', leaseTime: '120', extraArgs: SERVER_OPTIONS });
    unicastRequests = await countUnicastToServer(srv);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: `[main]\ndhcp=${client}\n`,
      files: {
        'etc/nmk/system-connections/lan.nmconnection': { text: PROFILE, mode: 0o600 },
        // The distribution's dhclient.conf, which both NetworkManager and nmk merge in (from under nmk's root).
        ...(fs.existsSync('/etc/dhcp/dhclient.conf') ? { 'etc/dhcp/dhclient.conf': { text: fs.readFileSync('/etc/dhcp/dhclient.conf', 'utf8'), mode: 0o644 } } : {}),
      },
    });
  });
  afterAll(async () => {
    await monitor?.stop();
    await d?.cleanup();
    await dnsmasq?.stop();
    await ns?.destroy();
    await srv?.destroy();
  });

  it('nmcli connection up gets the lease: address, gateway, DNS', async () => {
    monitor = await AddressMonitor.start(ns!);
    const r = await d!.nmcli(['connection', 'up', 'lan'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const v4 = await v4Addresses(ns!, 'veth0');
    expect(v4).toHaveLength(1);
    address = v4[0].local;
    expect(address).toMatch(/^192\.0\.2\.(5\d|60)$/);
    expect(v4[0].prefixlen).toBe(24);
    expect(v4[0].valid_life_time).toBeGreaterThan(0);
    expect(v4[0].valid_life_time).toBeLessThanOrEqual(120);
    const routes = await ns!.ipJson<any[]>(['-4', 'route', 'show', 'dev', 'veth0']);
    expect(routes).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '192.0.2.1', protocol: 'dhcp', metric: 100 }));
    const show = (await d!.nmcli(['-t', '-f', 'GENERAL.STATE,IP4.ADDRESS,IP4.GATEWAY,IP4.DNS,IP4.DOMAIN', 'device', 'show', 'veth0'])).stdout;
    expect(parseTerse(show)).toEqual([
      ['GENERAL.STATE', '100 (connected)'],
      ['IP4.ADDRESS[1]', `${address}/24`],
      ['IP4.GATEWAY', '192.0.2.1'],
      ['IP4.DNS[1]', '192.0.2.253'],
      ['IP4.DNS[2]', '192.0.2.254'],
      ['IP4.DOMAIN[1]', 'example.test'],
    ]);
    if (client === 'dhclient') expect(await dhclientsFor(ns!, 'veth0')).toHaveLength(1);
    else expect(await dhclientsFor(ns!, 'veth0')).toEqual([]);
  });

  it('renews twice by unicast without removing the address: valid_lft goes back up, ip monitor shows no Deleted', async () => {
    const acks = () => dnsmasq!.log().split('\n').filter((l) => l.includes(`DHCPACK(veth1) ${address} `)).length;
    const first = acks();
    const unicastBefore = await unicastRequests();
    const lifetimes: number[] = [];
    await until('two renewals in dnsmasq\'s log', async () => {
      lifetimes.push((await v4Addresses(ns!, 'veth0'))[0]?.valid_life_time ?? -1);
      return acks() >= first + 2 ? true : undefined;
    });
    // The kernel counts valid_lft down; only a refresh makes it go up again.
    await until('the address\'s lifetime to be refreshed', async () => {
      lifetimes.push((await v4Addresses(ns!, 'veth0'))[0]?.valid_life_time ?? -1);
      return lifetimes.some((v, i) => i > 0 && v > lifetimes[i - 1]!) ? true : undefined;
    });
    expect(lifetimes.every((v) => v > 0), JSON.stringify(lifetimes)).toBe(true);
    const ours = monitor!.lines.filter((l) => l.includes(` ${address}/24 `));
    expect(ours.filter((l) => l.startsWith('Deleted')), ours.join('\n')).toEqual([]);
    // The first ACK put the address there; each renewal refreshed it in place.
    expect(ours.length, ours.join('\n')).toBeGreaterThanOrEqual(3);
    // dnsmasq logged the REQUEST/ACK exchanges, and the REQUESTs came to its own address (RENEWING is unicast, RFC 2131 4.4.5).
    expect(dnsmasq!.log().split('\n').filter((l) => l.includes(`DHCPREQUEST(veth1) ${address} `)).length).toBeGreaterThanOrEqual(first + 2);
    expect(await unicastRequests()).toBeGreaterThanOrEqual(unicastBefore + 2);
  });

  it('nmcli shows the lease\'s options under NetworkManager\'s names', async () => {
    const options = optionMap((await d!.nmcli(['-t', '-f', 'DHCP4.OPTION', 'device', 'show', 'veth0'])).stdout);
    seenOptions.set(client, options);
    expect(options.get('ip_address')).toBe(address);
    expect(options.get('routers')).toBe('192.0.2.1');
    expect(options.get('domain_name_servers')).toBe('192.0.2.253 192.0.2.254');
    expect(options.get('domain_name')).toBe('example.test');
    expect(options.get('subnet_mask')).toBe('255.255.255.0');
    expect(options.get('dhcp_server_identifier')).toBe('192.0.2.1');
    expect(Number(options.get('dhcp_lease_time'))).toBeGreaterThan(0);
    expect(Number(options.get('dhcp_lease_time'))).toBeLessThanOrEqual(120);
  });

  it('nmcli connection down removes the address and the route, and ends dhclient', async () => {
    const r = await d!.nmcli(['connection', 'down', 'lan'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(await v4Addresses(ns!, 'veth0')).toEqual([]);
    expect((await ns!.ipJson<any[]>(['-4', 'route', 'show', 'dev', 'veth0'])).filter((x) => x.protocol === 'dhcp')).toEqual([]);
    expect(await dhclientsFor(ns!, 'veth0')).toEqual([]);
    expect(parseTerse((await d!.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout)).toContainEqual(['veth0', 'disconnected']);
    expect(monitor!.lines.filter((l) => l.startsWith('Deleted') && l.includes(` ${address}/24 `))).toHaveLength(1);
  });

  it('nmkd stopping (SIGTERM) leaves the lease\'s address for the next start and ends every DHCP client process', async () => {
    const r = await d!.nmcli(['connection', 'up', 'lan'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const before = (await v4Addresses(ns!, 'veth0')).map((a) => `${a.local}/${a.prefixlen}`);
    expect(before).toHaveLength(1);
    expect(await d!.stop()).toBe(0);
    expect((await v4Addresses(ns!, 'veth0')).map((a) => `${a.local}/${a.prefixlen}`)).toEqual(before);
    // Our pid 1 reaps no orphans: a dhclient left behind would show here as a live process, not a zombie.
    expect(await dhclientsFor(ns!, 'veth0')).toEqual([]);
  });
});

describe.each(['internal', 'dhclient'] as const)('NetworkManager 1.42 with dhcp=%s against the same dnsmasq', (client) => {
  let ns: Netns | undefined;
  let srv: Netns | undefined;
  let nm: NetworkManagerInstance | undefined;
  let dnsmasq: Dnsmasq | undefined;

  beforeAll(async () => {
    ns = await Netns.create('nmkdN');
    srv = await Netns.create('nmkdS');
    await ns.addVeth('veth0', 'veth1', srv);
    await ns.ip(['link', 'set', 'veth0', 'up']);
    dnsmasq = await startDnsmasq({ ns: srv, iface: 'veth1', range: '192.0.2.50,192.0.2.60', leaseTime: '120', extraArgs: SERVER_OPTIONS });
    nm = await startNetworkManager({ ns, networking: true, keyfiles: { 'lan.nmconnection': PROFILE }, extraConfig: `\n[main]\ndhcp=${client}\n` });
  });
  afterAll(async () => {
    await nm?.cleanup();
    await dnsmasq?.stop();
    await ns?.destroy();
    await srv?.destroy();
  });

  it('shows the same DHCP4 options (names and values) as nmk', async () => {
    const r = await nm!.nmcli(['connection', 'up', 'lan'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr + r.stdout + nm!.output().slice(-4000)).toBe(0);
    const theirs = optionMap((await nm!.nmcli(['-t', '-f', 'DHCP4.OPTION', 'device', 'show', 'veth0'])).stdout);
    const ours = seenOptions.get(client);
    expect(ours, 'the nmk run above did not record its options').toBeDefined();
    // NetworkManager hands its own DBUS_SYSTEM_BUS_ADDRESS to dhclient (-e), which the harness sets for the private bus: not an option.
    // The address, client id (01 + MAC), expiry and the seconds left differ from run to run; every other value must match too.
    const perRun = new Set(['ip_address', 'dhcp_client_identifier', 'expiry', 'dhcp_lease_time']);
    const view = (m: Map<string, string>) =>
      Object.fromEntries([...m].filter(([k]) => k !== 'DBUS_SYSTEM_BUS_ADDRESS').map(([k, v]) => [k, perRun.has(k) ? '(per run)' : v]).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(view(ours!)).toEqual(view(theirs));
  });
});
