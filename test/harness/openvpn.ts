/**
 * An OpenVPN server for VPN tests: TLS certificates made with openssl (a CA,
 * a server and a client certificate, EC keys: quick to make), the server in
 * a peer namespace on 192.0.2.1 (subnet topology, 10.8.0.0/24, pushing a
 * route to 198.51.100.0/24 and a DNS server), and a way to find processes
 * in a namespace.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Netns } from './netns.js';

export const OPENVPN = '/usr/sbin/openvpn';
export const SERVER_ADDRESS = '192.0.2.1';
export const PUSHED_ROUTE = '198.51.100.0/24';

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
 * The server side: `peer` gets 192.0.2.1/24 on `peerIf` and runs openvpn
 * (it ends with the namespace). The client side is `ns`'s `clientIf`.
 */
export async function startOpenvpnServer(ns: Netns, peer: Netns, dir: string, clientIf = 'veth0', peerIf = 'veth1'): Promise<void> {
  await ns.addVeth(clientIf, peerIf, peer);
  await peer.ip(['address', 'add', `${SERVER_ADDRESS}/24`, 'dev', peerIf]);
  await peer.ip(['link', 'set', peerIf, 'up']);
  peer.spawn('openvpn', [
    '--dev', 'tun0', '--topology', 'subnet', '--server', '10.8.0.0', '255.255.255.0',
    '--ca', `${dir}/ca.crt`, '--cert', `${dir}/server.crt`, '--key', `${dir}/server.key`, '--dh', 'none',
    '--proto', 'udp', '--port', '1194', '--push', 'route 198.51.100.0 255.255.255.0', '--push', 'dhcp-option DNS 10.8.0.1',
    '--keepalive', '10', '60', '--verb', '3', '--log', `${dir}/server.log`,
  ]);
}

/** The pids in a namespace whose command line contains `text` (zombies left out: PID 1 here does not reap them). */
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
