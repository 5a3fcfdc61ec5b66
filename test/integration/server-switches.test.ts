/**
 * The server switches of issue 7, one key each, through nmkd started with
 * the server profile and the real nmcli, against a real dnsmasq (DHCPv4 with
 * DNS, router advertisements) on a bridge in a peer namespace:
 *  - dns=none / rc-manager=unmanaged: an admin's /etc/resolv.conf stays
 *    byte for byte while a lease with DNS is active;
 *  - ipv4.never-default: the lease's address, no default route;
 *  - ipv6.never-default: the SLAAC address, no ::/0;
 *  - ipv6.method=ignore: nmk leaves the kernel's IPv6 sysctls and makes no
 *    SLAAC address though advertisements arrive;
 *  - ipv6.method=disabled: disable_ipv6=1 and no IPv6 address;
 *  - no-auto-default=*: a new ethernet link gets no "Wired connection 1"
 *    (the desktop side is in take-over.test.ts);
 *  - ignore-carrier for bridges: a bridge without carrier is available, and
 *    keeps its connection when carrier goes, where a veth's goes down.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const file = (text: string) => ({ text, mode: 0o600 });

function profile(id: string, ifname: string, n: number, ipv4: string, ipv6: string, type = 'ethernet'): string {
  return `[connection]
id=${id}
uuid=3e5b9a70-2c4d-4f1e-9a8b-${String(n).padStart(12, '0')}
type=${type}
interface-name=${ifname}
autoconnect=false

[ipv4]
${ipv4}

[ipv6]
${ipv6}
`;
}

const PROFILES: Record<string, string> = {
  'v4-never-default': profile('v4-never-default', 'veth0', 1, 'method=auto\nnever-default=true\nmay-fail=false', 'method=disabled'),
  'v6-never-default': profile('v6-never-default', 'veth2', 2, 'method=disabled', 'method=auto\naddr-gen-mode=eui64\nnever-default=true\nmay-fail=false'),
  'v6-ignore': profile('v6-ignore', 'veth4', 3, 'method=disabled', 'method=ignore'),
  'v6-disabled': profile('v6-disabled', 'veth6', 4, 'method=disabled', 'method=disabled'),
  'bridge-no-carrier': profile('bridge-no-carrier', 'br9', 5, 'method=manual\naddress1=198.51.100.9/24', 'method=disabled', 'bridge') + '\n[bridge]\nstp=false\n',
  'veth-plain': profile('veth-plain', 'veth10', 6, 'method=manual\naddress1=198.51.100.10/24', 'method=disabled'),
};

const ADMIN_RESOLV_CONF = '# written by the admin, not by nmk\nnameserver 203.0.113.9\noptions rotate timeout:1\n';

describe('server switches through nmkd (server profile) and nmcli', () => {
  let ns: Netns | undefined;
  let srv: Netns | undefined;
  let d: Daemon | undefined;
  let dnsmasq: Dnsmasq | undefined;

  beforeAll(async () => {
    ns = await Netns.create('nmksw');
    srv = await Netns.create('nmkss');
    await srv.ip(['link', 'add', 'br0', 'type', 'bridge']);
    await srv.ip(['link', 'set', 'br0', 'up']);
    for (const n of [0, 2, 4, 6]) {
      await ns.addVeth(`veth${n}`, `veth${n + 1}`, srv);
      await srv.ip(['link', 'set', `veth${n + 1}`, 'master', 'br0', 'up']);
    }
    // ipv6.method=ignore must find the kernel's settings as they were: accept RAs (2 = even when forwarding), no SLAAC.
    await ns.exec('sysctl', ['-q', '-w', 'net.ipv6.conf.veth4.accept_ra=2', 'net.ipv6.conf.veth4.autoconf=0']);
    // veth10's peer starts down: no carrier.
    await ns.addVeth('veth10', 'veth11');
    await ns.ip(['link', 'set', 'veth10', 'up']);
    // A bridge whose one port has no carrier has none either (6.18 gives a bridge with no port a carrier).
    await ns.ip(['link', 'add', 'br9', 'type', 'bridge']);
    await ns.addVeth('veth14', 'veth15');
    await ns.ip(['link', 'set', 'veth14', 'master', 'br9', 'up']);
    dnsmasq = await startDnsmasq({
      ns: srv,
      iface: 'br0',
      range: '192.0.2.50,192.0.2.90',
      ipv6Ra: true,
      ipv6Prefix: 'fd42:9::',
      extraArgs: ['--dhcp-option=option:router,192.0.2.1', '--dhcp-option=option:dns-server,192.0.2.53', '--dhcp-option=option:domain-name,example.test'],
    });
    const files: Record<string, string | { text: string; mode: number }> = { 'etc/resolv.conf': { text: ADMIN_RESOLV_CONF, mode: 0o644 } };
    for (const [id, text] of Object.entries(PROFILES)) files[`etc/nmk/system-connections/${id}.nmconnection`] = file(text);
    d = await startDaemon({ ns, profile: 'server', config: '[keyfile]\nunmanaged-devices=interface-name:veth11;interface-name:veth14;interface-name:veth15\n', files });
  }, 90_000);
  afterAll(async () => {
    await d?.cleanup();
    await dnsmasq?.stop();
    await ns?.destroy();
    await srv?.destroy();
  });

  const up = async (id: string) => {
    const r = await d!.nmcli(['connection', 'up', id], { timeoutMs: 60_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
  };
  const globalAddrs = async (family: '-4' | '-6', dev: string) =>
    ((await ns!.ipJson<any[]>([family, 'addr', 'show', 'dev', dev]))[0]?.addr_info ?? []).filter((a: any) => a.scope === 'global');
  const inNs = async (key: string) => (await ns!.exec('cat', [`/proc/sys/net/ipv6/conf/${key}`])).stdout.trim();

  it('dns=none, rc-manager=unmanaged: /etc/resolv.conf stays byte for byte while a lease with DNS is active', async () => {
    const etc = path.join(d!.root, 'etc/resolv.conf');
    const before = fs.statSync(etc);
    await up('v4-never-default');
    const show = parseTerse((await d!.nmcli(['-t', '-f', 'IP4.DNS,IP4.DOMAIN', 'device', 'show', 'veth0'])).stdout);
    expect(show).toEqual([['IP4.DNS[1]', '192.0.2.53'], ['IP4.DOMAIN[1]', 'example.test']]);
    // The DNS configuration is known (plain nmcli prints it) but goes nowhere near /etc.
    expect((await d!.nmcli([])).stdout).toMatch(/DNS configuration:\n\tservers: 192\.0\.2\.53\n/);
    expect(fs.readFileSync(etc, 'utf8')).toBe(ADMIN_RESOLV_CONF);
    const after = fs.statSync(etc);
    expect([after.ino, after.mtimeMs, after.mode & 0o777]).toEqual([before.ino, before.mtimeMs, 0o644]);
    expect(d!.logs.some((l) => l.msg === 'dns=none rc-manager=unmanaged')).toBe(true);
  });

  it('ipv4.never-default: the lease\'s address, but no default route and no gateway', async () => {
    const v4 = await globalAddrs('-4', 'veth0');
    expect(v4).toHaveLength(1);
    expect(v4[0].local).toMatch(/^192\.0\.2\.\d+$/);
    expect(await ns!.ipJson<any[]>(['-4', 'route', 'show', 'default'])).toEqual([]);
    expect(await ns!.ipJson<any[]>(['-4', 'route', 'show', 'dev', 'veth0'])).toEqual([expect.objectContaining({ dst: '192.0.2.0/24', protocol: 'kernel' })]);
    const show = parseTerse((await d!.nmcli(['-t', '-f', 'IP4.ADDRESS,IP4.GATEWAY', 'device', 'show', 'veth0'])).stdout);
    expect(show).toEqual([['IP4.ADDRESS[1]', `${v4[0].local}/24`], ['IP4.GATEWAY', '']]);
  });

  it('ipv6.never-default: the SLAAC address from the advertisement, but no ::/0 route', async () => {
    await up('v6-never-default');
    await expect.poll(async () => (await globalAddrs('-6', 'veth2')).map((a: any) => a.local).filter((a: string) => a.startsWith('fd42:9:')), { timeout: 15_000 }).toHaveLength(1);
    // The advertisement's on-link prefix route is there; the default route it offered is not.
    const routes = await ns!.ipJson<any[]>(['-6', 'route', 'show', 'dev', 'veth2']);
    expect(routes).toContainEqual(expect.objectContaining({ dst: 'fd42:9::/64' }));
    expect(routes.filter((r: any) => r.dst === 'default')).toEqual([]);
    expect(await ns!.ipJson<any[]>(['-6', 'route', 'show', 'default'])).toEqual([]);
    expect(parseTerse((await d!.nmcli(['-t', '-f', 'IP6.GATEWAY', 'device', 'show', 'veth2'])).stdout)).toEqual([['IP6.GATEWAY', '']]);
  });

  it('ipv6.method=ignore: the kernel\'s sysctls stay as they were and nmk makes no SLAAC address, though advertisements arrive', async () => {
    await up('v6-ignore');
    // The kernel itself takes the advertisement (accept_ra=2): its own default route on veth4 shows RAs arrive.
    await expect.poll(async () => (await ns!.ipJson<any[]>(['-6', 'route', 'show', 'default', 'dev', 'veth4'])).length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect([await inNs('veth4/accept_ra'), await inNs('veth4/autoconf'), await inNs('veth4/disable_ipv6')]).toEqual(['2', '0', '0']);
    expect(await globalAddrs('-6', 'veth4')).toEqual([]);
    expect(parseTerse((await d!.nmcli(['-t', '-f', 'GENERAL.STATE', 'device', 'show', 'veth4'])).stdout)).toEqual([['GENERAL.STATE', '100 (connected)']]);
    // nmk's router discovery never ran there (it logs its start at debug level, which the harness records).
    expect(d!.logs.filter((l) => (l.ifname === 'veth4' || l.device === 'veth4') && /neighbour discovery|router/.test(l.msg))).toEqual([]);
    expect(d!.logs.some((l) => l.ifname === 'veth2' && /neighbour discovery started/.test(l.msg))).toBe(true);
  });

  it('ipv6.method=disabled: disable_ipv6=1 and no IPv6 address at all', async () => {
    expect(await inNs('veth6/disable_ipv6')).toBe('0');
    await up('v6-disabled');
    expect(await inNs('veth6/disable_ipv6')).toBe('1');
    expect((await ns!.ipJson<any[]>(['-6', 'addr', 'show', 'dev', 'veth6']))).toEqual([]);
  });

  it('no-auto-default=*: a new ethernet link gets no "Wired connection"', async () => {
    await ns!.addVeth('veth12', 'veth13', srv!);
    await srv!.ip(['link', 'set', 'veth13', 'master', 'br0', 'up']);
    await ns!.ip(['link', 'set', 'veth12', 'up']);
    // Once nmcli shows the device managed, ethernet and free, the default-connection decision has been made.
    await expect.poll(async () => parseTerse((await d!.nmcli(['-t', '-f', 'DEVICE,TYPE,STATE', 'device'])).stdout), { timeout: 15_000 }).toContainEqual(['veth12', 'ethernet', 'disconnected']);
    const names = parseTerse((await d!.nmcli(['-t', '-f', 'NAME', 'connection', 'show'])).stdout).map((r) => r[0]);
    expect(names.filter((n) => n!.startsWith('Wired connection'))).toEqual([]);
    expect(names.sort()).toEqual(Object.keys(PROFILES).sort());
  });

  it('ignore-carrier (server profile, bridges): a bridge without carrier is available, and keeps its connection when carrier goes; a veth does not', async () => {
    const states = parseTerse((await d!.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout);
    expect(states).toContainEqual(['br9', 'disconnected']);
    expect(states).toContainEqual(['veth10', 'unavailable']);
    await up('bridge-no-carrier');
    const br = (await ns!.ipJson<any[]>(['addr', 'show', 'dev', 'br9']))[0];
    expect(br.flags).toContain('NO-CARRIER');
    expect(br.addr_info).toContainEqual(expect.objectContaining({ local: '198.51.100.9', prefixlen: 24 }));

    // Both get carrier, the veth is activated too; then both lose it.
    await ns!.ip(['link', 'set', 'veth11', 'up']);
    await ns!.ip(['link', 'set', 'veth15', 'up']);
    const carrier = async (dev: string) => (await ns!.exec('cat', [`/sys/class/net/${dev}/carrier`])).stdout.trim();
    await expect.poll(async () => [await carrier('br9'), await carrier('veth10')], { timeout: 15_000 }).toEqual(['1', '1']);
    await up('veth-plain');
    await ns!.ip(['link', 'set', 'veth11', 'down']);
    await ns!.ip(['link', 'set', 'veth15', 'down']);
    const active = async () => parseTerse((await d!.nmcli(['-t', '-f', 'NAME,DEVICE,STATE', 'connection', 'show', '--active'])).stdout);
    // The veth's connection goes down after the grace time; by then the bridge has been without carrier as long.
    await expect.poll(async () => (await active()).map((r) => r[0]), { timeout: 20_000 }).not.toContain('veth-plain');
    expect(await carrier('br9')).toBe('0');
    expect(await active()).toContainEqual(['bridge-no-carrier', 'br9', 'activated']);
    expect((await ns!.ipJson<any[]>(['addr', 'show', 'dev', 'br9']))[0].addr_info).toContainEqual(expect.objectContaining({ local: '198.51.100.9' }));
    expect(d!.logs.some((l) => l.msg.startsWith('veth10: carrier lost'))).toBe(true);
    expect(d!.logs.some((l) => l.msg.startsWith('br9: carrier lost'))).toBe(false);
  });
});
