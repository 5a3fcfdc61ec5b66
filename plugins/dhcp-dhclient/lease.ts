/**
 * From dhclient's script environment to a DhcpLease, as NetworkManager 1.42
 * reads it (nm-dhcp-client.c maybe_add_option, nm-dhcp-utils.c
 * nm_dhcp_utils_ip4/ip6_config_from_options): the options are the variables
 * without their "new_" prefix ("ip_address", "routers", "requested_ntp_servers"
 * ...), which is also how DHCP4Config/DHCP6Config show them.
 */
import type { DhcpLease, DhcpRoute, Family } from '../../sdk/index.js';

/** A lease without an end (no lease time given): the kernel's "forever". */
const FOREVER = 0xffffffff;

/** dhclient's bookkeeping, not options (matched before "new_" is stripped, as NetworkManager does). */
const NOT_OPTIONS = new Set(['interface', 'pid', 'reason', 'dhcp_message_type']);

/** Why an environment gave no lease; the message names the variable and value. */
export class LeaseError extends Error {}

/**
 * The options of an event: "new_" stripped, "old_" and dhclient's
 * bookkeeping left out, bytes outside ASCII shown as '?', and the client id
 * / DUID normalised to lowercase hex (as NetworkManager does).
 * `clientId` is the identifier nmk asked dhclient to send; dhclient does not
 * always report it, so it is the default.
 */
export function optionsFromEnv(env: Readonly<Record<string, string>>, family: Family, clientId?: string): Record<string, string> {
  const options: Record<string, string> = {};
  const idKey = family === 4 ? 'dhcp_client_identifier' : 'dhcp6_client_id';
  if (clientId !== undefined) options[idKey] = clientId.toLowerCase();
  for (const [name, raw] of Object.entries(env)) {
    if (name.startsWith('old_') || NOT_OPTIONS.has(name) || name.startsWith('NMK_')) continue;
    const key = name.startsWith('new_') ? name.slice(4) : name;
    if (key === '' || key.startsWith('private_')) continue;
    let value = raw.replace(/[^\x00-\x7f]/g, '?').replace(/\0/g, ' ');
    if (key === idKey) {
      const hex = normaliseHex(value);
      if (hex === undefined) continue; // not an identifier: keep what nmk sent
      value = hex;
    }
    options[key] = value;
  }
  return options;
}

