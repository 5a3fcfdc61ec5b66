/**
 * The TypeScript VPN SDK end to end: the same OpenVPN server as
 * vpn-openvpn.test.ts, reached through nmk's own openvpn plugin
 * (plugins/vpn-openvpn, chosen by `[vpn] prefer=sdk` although
 * network-manager-openvpn's .name file is installed too). nmcli shows the
 * VPN activated, `ip` the tunnel's address and the pushed route, a ping
 * goes through; `nmcli connection down` removes it all and openvpn exits.
 * `nmk connection import --type openvpn client.ovpn` adds a profile nmcli
 * lists, and that profile connects too. A profile with an unknown
 * connection-type fails with its name in the log, the base untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTerse } from '../harness/nmcli.js';
import { runNmk } from '../harness/nmk-cli.js';
import { openvpnTlsProfile, pidsWith, useVpnTestbed } from '../harness/openvpn.js';

describe('VPN through the TypeScript openvpn plugin (root)', () => {
  const bed = useVpnTestbed({
    name: 'nmkvtc', prefer: 'sdk', baseUuid: '8c1c2d3e-4f50-4a61-8b72-000000000001',
    profiles: (dir) => ({
      'vpn-ts': openvpnTlsProfile(dir, 'vpn-ts', '8c1c2d3e-4f50-4a61-8b72-000000000002'),
      'vpn-bad': openvpnTlsProfile(dir, 'vpn-bad', '8c1c2d3e-4f50-4a61-8b72-000000000003', 'smartcard'),
    }),
  });

  const activeRows = async () => parseTerse((await bed.d.nmcli(['-t', '-f', 'NAME,TYPE,STATE', 'connection', 'show', '--active'])).stdout);

  it('nmcli connection up: activated through the plugin, tunnel address, pushed route, ping', async () => {
    const r = await bed.d.nmcli(['connection', 'up', 'vpn-ts'], { timeoutMs: 90_000 });
    expect(r.code, `${r.stderr}\n${bed.d.stderr().slice(-4000)}`).toBe(0);
    expect(r.stdout).toContain('Connection successfully activated');
    expect(await activeRows()).toContainEqual(['vpn-ts', 'vpn', 'activated']);
    const shown = await bed.d.nmcli(['connection', 'show', 'vpn-ts']);
    expect(shown.stdout.split('\n').filter((l) => l.startsWith('VPN.VPN-STATE')).join('\n'), shown.stdout.slice(-3000)).toMatch(/VPN connected/);
    // Carried by openvpn under nmkd, not by network-manager-openvpn.
    expect(pidsWith(bed.ns, 'nm-openvpn-service')).toEqual([]);
    expect(pidsWith(bed.ns, 'openvpn\0--config\0').length).toBe(1);

    const addrs = await bed.ns.ipJson<{ addr_info: { family: string; local: string; prefixlen: number }[] }[]>(['-4', 'address', 'show', 'dev', 'tun0']);
    const a = addrs[0]!.addr_info.find((x) => x.family === 'inet')!;
    expect(a.local).toMatch(/^10\.8\.0\.\d+$/);
    expect(a.prefixlen).toBe(24);
    expect(await bed.ns.ip(['-4', 'route', 'show', '198.51.100.0/24'])).toMatch(/198\.51\.100\.0\/24 via 10\.8\.0\.1 dev tun0 .*metric 50/);
    expect(await bed.ns.ip(['-4', 'route', 'show', '192.0.2.1/32'])).toMatch(/dev veth0/);
    const ping = await bed.ns.tryExec('busybox', ['ping', '-c', '1', '-W', '5', '10.8.0.1']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    // The pushed DNS server reached the VPN's IP4Config.
    const dns = await bed.d.nmcli(['-t', '-f', 'IP4.DNS', 'connection', 'show', 'vpn-ts']);
    expect(dns.stdout).toContain('10.8.0.1');
  }, 120_000);

  it('nmcli connection down: tunnel, routes and openvpn gone; the base stays', async () => {
    const r = await bed.d.nmcli(['connection', 'down', 'vpn-ts']);
    expect(r.code, r.stderr).toBe(0);
    expect((await activeRows()).map((x) => x[0])).toEqual(['base']);
    expect((await bed.ns.tryExec('ip', ['link', 'show', 'tun0'])).code).not.toBe(0);
    expect(await bed.ns.ip(['-4', 'route', 'show', '198.51.100.0/24'])).toBe('');
    expect(await bed.ns.ip(['-4', 'route', 'show', '192.0.2.1/32'])).toBe('');
    expect(pidsWith(bed.ns, 'openvpn\0--config\0')).toEqual([]);
  }, 60_000);

  it('an unknown connection-type: activation fails naming it, the base untouched, nmkd running', async () => {
    const r = await bed.d.nmcli(['connection', 'up', 'vpn-bad'], { timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/VPN service failed to start|activation failed/i);
    const line = await bed.d.waitForLog((l) => /connection-type: 'smartcard' is not supported/.test(l.msg));
    expect(line.level).not.toBe('raw');
    expect(await activeRows()).toEqual([['base', '802-3-ethernet', 'activated']]);
    expect((await bed.d.nmcli(['-t', '-f', 'RUNNING', 'general'])).stdout.trim()).toBe('running');
  }, 60_000);

  it('nmk connection import --type openvpn: a profile nmcli lists, which connects', async () => {
    const ovpn = path.join(bed.dir, 'client.ovpn');
    fs.writeFileSync(ovpn, ['client', 'dev tun', 'proto udp', 'remote 192.0.2.1 1194', 'ca ca.crt', 'cert client.crt', 'key client.key', 'route 203.0.113.0 255.255.255.0', ''].join('\n'));
    const r = await runNmk(bed.d.busAddress, ['connection', 'import', '--type', 'openvpn', ovpn]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Connection 'client' \([0-9a-f-]{36}\) successfully added\./);
    const list = parseTerse((await bed.d.nmcli(['-t', '-f', 'NAME,TYPE', 'connection', 'show'])).stdout);
    expect(list).toContainEqual(['client', 'vpn']);
    const shown = await bed.d.nmcli(['-t', '-f', 'vpn.service-type,vpn.data,ipv4.routes', 'connection', 'show', 'client']);
    expect(shown.stdout).toContain('vpn.service-type:org.freedesktop.NetworkManager.openvpn');
    expect(shown.stdout).toContain(`ca = ${bed.dir}/ca.crt`);
    expect(shown.stdout).toContain('connection-type = tls');
    expect(shown.stdout).toContain('remote = 192.0.2.1:1194');
    expect(shown.stdout).toMatch(/203\.0\.113\.0\/24/);

    const up = await bed.d.nmcli(['connection', 'up', 'client'], { timeoutMs: 90_000 });
    expect(up.code, `${up.stderr}\n${bed.d.stderr().slice(-3000)}`).toBe(0);
    expect(await activeRows()).toContainEqual(['client', 'vpn', 'activated']);
    expect(await bed.ns.ip(['-4', 'route', 'show', '198.51.100.0/24'])).toMatch(/dev tun0/);
    const down = await bed.d.nmcli(['connection', 'down', 'client']);
    expect(down.code, down.stderr).toBe(0);
  }, 150_000);
});
