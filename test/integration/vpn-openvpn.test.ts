/**
 * NetworkManager's VPN service protocol end to end: the real
 * network-manager-openvpn service, driven by nmkd, connects to a real
 * OpenVPN server in a peer namespace (TLS certificates made here), and
 * nmcli, `ip` and a ping through the tunnel show the result; `nmcli
 * connection down` removes all of it and the service exits. A profile whose
 * vpn.service-type has no plugin installed fails with NetworkManager's
 * message, the base connection untouched and nmkd running.
 *
 * The openvpn plugin's --up helper reaches D-Bus only at
 * /run/dbus/system_bus_socket: nmkd runs in a private mount namespace where
 * the private bus's socket is bind-mounted there (the host's /run/dbus is
 * not touched).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startPrivateBus, type PrivateBus } from '../harness/dbus.js';
import { Netns } from '../harness/netns.js';
import { makeCertificates, need, pidsWith, startOpenvpnServer } from '../harness/openvpn.js';
import { parseTerse } from '../harness/nmcli.js';

const file = (text: string) => ({ text, mode: 0o600 });

const baseProfile = `[connection]
id=base
uuid=7b1c2d3e-4f50-4a61-8b72-000000000001
type=ethernet
interface-name=veth0
autoconnect=false

[ipv4]
method=manual
address1=192.0.2.2/24,192.0.2.1

[ipv6]
method=ignore
`;

const vpnProfile = (dir: string) => `[connection]
id=vpn1
uuid=7b1c2d3e-4f50-4a61-8b72-000000000002
type=vpn
autoconnect=false

[vpn]
service-type=org.freedesktop.NetworkManager.openvpn
connection-type=tls
remote=192.0.2.1
port=1194
dev-type=tun
ca=${dir}/ca.crt
cert=${dir}/client.crt
key=${dir}/client.key

[ipv4]
method=auto
never-default=true
`;

const missingProfile = `[connection]
id=vpn-missing
uuid=7b1c2d3e-4f50-4a61-8b72-000000000003
type=vpn
autoconnect=false

[vpn]
service-type=org.freedesktop.NetworkManager.nosuchvpn
remote=192.0.2.1

[ipv4]
method=auto
`;

describe('VPN through network-manager-openvpn (root)', () => {
  let ns: Netns | undefined;
  let peer: Netns | undefined;
  let bus: PrivateBus | undefined;
  let d: Daemon | undefined;
  let dir = '';

  beforeAll(async () => {
    need('/usr/lib/NetworkManager/nm-openvpn-service', 'network-manager-openvpn');
    need('/usr/sbin/openvpn', 'openvpn');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-vpn-'));
    makeCertificates(dir);
    ns = await Netns.create('nmkvc');
    peer = await Netns.create('nmkvs');
    // The server: subnet topology, pushes a route and a DNS server.
    await startOpenvpnServer(ns, peer, dir);
    bus = await startPrivateBus();
    const socket = /unix:path=([^,]+)/.exec(bus.address)![1]!;
    d = await startDaemon({
      ns,
      busAddress: bus.address,
      // nmk's own openvpn plugin (TypeScript) would be preferred: this test is about the classic service.
      config: '[vpn]\nprefer=classic\n',
      files: {
        'etc/nmk/system-connections/base.nmconnection': file(baseProfile),
        'etc/nmk/system-connections/vpn1.nmconnection': file(vpnProfile(dir)),
        'etc/nmk/system-connections/vpn-missing.nmconnection': file(missingProfile),
      },
      // /run/dbus/system_bus_socket is the private bus, in a mount namespace of nmkd's (and its services') own.
      wrap: (cmd, args) => [
        'unshare',
        ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o mode=0755 nmk-vpn-dbus /run/dbus && touch /run/dbus/system_bus_socket && mount --bind "$0" /run/dbus/system_bus_socket && exec "$@"', socket, cmd, ...args],
      ],
    });
    const up = await d.nmcli(['connection', 'up', 'base']);
    expect(up.code, up.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
    await peer?.destroy();
    await bus?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a vpn-type with no plugin installed: NetworkManager\'s error, the base connection untouched', async () => {
    const r = await d!.nmcli(['connection', 'up', 'vpn-missing']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("The VPN service 'org.freedesktop.NetworkManager.nosuchvpn' was not installed.");
    const active = parseTerse((await d!.nmcli(['-t', '-f', 'NAME,STATE', 'connection', 'show', '--active'])).stdout);
    expect(active).toContainEqual(['base', 'activated']);
    expect(active.map((r) => r[0])).not.toContain('vpn-missing');
  });

  it('nmcli connection up: the tunnel is up with its address and the pushed route, and a ping goes through', async () => {
    const r = await d!.nmcli(['connection', 'up', 'vpn1'], { timeoutMs: 90_000 });
    expect(r.code, `${r.stderr}\n${d!.stderr().slice(-4000)}`).toBe(0);
    expect(r.stdout).toContain('Connection successfully activated');
    const active = parseTerse((await d!.nmcli(['-t', '-f', 'NAME,TYPE,STATE', 'connection', 'show', '--active'])).stdout);
    expect(active).toContainEqual(['vpn1', 'vpn', 'activated']);
    expect(active).toContainEqual(['base', '802-3-ethernet', 'activated']);
    const shown = await d!.nmcli(['connection', 'show', 'vpn1']);
    const vpnState = shown.stdout.split('\n').filter((l) => l.startsWith('VPN.VPN-STATE') || l.startsWith('GENERAL.STATE') || l.startsWith('GENERAL.VPN')).join('\n');
    expect(vpnState, shown.stdout.slice(-3000)).toMatch(/VPN connected/);

    const addrs = await ns!.ipJson<{ addr_info: { family: string; local: string; prefixlen: number }[] }[]>(['-4', 'address', 'show', 'dev', 'tun0']);
    const a = addrs[0]!.addr_info.find((x) => x.family === 'inet')!;
    expect(a.local).toMatch(/^10\.8\.0\.\d+$/);
    expect(a.prefixlen).toBe(24);
    const route = await ns!.ip(['-4', 'route', 'show', '198.51.100.0/24']);
    expect(route).toMatch(/198\.51\.100\.0\/24 via 10\.8\.0\.1 dev tun0 .*metric 50/);
    // The VPN gateway's host route through the base connection.
    expect(await ns!.ip(['-4', 'route', 'show', '192.0.2.1/32'])).toMatch(/dev veth0/);
    const ping = await ns!.tryExec('busybox', ['ping', '-c', '1', '-W', '5', '10.8.0.1']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    // The service runs under its per-connection bus name, as NetworkManager starts it.
    expect(pidsWith(ns!, 'nm-openvpn-service\0--bus-name\0org.freedesktop.NetworkManager.openvpn.Connection_').length).toBe(1);
  }, 120_000);

  it('nmcli connection down: tunnel, address, routes gone; the service exited; the base stays', async () => {
    const r = await d!.nmcli(['connection', 'down', 'vpn1']);
    expect(r.code, r.stderr).toBe(0);
    const active = parseTerse((await d!.nmcli(['-t', '-f', 'NAME,STATE', 'connection', 'show', '--active'])).stdout);
    expect(active.map((x) => x[0])).toEqual(['base']);
    expect((await ns!.tryExec('ip', ['link', 'show', 'tun0'])).code).not.toBe(0);
    expect(await ns!.ip(['-4', 'route', 'show', '198.51.100.0/24'])).toBe('');
    expect(await ns!.ip(['-4', 'route', 'show', '192.0.2.1/32'])).toBe('');
    expect(pidsWith(ns!, 'nm-openvpn-service')).toEqual([]);
    expect(pidsWith(ns!, 'openvpn --')).toEqual([]);
    // The daemon still answers.
    expect((await d!.nmcli(['-t', '-f', 'RUNNING', 'general'])).stdout.trim()).toBe('running');
  }, 60_000);
});
