/**
 * WireGuard peers (wireguard.peers): text "PUBKEY allowed-ips=A;B
 * endpoint=HOST:PORT persistent-keepalive=N preshared-key=K
 * preshared-key-flags=F" (the form newer nmcli reads and writes), and the
 * D-Bus record {public-key, endpoint, preshared-key, preshared-key-flags,
 * persistent-keepalive, allowed-ips}. A peer without preshared-key-flags
 * has flags 4 (not required), except that a text peer with a key and no
 * flags has flags 0, as nmcli does. Allowed IPs are kept in canonical
 * address form with their prefix, if any (as NetworkManager normalises them).
 */
import { dbusValue, type DBusValue } from '../dbus/value.js';
import { formatIp, parseIp } from '../ip-address.js';
import { WIREGUARD_KEY_LENGTH, WIREGUARD_PEER_DEFAULT_PSK_FLAGS } from '../tables/wireguard.js';
import { plainValue } from './attributes.js';
import { fail, ok, type Parsed } from './result.js';

export interface WireguardPeer {
  publicKey: string;
  endpoint?: string;
  presharedKey?: string;
  presharedKeyFlags: number;
  persistentKeepalive: number;
  allowedIps: string[];
}

/** Whether `text` is a 256-bit key in canonical base64 (nm_utils_base64secret_normalize). */
export function isWireguardKey(text: string): boolean {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) return false;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === WIREGUARD_KEY_LENGTH && bytes.toString('base64') === text;
}

/** An allowed IP in NetworkManager's normal form, or undefined when it is not "ADDR[/PREFIX]". */
export function normalizeAllowedIp(text: string): string | undefined {
  const [addr, prefix, extra] = text.trim().split('/');
  if (extra !== undefined || addr === undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  if (prefix === undefined) return formatIp(ip.bytes);
  const max = ip.bytes.length * 8;
  if (!/^\d+$/.test(prefix) || Number(prefix) > max) return undefined;
  return `${formatIp(ip.bytes)}/${Number(prefix)}`;
}

/** Whether an endpoint reads as "HOST:PORT" or "[IPv6]:PORT" (nm_sock_addr_endpoint_new). */
export function isValidEndpoint(text: string): boolean {
  const m = /^\[([^\]\s]+)\]:(\d+)$/.exec(text) ?? /^([^\s:[\]]+):(\d+)$/.exec(text);
  return !!m && Number(m[2]) <= 65535;
}

export function parseWireguardPeer(text: string): Parsed<WireguardPeer> {
  const [key, ...words] = text.split(' ');
  if (key === undefined || !isWireguardKey(key)) return fail(`invalid public key '${key ?? ''}'`);
  const peer: WireguardPeer = { publicKey: key, presharedKeyFlags: WIREGUARD_PEER_DEFAULT_PSK_FLAGS, persistentKeepalive: 0, allowedIps: [] };
  let flagsGiven = false;
  for (const word of words) {
    if (word === '') continue;
    const eq = word.indexOf('=');
    if (eq < 0 || eq === word.length - 1) return fail(`attribute without value '${word}'`);
    const name = word.slice(0, eq);
    const value = word.slice(eq + 1);
    switch (name) {
      case 'allowed-ips':
        for (const item of value.split(';').filter((s) => s !== '')) {
          const ip = normalizeAllowedIp(item);
          if (!ip) return fail(`invalid allowed-ip '${item}'`);
          peer.allowedIps.push(ip);
        }
        break;
      case 'endpoint':
        if (!isValidEndpoint(value)) return fail(`invalid endpoint '${value}'`);
        peer.endpoint = value;
        break;
      case 'persistent-keepalive':
        if (!/^\d+$/.test(value) || Number(value) > 0xffff) return fail(`invalid persistent-keepalive value '${value}'`);
        peer.persistentKeepalive = Number(value);
        break;
      case 'preshared-key':
        if (!isWireguardKey(value)) return fail(`invalid preshared-key '${value}'`);
        peer.presharedKey = value;
        break;
      case 'preshared-key-flags':
        if (!/^\d+$/.test(value) || Number(value) > 7) return fail(`invalid preshared-key-flags '${value}'`);
        peer.presharedKeyFlags = Number(value);
        flagsGiven = true;
        break;
      default:
        return fail(`invalid attribute '${name}'`);
    }
  }
  if (peer.presharedKey !== undefined && !flagsGiven) peer.presharedKeyFlags = 0;
  return ok(peer);
}

