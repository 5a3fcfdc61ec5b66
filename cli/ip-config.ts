/**
 * Rows of `nmk device show` and `nmk dns` from NetworkManager's D-Bus
 * objects (plain values: variants already unwrapped), as nmcli prints them:
 * - IP4Config/IP6Config: AddressData, Gateway, RouteData ("dst = A/P, nh =
 *   N, mt = M"), the DNS servers (IP4Config NameserverData; IP6Config
 *   Nameservers, an array of 16-byte arrays, as NetworkManager 1.42 has no
 *   NameserverData there), Domains, Searches;
 * - DHCP4Config/DHCP6Config: Options a{sv}, "name = value" sorted by name;
 * - DnsManager: Mode, RcManager, Configuration aa{sv}.
 * Pure functions: the commands fetch, these format.
 */
import type { FieldRow } from './fields.js';
import type { Props } from './nm-client.js';

type Family = 4 | 6;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
/** Rows NAME[1], NAME[2]... for each value. */
const indexed = (name: string, values: readonly string[]): FieldRow[] => values.map((v, i) => [`${name}[${i + 1}]`, v] as const);

/** An IPv6 address from its 16 bytes (Nameservers aay), in the compressed text form. */
export function ipv6FromBytes(bytes: ArrayLike<number>): string {
  if (bytes.length !== 16) return '';
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // The longest run of two or more zero groups becomes "::" (RFC 5952).
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** The DNS servers of an IP config object, whichever property the daemon has. */
function nameservers(family: Family, p: Props): string[] {
  const data = list(p.NameserverData);
  if (data.length) return data.map((d) => text((d as Props).address)).filter(Boolean);
  const raw = list(p.Nameservers);
  return family === 6 ? raw.map((b) => ipv6FromBytes(b as ArrayLike<number>)).filter(Boolean) : [];
}

function route(family: Family, r: Props): string {
  const none = family === 4 ? '0.0.0.0' : '::';
  const nh = text(r['next-hop']) || none;
  const mt = r.metric === undefined ? '' : `, mt = ${text(r.metric)}`;
  return `dst = ${text(r.dest)}/${text(r.prefix)}, nh = ${nh}${mt}`;
}

/**
 * The IP4/IP6 rows: without a config object (the device is not connected)
 * only the gateway, empty, as nmcli prints it.
 */
export function ipConfigRows(family: Family, p: Props | undefined): FieldRow[] {
  const g = `IP${family}`;
  if (!p) return [[`${g}.GATEWAY`, '']];
  return [
    ...indexed(`${g}.ADDRESS`, list(p.AddressData).map((a) => `${text((a as Props).address)}/${text((a as Props).prefix)}`)),
    [`${g}.GATEWAY`, text(p.Gateway)],
    ...indexed(`${g}.ROUTE`, list(p.RouteData).map((r) => route(family, r as Props))),
    ...indexed(`${g}.DNS`, nameservers(family, p)),
    ...indexed(`${g}.DOMAIN`, list(p.Domains).map(text)),
    ...indexed(`${g}.SEARCHES`, list(p.Searches).map(text)),
  ];
}

/** DHCP4.OPTION[n] / DHCP6.OPTION[n]: "name = value", by name. */
export function dhcpRows(family: Family, p: Props | undefined): FieldRow[] {
  const options = (p?.Options ?? {}) as Record<string, unknown>;
  const names = Object.keys(options).sort();
  return indexed(`DHCP${family}.OPTION`, names.map((n) => `${n} = ${text(options[n])}`));
}

/** `nmk dns`: the mode and resolv.conf manager, then one block of rows per Configuration entry. */
export function dnsRows(p: Props): FieldRow[][] {
  const global: FieldRow[] = [
    ['DNS.MODE', text(p.Mode)],
    ['DNS.RC-MANAGER', text(p.RcManager)],
  ];
  const entries = list(p.Configuration).map((e, i): FieldRow[] => {
    const c = e as Props;
    const g = `CONFIG[${i + 1}]`;
    return [
      [`${g}.INTERFACE`, text(c.interface)],
      [`${g}.SERVERS`, list(c.nameservers).map(text).join(' ')],
      [`${g}.DOMAINS`, list(c.domains).map(text).join(' ')],
      [`${g}.PRIORITY`, text(c.priority)],
      [`${g}.VPN`, c.vpn ? 'yes' : 'no'],
    ];
  });
  return [global, ...entries];
}

export const DNS_GROUPS = ['DNS', 'CONFIG'] as const;
