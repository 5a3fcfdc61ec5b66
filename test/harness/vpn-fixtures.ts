/**
 * Fixtures for the VPN failure and agent tests: a CA with a server and a
 * client certificate (EC keys: quick to make), an OpenVPN server in a peer
 * namespace (optionally checking a username/password with a script, as
 * `--auth-user-pass-verify ... via-file` does), and nmkd started in a
 * private mount namespace where /run/dbus/system_bus_socket is the test's
 * private bus (network-manager-openvpn's --up helper reaches D-Bus only
 * there; the host's /run/dbus is not touched).
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Netns } from './netns.js';

export const OPENVPN_SERVICE = '/usr/lib/NetworkManager/nm-openvpn-service';
export const OPENVPN_BIN = '/usr/sbin/openvpn';

/** Fail (never skip) when a needed program is missing. */
export function needProgram(bin: string, pkg: string): void {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: install ${pkg} (scripts/bootstrap.sh installs it)`);
}

/** ca.crt, server.crt/key and client.crt/key in `dir`. */
export function makeTestCertificates(dir: string): void {
  const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=nmk test CA']);
  for (const who of ['server', 'client']) {
    ossl(['req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`]);
    ossl(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2']);
  }
}

export interface OpenvpnServerOptions {
  /** Accept clients only with this username and password (no client certificate asked). */
  login?: { username: string; password: string };
}

/**
 * Start the server (subnet 10.8.0.0/24, pushes a route to 198.51.100.0/24 and
 * a DNS server) on 192.0.2.1:1194/udp in `peer`, logging to `dir`/server.log,
 * and wait until it is ready. It dies with the namespace (Netns.destroy
 * kills what runs there).
 */
export async function startOpenvpnServer(peer: Netns, dir: string, o: OpenvpnServerOptions = {}): Promise<ChildProcess> {
  const log = path.join(dir, 'server.log');
  const extra: string[] = [];
  if (o.login) {
    // The script gets a file with the username and the password on two lines; status 0 accepts.
    const check = path.join(dir, 'check-login.sh');
    fs.writeFileSync(check, `#!/bin/sh\n[ "$(sed -n 1p "$1")" = '${o.login.username}' ] && [ "$(sed -n 2p "$1")" = '${o.login.password}' ]\n`, { mode: 0o755 });
    extra.push('--script-security', '2', '--auth-user-pass-verify', check, 'via-file', '--verify-client-cert', 'none');
  }
  const child = peer.spawn(OPENVPN_BIN, [
    '--dev', 'tun0', '--topology', 'subnet', '--server', '10.8.0.0', '255.255.255.0',
    '--ca', `${dir}/ca.crt`, '--cert', `${dir}/server.crt`, '--key', `${dir}/server.key`, '--dh', 'none',
    '--proto', 'udp', '--port', '1194', '--push', 'route 198.51.100.0 255.255.255.0', '--push', 'dhcp-option DNS 10.8.0.1',
    '--keepalive', '10', '60', '--verb', '3', '--log', log, ...extra,
  ]);
  const text = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '');
  await until('the OpenVPN server to be ready', () => {
    if (child.exitCode !== null) throw new Error(`openvpn server exited (${child.exitCode}): ${text().slice(-2000)}`);
    return text().includes('Initialization Sequence Completed');
  }, 20_000);
  return child;
}

/** The live (not zombie) pids in a namespace whose command line contains `text` (arguments joined by NUL). */
export function pidsIn(ns: Netns, text: string): number[] {
  const out = execFileSync('ip', ['netns', 'pids', ns.name]).toString();
  return out.split(/\s+/).filter(Boolean).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    } catch {
      return false;
    }
  });
}

/** startDaemon's `wrap`: nmkd (and the services it starts) see the private bus at /run/dbus/system_bus_socket. */
export function systemBusMountWrap(busAddress: string): (cmd: string, args: string[]) => [string, string[]] {
  const socket = /unix:path=([^,]+)/.exec(busAddress)?.[1];
  if (!socket) throw new Error(`cannot find a unix socket path in the bus address ${busAddress}`);
  return (cmd, args) => [
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o mode=0755 nmk-vpn-dbus /run/dbus && touch /run/dbus/system_bus_socket && mount --bind "$0" /run/dbus/system_bus_socket && exec "$@"', socket, cmd, ...args],
  ];
}

/** Wait until `check` holds (polling a state that changes on its own), or throw naming `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every OpenVPN-related process of the namespace has exited. */
export const openvpnGone = (ns: Netns) => pidsIn(ns, 'nm-openvpn-service').length === 0 && pidsIn(ns, 'openvpn\x00--').length === 0;
