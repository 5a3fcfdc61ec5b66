/**
 * An openvpn client configuration from a profile's vpn.data, with
 * NetworkManager-openvpn's keys and meaning. One row per key: what it adds
 * to the configuration. A key this plugin does not know is a warning
 * naming it (the profile still connects); a bad value or an unknown
 * connection-type is an Error naming the key and value. Pure.
 *
 * The fixed part says how nmk drives openvpn: the management interface is
 * a unix socket openvpn connects to (`management-client`, so nothing waits
 * for a socket to appear), openvpn holds until released and asks it for
 * passwords; openvpn configures no address and no route (`ifconfig-noexec`,
 * `route-noexec`): core does that from what the plugin reports.
 */
import { joinWords } from './words.js';

export const CONNECTION_TYPES = ['tls', 'password', 'password-tls', 'static-key'] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

export interface ConfigOptions {
  /** The unix socket of the management interface (openvpn connects to it). */
  managementSocket: string;
  /** The --up script that hands the pushed options over (see connect.ts). */
  upScript: string;
}

export interface GeneratedConfig {
  connectionType: ConnectionType;
  /** The configuration file's text. */
  text: string;
  /** Each line's words. */
  lines: string[][];
  warnings: string[];
  /** openvpn will ask the management interface for a user name and password. */
  userPass: boolean;
}

type Data = Readonly<Record<string, string>>;
type Row = (v: string, d: Data) => string[][];

const bad = (key: string, v: string, want: string) => new Error(`vpn.data ${key}: '${v}' is not ${want}`);

function int(key: string, min: number, max: number): (v: string) => string {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw bad(key, v, `a number from ${min} to ${max}`);
    return String(Number(v));
  };
}
const yes = (v: string) => v === 'yes' || v === 'true' || v === '1';
const oneOf = (key: string, choices: readonly string[]) => (v: string) => {
  if (!choices.includes(v)) throw bad(key, v, `one of ${choices.join(', ')}`);
  return v;
};
/** A key that becomes one option with the value as its argument. */
const same = (option: string, check: (v: string) => string = (v) => v): Row => (v) => [[option, check(v)]];
/** A yes/no key that adds a bare option. */
const flag = (option: string): Row => (v) => (yes(v) ? [[option]] : []);
/** Consumed by another row, or says nothing to openvpn. */
const none: Row = () => [];
/** A file with an optional key direction (0 or 1) from another key. */
const withDirection = (option: string, dirKey: string): Row => (v, d) => {
  const dir = d[dirKey];
  if (dir !== undefined && dir !== '0' && dir !== '1') throw bad(dirKey, dir, '0 or 1');
  return [[option, v, ...(dir !== undefined ? [dir] : [])]];
};

/** NetworkManager-openvpn's vpn.data keys. */
const ROWS: Record<string, Row> = {
  'connection-type': none,
  remote: none, // remotes(): with port and proto-tcp
  port: none,
  'proto-tcp': none,
  'dev-type': none, // device()
  dev: none,
  'tap-dev': none,
  username: none,
  'remote-random': flag('remote-random'),
  'remote-random-hostname': flag('remote-random-hostname'),
  ca: same('ca'),
  cert: same('cert'),
  key: same('key'),
  'extra-certs': same('extra-certs'),
  'static-key': withDirection('secret', 'static-key-direction'),
  'static-key-direction': none,
  ta: withDirection('tls-auth', 'ta-dir'),
  'ta-dir': none,
  'tls-crypt': same('tls-crypt'),
  'tls-crypt-v2': same('tls-crypt-v2'),
  'local-ip': none, // with remote-ip: ifconfig, for static keys
  'remote-ip': (v, d) => (d['local-ip'] ? [['ifconfig', d['local-ip'], v]] : []),
  'comp-lzo': (v) => {
    // "no-by-default" is how NetworkManager-openvpn spells an explicit "no".
    const m: Record<string, string> = { yes: 'yes', adaptive: 'adaptive', 'no-by-default': 'no', no: 'no' };
    if (!m[v]) throw bad('comp-lzo', v, 'yes, adaptive or no-by-default');
    return [['comp-lzo', m[v]]];
  },
  compress: (v) => {
    if (v === 'yes') return [['compress']];
    return [['compress', oneOf('compress', ['lzo', 'lz4', 'lz4-v2', 'yes'])(v)]];
  },
  cipher: same('cipher'),
  auth: same('auth'),
  'tls-cipher': same('tls-cipher'),
  'tls-version-min': same('tls-version-min'),
  'tls-version-max': same('tls-version-max'),
  'remote-cert-tls': same('remote-cert-tls', oneOf('remote-cert-tls', ['client', 'server'])),
  // Removed from openvpn 2.6; remote-cert-tls checks the same extended key usage.
  'ns-cert-type': same('remote-cert-tls', oneOf('ns-cert-type', ['client', 'server'])),
  'verify-x509-name': (v) => {
    const i = v.indexOf(':');
    if (i <= 0) throw bad('verify-x509-name', v, 'TYPE:NAME (subject, name or name-prefix)');
    return [['verify-x509-name', v.slice(i + 1), oneOf('verify-x509-name', ['subject', 'name', 'name-prefix'])(v.slice(0, i))]];
  },
  'crl-verify-file': same('crl-verify'),
  'crl-verify-dir': (v) => [['crl-verify', v, 'dir']],
  'tunnel-mtu': same('tun-mtu', int('tunnel-mtu', 0, 65535)),
  'fragment-size': same('fragment', int('fragment-size', 0, 65535)),
  mssfix: (v) => (yes(v) ? [['mssfix']] : [['mssfix', int('mssfix', 0, 2 ** 31 - 1)(v)]]),
  'mtu-disc': same('mtu-disc', oneOf('mtu-disc', ['no', 'maybe', 'yes'])),
  float: flag('float'),
  ping: same('ping', int('ping', 0, 2 ** 31 - 1)),
  'ping-exit': same('ping-exit', int('ping-exit', 0, 2 ** 31 - 1)),
  'ping-restart': same('ping-restart', int('ping-restart', 0, 2 ** 31 - 1)),
  'reneg-seconds': same('reneg-sec', int('reneg-seconds', 0, 2 ** 31 - 1)),
  'connect-timeout': same('connect-timeout', int('connect-timeout', 0, 2 ** 31 - 1)),
  'push-peer-info': flag('push-peer-info'),
  'allow-pull-fqdn': flag('allow-pull-fqdn'),
  // openvpn 2.4+ carries IPv6 whenever the server pushes it: nothing to say.
  'tun-ipv6': none,
  'proxy-type': (v, d) => {
    const server = d['proxy-server'];
    if (!server) return [];
    const option = oneOf('proxy-type', ['http', 'socks'])(v) === 'http' ? 'http-proxy' : 'socks-proxy';
    return [[option, server, ...(d['proxy-port'] ? [int('proxy-port', 1, 65535)(d['proxy-port'])] : [])]];
  },
  'proxy-server': none,
  'proxy-port': none,
  'proxy-retry': none,
  // Secret flags: how NetworkManager stores the secrets, nothing for openvpn.
  'password-flags': none,
  'cert-pass-flags': none,
  'http-proxy-password-flags': none,
  'challenge-response-flags': none,
  'no-secret': none,
};

