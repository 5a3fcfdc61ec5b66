/**
 * The ndisc plugin (plugins/ndisc) with the real Linux PacketIo against
 * dnsmasq sending router advertisements (RA plus stateless DHCPv6: the O
 * flag, RDNSS and DNSSL). The client namespace holds veth ndc0, the router
 * namespace its peer ndr0 with dnsmasq. The packet helper runs in the client
 * namespace (launched through `ip netns exec`). The client's kernel does no
 * SLAAC of its own (accept_ra=0, as NetworkManager sets it), so every
 * address reported is the plugin's own computation; the eui64 one is checked
 * against the kernel's own EUI-64 link-local address of the same MAC.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatIp, parseIp, Tokens, type Ndisc, type NdiscConfig, type NdiscRequest, type NdiscSession, type PluginContext, type Token } from '../../sdk/index.js';
import ndiscPlugin from '../../plugins/ndisc/index.js';
import { stablePrivacyIid, withIid } from '../../plugins/ndisc/iid.js';
import { LinuxPacketIo } from '../../plugins/platform-linux/packet-io/linux-packet-io.js';
import { packetHelperPath } from '../../plugins/platform-linux/packet-io/helper-process.js';
import { Netns } from '../harness/netns.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';

const CLIENT_MAC = '52:54:00:ab:cd:01';
const UUID = '0f5c8f4e-5a4b-4d2e-9a43-6a1e2f3b4c5d';
const SECRET = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => silent, isEnabled: () => false };

/** The plugin set up as the daemon does, with the real PacketIo and clock. */
function loadNdisc(packetIo: LinuxPacketIo): Ndisc {
  let provided: Ndisc | undefined;
  const services = new Map<string, unknown>([
    [Tokens.Clock, { now: () => performance.now() }],
    [Tokens.PacketIo, packetIo],
  ]);
  const ctx = {
    name: 'ndisc',
    logger: silent,
    resolve: <T>(t: Token<T>): T => {
      if (!services.has(t)) throw new Error(`no ${t}`);
      return services.get(t) as T;
    },
    provide: <T>(t: Token<T>, v: T) => {
      if (t === Tokens.Ndisc) provided = v as unknown as Ndisc;
    },
  } as unknown as PluginContext;
  void ndiscPlugin.setup(ctx);
  if (!provided) throw new Error('the ndisc plugin provided no contrib.ndisc');
  return provided;
}

