/**
 * Bad DHCP input through nmkd and the real nmcli, once per client plugin:
 * - a server offering garbage (a truncated classless-routes option 121, an
 *   MTU option below the minimum, an over-long private option): the lease is
 *   still taken, the bad option is logged and left out, nmkd runs on;
 * - a corrupt lease file from an earlier run: a warning naming the file,
 *   then a normal lease (and, for the internal client, a good file again);
 * - a server that sends router advertisements but never answers DHCPv4,
 *   with ipv4.dhcp-timeout=3 and may-fail=no: IPv6 alone does not carry the
 *   connection; nmcli says "IP configuration could not be reserved", the
 *   device ends disconnected and the SLAAC address is gone.
 * (activation.test.ts has the simpler case where neither family answers.)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const UUID = {
  garbage: '6a7e1c0d-9b3f-4f7e-8d2a-1e5c9b0a0001',
  corrupt: '6a7e1c0d-9b3f-4f7e-8d2a-1e5c9b0a0002',
  silent: '6a7e1c0d-9b3f-4f7e-8d2a-1e5c9b0a0003',
};

function keyfile(id: keyof typeof UUID, ifname: string, ipv4: string[], ipv6 = ['method=ignore']): string {
  return [
    '[connection]', `id=${id}`, `uuid=${UUID[id]}`, 'type=ethernet', `interface-name=${ifname}`, 'autoconnect=false', '',
    '[ipv4]', 'method=auto', ...ipv4, '',
    '[ipv6]', ...ipv6, '',
  ].join('\n');
}

/** 255 bytes, as long as one option gets (dnsmasq refuses longer ones). */
const LONG_OPTION = Array.from({ length: 255 }, (_, i) => (i % 256).toString(16).padStart(2, '0')).join(':');
/** A DNS label longer than 63 bytes: not a domain name. */
const LONG_LABEL = `${'a'.repeat(100)}.example`;

const GARBAGE = [
  '--dhcp-option=option:router,192.0.2.1',
  // Prefix length 1 and one octet of destination, then no gateway: a truncated route.
  '--dhcp-option=121,01:02',
  // MTU 1 (below the minimum of 68).
  '--dhcp-option=26,1',
  `--dhcp-option-force=224,${LONG_OPTION}`,
  `--dhcp-option=option:domain-name,${LONG_LABEL}`,
];