/** A remote: host, optional port and proto, as "host[:port[:proto]]" (IPv6 in brackets). */
export function parseRemote(item: string): { host: string; port?: string; proto?: string } {
  const m = /^\[([^\]]+)\](?::(\d*))?(?::([\w-]*))?$/.exec(item) ?? /^([^:]+)(?::(\d*))?(?::([\w-]*))?$/.exec(item);
  if (!m) throw bad('remote', item, 'host[:port[:proto]]');
  return { host: m[1]!, ...(m[2] ? { port: m[2] } : {}), ...(m[3] ? { proto: m[3] } : {}) };
}

function remotes(d: Data): string[][] {
  const list = (d.remote ?? '').split(/[,\s]+/).filter(Boolean);
  if (list.length === 0) throw new Error('vpn.data remote: no VPN gateway is given');
  const port = d.port ? int('port', 1, 65535)(d.port) : '1194';
  const proto = yes(d['proto-tcp'] ?? '') ? 'tcp-client' : 'udp';
  return list.map((item) => {
    const r = parseRemote(item);
    return ['remote', r.host, r.port ?? port, r.proto ?? proto];
  });
}

function device(d: Data): string[][] {
  const type = d['dev-type'] ?? (yes(d['tap-dev'] ?? '') ? 'tap' : 'tun');
  if (type !== 'tun' && type !== 'tap') throw bad('dev-type', type, 'tun or tap');
  return d.dev ? [['dev', d.dev], ['dev-type', type]] : [['dev', type]];
}

/** What each connection type needs, and adds. */
const TYPES: Record<ConnectionType, { needs: string[]; lines: string[][]; userPass: boolean }> = {
  tls: { needs: ['ca', 'cert', 'key'], lines: [['client']], userPass: false },
  password: { needs: ['ca'], lines: [['client'], ['auth-user-pass']], userPass: true },
  'password-tls': { needs: ['ca', 'cert', 'key'], lines: [['client'], ['auth-user-pass']], userPass: true },
  'static-key': { needs: ['static-key'], lines: [], userPass: false },
};

export function generateConfig(data: Data, o: ConfigOptions): GeneratedConfig {
  const ct = data['connection-type'] ?? 'tls';
  const type = TYPES[ct as ConnectionType];
  if (!type) throw new Error(`vpn.data connection-type: '${ct}' is not supported (supported: ${CONNECTION_TYPES.join(', ')})`);
  for (const k of type.needs) if (!data[k]) throw new Error(`vpn.data ${k}: required for connection-type ${ct}, but not set`);
  const warnings: string[] = [];
  const lines: string[][] = [...type.lines, ...remotes(data), ...device(data), ['nobind']];
  for (const [k, v] of Object.entries(data)) {
    const row = ROWS[k];
    if (!row) {
      warnings.push(`vpn.data ${k}: not known to the openvpn plugin; ignored`);
      continue;
    }
    lines.push(...row(v, data));
  }
  lines.push(
    ['management', o.managementSocket, 'unix'],
    ['management-client'],
    ['management-hold'],
    ['management-query-passwords'],
    ['auth-nocache'],
    ['ifconfig-noexec'],
    ['route-noexec'],
    ['script-security', '2'],
    ['up', o.upScript],
    ['verb', '3'],
  );
  return { connectionType: ct as ConnectionType, lines, text: lines.map(joinWords).join('\n') + '\n', warnings, userPass: type.userPass };
}
