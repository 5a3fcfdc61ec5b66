/**
 * What a DHCP server learns about the host, nmk against NetworkManager 1.42
 * on the same machine: each daemon activates the same profiles (same UUIDs,
 * same interface names and MACs) against its own dnsmasq, and dnsmasq's
 * lease file records the client identifier and host name each one sent.
 * nmk gets the host's machine id and NetworkManager's secret key under its
 * root, as it would find them on a host that switches from NetworkManager,
 * so "stable" client ids must come out byte for byte the same; a profile
 * with no client id sends what NetworkManager's client of the same kind
 * sends (the internal one "01" + MAC, dhclient none).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';
import { Netns } from '../harness/netns.js';
import { startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';

interface Row {
  ifname: string;
  mac: string;
  uuid: string;
  ipv4: string[];
}

/** One profile per link: a stable client id with a host name, and one with neither set. */
const ROWS: Row[] = [
  { ifname: 'cid0', mac: '02:4e:4d:4b:00:10', uuid: '3f1d2c4b-5a69-4788-9aab-bccdde0f0010', ipv4: ['dhcp-client-id=stable', 'dhcp-hostname=foo'] },
  { ifname: 'cid1', mac: '02:4e:4d:4b:00:11', uuid: '3f1d2c4b-5a69-4788-9aab-bccdde0f0011', ipv4: [] },
];

function keyfile(r: Row): string {
  return [
    '[connection]', `id=${r.ifname}`, `uuid=${r.uuid}`, 'type=ethernet', `interface-name=${r.ifname}`, 'autoconnect=false', '',
    '[ipv4]', 'method=auto', 'may-fail=false', ...r.ipv4, '',
    '[ipv6]', 'method=ignore', '',
  ].join('\n');
}

/** What dnsmasq recorded per link: "expiry mac address hostname client-id". */
interface Seen {
  hostname: string;
  clientId: string;
}

/** Links with fixed MACs to a server namespace, one dnsmasq per link. */
async function setUp(prefix: string): Promise<{ ns: Netns; srv: Netns; servers: Dnsmasq[] }> {
  const ns = await Netns.create(`${prefix}c`);
  const srv = await Netns.create(`${prefix}s`);
  const servers: Dnsmasq[] = [];
  try {
    for (const [i, r] of ROWS.entries()) {
      await ns.addVeth(r.ifname, `${r.ifname}p`, srv);
      await ns.ip(['link', 'set', r.ifname, 'address', r.mac]);
      await ns.ip(['link', 'set', r.ifname, 'up']);
      servers.push(await startDnsmasq({ ns: srv, iface: `${r.ifname}p`, range: `198.51.${100 + i}.10,198.51.${100 + i}.20`, leaseTime: '1h' }));
    }
  } catch (e) {
    await tearDown({ ns, srv, servers });
    throw e;
  }
  return { ns, srv, servers };
}

async function tearDown(s: { ns: Netns; srv: Netns; servers: Dnsmasq[] } | undefined): Promise<void> {
  for (const d of s?.servers ?? []) await d.stop();
  await s?.ns.destroy();
  await s?.srv.destroy();
}

/** dnsmasq's record of the lease it gave row `i`'s link. */
async function leaseOf(servers: Dnsmasq[], i: number): Promise<Seen> {
  const r = ROWS[i]!;
  const line = (await readFile(servers[i]!.leasesFile, 'utf8')).split('\n').find((l) => l.split(' ')[1] === r.mac);
  if (!line) throw new Error(`dnsmasq on ${r.ifname}p recorded no lease for ${r.mac}`);
  const [, , , hostname, clientId] = line.split(' ');
  return { hostname: hostname!, clientId: clientId! };
}

describe.each(['internal', 'dhclient'] as const)('[main] dhcp=%s: the client id and host name dnsmasq sees', (client) => {
  let nmSide: Awaited<ReturnType<typeof setUp>> | undefined;
  let nmkSide: Awaited<ReturnType<typeof setUp>> | undefined;
  let nm: NetworkManagerInstance | undefined;
  let d: Daemon | undefined;
  const theirs: Seen[] = [];

  beforeAll(async () => {
    nmSide = await setUp('nmkiN');
    const keyfiles = Object.fromEntries(ROWS.map((r) => [`${r.ifname}.nmconnection`, keyfile(r)]));
    nm = await startNetworkManager({ ns: nmSide.ns, networking: true, keyfiles, extraConfig: `\n[main]\ndhcp=${client}\n` });
    for (const r of ROWS) {
      const up = await nm.nmcli(['connection', 'up', r.ifname], { timeoutMs: 60_000 });
      if (up.code !== 0) throw new Error(`NetworkManager could not activate ${r.ifname}: ${up.stderr}\n${nm.output().slice(-4000)}`);
    }
    for (const i of ROWS.keys()) theirs.push(await leaseOf(nmSide.servers, i));
    // Everything nmk must reuse from the host NetworkManager ran on: its secret key (in NetworkManager's private mount namespace) and the machine id.
    const secretKey = await readFile(`/proc/${nm.pid}/root/var/lib/NetworkManager/secret_key`);
    await nm.cleanup();
    nm = undefined;

    nmkSide = await setUp('nmkiK');
    const files: Record<string, { text: string; mode: number }> = {
      'etc/machine-id': { text: await readFile('/etc/machine-id', 'utf8'), mode: 0o444 },
      'var/lib/NetworkManager/secret_key': { text: secretKey.toString('latin1'), mode: 0o600 },
    };
    // The distribution's dhclient.conf, which NetworkManager merged in above.
    if (existsSync('/etc/dhcp/dhclient.conf')) files['etc/dhcp/dhclient.conf'] = { text: await readFile('/etc/dhcp/dhclient.conf', 'utf8'), mode: 0o644 };
    for (const r of ROWS) files[`etc/nmk/system-connections/${r.ifname}.nmconnection`] = { text: keyfile(r), mode: 0o600 };
    d = await startDaemon({ ns: nmkSide.ns, profile: 'server', config: `[main]\ndhcp=${client}\n`, files });
  });
  afterAll(async () => {
    await d?.cleanup();
    await nm?.cleanup();
    await tearDown(nmkSide);
    await tearDown(nmSide);
  });

  it('a profile with ipv4.dhcp-client-id=stable and dhcp-hostname=foo: the same client id and host name as NetworkManager', async () => {
    const up = await d!.nmcli(['connection', 'up', 'cid0'], { timeoutMs: 60_000 });
    expect(up.code, up.stderr).toBe(0);
    expect(theirs[0]!.hostname).toBe('foo');
    // A stable client id is type 0 followed by 15 bytes of hash.
    expect(theirs[0]!.clientId).toMatch(/^00(:[0-9a-f]{2}){15}$/);
    expect(await leaseOf(nmkSide!.servers, 0)).toEqual(theirs[0]);
  });

  it('a profile with no client id: what NetworkManager\'s client of the same kind sends', async () => {
    const up = await d!.nmcli(['connection', 'up', 'cid1'], { timeoutMs: 60_000 });
    expect(up.code, up.stderr).toBe(0);
    // dnsmasq writes "*" for no client id; NetworkManager's internal client sends 01 + MAC.
    expect(theirs[1]!.clientId).toBe(client === 'internal' ? `01:${ROWS[1]!.mac}` : '*');
    expect(await leaseOf(nmkSide!.servers, 1)).toEqual(theirs[1]);
  });
});
