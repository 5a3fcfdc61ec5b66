/**
 * The harness of the VPN tests: TLS certificates made with openssl (a CA, a
 * server and a client certificate, EC keys: quick to make), an OpenVPN server
 * in a peer namespace on 192.0.2.1 (subnet topology, 10.8.0.0/24, pushing a
 * route to 198.51.100.0/24 and a DNS server; optionally checking a username
 * and password), the profiles the tests share, process lookup and polling,
 * and `useVpnTestbed`, which sets all of it up around one nmkd per test file.
 *
 * With network-manager-openvpn ("classic"), nmkd runs in a private mount
 * namespace where /run/dbus/system_bus_socket is the test's private bus: the
 * plugin's --up helper reaches D-Bus only there (the host's /run/dbus is not
 * touched).
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startDaemon, type Daemon } from './daemon.js';
import { startPrivateBus, type PrivateBus } from './dbus.js';
import { Netns } from './netns.js';

export const OPENVPN = '/usr/sbin/openvpn';
export const OPENVPN_SERVICE = '/usr/lib/NetworkManager/nm-openvpn-service';
export const SERVER_ADDRESS = '192.0.2.1';

export interface Login {
  username: string;
  password: string;
}

/** Fail (never skip) when a needed program is missing. */
export function need(bin: string, pkg: string): void {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: install ${pkg} (scripts/bootstrap.sh installs it)`);
}

/** ca.crt/key, server.crt/key, client.crt/key in `dir`. */
export function makeCertificates(dir: string): void {
  const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=nmk test CA']);
  for (const who of ['server', 'client']) {
    ossl(['req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`]);
    ossl(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2']);
  }
}

/**
 * The server side: `peer` gets 192.0.2.1/24 on veth1, the other end (veth0)
 * in `ns`, and runs openvpn on port 1194/udp, logging to `dir`/server.log;
 * resolves once the server is ready. With `login` it accepts only clients
 * giving that username and password (no client certificate asked). It dies
 * with the namespace (Netns.destroy kills what runs there).
 */
export async function startOpenvpnServer(ns: Netns, peer: Netns, dir: string, login?: Login): Promise<ChildProcess> {
  await ns.addVeth('veth0', 'veth1', peer);
  await peer.ip(['address', 'add', `${SERVER_ADDRESS}/24`, 'dev', 'veth1']);
  await peer.ip(['link', 'set', 'veth1', 'up']);
  const log = path.join(dir, 'server.log');
  const extra: string[] = [];
  if (login) {
    // The script gets a file with the username and the password on two lines; status 0 accepts.
    const check = path.join(dir, 'check-login.sh');
    fs.writeFileSync(check, `#!/bin/sh\n[ "$(sed -n 1p "$1")" = '${login.username}' ] && [ "$(sed -n 2p "$1")" = '${login.password}' ]\n`, { mode: 0o755 });
    extra.push('--script-security', '2', '--auth-user-pass-verify', check, 'via-file', '--verify-client-cert', 'none');
  }
  const child = peer.spawn(OPENVPN, [
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

/** The live (not zombie: PID 1 here does not reap them) pids in a namespace whose command line (arguments joined by NUL) contains `text`. */
export function pidsWith(ns: Netns, text: string): number[] {
  const out = execFileSync('ip', ['netns', 'pids', ns.name]).toString();
  return out.split(/\s+/).filter(Boolean).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    } catch {
      return false;
    }
  });
}

/** Every OpenVPN-related process of the namespace has exited. */
export const openvpnGone = (ns: Netns) => pidsWith(ns, 'nm-openvpn-service').length === 0 && pidsWith(ns, 'openvpn\x00--').length === 0;

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

/** The client's side of the link: an ethernet profile on veth0, 192.0.2.2/24, optionally with connection.secondaries. */
export const ethernetProfile = (id: string, uuid: string, secondaries?: string) => `[connection]
id=${id}
uuid=${uuid}
type=ethernet
interface-name=veth0
autoconnect=false
${secondaries ? `secondaries=${secondaries};\n` : ''}
[ipv4]
method=manual
address1=192.0.2.2/24,192.0.2.1

[ipv6]
method=ignore
`;

/** An OpenVPN profile authenticating with the client certificate from `dir`. */
export const openvpnTlsProfile = (dir: string, id: string, uuid: string, connectionType = 'tls') => `[connection]
id=${id}
uuid=${uuid}
type=vpn
autoconnect=false

[vpn]
service-type=org.freedesktop.NetworkManager.openvpn
connection-type=${connectionType}
remote=${SERVER_ADDRESS}
port=1194
dev-type=tun
ca=${dir}/ca.crt
cert=${dir}/client.crt
key=${dir}/client.key

[ipv4]
method=auto
never-default=true
`;

