/**
 * One active connection's DNS, per family, as the DNS manager takes it: the
 * profile's servers, searches and options first, then what DHCP and router
 * advertisements gave (unless ignore-auto-dns), with NetworkManager's
 * default priorities (50 for VPN, 100 otherwise). Searches (dns-search, DHCP
 * search lists, RA DNSSL) and domains (the DHCPv4 domain name) are kept apart
 * as NetworkManager keeps them; a "~domain" search entry is routing-only.
 */
import type { DnsConfig, Family } from '../../../sdk/index.js';
import type { ActiveConnection } from '../active-connection.js';
import { dnsConfigFromNm } from '../../dns/dns-config-input.js';

const SETTING: Record<Family, 'ipv4' | 'ipv6'> = { 4: 'ipv4', 6: 'ipv6' };

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

export function dnsConfigsOf(ac: ActiveConnection, isDefault: (family: Family) => boolean): DnsConfig[] {
  const out: DnsConfig[] = [];
  const isVpn = ac.type === 'vpn' || ac.type === 'wireguard';
  for (const family of [4, 6] as const) {
    const ip = ac.applied[SETTING[family]] ?? {};
    const auto = ac.dynamic.get(family)?.current;
    const nameservers = [...new Set([...strings(ip.dns), ...(auto?.nameservers ?? [])])];
    const searches = [...strings(ip['dns-search']), ...(auto?.searches ?? [])];
    const domains = auto?.domains ?? [];
    if (nameservers.length === 0 && searches.length === 0 && domains.length === 0) continue;
    // NetworkManager's rules for which of these are searched and which route queries (core/dns/dns-config-input.ts).
    out.push(
      dnsConfigFromNm({
        ifindex: ac.device.ifindex,
        ifname: ac.device.name,
        connectionUuid: ac.uuid,
        connectionId: ac.profile.id,
        family,
        nameservers,
        searches,
        domains,
        options: strings(ip['dns-options']),
        priority: typeof ip['dns-priority'] === 'number' ? ip['dns-priority'] : 0,
        isDefault: isDefault(family),
        isVpn,
      }),
    );
  }
  return out;
}

/** What IP4Config/IP6Config show about DNS: the profile's servers and searches, and the domains DHCP or router advertisements gave. */
export interface IpDnsView {
  nameservers: string[];
  domains: string[];
  searches: string[];
  options: string[];
  priority: number;
}

export function ipDnsView(ac: ActiveConnection, family: Family): IpDnsView {
  const ip = ac.applied[SETTING[family]] ?? {};
  const auto = ac.dynamic.get(family)?.current;
  return {
    nameservers: [...new Set([...strings(ip.dns), ...(auto?.nameservers ?? [])])],
    domains: auto?.domains ?? [],
    searches: [...new Set([...strings(ip['dns-search']), ...(auto?.searches ?? [])])],
    options: strings(ip['dns-options']),
    priority: typeof ip['dns-priority'] === 'number' ? ip['dns-priority'] : 0,
  };
}
