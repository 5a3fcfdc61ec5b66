/**
 * An OpenVPN client configuration (.ovpn) into a vpn profile, with the
 * vpn.data keys NetworkManager-openvpn's importer gives the same options.
 * One row per option; options nmk does not carry are skipped, as
 * NetworkManager's importer skips them. Relative file names are read from
 * the .ovpn's folder; inline blobs (<ca>...</ca>) become files under
 * `blobDir` named "<basename>-<tag>.pem", returned for the caller to write.
 * A bad line is an Error "FILE:LINE: option: why". Pure.
 */
import path from 'node:path';
import { newUuid, type ConnectionSettings, type IpRoute, type VpnImportFile, type VpnImportOptions, type VpnImportResult } from '../../sdk/index.js';
import { SERVICE_TYPE } from './names.js';
import { netmaskToPrefix } from './ip4.js';
import { splitWords } from './words.js';

interface State {
  data: Record<string, string>;
  routes: IpRoute[];
  dir: string;
  client: boolean;
  pass: boolean;
  has: Set<string>;
  keyDirection?: string;
  neverDefault?: boolean;
}

type Handler = (args: string[], s: State) => void;

const PROTOS = ['udp', 'udp4', 'udp6', 'tcp', 'tcp4', 'tcp6', 'tcp-client', 'tcp4-client', 'tcp6-client'];

function nargs(args: string[], min: number, max = min): void {
  if (args.length < min || args.length > max) throw new Error(min === max ? `takes ${min} argument${min === 1 ? '' : 's'}` : `takes ${min} to ${max} arguments`);
}
function int(v: string, min: number, max: number): string {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new Error(`'${v}' is not a number from ${min} to ${max}`);
  return String(Number(v));
}
function choice(v: string, list: readonly string[]): string {
  if (!list.includes(v)) throw new Error(`'${v}' is not one of ${list.join(', ')}`);
  return v;
}

/** An option with one value stored under a key, checked by `check`. */
const value = (key: string, check: (v: string) => string = (v) => v): Handler => (a, s) => {
  nargs(a, 1);
  s.data[key] = check(a[0]!);
};
/** An option without arguments that sets key=yes. */
const yes = (key: string): Handler => (a, s) => {
  nargs(a, 0);
  s.data[key] = 'yes';
};
/** A file option (relative to the .ovpn), optionally with a key direction. */
const file = (key: string, dirKey?: string): Handler => (a, s) => {
  nargs(a, 1, dirKey ? 2 : 1);
  s.data[key] = path.resolve(s.dir, a[0]!);
  s.has.add(key);
  if (dirKey && a[1] !== undefined) s.data[dirKey] = choice(a[1], ['0', '1']);
};
const number = (key: string, min: number, max: number) => value(key, (v) => int(v, min, max));

