/**
 * Making an active device unmanaged (`nmcli device set DEV managed no`,
 * Device.Managed=false) with the real nmcli and kernel, nmkd and
 * NetworkManager 1.42 side by side, each in a namespace of its own on a veth,
 * with the same profile: a literal cloned-mac-address, an MTU, a static IPv4
 * address with a gateway, a route and a routing rule, a static IPv6 address.
 *
 * What NetworkManager 1.42.4 was seen to do (`ip -j link`/`addr`/`route`,
 * `ip rule`, `ethtool -k`, its debug log): the device goes "activated ->
 * unmanaged (reason 'removed', sys-iface-state: 'removed')", the active
 * connection is gone, and the link
 * - gets back the MAC address it had before the activation ("set-hw-addr:
 *   reset MAC address to ... (unmanage)"), before nmcli returns;
 * - keeps its IPv4 and IPv6 addresses (also the fe80:: one made from the
 *   cloned MAC), its routes (the default one included), its MTU (1400)
 *   and its up state;
 * - loses the profile's routing rule;
 * - gets back its ethtool features (feature-tso=off reverted to on);
 * - keeps its IPv6 sysctls (addr_gen_mode, accept_ra) as NetworkManager
 *   set them.
 * Set managed again, NetworkManager flushes the addresses and routes
 * (not covered here: nmk's side of that is the managed -> unmanaged path only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';

const CLONED = '02:11:22:33:44:55';
const UUID = '0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0c21';
const PROFILE = `[connection]
id=um
uuid=${UUID}
type=ethernet
interface-name=veth0
autoconnect=false

[ethernet]
cloned-mac-address=${CLONED}
mtu=1400

[ipv4]
method=manual
address1=192.0.2.1/24,192.0.2.254
route1=198.51.100.0/24,192.0.2.2
routing-rule1=priority 5 from 192.0.2.0/24 table 100

[ipv6]
method=manual
address1=2001:db8::1/64
`;

interface LinkView {
  mac: string;
  up: boolean;
  mtu: number;
  /** Global addresses (the fe80:: one depends on the MAC and on who made it). */
  addresses: string[];
  /** Main-table routes that are not the kernel's own. */
  routes: string[];
  rule: boolean;
}

async function view(ns: Netns): Promise<LinkView> {
  const link = (await ns.ipJson<any[]>(['link', 'show', 'dev', 'veth0']))[0];
  const addrs = (await ns.ipJson<any[]>(['addr', 'show', 'dev', 'veth0']))[0].addr_info as any[];
  const routes = [...(await ns.ipJson<any[]>(['-4', 'route', 'show', 'dev', 'veth0'])), ...(await ns.ipJson<any[]>(['-6', 'route', 'show', 'dev', 'veth0']))];
  const rules = await ns.ipJson<any[]>(['rule', 'show']);
  return {
    mac: link.address,
    up: (link.flags as string[]).includes('UP'),
    mtu: link.mtu,
    addresses: addrs.filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`).sort(),
    routes: routes.filter((r) => r.protocol !== 'kernel').map((r) => `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}`).sort(),
    rule: rules.some((r) => r.priority === 5),
  };
}

async function veth(prefix: string): Promise<Netns> {
  const ns = await Netns.create(prefix);
  await ns.addVeth('veth0', 'veth1');
  for (const l of ['veth0', 'veth1']) await ns.ip(['link', 'set', l, 'up']);
  return ns;
}

const ACTIVE: Omit<LinkView, 'mac'> = {
  up: true,
  mtu: 1400,
  addresses: ['192.0.2.1/24', '2001:db8::1/64'],
  routes: ['198.51.100.0/24 via 192.0.2.2', 'default via 192.0.2.254'],
  rule: true,
};

describe('an active device made unmanaged (real nmcli), as NetworkManager 1.42 does it', () => {
  let nmkNs: Netns;
  let nmNs: Netns;
  let d: Daemon;
  let nm: NetworkManagerInstance;

  beforeAll(async () => {
    nmkNs = await veth('nmku');
    nmNs = await veth('nmkv');
    d = await startDaemon({
      ns: nmkNs,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:veth1\n',
      files: { 'etc/nmk/system-connections/um.nmconnection': { text: PROFILE, mode: 0o600 } },
    });
    nm = await startNetworkManager({
      ns: nmNs,
      networking: true,
      extraConfig: '[keyfile]\nunmanaged-devices=interface-name:veth1\n',
      keyfiles: { 'um.nmconnection': PROFILE },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await nm?.cleanup();
    await nmkNs?.destroy();
    await nmNs?.destroy();
  });

  /** Activate, unmanage, and the link as `ip` shows it before the activation, while up and after. */
  const run = async (ns: Netns, nmcli: (args: string[], opts?: { timeoutMs?: number }) => Promise<{ code: number | null; stdout: string; stderr: string }>) => {
    const initial = await view(ns);
    const up = await nmcli(['connection', 'up', 'um'], { timeoutMs: 30_000 });
    expect(up.code, up.stderr + up.stdout).toBe(0);
    const active = await view(ns);
    const set = await nmcli(['device', 'set', 'veth0', 'managed', 'no']);
    expect(set.code, set.stderr + set.stdout).toBe(0);
    // Read at once: the reset happens before the property Set is answered.
    const unmanaged = await view(ns);
    const state = (await nmcli(['-t', '-f', 'DEVICE,STATE', 'device', 'status'])).stdout;
    const activeConnections = (await nmcli(['-t', '-f', 'NAME', 'connection', 'show', '--active'])).stdout;
    return { initial, active, unmanaged, state, activeConnections };
  };

  it('the MAC address from before comes back; addresses, routes, MTU and up state stay; the routing rule goes', async () => {
    const ours = await run(nmkNs, (args, opts) => d.nmcli(args, opts));
    const theirs = await run(nmNs, (args, opts) => nm.nmcli(args, opts));
    for (const r of [theirs, ours]) {
      expect(r.initial.mac).not.toBe(CLONED);
      expect(r.active).toEqual({ mac: CLONED, ...ACTIVE });
      expect(r.unmanaged).toEqual({ mac: r.initial.mac, ...ACTIVE, rule: false });
      expect(r.state.split('\n')).toContain('veth0:unmanaged');
      expect(r.activeConnections.split('\n')).not.toContain('um');
    }
  });
});
