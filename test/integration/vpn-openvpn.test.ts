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
import { describe, expect, it } from 'vitest';
import { parseTerse } from '../harness/nmcli.js';
import { openvpnTlsProfile, pidsWith, useVpnTestbed } from '../harness/openvpn.js';

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
  // The classic network-manager-openvpn service (nmk's own TypeScript plugin is preferred otherwise): this test is about it.
  const bed = useVpnTestbed({
    name: 'nmkvc', prefer: 'classic', baseUuid: '7b1c2d3e-4f50-4a61-8b72-000000000001',
    profiles: (dir) => ({
      vpn1: openvpnTlsProfile(dir, 'vpn1', '7b1c2d3e-4f50-4a61-8b72-000000000002'),
      'vpn-missing': missingProfile,
    }),
  });

  it('a vpn-type with no plugin installed: NetworkManager\'s error, the base connection untouched', async () => {
    const r = await bed.d.nmcli(['connection', 'up', 'vpn-missing']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("The VPN service 'org.freedesktop.NetworkManager.nosuchvpn' was not installed.");
    const active = parseTerse((await bed.d.nmcli(['-t', '-f', 'NAME,STATE', 'connection', 'show', '--active'])).stdout);
    expect(active).toContainEqual(['base', 'activated']);
    expect(active.map((r) => r[0])).not.toContain('vpn-missing');
  });

  it('nmcli connection up: the tunnel is up with its address and the pushed route, and a ping goes through', async () => {
    const r = await bed.d.nmcli(['connection', 'up', 'vpn1'], { timeoutMs: 90_000 });
    expect(r.code, `${r.stderr}\n${bed.d.stderr().slice(-4000)}`).toBe(0);
    expect(r.stdout).toContain('Connection successfully activated');
    const active = parseTerse((await bed.d.nmcli(['-t', '-f', 'NAME,TYPE,STATE', 'connection', 'show', '--active'])).stdout);
    expect(active).toContainEqual(['vpn1', 'vpn', 'activated']);
    expect(active).toContainEqual(['base', '802-3-ethernet', 'activated']);
    const shown = await bed.d.nmcli(['connection', 'show', 'vpn1']);
    const vpnState = shown.stdout.split('\n').filter((l) => l.startsWith('VPN.VPN-STATE') || l.startsWith('GENERAL.STATE') || l.startsWith('GENERAL.VPN')).join('\n');
    expect(vpnState, shown.stdout.slice(-3000)).toMatch(/VPN connected/);

    const addrs = await bed.ns.ipJson<{ addr_info: { family: string; local: string; prefixlen: number }[] }[]>(['-4', 'address', 'show', 'dev', 'tun0']);
    const a = addrs[0]!.addr_info.find((x) => x.family === 'inet')!;
    expect(a.local).toMatch(/^10\.8\.0\.\d+$/);
    expect(a.prefixlen).toBe(24);
    const route = await bed.ns.ip(['-4', 'route', 'show', '198.51.100.0/24']);
    expect(route).toMatch(/198\.51\.100\.0\/24 via 10\.8\.0\.1 dev tun0 .*metric 50/);
    // The VPN gateway's host route through the base connection.
    expect(await bed.ns.ip(['-4', 'route', 'show', '192.0.2.1/32'])).toMatch(/dev veth0/);
    const ping = await bed.ns.tryExec('busybox', ['ping', '-c', '1', '-W', '5', '10.8.0.1']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    // The service runs under its per-connection bus name, as NetworkManager starts it.
    expect(pidsWith(bed.ns, 'nm-openvpn-service\0--bus-name\0org.freedesktop.NetworkManager.openvpn.Connection_').length).toBe(1);
  }, 120_000);

  it('nmcli connection down: tunnel, address, routes gone; the service exited; the base stays', async () => {
    const r = await bed.d.nmcli(['connection', 'down', 'vpn1']);
    expect(r.code, r.stderr).toBe(0);
    const active = parseTerse((await bed.d.nmcli(['-t', '-f', 'NAME,STATE', 'connection', 'show', '--active'])).stdout);
    expect(active.map((x) => x[0])).toEqual(['base']);
    expect((await bed.ns.tryExec('ip', ['link', 'show', 'tun0'])).code).not.toBe(0);
    expect(await bed.ns.ip(['-4', 'route', 'show', '198.51.100.0/24'])).toBe('');
    expect(await bed.ns.ip(['-4', 'route', 'show', '192.0.2.1/32'])).toBe('');
    expect(pidsWith(bed.ns, 'nm-openvpn-service')).toEqual([]);
    expect(pidsWith(bed.ns, 'openvpn\0--')).toEqual([]);
    // The daemon still answers.
    expect((await bed.d.nmcli(['-t', '-f', 'RUNNING', 'general'])).stdout.trim()).toBe('running');
  }, 60_000);
});
