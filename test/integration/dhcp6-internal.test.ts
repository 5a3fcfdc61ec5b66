/**
 * nmk's internal DHCPv6 client against the real dnsmasq as DHCPv6 server,
 * over a veth pair between two network namespaces: stateful (an address from
 * the range, with the DUID and IAID we sent recorded in dnsmasq's lease
 * file, and the RELEASE that frees it), stateless (information-only: DNS
 * servers and search domains), and a server that never answers (timeout).
 * The client runs inside the near namespace through
 * dhcp6-internal-driver.ts; the link-local address is fresh (tentative) when
 * it starts, so the bind retry is exercised on the real kernel.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DhcpRequest } from '../../sdk/index.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';
import { Netns } from '../harness/netns.js';

const DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dhcp6-internal-driver.ts');
const DUID = '00:04:33:e8:7c:10:b6:ad:ca:84:2d:29:a2:c5:ad:73:f3:86';
const IAID = 0xab61face;

function request(over: Partial<DhcpRequest>): DhcpRequest {
  return { family: 6, ifindex: 0, ifname: 'c6', hwaddr: '', uuid: 'u', clientId: DUID, iaid: IAID, timeout: 30, rejectServers: [], leaseFile: '/nonexistent', ...over };
}

describe('internal DHCPv6 client against dnsmasq', () => {
  let near: Netns | undefined;
  let far: Netns | undefined;
  let dnsmasq: Dnsmasq | undefined;

  beforeEach(async () => {
    near = await Netns.create('nmk6n');
    far = await Netns.create('nmk6f');
    await near.addVeth('c6', 's6', far);
    await far.ip(['link', 'set', 's6', 'up']);
    // The server's address in the prefix it serves; nodad: dnsmasq ignores a tentative address.
    await far.ip(['-6', 'addr', 'add', 'fd42::1/64', 'dev', 's6', 'nodad']);
    await near.ip(['link', 'set', 'c6', 'up']);
  });

  afterEach(async () => {
    await dnsmasq?.stop();
    dnsmasq = undefined;
    await near?.destroy();
    await far?.destroy();
  });

  async function runClient(req: DhcpRequest, release = false): Promise<{ event: any; log: string }> {
    const r = await near!.runScript(DRIVER, [JSON.stringify(req), release ? 'release' : ''], { timeoutMs: 90_000 });
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    let event: any;
    try {
      event = JSON.parse(line);
    } catch {
      throw new Error(`the client driver printed no event (exit ${r.code}):\n${r.stdout}\n${r.stderr}\n--- dnsmasq ---\n${dnsmasq?.log() ?? ''}`);
    }
    return { event, log: r.stderr };
  }

  it('stateful: gets an address from the range; dnsmasq records our DUID and IAID; RELEASE frees it', async () => {
    dnsmasq = await startDnsmasq({
      ns: far!,
      iface: 's6',
      range: '10.46.0.10,10.46.0.20',
      extraArgs: ['--dhcp-range=fd42::100,fd42::1ff,64,2m', '--dhcp-option=option6:dns-server,[fd42::53]', '--dhcp-option=option6:domain-search,corp.example,lab.example'],
    });
    const { event, log } = await runClient(request({ hostname: 'box6' }), true);
    expect(event.lease, `no lease:\n${log}\n--- dnsmasq ---\n${dnsmasq.log()}`).toBeDefined();
    const lease = event.lease;
    expect(lease.addresses).toHaveLength(1);
    const addr: string = lease.addresses[0].address;
    const last = parseInt(addr.split(':').at(-1)!, 16);
    expect(addr.startsWith('fd42::')).toBe(true);
    expect(last).toBeGreaterThanOrEqual(0x100);
    expect(last).toBeLessThanOrEqual(0x1ff);
    expect(lease.addresses[0]).toMatchObject({ prefixlen: 128, validLifetime: 120 });
    expect(lease.nameservers).toEqual(['fd42::53']);
    expect(lease.domains).toEqual(['corp.example', 'lab.example']);
    expect(lease.options).toMatchObject({ dhcp6_client_id: DUID, iaid: 'ab:61:fa:ce', ip6_address: addr, dhcp6_name_servers: 'fd42::53', dhcp6_domain_search: 'corp.example lab.example' });

    // dnsmasq's log of the exchange names our DUID, the IAID and the host name from the FQDN option.
    const dlog = dnsmasq.log();
    expect(dlog).toMatch(new RegExp(`DHCPREPLY\\(s6\\) ${addr.replace(/\./g, '\\.')} ${DUID} box6`));
    expect(dlog).toMatch(new RegExp(`IAID=${IAID}`));
    // The RELEASE reached it and freed the address (dnsmasq logs DHCPRELEASE and drops the lease).
    expect(dlog).toMatch(new RegExp(`DHCPRELEASE\\(s6\\) ${DUID}`));
  });

  it('stateful: the lease file holds our DUID and IAID while the lease is held', async () => {
    dnsmasq = await startDnsmasq({ ns: far!, iface: 's6', range: '10.46.0.10,10.46.0.20', extraArgs: ['--dhcp-range=fd42::100,fd42::1ff,64,2m'] });
    const { event } = await runClient(request({}), false);
    expect(event.lease).toBeDefined();
    const addr: string = event.lease.addresses[0].address;
    // dnsmasq writes "<expiry> <iaid> <address> <name> <client DUID>" for each IPv6 lease.
    let leases = '';
    for (let i = 0; i < 50 && !leases.includes(addr); i++) {
      leases = await readFile(dnsmasq.leasesFile, 'utf8').catch(() => '');
      if (!leases.includes(addr)) await new Promise((r) => setTimeout(r, 100));
    }
    const row = leases.split('\n').find((l) => l.includes(` ${addr} `));
    expect(row, leases).toBeDefined();
    const [, iaid, address, , duid] = row!.split(' ');
    expect({ iaid: Number(iaid), address, duid }).toEqual({ iaid: IAID, address: addr, duid: DUID });
  });

  it('stateless: information-only gets the DNS servers and search domains, no address', async () => {
    dnsmasq = await startDnsmasq({
      ns: far!,
      iface: 's6',
      range: '10.46.0.10,10.46.0.20',
      extraArgs: ['--dhcp-range=fd42::,ra-stateless', '--dhcp-option=option6:dns-server,[fd42::53],[fd42::54]', '--dhcp-option=option6:domain-search,corp.example'],
    });
    const { event, log } = await runClient(request({ infoOnly: true }));
    expect(event.lease, `no information:\n${log}\n--- dnsmasq ---\n${dnsmasq.log()}`).toBeDefined();
    expect(event.lease).toMatchObject({ family: 6, addresses: [], nameservers: ['fd42::53', 'fd42::54'], domains: ['corp.example'] });
    expect(event.lease.options).toEqual({ dhcp6_client_id: DUID, iaid: 'ab:61:fa:ce', dhcp6_name_servers: 'fd42::53 fd42::54', dhcp6_domain_search: 'corp.example' });
    expect(dnsmasq.log()).toMatch(/DHCPINFORMATION-REQUEST\(s6\)/);
  });

  it('a server that never answers: onFailure timeout after the request timeout', async () => {
    // No dnsmasq at all: the SOLICITs go unanswered. Long enough for the fresh link-local address to leave
    // duplicate address detection on a loaded machine, so that SOLICITs are sent before the timeout.
    const { event, log } = await runClient(request({ timeout: 10 }));
    expect(event, log).toEqual({ failure: ['timeout', 'DHCPv6 on c6: no lease within 10 s'] });
    expect(log).toMatch(/send SOLICIT/);
  });
});
