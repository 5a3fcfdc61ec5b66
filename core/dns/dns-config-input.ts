/**
 * Building a DnsConfig from what NetworkManager keeps per connection and
 * family (NML3ConfigData): the profile's dns-search merged with DHCP's
 * domain-search and RA's DNSSL ("searches", may hold routing-only "~x"
 * entries and "~." for every domain) and DHCP's domain-name ("domains").
 * Each entry is cleaned as nm-l3-config-data.c's _check_and_add_domain does
 * (empty, leading "." or ".." dropped, a trailing "." removed, duplicates
 * dropped); then, as nm-dns-manager.c does:
 *  - resolv.conf's search list: the non-routing searches, then the DHCP
 *    domains when there are several or no searches at all (add_dns_domains);
 *  - split-DNS domains: the searches (routing ones without "~"), or the DHCP
 *    domains when there are no searches ("searches are preferred over domains").
 * For the activation code: it knows the lists; the DnsManager wants a DnsConfig.
 */
import type { DnsConfig } from '../../sdk/index.js';

/** What NetworkManager keeps per connection and family: a DnsConfig's identity fields, with its raw lists and priority. */
export type NmDnsLists = Pick<DnsConfig, 'ifindex' | 'ifname' | 'connectionUuid' | 'connectionId' | 'family' | 'nameservers' | 'options' | 'isDefault' | 'hasDefaultRoute' | 'isVpn'> & {
  /** dns-search, then DHCP domain-search / RA DNSSL. */
  searches: string[];
  /** DHCP domain-name(s). */
  domains: string[];
  /** ipv4.dns-priority / ipv6.dns-priority as set (0: the default). */
  priority: number;
};

/** One entry as NetworkManager stores it, or undefined when it refuses it. "~." becomes "~". */
function cleanEntry(entry: string): string | undefined {
  let d = entry.trim();
  if (d === '' || d.startsWith('.') || d.includes('..')) return undefined;
  if (d.endsWith('.')) d = d.slice(0, -1);
  return d === '' ? undefined : d;
}

function cleanList(list: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of list) {
    const d = cleanEntry(e);
    if (d !== undefined && !out.includes(d)) out.push(d);
  }
  return out;
}

/** "~corp" -> "corp", "~" (from "~.") -> "." (every domain), "corp" -> "corp". */
function routingName(entry: string): string {
  if (!entry.startsWith('~')) return entry;
  return entry.length === 1 ? '.' : entry.slice(1);
}

export function dnsConfigFromNm(lists: NmDnsLists): DnsConfig {
  const searches = cleanList(lists.searches);
  const domains = cleanList(lists.domains);
  const resolvSearches = searches.filter((s) => !s.startsWith('~'));
  if (domains.length > 1 || searches.length === 0) for (const d of domains) if (!resolvSearches.includes(d)) resolvSearches.push(d);
  const routing = (searches.length > 0 ? searches : domains).map(routingName);
  return {
    ifindex: lists.ifindex,
    ifname: lists.ifname,
    connectionUuid: lists.connectionUuid,
    connectionId: lists.connectionId,
    family: lists.family,
    nameservers: [...lists.nameservers],
    searches: resolvSearches,
    domains: routing.filter((d, i) => routing.indexOf(d) === i),
    options: [...lists.options],
    priority: lists.priority !== 0 ? lists.priority : lists.isVpn ? 50 : 100,
    isDefault: lists.isDefault,
    ...(lists.hasDefaultRoute !== undefined ? { hasDefaultRoute: lists.hasDefaultRoute } : {}),
    isVpn: lists.isVpn,
  };
}