/** Not a lease file of any client: a NUL, bytes outside ASCII, a broken line and an open block (the harness writes it as UTF-8). */
const CORRUPT = Buffer.concat([Buffer.from('ADDRESS\n\x00\xff\xfe garbage {{{ lease'), Buffer.alloc(64, 0xa5)]).toString('latin1');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['internal', 'dhclient'] as const)('[main] dhcp=%s: bad DHCP input', (client) => {
  let ns: Netns | undefined;
  let srv: Netns | undefined;
  let d: Daemon | undefined;
  const servers: Dnsmasq[] = [];
  const leaseFile = (id: keyof typeof UUID, ifname: string) => `var/lib/nmk/${client}-${UUID[id]}-${ifname}.lease`;

  beforeAll(async () => {
    ns = await Netns.create('nmkbc');
    srv = await Netns.create('nmkbs');
    for (const [a, b] of [['veth0', 'veth1'], ['veth2', 'veth3'], ['veth4', 'veth5']] as const) {
      await ns.addVeth(a, b, srv);
      // No kernel SLAAC before nmkd starts: an address there would make veth4 "connected (externally)".
      await ns.exec('sysctl', ['-q', '-w', `net.ipv6.conf.${a}.accept_ra=0`]);
      await ns.ip(['link', 'set', a, 'up']);
    }
    servers.push(await startDnsmasq({ ns: srv, iface: 'veth1', range: '192.0.2.50,192.0.2.60', leaseTime: '1h', extraArgs: GARBAGE }));
    servers.push(await startDnsmasq({ ns: srv, iface: 'veth3', range: '198.51.100.50,198.51.100.60', leaseTime: '1h' }));
    // Router advertisements on veth5, but every DHCPv4 request ignored (dnsmasq tags each request with its interface).
    servers.push(await startDnsmasq({ ns: srv, iface: 'veth5', range: '203.0.113.50,203.0.113.60', ipv6Ra: true, ipv6Prefix: 'fd42:9::', extraArgs: ['--dhcp-ignore=tag:veth5'] }));
    const mode = { mode: 0o600 };
    d = await startDaemon({
      ns,
      profile: 'server',
      config: `[main]\ndhcp=${client}\n`,
      files: {
        'etc/nmk/system-connections/garbage.nmconnection': { text: keyfile('garbage', 'veth0', ['may-fail=false']), ...mode },
        'etc/nmk/system-connections/corrupt.nmconnection': { text: keyfile('corrupt', 'veth2', ['may-fail=false']), ...mode },
        'etc/nmk/system-connections/silent.nmconnection': {
          text: keyfile('silent', 'veth4', ['dhcp-timeout=3', 'may-fail=false'], ['method=auto', 'addr-gen-mode=eui64']),
          ...mode,
        },
        [leaseFile('corrupt', 'veth2')]: { text: CORRUPT, mode: 0o644 },
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    for (const s of servers) await s.stop();
    await ns?.destroy();
    await srv?.destroy();
  });

  const v4 = async (dev: string) =>
    ((await ns!.ipJson<any[]>(['-4', 'addr', 'show', 'dev', dev]))[0]?.addr_info ?? []).filter((a: any) => a.scope === 'global').map((a: any) => `${a.local}/${a.prefixlen}`);
  const options = async (dev: string) =>
    new Map(
      parseTerse((await d!.nmcli(['-t', '-f', 'DHCP4.OPTION', 'device', 'show', dev])).stdout).map(([, ...rest]) => {
        const text = rest.join(':');
        return [text.slice(0, text.indexOf(' = ')), text.slice(text.indexOf(' = ') + 3)] as const;
      }),
    );

  it('a server offering garbage options: the lease is taken, the bad options are logged and left out, nmkd runs on', async () => {
    const r = await d!.nmcli(['connection', 'up', 'garbage'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr + d!.stderr().slice(-3000)).toBe(0);
    const addrs = await v4('veth0');
    expect(addrs).toHaveLength(1);
    expect(addrs[0]).toMatch(/^192\.0\.2\.(5\d|60)\/24$/);
    // The truncated 121 holds no route, so the routers option gives the default route (as in NetworkManager).
    const routes = await ns!.ipJson<any[]>(['-4', 'route', 'show', 'dev', 'veth0']);
    expect(routes).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '192.0.2.1', protocol: 'dhcp' }));
    expect(routes.filter((x) => x.protocol === 'dhcp').map((x) => x.dst).sort()).toEqual(['default']);
    // MTU 1 is not applied.
    expect((await ns!.ipJson<any[]>(['link', 'show', 'dev', 'veth0']))[0].mtu).toBe(1500);
    expect(servers[0]!.log(), 'dnsmasq did not send the truncated option 121').toMatch(/option:121 classless-static-route +01:02/);
    // A warning names the malformed classless routes (the internal client by option, dhclient's path in NetworkManager's words).
    const named = client === 'internal' ? 'error parsing DHCP option 121 (rfc3442_classless_static_routes): malformed route' : "ignoring invalid classless static routes '1 2'";
    expect(d!.logs.filter((l) => l.level === 'warn' && l.msg.includes(named)).length, d!.stderr().slice(-4000)).toBeGreaterThan(0);
    const opts = await options('veth0');
    expect(opts.get('routers')).toBe('192.0.2.1');
    expect(opts.has('interface_mtu')).toBe(false);
    expect(opts.has('domain_name')).toBe(false);
    // nmkd still answers and the device is connected.
    expect(parseTerse((await d!.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout)).toContainEqual(['veth0', 'connected']);
  });

  it('a corrupt lease file: a warning naming the file, then a normal lease', async () => {
    const file = path.join(d!.root, leaseFile('corrupt', 'veth2'));
    const r = await d!.nmcli(['connection', 'up', 'corrupt'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr + d!.stderr().slice(-3000)).toBe(0);
    const addrs = await v4('veth2');
    expect(addrs).toHaveLength(1);
    expect(addrs[0]).toMatch(/^198\.51\.100\.(5\d|60)\/24$/);
    const warnings = d!.logs.filter((l) => (l.level === 'warn' || l.level === 'error') && l.msg.includes(file));
    expect(warnings.map((l) => l.msg), d!.stderr().slice(-4000)).not.toEqual([]);
    // The good lease replaced the garbage: nmk's file, or dhclient's lease database (the garbage kept beside it).
    const address = addrs[0]!.split('/')[0]!;
    if (client === 'internal') expect(await readFile(file, 'utf8')).toContain(`ADDRESS=${address}\n`);
    else {
      expect(await readFile(file, 'utf8')).toContain(`fixed-address ${address};`);
      expect(await readFile(`${file}.corrupt`, 'utf8')).toBe(CORRUPT);
    }
    // The file written now is good: another activation reads it without a word and gets the same address.
    const before = d!.logs.length;
    expect((await d!.nmcli(['connection', 'down', 'corrupt'])).code).toBe(0);
    const again = await d!.nmcli(['connection', 'up', 'corrupt'], { timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(await v4('veth2')).toEqual(addrs);
    expect(d!.logs.slice(before).filter((l) => l.msg.includes(file)).map((l) => l.msg)).toEqual([]);
  });

  it('no DHCPv4 answer with dhcp-timeout=3 and may-fail=no: activation fails although IPv6 came up, device disconnected', async () => {
    const monitor = ns!.spawn('ip', ['-o', 'monitor', 'address']);
    let seen = '';
    monitor.stdout!.on('data', (b: Buffer) => (seen += b.toString()));
    await sleep(300); // ip monitor subscribes at once; nmcli below takes far longer to reach the router
    let r;
    try {
      r = await d!.nmcli(['connection', 'up', 'silent'], { timeoutMs: 60_000 });
    } finally {
      monitor.kill();
    }
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/IP configuration could not be reserved/);
    expect(d!.logs.some((l) => /DHCPv4 timeout/.test(l.msg))).toBe(true);
    // The router advertisements did arrive: a SLAAC address came (and went with the failed activation).
    const slaac = seen.split('\n').filter((l) => / veth4 +inet6 fd42:9:/.test(l));
    expect(slaac.some((l) => !l.startsWith('Deleted')), seen).toBe(true);
    expect(parseTerse((await d!.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout)).toContainEqual(['veth4', 'disconnected']);
    expect(await v4('veth4')).toEqual([]);
    let v6: string[] = [];
    for (let i = 0; i < 20; i++) {
      v6 = ((await ns!.ipJson<any[]>(['-6', 'addr', 'show', 'dev', 'veth4']))[0]?.addr_info ?? []).filter((a: any) => a.local.startsWith('fd42:9:')).map((a: any) => a.local);
      if (v6.length === 0) break;
      await sleep(100);
    }
    expect(v6).toEqual([]);
    // The daemon and the other connections carry on.
    expect(parseTerse((await d!.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout)).toContainEqual(['veth0', 'connected']);
  });
});