const OPTIONS: Record<string, Handler> = {
  client: (a, s) => (nargs(a, 0), (s.client = true)),
  'tls-client': (a, s) => (nargs(a, 0), (s.client = true)),
  dev: value('dev'),
  'dev-type': value('dev-type', (v) => choice(v, ['tun', 'tap'])),
  proto: (a, s) => {
    nargs(a, 1);
    if (!choice(a[0]!, PROTOS).startsWith('udp')) s.data['proto-tcp'] = 'yes';
  },
  remote: (a, s) => {
    nargs(a, 1, 3);
    const [host, port, proto] = a as [string, string?, string?];
    if (/[\s,]/.test(host)) throw new Error('remote cannot contain a space or a comma');
    let item = host.includes(':') ? `[${host}]` : host;
    if (port !== undefined) item += `:${int(port, 1, 65535)}`;
    if (proto !== undefined) item += `:${choice(proto, PROTOS)}`;
    s.data.remote = s.data.remote ? `${s.data.remote}, ${item}` : item;
    s.has.add('remote');
  },
  port: number('port', 1, 65535),
  rport: number('port', 1, 65535),
  'remote-random': yes('remote-random'),
  ca: file('ca'),
  cert: file('cert'),
  key: file('key'),
  'extra-certs': file('extra-certs'),
  secret: file('static-key', 'static-key-direction'),
  'tls-auth': file('ta', 'ta-dir'),
  'tls-crypt': file('tls-crypt'),
  'tls-crypt-v2': file('tls-crypt-v2'),
  pkcs12: (a, s) => {
    nargs(a, 1);
    const f = path.resolve(s.dir, a[0]!);
    if (!s.has.has('ca')) s.data.ca = f;
    s.data.cert = s.data.key = f;
    s.has.add('pkcs12');
  },
  'key-direction': (a, s) => (nargs(a, 1), (s.keyDirection = choice(a[0]!, ['0', '1']))),
  'auth-user-pass': (a, s) => (nargs(a, 0, 1), (s.pass = true)),
  'comp-lzo': (a, s) => {
    nargs(a, 0, 1);
    const v = a[0] ?? 'adaptive';
    // NetworkManager-openvpn's spelling of an explicit "no" (old clients wrote "no" for unset).
    s.data['comp-lzo'] = v === 'no' ? 'no-by-default' : choice(v, ['yes', 'adaptive']);
  },
  compress: (a, s) => {
    nargs(a, 0, 1);
    s.data.compress = a[0] === undefined ? 'yes' : choice(a[0], ['lzo', 'lz4', 'lz4-v2']);
  },
  float: yes('float'),
  cipher: value('cipher'),
  'tls-cipher': value('tls-cipher'),
  auth: value('auth'),
  'tls-version-min': value('tls-version-min'),
  'tls-version-max': value('tls-version-max'),
  keepalive: (a, s) => {
    nargs(a, 2);
    s.data.ping = int(a[0]!, 0, 2 ** 31 - 1);
    s.data['ping-restart'] = int(a[1]!, 0, 2 ** 31 - 1);
  },
  ping: number('ping', 0, 2 ** 31 - 1),
  'ping-exit': number('ping-exit', 0, 2 ** 31 - 1),
  'ping-restart': number('ping-restart', 0, 2 ** 31 - 1),
  'reneg-sec': number('reneg-seconds', 0, 2 ** 31 - 1),
  'connect-timeout': number('connect-timeout', 0, 2 ** 31 - 1),
  'server-poll-timeout': number('connect-timeout', 0, 2 ** 31 - 1),
  'tun-mtu': number('tunnel-mtu', 0, 65535),
  fragment: number('fragment-size', 0, 65535),
  mssfix: (a, s) => {
    nargs(a, 0, 1);
    s.data.mssfix = a[0] === undefined ? 'yes' : int(a[0], 0, 2 ** 31 - 1);
  },
  'mtu-disc': value('mtu-disc', (v) => choice(v, ['no', 'maybe', 'yes'])),
  'remote-cert-tls': value('remote-cert-tls', (v) => choice(v, ['client', 'server'])),
  'ns-cert-type': value('ns-cert-type', (v) => choice(v, ['client', 'server'])),
  'verify-x509-name': (a, s) => {
    nargs(a, 1, 2);
    s.data['verify-x509-name'] = `${choice(a[1] ?? 'subject', ['subject', 'name', 'name-prefix'])}:${a[0]}`;
  },
  'crl-verify': (a, s) => {
    nargs(a, 1, 2);
    if (a[1] !== undefined && a[1] !== 'dir') throw new Error(`'${a[1]}' is not 'dir'`);
    s.data[a[1] ? 'crl-verify-dir' : 'crl-verify-file'] = path.resolve(s.dir, a[0]!);
  },
  ifconfig: (a, s) => {
    nargs(a, 2);
    s.data['local-ip'] = a[0]!;
    s.data['remote-ip'] = a[1]!;
  },
  'tun-ipv6': yes('tun-ipv6'),
  'push-peer-info': yes('push-peer-info'),
  'allow-pull-fqdn': yes('allow-pull-fqdn'),
  route: (a, s) => {
    nargs(a, 1, 4);
    const [net, mask = '255.255.255.255', gw, metric] = a as [string, string?, string?, string?];
    const prefix = netmaskToPrefix(mask);
    if (prefix === undefined) throw new Error(`'${mask}' is not a netmask`);
    // A default route cannot be a profile route: it means "not never-default", which is the default already.
    if (prefix === 0 && net === '0.0.0.0') return void (s.neverDefault = false);
    s.routes.push({ dest: net, prefix, ...(gw && gw !== 'vpn_gateway' ? { nextHop: gw } : {}), ...(metric !== undefined ? { metric: Number(int(metric, 0, 2 ** 32 - 1)) } : {}) });
  },
  'http-proxy': (a, s) => {
    nargs(a, 2, 4);
    s.data['proxy-type'] = 'http';
    s.data['proxy-server'] = a[0]!;
    s.data['proxy-port'] = int(a[1]!, 1, 65535);
  },
  'socks-proxy': (a, s) => {
    nargs(a, 1, 3);
    s.data['proxy-type'] = 'socks';
    s.data['proxy-server'] = a[0]!;
    if (a[1] !== undefined) s.data['proxy-port'] = int(a[1], 1, 65535);
  },
};