/** An OpenVPN profile with a username; the password agent-owned (no [vpn-secrets]) or stored (system-owned). */
export const openvpnPasswordProfile = (dir: string, id: string, uuid: string, username: string, password: { agentOwned: true } | { stored: string }) => `[connection]
id=${id}
uuid=${uuid}
type=vpn
autoconnect=false

[vpn]
ca=${dir}/ca.crt
connection-type=password
password-flags=${'agentOwned' in password ? 1 : 0}
remote=${SERVER_ADDRESS}
username=${username}
service-type=org.freedesktop.NetworkManager.openvpn
${'stored' in password ? `\n[vpn-secrets]\npassword=${password.stored}\n` : ''}
[ipv4]
method=auto
never-default=true

[ipv6]
method=ignore
`;

export interface VpnTestbedOptions {
  /** Prefix of the client namespace's name; the server's gets an extra 's'. */
  name: string;
  /** Which OpenVPN plugin nmkd prefers: network-manager-openvpn ('classic', on a private bus mounted at /run/dbus) or nmk's own ('sdk'). */
  prefer: 'classic' | 'sdk';
  /** The server accepts only this login instead of client certificates. */
  login?: Login;
  /** The UUID of 'base', the ethernet profile on veth0 brought up before the tests. */
  baseUuid: string;
  /** More keyfiles by connection id, written to etc/nmk/system-connections. */
  profiles: (dir: string) => Record<string, string>;
  /** Other files for nmkd's state root (path relative to it). */
  files?: (dir: string) => Record<string, string>;
}

/** What useVpnTestbed made; read only inside tests (it is made in beforeAll). */
export class VpnTestbed {
  /** Holds the certificates and the server's log. */
  dir = '';
  daemon?: Daemon;
  client?: Netns;
  server?: Netns;
  bus?: PrivateBus;

  get d(): Daemon {
    return made(this.daemon, 'daemon');
  }

  /** The client's namespace, where nmkd runs. */
  get ns(): Netns {
    return made(this.client, 'client namespace');
  }
}

function made<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the VPN testbed has no ${what}: its beforeAll failed`);
  return value;
}

/**
 * beforeAll: certificates in a fresh directory, the client and server
 * namespaces linked by veth0/veth1, the OpenVPN server, nmkd on veth0 with
 * the given profiles, and the ethernet profile 'base' up. afterAll ends all of it, also when the
 * set-up failed half-way.
 */
export function useVpnTestbed(o: VpnTestbedOptions): VpnTestbed {
  const bed = new VpnTestbed();
  beforeAll(async () => {
    need(OPENVPN, 'openvpn');
    if (o.prefer === 'classic') need(OPENVPN_SERVICE, 'network-manager-openvpn');
    bed.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${o.name}-`));
    // network-manager-openvpn's openvpn drops to an unprivileged user and still reads the files here.
    fs.chmodSync(bed.dir, 0o755);
    makeCertificates(bed.dir);
    bed.client = await Netns.create(o.name);
    bed.server = await Netns.create(`${o.name}s`);
    await startOpenvpnServer(bed.client, bed.server, bed.dir, o.login);
    const files: Record<string, string | { text: string; mode: number }> = { ...o.files?.(bed.dir) };
    const profiles = { base: ethernetProfile('base', o.baseUuid), ...o.profiles(bed.dir) };
    for (const [id, text] of Object.entries(profiles)) files[`etc/nmk/system-connections/${id}.nmconnection`] = { text, mode: 0o600 };
    if (o.prefer === 'classic') bed.bus = await startPrivateBus();
    bed.daemon = await startDaemon({
      ns: bed.client,
      busAddress: bed.bus?.address,
      // Both plugins handle service-type openvpn; each test file is about one of them.
      config: `[vpn]\nprefer=${o.prefer}\n`,
      files,
      wrap: bed.bus ? systemBusMountWrap(bed.bus.address) : undefined,
    });
    const up = await bed.daemon.nmcli(['connection', 'up', 'base']);
    expect(up.code, up.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await bed.daemon?.cleanup();
    await bed.client?.destroy();
    await bed.server?.destroy();
    await bed.bus?.stop();
    if (bed.dir) fs.rmSync(bed.dir, { recursive: true, force: true });
  });
  return bed;
}
