/**
 * The internal DHCPv4 client (plugins/dhcp-internal/v4) against a real
 * dnsmasq, through the real Linux PacketIo (its helper runs in the client
 * namespace). dnsmasq's shortest lease is 120 s; it passes options 58/59
 * through, so T1 = 5 s and T2 = 8 s show renewal without waiting a minute.
 * Checks what dnsmasq's lease file records (client id, host name), what the
 * client reports, RENEW by unicast, RELEASE, INIT-REBOOT from the lease
 * file, and DECLINE of an address another host answers ARP for.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DhcpFailure, DhcpLease, DhcpRequest, Logger } from '../../sdk/index.js';
import { startDhcp4, type Dhcp4Client } from '../../plugins/dhcp-internal/v4/client.js';
import { LinuxPacketIo } from '../../plugins/platform-linux/packet-io/linux-packet-io.js';
import { packetHelperPath } from '../../plugins/platform-linux/packet-io/helper-process.js';
import { Netns } from '../harness/netns.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';

const SERVER_IP = '10.77.0.1';
const RANGE = '10.77.0.10,10.77.0.40';
const FIXED = '10.77.0.60'; // dhcp-host for the second MAC, already used by another host: ACD must see it

/** Collects what a session reports, with a way to wait for the n-th lease. */
class Events {
  readonly leases: DhcpLease[] = [];
  readonly failures: { reason: DhcpFailure; message: string }[] = [];
  private waiters: Array<() => void> = [];
  onLease = (l: DhcpLease): void => {
    this.leases.push(l);
    this.wake();
  };
  onFailure = (reason: DhcpFailure, message: string): void => {
    this.failures.push({ reason, message });
    this.wake();
  };
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  /** Resolves when `n` leases came; rejects on a failure, with the client's and dnsmasq's logs. */
  async lease(n: number, diagnostics: () => string): Promise<DhcpLease> {
    while (this.leases.length < n) {
      if (this.failures.length) throw new Error(`DHCP failed: ${JSON.stringify(this.failures)}\n${diagnostics()}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
    return this.leases[n - 1]!;
  }
}

function logger(lines: string[]): Logger {
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  const l: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => l, isEnabled: () => true };
  return l;
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 100));
}

describe('internal DHCPv4 client against dnsmasq', () => {
  let client: Netns | undefined;
  let far: Netns | undefined;
  let squatter: Netns | undefined;
  let dnsmasq: Dnsmasq | undefined;
  let io: LinuxPacketIo | undefined;
  let dir: string | undefined;
  const sessions: Dhcp4Client[] = [];
  const lines: string[] = [];
  const link: Record<'c1' | 'c2', { ifindex: number; mac: string }> = {} as never;

  beforeAll(async () => {
    packetHelperPath(); // not built: fails here, naming `npm run build`
    dir = await mkdtemp(path.join(os.tmpdir(), 'nmk-dhcp4-int-'));
    client = await Netns.create('nmkd4c');
    far = await Netns.create('nmkd4s');
    // One segment: a bridge in the server namespace with both client links on it.
    await far.ip(['link', 'add', 'br0', 'type', 'bridge']);
    await far.ip(['link', 'set', 'br0', 'up']);
    for (const [dev, peer] of [['c1', 'p1'], ['c2', 'p2']] as const) {
      await client.addVeth(dev, peer, far);
      await far.ip(['link', 'set', peer, 'master', 'br0']);
      await far.ip(['link', 'set', peer, 'up']);
      await client.ip(['link', 'set', dev, 'up']);
      const [l] = await client.ipJson(['link', 'show', dev]);
      link[dev] = { ifindex: l.ifindex, mac: l.address };
    }
    // A third host on the segment squats on FIXED: it answers ARP for it.
    squatter = await Netns.create('nmkd4q');
    await squatter.addVeth('sq0', 'p3', far);
    await far.ip(['link', 'set', 'p3', 'master', 'br0']);
    await far.ip(['link', 'set', 'p3', 'up']);
    await squatter.ip(['addr', 'add', `${FIXED}/24`, 'dev', 'sq0']);
    await squatter.ip(['link', 'set', 'sq0', 'up']);
    dnsmasq = await startDnsmasq({
      ns: far,
      iface: 'br0',
      range: RANGE,
      address: `${SERVER_IP}/24`,
      leaseTime: '120',
      extraArgs: [
        '--no-ping',
        '--dhcp-option=58,5',
        '--dhcp-option=59,8',
        `--dhcp-option=option:router,${SERVER_IP}`,
        '--dhcp-option=option:domain-name,example.test',
        '--dhcp-option=option:domain-search,example.test,lab.example.test',
        '--dhcp-option=option:mtu,1400',
        `--dhcp-option=option:ntp-server,${SERVER_IP}`,
        `--dhcp-host=${link.c2.mac},${FIXED}`,
      ],
    });
    io = new LinuxPacketIo({ launcher: ['ip', 'netns', 'exec', client.name] });
  });

  afterAll(async () => {
    for (const s of sessions) await s.stop(false).catch(() => undefined);
    io?.stop();
    await dnsmasq?.stop();
    await client?.destroy();
    await far?.destroy();
    await squatter?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const request = (dev: 'c1' | 'c2', over: Partial<DhcpRequest> = {}): DhcpRequest => ({
    family: 4,
    ifindex: link[dev].ifindex,
    ifname: dev,
    hwaddr: link[dev].mac,
    uuid: '0d8b9e4c-1f2a-4b7e-9a55-000000000007',
    clientId: `01:${link[dev].mac}`,
    iaid: 0,
    hostname: `nmk-${dev}`,
    timeout: 20,
    rejectServers: [],
    leaseFile: path.join(dir!, `internal-${dev}.lease`),
    ...over,
  });

  const diagnostics = () => `client log:\n${lines.slice(-40).join('\n')}\ndnsmasq log:\n${dnsmasq?.log().slice(-3000)}`;

  async function leaseLine(mac: string): Promise<string | undefined> {
    const text = await readFile(dnsmasq!.leasesFile, 'utf8').catch(() => '');
    return text.split('\n').find((l) => l.split(' ')[1] === mac);
  }

  it('gets a lease, renews it by unicast at T1, releases it, then reboots into it from the lease file', async () => {
    const ev = new Events();
    const s = await startDhcp4(request('c1'), ev, { io: io!, logger: logger(lines) });
    sessions.push(s);
    const lease = await ev.lease(1, diagnostics);
    const address = lease.addresses[0]!.address;
    expect(address).toMatch(/^10\.77\.0\.(1\d|2\d|3\d|40)$/);
    expect(lease).toMatchObject({
      family: 4,
      addresses: [{ address, prefixlen: 24 }],
      gateways: [SERVER_IP],
      serverId: SERVER_IP,
      leaseTime: 120,
      domains: ['example.test', 'lab.example.test'],
      ntpServers: [SERVER_IP],
      mtu: 1400,
    });
    expect(lease.options).toMatchObject({ ip_address: address, subnet_mask: '255.255.255.0', routers: SERVER_IP, dhcp_server_identifier: SERVER_IP, dhcp_client_identifier: `01:${link.c1.mac}` });

    // What dnsmasq recorded: "<expiry> <mac> <ip> <hostname> <client-id>".
    await until(async () => (await leaseLine(link.c1.mac)) !== undefined);
    const [expiry1, mac, ip, hostname, clientId] = (await leaseLine(link.c1.mac))!.split(' ');
    expect([mac, ip, hostname, clientId]).toEqual([link.c1.mac, address, 'nmk-c1', `01:${link.c1.mac}`]);

    // As core would: put the address on the link, so dnsmasq's unicast replies find us (ARP).
    await client!.ip(['addr', 'add', `${address}/24`, 'dev', 'c1']);
    const renewed = await ev.lease(2, diagnostics);
    expect(renewed.addresses[0]!.address).toBe(address);
    expect(lines.some((l) => l.includes(`send REQUEST of ${address} to ${SERVER_IP}`))).toBe(true);
    await until(() => new RegExp(`DHCPACK\\(br0\\) ${address.replaceAll('.', '\\.')} ${link.c1.mac}`).test(dnsmasq!.log().split('DHCPREQUEST').slice(2).join('')));
    const [expiry2] = (await leaseLine(link.c1.mac))!.split(' ');
    expect(Number(expiry2)).toBeGreaterThan(Number(expiry1));

    expect(await readFile(path.join(dir!, 'internal-c1.lease'), 'utf8')).toContain(`ADDRESS=${address}\n`);
    await s.stop(true);
    await until(() => /DHCPRELEASE\(br0\)/.test(dnsmasq!.log()));
    await until(async () => (await leaseLine(link.c1.mac)) === undefined);
    expect(ev.failures).toEqual([]);

    // A new session reads the lease file: INIT-REBOOT (a REQUEST, no DISCOVER) gets the same address.
    const discoversBefore = (dnsmasq!.log().match(/DHCPDISCOVER\(br0\)/g) ?? []).length;
    const ev2 = new Events();
    const s2 = await startDhcp4(request('c1'), ev2, { io: io!, logger: logger(lines) });
    sessions.push(s2);
    expect((await ev2.lease(1, diagnostics)).addresses[0]!.address).toBe(address);
    expect((dnsmasq!.log().match(/DHCPDISCOVER\(br0\)/g) ?? []).length).toBe(discoversBefore);
    await s2.stop(false);
    await client!.ip(['addr', 'flush', 'dev', 'c1']);
  });

  it('declines an address another host answers ARP for, and dnsmasq records the DECLINE', async () => {
    const ev = new Events();
    // timeout: dnsmasq keeps offering its dhcp-host address; the client keeps declining it and never binds.
    const s = await startDhcp4(request('c2', { acdTimeout: 200, timeout: 15 }), ev, { io: io!, logger: logger(lines) });
    sessions.push(s);
    await until(() => new RegExp(`DHCPDECLINE\\(br0\\) ${FIXED.replaceAll('.', '\\.')} ${link.c2.mac}`).test(dnsmasq!.log()));
    expect(lines.some((l) => l.includes(`acd: address ${FIXED} is already used by`))).toBe(true);
    expect(ev.leases).toEqual([]);
    await s.stop(false);
  });
});