/** Resolves once `done` holds; rejects naming `what` after 30 s (a deadline, not an assertion on timing). */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i >= 300) throw new Error(`still waiting for ${what} after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The link's fe80:: address, as `ip` shows it (it appears a moment after the link is up). */
async function linkLocalOf(ns: Netns, dev: string): Promise<string> {
  for (let i = 0; ; i++) {
    const [link] = await ns.ipJson(['-6', 'addr', 'show', 'dev', dev]);
    const ll = (link?.addr_info ?? []).find((a: { scope?: string; local?: string }) => a.scope === 'link' && a.local?.startsWith('fe80:'));
    if (ll) return ll.local as string;
    if (i >= 50) throw new Error(`${dev} in ${ns.name} has no link-local address after 5 s: ${JSON.stringify(link)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ndisc plugin against dnsmasq router advertisements', () => {
  let client: Netns;
  let router: Netns;
  let dnsmasq: Dnsmasq | undefined;
  let packetIo: LinuxPacketIo | undefined;
  let ndisc: Ndisc;
  let ifindex: number;
  let routerLinkLocal: string;
  let kernelEui64LinkLocal: string;
  const sessions: NdiscSession[] = [];

  beforeAll(async () => {
    packetHelperPath(); // fails naming `npm run build` when the helper is not built
    client = await Netns.create('ndc');
    router = await Netns.create('ndr');
    await client.addVeth('ndc0', 'ndr0', router);
    await client.ip(['link', 'set', 'ndc0', 'address', CLIENT_MAC]);
    // No SLAAC by the client's kernel; no DAD wait on either side before link-local addresses are usable.
    await client.exec('sysctl', ['-qw', 'net.ipv6.conf.ndc0.accept_ra=0', 'net.ipv6.conf.ndc0.accept_dad=0']);
    await router.exec('sysctl', ['-qw', 'net.ipv6.conf.ndr0.accept_dad=0']);
    await client.ip(['link', 'set', 'ndc0', 'up']);
    await router.ip(['link', 'set', 'ndr0', 'up']);
    await router.ip(['-6', 'addr', 'add', 'fd42:1::1/64', 'dev', 'ndr0', 'nodad']);
    dnsmasq = await startDnsmasq({
      ns: router,
      iface: 'ndr0',
      range: '10.78.0.10,10.78.0.20',
      extraArgs: [
        '--enable-ra',
        '--dhcp-range=fd42:1::,ra-stateless,64',
        '--dhcp-option=option6:dns-server,[fd42:1::53]',
        '--dhcp-option=option6:domain-search,example.test',
      ],
    });
    const [link] = await client.ipJson(['link', 'show', 'ndc0']);
    ifindex = link.ifindex;
    routerLinkLocal = await linkLocalOf(router, 'ndr0');
    kernelEui64LinkLocal = await linkLocalOf(client, 'ndc0');
    packetIo = new LinuxPacketIo({ launcher: ['ip', 'netns', 'exec', client.name] });
    ndisc = loadNdisc(packetIo);
  });

  afterEach(() => {
    for (const s of sessions.splice(0)) s.stop();
  });

  afterAll(async () => {
    for (const s of sessions.splice(0)) s.stop();
    packetIo?.stop();
    await dnsmasq?.stop();
    await client?.destroy();
    await router?.destroy();
  });

  /** Start a session and resolve with the first report that has an address, or reject naming what came. */
  async function discover(request: Partial<NdiscRequest>): Promise<NdiscConfig> {
    const seen: NdiscConfig[] = [];
    return new Promise<NdiscConfig>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no report with an address within 60 s; reports: ${JSON.stringify(seen)}\n${dnsmasq?.log()}`)), 60_000);
      ndisc
        .start(
          { ifindex, ifname: 'ndc0', hwaddr: CLIENT_MAC, addrGenMode: 'stable-privacy', stableId: UUID, secretKey: SECRET, timeout: 0, ...request },
          {
            onConfig: (c) => {
              seen.push(c);
              if (c.addresses.length > 0 && c.nameservers.length > 0) {
                clearTimeout(deadline);
                resolve(c);
              }
            },
            onTimeout: () => undefined,
          },
        )
        .then((s) => sessions.push(s), (e: unknown) => (clearTimeout(deadline), reject(e)));
    });
  }

  it('reports the router, a stable-privacy address, the on-link prefix, RDNSS, DNSSL and the O flag', async () => {
    const config = await discover({ addrGenMode: 'stable-privacy' });
    const prefix = parseIp('fd42:1::', 6)!.bytes;
    const expected = formatIp(withIid(prefix, stablePrivacyIid({ prefix, ifname: 'ndc0', networkId: UUID, stableType: 'uuid', dadCounter: 0, secretKey: SECRET })));
    expect(config.routers).toEqual([{ address: routerLinkLocal, lifetime: expect.any(Number), preference: 'medium' }]);
    expect(config.routers[0]!.lifetime).toBeGreaterThan(0);
    expect(config.addresses).toEqual([{ address: expected, prefixlen: 64, validLifetime: expect.any(Number), preferredLifetime: expect.any(Number) }]);
    expect(config.onLinkPrefixes.map((p) => `${p.prefix}/${p.prefixlen}`)).toEqual(['fd42:1::/64']);
    expect(config.nameservers.map((n) => n.address)).toEqual(['fd42:1::53']);
    expect(config.domains.map((d) => d.domain)).toEqual(['example.test']);
    expect(config.managed).toBe(false);
    expect(config.otherConfig).toBe(true);
  });

  it('makes the eui64 address the kernel makes from the same MAC', async () => {
    const config = await discover({ addrGenMode: 'eui64' });
    const iid = parseIp(kernelEui64LinkLocal, 6)!.bytes.subarray(8);
    expect(kernelEui64LinkLocal).toBe('fe80::5054:ff:feab:cd01');
    expect(config.addresses.map((a) => a.address)).toEqual([formatIp(withIid(parseIp('fd42:1::', 6)!.bytes, iid))]);
  });

  it('solicits with the MAC in the source link-layer address option, and without one when the link has none', async () => {
    // dnsmasq logs each solicitation with the MAC it read from that option.
    const solicits = (mac: string) => dnsmasq!.log().split('\n').filter((l) => new RegExp(`RTR-SOLICIT\\(ndr0\\)${mac}\\s*$`).test(l)).length;
    const withMac = solicits(` ${CLIENT_MAC}`);
    const config = await discover({ addrGenMode: 'eui64', token: '::1:2' });
    expect(config.addresses.map((a) => a.address)).toEqual(['fd42:1::1:2']);
    await until(() => solicits(` ${CLIENT_MAC}`) > withMac, 'a solicitation with our MAC');
    const bare = solicits('');
    await discover({ addrGenMode: 'eui64', token: '::1:3', hwaddr: '' });
    await until(() => solicits('') > bare, 'a solicitation without a MAC');
  });
});
