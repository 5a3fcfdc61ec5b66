/**
 * `ipv6.method shared` with a prefix delegated from upstream, end to end:
 *
 *   up (dnsmasq: router advertisements without the M flag; ISC dhcpd -6
 *   with a prefix6 pool) --veth-- nmkd (wan: ipv6 auto, share: ipv6 shared)
 *   --veth-- client (SLAAC)
 *
 * With no delegating server the shared link advertises its ULA once the
 * wait for a prefix is over; when dhcpd starts, the upstream's IA_PD
 * client gets a /56 and the shared link moves to its first /64 (dhcpd's
 * lease file shows the delegation, the client takes a SLAAC address in it);
 * when the upstream goes down, the shared link goes back to the ULA.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ipaddr from 'ipaddr.js';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';
import { startDhcpd6, type Dhcpd6 } from '../harness/dhcpd.js';
import { Netns } from '../harness/netns.js';

const WAN = `[connection]
id=wan
uuid=6a0d6a55-2d8e-4b0e-8f36-3c7a5c1e0d01
type=ethernet
interface-name=wan0
autoconnect=false

[ipv4]
method=disabled

[ipv6]
method=auto
`;

const SHARE = `[connection]
id=share
uuid=6a0d6a55-2d8e-4b0e-8f36-3c7a5c1e0d02
type=ethernet
interface-name=sh0
autoconnect=false

[ipv4]
method=disabled

[ipv6]
method=shared
`;

/** The delegation pool: /56s out of 2001:db8:100::/40. */
const POOL: [string, string, number] = ['2001:db8:100::', '2001:db8:1ff::', 56];

async function globals(ns: Netns, dev: string): Promise<string[]> {
  const info = (await ns.ipJson<any[]>(['-6', 'addr', 'show', 'dev', dev]))[0]?.addr_info ?? [];
  return info.filter((a: any) => a.scope === 'global').map((a: any) => `${a.local}/${a.prefixlen}`);
}

/** Poll until `check` gives a value (a bounded wait for the network, not a timing assertion). */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`never happened within ${ms / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function inside(address: string, prefix: string, len: number): boolean {
  return ipaddr.IPv6.parse(address).match(ipaddr.IPv6.parse(prefix), len);
}

describe('IPv6 sharing with prefix delegation (ISC dhcpd)', () => {
  let up: Netns;
  let mid: Netns;
  let client: Netns;
  let ra: Dnsmasq | undefined;
  let dhcpd: Dhcpd6 | undefined;
  let d: Daemon;
  let ula = '';

  beforeAll(async () => {
    up = await Netns.create('nmkpdu');
    mid = await Netns.create('nmkpdm');
    client = await Netns.create('nmkpdc');
    await up.addVeth('up0', 'wan0', mid);
    await mid.addVeth('sh0', 'cl0', client);
    for (const [ns, dev] of [[mid, 'wan0'], [mid, 'sh0'], [client, 'cl0']] as const) await ns.ip(['link', 'set', dev, 'up']);
    // Router advertisements for 2001:db8:1::/64, no M or O flag: the IA_PD request is the shared link's doing.
    ra = await startDnsmasq({ ns: up, iface: 'up0', range: '10.77.0.10,10.77.0.20', ipv6Ra: true, ipv6Prefix: '2001:db8:1::' });
    d = await startDaemon({
      ns: mid,
      profile: 'server',
      files: {
        'etc/nmk/system-connections/wan.nmconnection': { text: WAN, mode: 0o600 },
        'etc/nmk/system-connections/share.nmconnection': { text: SHARE, mode: 0o600 },
      },
    });
    const r = await d.nmcli(['connection', 'up', 'wan'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await d?.cleanup();
    await dhcpd?.stop();
    await ra?.stop();
    for (const ns of [client, mid, up]) await ns?.destroy();
  });

  it('without a delegating server the shared link advertises its ULA, and the client takes an address in it', async () => {
    const r = await d.nmcli(['connection', 'up', 'share'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const own = await globals(mid, 'sh0');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatch(/^fd[0-9a-f]{2}:[0-9a-f:]+::1\/64$/);
    ula = own[0]!.replace(/1\/64$/, '');
    expect(d.logs.some((l) => /waiting up to 5 s for a delegated prefix/.test(l.msg))).toBe(true);
    await eventually(async () => (await globals(client, 'cl0')).find((a) => inside(a.split('/')[0]!, ula, 64)), `a SLAAC address in ${ula}/64 on the client`);
  }, 90_000);

  it('when dhcpd delegates a /56 the shared link moves to its first /64, and so does the client', async () => {
    dhcpd = await startDhcpd6({ ns: up, iface: 'up0', subnet: '2001:db8:1::/64', prefixes: POOL });
    // The upstream's IA_PD client has been soliciting since the share started; its next try reaches dhcpd.
    const moved = await eventually(async () => (await globals(mid, 'sh0')).find((a) => inside(a.split('/')[0]!, '2001:db8:100::', 40)), 'an address of the delegated pool on sh0', 90_000);
    const leases = await dhcpd.leases();
    const delegated = /ia-pd [^{]*\{[^}]*?iaprefix ([0-9a-f:]+)\/56/s.exec(leases)?.[1];
    expect(delegated, leases).toBeDefined();
    expect(leases).toMatch(/binding state active/);
    // NetworkManager's numbering: the first shared link takes subnet 0, <prefix>::1 for the router.
    const first = ipaddr.IPv6.parse(delegated!).toString();
    expect(moved).toBe(`${first}1/64`);
    expect(await globals(mid, 'sh0')).toEqual([moved]);
    // The prefix is the shared link's, not the upstream's.
    expect((await globals(mid, 'wan0')).some((a) => inside(a.split('/')[0]!, first, 56))).toBe(false);
    await eventually(async () => (await globals(client, 'cl0')).find((a) => inside(a.split('/')[0]!, first, 64)), `a SLAAC address in ${first}/64 on the client`);
  }, 120_000);

  it('when the upstream goes down the shared link goes back to its ULA', async () => {
    const r = await d.nmcli(['connection', 'down', 'wan'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const back = await eventually(async () => {
      const own = await globals(mid, 'sh0');
      return own.length === 1 && own[0] === `${ula}1/64` ? own : undefined;
    }, 'the ULA back on sh0', 30_000);
    expect(back).toEqual([`${ula}1/64`]);
    const s = await d.nmcli(['-t', '-f', 'GENERAL.STATE', 'connection', 'show', 'share']);
    expect(s.stdout).toMatch(/activated/);
  }, 60_000);

  it('nmcli connection down removes the shared address and its dnsmasq', async () => {
    const r = await d.nmcli(['connection', 'down', 'share'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(await globals(mid, 'sh0')).toEqual([]);
    expect((await mid.tryExec('pgrep', ['-f', 'dnsmasq.*sh0'])).stdout.trim()).toBe('');
  }, 60_000);
});
