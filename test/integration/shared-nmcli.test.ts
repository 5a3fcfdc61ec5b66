/**
 * `ipv4.method shared` and `ipv6.method shared` through nmcli: nmkd puts the
 * router's address (10.42.x.1/24 and an address in a ULA /64) on the link,
 * the sharing plugin serves DHCP and router advertisements there, a client
 * in another namespace gets a lease and a SLAAC address, and `nmcli
 * connection down` removes the addresses, dnsmasq and the nftables table.
 */
import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';

const SHARE = `[connection]
id=share
uuid=6a0d6a55-2d8e-4b0e-8f36-3c7a5c1e0001
type=ethernet
interface-name=sh0
autoconnect=false

[ipv4]
method=shared

[ipv6]
method=shared
addr-gen-mode=eui64
`;

describe('connection sharing through nmcli', () => {
  let ns: Netns;
  let client: Netns;
  let d: Daemon;
  let tmp: string;

  beforeAll(async () => {
    ns = await Netns.create('nmksh');
    client = await Netns.create('nmkshc');
    await ns.addVeth('sh0', 'cl0', client);
    await ns.ip(['link', 'set', 'sh0', 'up']);
    await client.ip(['link', 'set', 'cl0', 'up']);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'nmk-shared-'));
    d = await startDaemon({ ns, profile: 'server', files: { 'etc/nmk/system-connections/share.nmconnection': { text: SHARE, mode: 0o600 } } });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
    await client?.destroy();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('nmcli connection up puts 10.42.x.1/24 on the link and a client gets a lease through it', async () => {
    const r = await d.nmcli(['connection', 'up', 'share'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const v4 = ((await ns.ipJson<any[]>(['-4', 'addr', 'show', 'dev', 'sh0']))[0]?.addr_info ?? []).map((a: any) => `${a.local}/${a.prefixlen}`);
    expect(v4).toEqual(['10.42.0.1/24']);
    expect((await ns.exec('cat', ['/proc/sys/net/ipv4/ip_forward'])).stdout.trim()).toBe('1');
    expect((await ns.exec('nft', ['list', 'tables'])).stdout).toMatch(/nm-shared-sh0/);

    const script = path.join(tmp, 'script');
    const got = path.join(tmp, 'got');
    await writeFile(script, ['#!/bin/sh', `[ "$1" = bound ] && printf 'ip=%s\\nrouter=%s\\n' "$ip" "$router" > ${got}`, 'exit 0', ''].join('\n'));
    await chmod(script, 0o755);
    const c = await client.tryExec('busybox', ['udhcpc', '-f', '-q', '-n', '-i', 'cl0', '-t', '10', '-T', '1', '-s', script], { timeoutMs: 60_000 });
    expect(c.code, `${c.stdout}\n${c.stderr}`).toBe(0);
    const lease = Object.fromEntries((await readFile(got, 'utf8')).trim().split('\n').map((l) => l.split('=') as [string, string]));
    expect(lease.ip).toMatch(/^10\.42\.0\.\d+$/);
    expect(lease.router).toBe('10.42.0.1');
  });

  it('the client gets a SLAAC address in the prefix the router advertises', async () => {
    const v6 = ((await ns.ipJson<any[]>(['-6', 'addr', 'show', 'dev', 'sh0']))[0]?.addr_info ?? []).filter((a: any) => a.scope === 'global');
    expect(v6).toHaveLength(1);
    const prefix = (v6[0].local as string).split(':').slice(0, 4).join(':');
    expect(prefix).toMatch(/^fd/);
    let found = '';
    for (let i = 0; i < 60 && !found; i++) {
      const c6 = ((await client.ipJson<any[]>(['-6', 'addr', 'show', 'dev', 'cl0']))[0]?.addr_info ?? []).filter((a: any) => a.scope === 'global');
      found = c6.map((a: any) => a.local as string).find((a: string) => a.startsWith(`${prefix}:`)) ?? '';
      if (!found) await new Promise((res) => setTimeout(res, 250));
    }
    expect(found, `no address in ${prefix}::/64 on the client`).not.toBe('');
  });

  it('nmcli connection down removes the address, dnsmasq and the nftables table', async () => {
    const r = await d.nmcli(['connection', 'down', 'share'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(((await ns.ipJson<any[]>(['addr', 'show', 'dev', 'sh0']))[0]?.addr_info ?? []).filter((a: any) => a.scope === 'global')).toEqual([]);
    expect((await ns.exec('nft', ['list', 'tables'])).stdout).not.toMatch(/nm-shared-sh0/);
    const ps = await ns.tryExec('pgrep', ['-f', 'dnsmasq.*sh0']);
    expect(ps.stdout.trim()).toBe('');
  });
});