export function formatWireguardPeer(p: WireguardPeer): string {
  const words = [p.publicKey];
  if (p.allowedIps.length) words.push(`allowed-ips=${p.allowedIps.join(';')}`);
  if (p.endpoint !== undefined) words.push(`endpoint=${p.endpoint}`);
  if (p.persistentKeepalive !== 0) words.push(`persistent-keepalive=${p.persistentKeepalive}`);
  if (p.presharedKey !== undefined) words.push(`preshared-key=${p.presharedKey}`);
  // Flags other than the default are kept even without a key (agent-owned, not-saved).
  if (p.presharedKey !== undefined || p.presharedKeyFlags !== WIREGUARD_PEER_DEFAULT_PSK_FLAGS) words.push(`preshared-key-flags=${p.presharedKeyFlags}`);
  return words.join(' ');
}

/** The full record; toDBus drops the secret fields unless secrets are asked for. */
export function wireguardPeerToDBus(p: WireguardPeer): Record<string, DBusValue> {
  const out: Record<string, DBusValue> = { 'public-key': dbusValue('s', p.publicKey) };
  if (p.endpoint !== undefined) out['endpoint'] = dbusValue('s', p.endpoint);
  if (p.presharedKey !== undefined) out['preshared-key'] = dbusValue('s', p.presharedKey);
  if (p.presharedKeyFlags !== WIREGUARD_PEER_DEFAULT_PSK_FLAGS) out['preshared-key-flags'] = dbusValue('u', p.presharedKeyFlags);
  if (p.persistentKeepalive !== 0) out['persistent-keepalive'] = dbusValue('u', p.persistentKeepalive);
  if (p.allowedIps.length) out['allowed-ips'] = dbusValue('as', [...p.allowedIps]);
  return out;
}

export function wireguardPeerFromDBus(record: Record<string, unknown>): Parsed<WireguardPeer> {
  const r = plainValue(record) as Record<string, unknown>;
  const key = r['public-key'];
  if (typeof key !== 'string') return fail('peer has no public-key');
  if (!isWireguardKey(key)) return fail('peer has invalid public-key');
  const peer: WireguardPeer = { publicKey: key, presharedKeyFlags: WIREGUARD_PEER_DEFAULT_PSK_FLAGS, persistentKeepalive: 0, allowedIps: [] };
  if (typeof r['endpoint'] === 'string') {
    if (!isValidEndpoint(r['endpoint'])) return fail('peer has invalid endpoint');
    peer.endpoint = r['endpoint'];
  }
  if (typeof r['preshared-key'] === 'string') {
    if (!isWireguardKey(r['preshared-key'])) return fail('peer has invalid preshared-key');
    peer.presharedKey = r['preshared-key'];
  }
  if (typeof r['preshared-key-flags'] === 'number') peer.presharedKeyFlags = r['preshared-key-flags'];
  if (typeof r['persistent-keepalive'] === 'number') peer.persistentKeepalive = r['persistent-keepalive'];
  if (Array.isArray(r['allowed-ips'])) {
    for (const item of r['allowed-ips']) {
      const ip = typeof item === 'string' ? normalizeAllowedIp(item) : undefined;
      if (!ip) return fail('peer has invalid allowed-ips setting');
      peer.allowedIps.push(ip);
    }
  }
  return ok(peer);
}