/** Inline blobs: the tag and the key it fills. */
const BLOBS: Record<string, string> = {
  ca: 'ca',
  cert: 'cert',
  key: 'key',
  'extra-certs': 'extra-certs',
  'tls-auth': 'ta',
  'tls-crypt': 'tls-crypt',
  'tls-crypt-v2': 'tls-crypt-v2',
  secret: 'static-key',
  'crl-verify': 'crl-verify-file',
};

export function importOvpn(text: string, fileName: string, options: VpnImportOptions): VpnImportResult {
  const base = path.basename(fileName).replace(/\.[^.]*$/, '');
  const s: State = { data: {}, routes: [], dir: path.dirname(path.resolve(fileName)), client: false, pass: false, has: new Set() };
  const files = new Map<string, VpnImportFile>();
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const where = `${fileName}:${i + 1}`;
    let words: string[];
    try {
      words = splitWords(lines[i]!);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
    if (words.length === 0) continue;
    const option = words[0]!.replace(/^--/, '');
    const blob = /^<([a-z0-9-]+)>$/.exec(option);
    if (blob) {
      const key = BLOBS[blob[1]!];
      if (!key) throw new Error(`${where}: <${blob[1]}>: unsupported inline element`);
      const end = lines.findIndex((l, j) => j > i && l.trim() === `</${blob[1]}>`);
      if (end < 0) throw new Error(`${where}: <${blob[1]}>: not closed by </${blob[1]}>`);
      const target = path.join(options.blobDir, `${base}-${blob[1]}.pem`);
      files.set(target, { path: target, text: lines.slice(i + 1, end).map((l) => l.replace(/\r$/, '')).join('\n') + '\n' });
      s.data[key] = target;
      s.has.add(key);
      i = end;
      continue;
    }
    const handler = OPTIONS[option];
    if (!handler) continue;
    try {
      handler(words.slice(1), s);
    } catch (err) {
      throw new Error(`${where}: ${option}: ${(err as Error).message}`);
    }
  }
  if (s.keyDirection !== undefined) {
    if (s.has.has('ta') && s.data['ta-dir'] === undefined) s.data['ta-dir'] = s.keyDirection;
    if (s.has.has('static-key') && s.data['static-key-direction'] === undefined) s.data['static-key-direction'] = s.keyDirection;
  }
  const staticKey = s.has.has('static-key');
  if (!s.client && !staticKey) throw new Error(`${fileName}: not an OpenVPN client configuration (neither 'client' nor 'secret')`);
  if (!s.has.has('remote')) throw new Error(`${fileName}: not a valid OpenVPN configuration (no remote)`);
  const cert = s.has.has('cert') || s.has.has('pkcs12');
  if (s.client && !s.has.has('pkcs12')) {
    if (!s.has.has('ca')) throw new Error(`${fileName}: not a valid OpenVPN configuration (missing ca)`);
    if (s.has.has('cert') !== s.has.has('key')) throw new Error(`${fileName}: not a valid OpenVPN configuration (cert and key go together)`);
  }
  const type = s.pass ? (cert ? 'password-tls' : 'password') : cert ? 'tls' : staticKey ? 'static-key' : 'tls';
  s.data['connection-type'] = type;
  // NetworkManager-openvpn's default: the password is the user's, kept by their agent.
  if (s.pass) s.data['password-flags'] = '1';
  const settings: ConnectionSettings = {
    connection: { id: base, uuid: newUuid(), type: 'vpn' },
    vpn: { 'service-type': SERVICE_TYPE, data: s.data },
    ipv4: { method: 'auto', ...(s.routes.length ? { 'route-data': s.routes } : {}), ...(s.neverDefault === false ? { 'never-default': false } : {}) },
    ipv6: { method: 'auto' },
  };
  return { settings, files: [...files.values()] };
}
