/**
 * [global-dns] and [global-dns-domain-NAME] from the config, read as
 * NetworkManager 1.42 reads them (nm-config-data.c, load_global_dns): the
 * configuration exists when either kind of section does; a domain without a
 * valid server is dropped; domains present without a "*" one make the whole
 * global configuration void (NM ignores it, and so do we, with a warning).
 * Invalid server addresses are dropped with a warning naming the key.
 */
import ipaddr from 'ipaddr.js';
import type { ConfigView, GlobalDns } from '../../sdk/index.js';

export const GLOBAL_DNS_SECTION = 'global-dns';
export const GLOBAL_DNS_DOMAIN_PREFIX = 'global-dns-domain-';

export interface GlobalDnsRead {
  global?: GlobalDns;
  warnings: string[];
}

export function readGlobalDns(config: ConfigView): GlobalDnsRead {
  const warnings: string[] = [];
  const sections = config.sections();
  const domainSections = sections.filter((s) => s.startsWith(GLOBAL_DNS_DOMAIN_PREFIX) && s.length > GLOBAL_DNS_DOMAIN_PREFIX.length);
  if (!sections.includes(GLOBAL_DNS_SECTION) && domainSections.length === 0) return { warnings };

  const where = (section: string, key: string) => config.origin(section, key) ?? `[${section}] ${key}`;
  const domains: GlobalDns['domains'] = {};
  // NetworkManager keeps the domains sorted by name ("*" first).
  for (const section of [...domainSections].sort()) {
    const name = section.slice(GLOBAL_DNS_DOMAIN_PREFIX.length);
    const servers: string[] = [];
    for (const s of config.getList(section, 'servers')) {
      if (ipaddr.isValid(s)) servers.push(s);
      else warnings.push(`${where(section, 'servers')}: '${s}' is not an IP address; ignored`);
    }
    if (servers.length === 0) continue;
    domains[name] = { servers, options: config.getList(section, 'options') };
  }
  if (Object.keys(domains).length > 0 && !domains['*']) {
    warnings.push(`global DNS configuration has domains but no [${GLOBAL_DNS_DOMAIN_PREFIX}*] section; ignored, as NetworkManager does`);
    return { warnings };
  }
  return {
    global: {
      searches: config.getList(GLOBAL_DNS_SECTION, 'searches'),
      options: config.getList(GLOBAL_DNS_SECTION, 'options'),
      domains,
    },
    warnings,
  };
}
