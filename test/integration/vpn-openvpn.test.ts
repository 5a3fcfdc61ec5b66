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
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startPrivateBus, type PrivateBus } from '../harness/dbus.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const need = (bin: string, pkg: string) => {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: install ${pkg} (scripts/bootstrap.sh installs it)`);
};

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

/** A CA, and a server and a client certificate it signed (EC keys: quick to make). */
function makeCertificates(dir: string): void {
  const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=nmk test CA']);
  for (const who of ['server', 'client']) {
    ossl(['req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`]);
    ossl(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2']);
  }
}

/** The pids in a namespace whose command line contains `text`. */
function pidsWith(ns: Netns, text: string): number[] {
  const out = execFileSync('ip', ['netns', 'pids', ns.name]).toString();
  return out.split(/\s+/).filter(Boolean).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    } catch {
      return false;
    }
  });
}

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
    await ns.addVeth('veth0', 'veth1', peer);
    await peer.ip(['address', 'add', '192.0.2.1/24', 'dev', 'veth1']);
    await peer.ip(['link', 'set', 'veth1', 'up']);
    // The server: subnet topology, pushes a route and a DNS server.
    peer.spawn('openvpn', [
      '--dev', 'tun0', '--topology', 'subnet', '--server', '10.8.0.0', '255.255.255.0',
      '--ca', `${dir}/ca.crt`, '--cert', `${dir}/server.crt`, '--key', `${dir}/server.key`, '--dh', 'none',
      '--proto', 'udp', '--port', '1194', '--push', 'route 198.51.100.0 255.255.255.0', '--push', 'dhcp-option DNS 10.8.0.1',
      '--keepalive', '10', '60', '--verb', '3', '--log', `${dir}/server.log`,
    ]);
    bus = await startPrivateBus();
    const socket = /unix:path=([^,]+)/.exec(bus.address)![1]!;
    d = await startDaemon({
      ns,
      busAddress: bus.address,
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
