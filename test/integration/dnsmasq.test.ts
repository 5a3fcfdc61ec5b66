/**
 * The DHCP server harness itself: dnsmasq in a far namespace hands an address
 * from its range to ISC dhclient in the near one, over a veth pair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Netns } from '../harness/netns.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';

/** 10.42.0.10 .. 10.42.0.100 as numbers, to check an address falls inside. */
function ipv4ToNumber(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

describe('dnsmasq harness', () => {
  let near: Netns | undefined;
  let far: Netns | undefined;
  let dnsmasq: Dnsmasq | undefined;
  let tmp: string | undefined;

  beforeAll(async () => {
    near = await Netns.create('nmkn');
    far = await Netns.create('nmkf');
    await near.addVeth('veth0', 'peer0', far);
    await near.ip(['link', 'set', 'veth0', 'up']);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'nmk-dhclient-'));
  });

  afterAll(async () => {
    if (near && tmp) await near.tryExec('dhclient', ['-x', '-pf', path.join(tmp, 'pid'), 'veth0']);
    await dnsmasq?.stop();
    await near?.destroy();
    await far?.destroy();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('gives dhclient an address from its range', async () => {
    dnsmasq = await startDnsmasq({ ns: far!, iface: 'peer0', range: '10.42.0.10,10.42.0.100', ipv6Ra: true });
    const r = await near!.tryExec('dhclient', ['-1', '-v', '-lf', path.join(tmp!, 'leases'), '-pf', path.join(tmp!, 'pid'), 'veth0'], { timeoutMs: 60_000 });
    expect(r.code, `dhclient failed:\n${r.stderr}\n--- dnsmasq ---\n${dnsmasq.log()}`).toBe(0);

    const [link] = await near!.ipJson(['-4', 'addr', 'show', 'dev', 'veth0']);
    const v4 = (link.addr_info as any[]).filter((a) => a.family === 'inet');
    expect(v4).toHaveLength(1);
    const n = ipv4ToNumber(v4[0].local);
    expect(n).toBeGreaterThanOrEqual(ipv4ToNumber('10.42.0.10'));
    expect(n).toBeLessThanOrEqual(ipv4ToNumber('10.42.0.100'));
    expect(v4[0].prefixlen).toBe(24);

    // dnsmasq recorded the same lease in its own file.
    expect(await readFile(dnsmasq.leasesFile, 'utf8')).toContain(` ${v4[0].local} `);
  });

  it('advertises the IPv6 prefix so the client autoconfigures an address in it', async () => {
    let global: any;
    for (let i = 0; i < 50 && !global; i++) {
      const [link] = await near!.ipJson(['-6', 'addr', 'show', 'dev', 'veth0']);
      global = (link.addr_info as any[]).find((a) => a.scope === 'global' && String(a.local).startsWith('fd42:'));
      if (!global) await new Promise((r) => setTimeout(r, 200));
    }
    expect(global, `no SLAAC address from fd42::/64 on veth0\n--- dnsmasq ---\n${dnsmasq!.log()}`).toBeDefined();
    expect(global.prefixlen).toBe(64);
  });
});