/** "1:AA:bb" → "01:aa:bb"; undefined unless at least two hex bytes. */
function normaliseHex(s: string): string | undefined {
  const parts = s.split(':');
  if (parts.length < 2 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return parts.map((p) => p.toLowerCase().padStart(2, '0')).join(':');
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ip4ToInt(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function intToIp4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The network of `address`/`plen`. */
function networkOf(address: string, plen: number): string {
  const n = ip4ToInt(address);
  const size = 2 ** (32 - plen);
  return intToIp4(n - (n % size));
}

function netmaskToPrefix(mask: string): number | undefined {
  if (!IPV4.test(mask)) return undefined;
  const bits = ip4ToInt(mask).toString(2).padStart(32, '0');
  if (!/^1*0*$/.test(bits)) return undefined;
  return bits.indexOf('0') === -1 ? 32 : bits.indexOf('0');
}

/** The classful prefix of an address (RFC 791), as NetworkManager falls back to without a subnet mask. */
function classfulPrefix(address: string): number {
  const first = Number(address.split('.')[0]);
  if (first < 128) return 8;
  if (first < 192) return 16;
  return 24;
}

function words(s: string | undefined): string[] {
  return (s ?? '').split(' ').filter(Boolean);
}

/**
 * Option 121 (or Microsoft's 249) as dhclient prints an "array of unsigned
 * integer 8": "24 192 168 10 192 168 1 1 0 10 0 0 1" (prefix length, the
 * significant octets of the destination, the four of the gateway), or
 * dhcpcd's "192.168.10.0/24 192.168.1.1" form. As NetworkManager
 * (nm-dhcp-utils.c ip4_process_classless_routes), a malformed route ends
 * the list and the routes before it are kept; undefined when none is
 * usable. `invalid` hears why, for NetworkManager's warning.
 */
export function parseClasslessRoutes(s: string, invalid: (why: string) => void = () => {}): DhcpRoute[] | undefined {
  const bad = (why: string) => {
    invalid(`ignoring invalid classless static routes '${s}': ${why}`);
    return undefined;
  };
  if (!/^[0-9 ./]*$/.test(s)) return bad('not numbers');
  if (s.includes('/')) {
    const w = words(s);
    if (w.length % 2 !== 0) return bad('not destination/gateway pairs');
    const routes: DhcpRoute[] = [];
    for (let i = 0; i < w.length; i += 2) {
      const [dest, len = '32'] = w[i]!.split('/');
      const plen = Number(len);
      if (!IPV4.test(dest!) || !IPV4.test(w[i + 1]!) || !(plen >= 0 && plen <= 32)) return bad(`route ${w[i]} ${w[i + 1]} is malformed`);
      routes.push({ dest: networkOf(dest!, plen), prefixlen: plen, gateway: w[i + 1]! });
    }
    return routes;
  }
  const octets = s.split(/[ .]/).filter(Boolean).map(Number);
  if (octets.length < 5 || octets.some((o) => !(o >= 0 && o <= 255))) return bad('too short or not octets');
  const routes: DhcpRoute[] = [];
  let i = 0;
  while (i < octets.length) {
    const plen = octets[i++]!;
    const significant = Math.ceil(plen / 8);
    if (plen > 32 || octets.length - i < significant + 4) {
      bad(`route ${routes.length + 1} is malformed${routes.length ? `; keeping the ${routes.length} before it` : ''}`);
      break;
    }
    const dest = [0, 0, 0, 0];
    for (let k = 0; k < significant; k++) dest[k] = octets[i++]!;
    const gateway = octets.slice(i, i + 4).join('.');
    i += 4;
    routes.push({ dest: networkOf(dest.join('.'), plen), prefixlen: plen, gateway });
  }
  return routes.length > 0 ? routes : undefined;
}

/** Option 33: destination/gateway pairs, each destination with its classful prefix (or /32 for a host). */
function parseStaticRoutes(s: string): DhcpRoute[] {
  const w = words(s);
  if (w.length % 2 !== 0) return [];
  const routes: DhcpRoute[] = [];
  for (let i = 0; i < w.length; i += 2) {
    const dest = w[i]!;
    const gateway = w[i + 1]!;
    if (!IPV4.test(dest) || !IPV4.test(gateway)) continue;
    let plen = classfulPrefix(dest);
    if (networkOf(dest, plen) !== dest) plen = 32; // RFC 943: a host route
    routes.push({ dest: networkOf(dest, plen), prefixlen: plen, gateway });
  }
  return routes;
}

/** Domain names in order, each once. dhclient may separate the list with "\032" (an escaped space) and ends names with the root's dot. */
function domainsOf(options: Record<string, string>, keys: readonly string[]): string[] {
  const out: string[] = [];
  for (const key of keys) {
    const value = options[key];
    if (value === undefined) continue;
    const unescaped = value.replaceAll('\\032', ' ');
    if (unescaped.includes('\\')) continue; // NetworkManager drops a search list it cannot read
    for (const word of words(unescaped)) {
      // As NetworkManager adds a domain: none with a leading dot or "..", the root's trailing dot dropped.
      if (word.startsWith('.') || word.includes('..')) continue;
      const d = word.endsWith('.') ? word.slice(0, -1) : word;
      if (!out.includes(d)) out.push(d);
    }
  }
  return out;
}

function seconds(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  return Number(s);
}

/** An IPv4 lease from an event's options; throws LeaseError without a usable address. `invalid` hears what was left out. */
export function ipv4Lease(options: Record<string, string>, invalid: (why: string) => void = () => {}): DhcpLease {
  const address = options.ip_address;
  if (address === undefined) throw new LeaseError('no new_ip_address in the event');
  if (!IPV4.test(address) || address === '0.0.0.0') throw new LeaseError(`new_ip_address ${JSON.stringify(address)} is not a usable IPv4 address`);
  const mask = options.subnet_mask;
  const prefixlen = (mask !== undefined ? netmaskToPrefix(mask) : undefined) ?? classfulPrefix(address);
  const leaseTime = seconds(options.dhcp_lease_time);

  // RFC 3442: with classless routes, the static routes option is ignored.
  const classless = ['classless_static_routes', 'rfc3442_classless_static_routes', 'ms_classless_static_routes']
    .map((k) => options[k])
    .find((v) => v !== undefined && v !== '');
  const classlessRoutes = classless !== undefined ? parseClasslessRoutes(classless, invalid) : undefined;
  const routes = classlessRoutes ?? parseStaticRoutes(options.static_routes ?? '');
  // A default route among the classless routes wins over the routers (core applies routes[] first), as in NetworkManager.
  const gateways = words(options.routers).filter((r) => IPV4.test(r));

  const mtu = seconds(options.interface_mtu);
  return {
    family: 4,
    addresses: [{ address, prefixlen, validLifetime: leaseTime ?? FOREVER, preferredLifetime: leaseTime ?? FOREVER }],
    gateways,
    routes,
    nameservers: words(options.domain_name_servers).filter((a) => IPV4.test(a) && a !== '0.0.0.0'),
    domains: domainsOf(options, ['domain_name', 'domain_search']),
    ntpServers: words(options.ntp_servers).filter((a) => IPV4.test(a)),
    ...(mtu !== undefined && mtu > 576 ? { mtu } : {}),
    ...(options.host_name ? { hostname: options.host_name } : {}),
    ...(options.dhcp_server_identifier ? { serverId: options.dhcp_server_identifier } : {}),
    ...(leaseTime !== undefined ? { leaseTime } : {}),
    options,
  };
}

/**
 * An IPv6 lease from dhclient -6's options: one IA_NA address (/128) unless
 * information-only, the delegated prefix (ip6_prefix) when asked for.
 */
export function ipv6Lease(options: Record<string, string>, infoOnly: boolean): DhcpLease {
  const valid = seconds(options.max_life) ?? FOREVER;
  const preferred = seconds(options.preferred_life) ?? valid;
  const addresses: DhcpLease['addresses'] = [];
  if (!infoOnly) {
    const address = options.ip6_address;
    if (address === undefined) throw new LeaseError('no new_ip6_address in the event (stateful DHCPv6)');
    if (!/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(':')) throw new LeaseError(`new_ip6_address ${JSON.stringify(address)} is not an IPv6 address`);
    addresses.push({ address, prefixlen: 128, validLifetime: valid, preferredLifetime: preferred });
  }
  const delegated: NonNullable<DhcpLease['delegatedPrefixes']> = [];
  const pd = options.ip6_prefix;
  if (pd !== undefined) {
    const [prefix, len] = pd.split('/');
    const prefixlen = Number(len);
    if (prefix && prefix.includes(':') && prefixlen >= 0 && prefixlen <= 128) delegated.push({ prefix, prefixlen, validLifetime: valid, preferredLifetime: preferred });
  }
  return {
    family: 6,
    addresses,
    ...(delegated.length > 0 ? { delegatedPrefixes: delegated } : {}),
    gateways: [],
    routes: [],
    nameservers: words(options.dhcp6_name_servers).filter((a) => a.includes(':') && a !== '::'),
    domains: domainsOf(options, ['dhcp6_domain_search']),
    ntpServers: words(options.dhcp6_sntp_servers),
    ...(options.host_name ? { hostname: options.host_name } : {}),
    ...(options.dhcp6_server_id ? { serverId: options.dhcp6_server_id } : {}),
    ...(valid !== FOREVER ? { leaseTime: valid } : {}),
    options,
  };
}

export function leaseFromEnv(
  env: Readonly<Record<string, string>>,
  family: Family,
  opts: { clientId?: string; infoOnly?: boolean; invalid?: (why: string) => void } = {},
): DhcpLease {
  const options = optionsFromEnv(env, family, family === 4 ? opts.clientId : undefined);
  return family === 4 ? ipv4Lease(options, opts.invalid) : ipv6Lease(options, opts.infoOnly ?? false);
}
