/**
 * What a plain resolv.conf lists, merged as NetworkManager 1.42 does
 * (nm-dns-manager.c, _collect_resolv_conf_data and merge_one_l3cd):
 * [global-dns] searches and options first, then its "*" servers, which, when
 * present, replace every connection's DNS; otherwise each config in order
 * adds its servers, searches and options, duplicates dropped (options by
 * name: the first "ndots:N" wins). "trust-ad" is listed only when every
 * config with servers asks for it. The domain of the host name comes last.
 */
import ipaddr from 'ipaddr.js';
import type { DnsConfig, GlobalDns } from '../../sdk/index.js';

export interface ResolvData {
  nameservers: string[];
  searches: string[];
  options: string[];
}

const TRUST_AD = 'trust-ad';

function addUnique(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

function optionName(option: string): string {
  const i = option.indexOf(':');
  return i < 0 ? option : option.slice(0, i);
}

/** A search entry resolv.conf can carry: not routing-only, not empty, no blanks (glibc splits on them). */
function usableSearch(s: string): boolean {
  return s !== '' && !s.startsWith('~') && !/[\s]/.test(s);
}

/**
 * A name server as resolv.conf writes it, or undefined when it is not an
 * address: canonical text, an IPv4-mapped IPv6 address as IPv4, an IPv6
 * link-local address scoped with "%ifname". A DNS-over-TLS server name
 * ("addr#name") is dropped here.
 */
export function resolvNameserver(server: string, ifname: string | undefined): string | undefined {
  const text = server.split('#')[0]!.trim();
  if (!ipaddr.isValid(text) || text.includes('%')) return undefined;
  const addr = ipaddr.parse(text);
  if (addr.kind() === 'ipv4') return addr.toString();
  const v6 = addr as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const canonical = v6.toRFC5952String();
  return v6.range() === 'linkLocal' && ifname ? `${canonical}%${ifname}` : canonical;
}

/** The host name's domain, for the search list (nm_dns_manager_set_hostname), or undefined. */
export function hostDomain(hostname: string | undefined): string | undefined {
  if (!hostname || hostname === 'localhost' || hostname.startsWith('localhost.') || hostname.endsWith('.in-addr.arpa')) return undefined;
  if (ipaddr.isValid(hostname)) return undefined;
  const dot = hostname.indexOf('.');
  if (dot < 0) return undefined;
  // NetworkManager asks libpsl whether the rest is a public suffix ("example.com" -> "com") and then
  // searches the host name itself; without that list a single label stands for a public suffix.
  const rest = hostname.slice(dot + 1);
  const domain = rest.includes('.') ? rest : hostname;
  return /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(domain) ? domain : undefined;
}

export function mergeResolvConf(configs: readonly DnsConfig[], global: GlobalDns | undefined, hostname?: string): ResolvData {
  const out: ResolvData = { nameservers: [], searches: [], options: [] };
  if (global) {
    for (const s of global.searches) if (usableSearch(s)) addUnique(out.searches, s);
    for (const o of global.options) addUnique(out.options, o);
    for (const s of global.domains['*']?.servers ?? []) addUnique(out.nameservers, s);
  }
  let trustAd: boolean | undefined;
  if (!global?.domains['*']) {
    for (const c of configs) {
      for (const s of c.nameservers) {
        const text = resolvNameserver(s, c.ifname);
        if (text) addUnique(out.nameservers, text);
      }
      for (const s of c.searches) if (usableSearch(s)) addUnique(out.searches, s);
      let asksTrust = false;
      for (const o of c.options) {
        if (o === TRUST_AD) asksTrust = true;
        else if (!out.options.some((x) => optionName(x) === optionName(o))) out.options.push(o);
      }
      // A config without servers has no say; once one with servers lacks trust-ad, it stays off.
      if (c.nameservers.length > 0) trustAd = asksTrust && trustAd !== false;
    }
  }
  const domain = hostDomain(hostname);
  if (domain) addUnique(out.searches, domain);
  if (trustAd === true) out.options.push(TRUST_AD);
  return out;
}
