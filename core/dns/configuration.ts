/**
 * The DnsManager's Configuration property (aa{sv}) as data, built as
 * NetworkManager 1.42 builds it (nm-dns-manager.c, _get_config_variant):
 * first one entry per [global-dns-domain-*] section (its servers, the domain
 * unless "*", priority 100), then one per config with name servers, in the
 * sorted order, negative priorities included: its servers (plain addresses,
 * no "%ifname"), its domains (search entries, routing-only ones with "~"),
 * the interface, the priority and whether it is a VPN. libnm needs
 * "nameservers" and "priority"; nmcli prints servers, domains, interface and
 * "type: vpn".
 */
import type { DnsConfig, GlobalDns } from '../../sdk/index.js';
import { resolvNameserver } from './resolv-merge.js';

export interface DnsConfigurationEntry {
  nameservers: string[];
  domains?: string[];
  interface?: string;
  priority: number;
  vpn: boolean;
}

const DEFAULT_PRIORITY = 100;

/** Search entries as they are, routing-only domains with their "~" back, in the profile's order. */
function shownDomains(c: DnsConfig): string[] {
  const out: string[] = [];
  const add = (d: string) => !out.includes(d) && out.push(d);
  for (const d of c.domains) add(c.searches.includes(d) ? d : d === '.' ? '~.' : `~${d}`);
  for (const s of c.searches) add(s);
  return out;
}

export function buildConfiguration(sorted: readonly DnsConfig[], global: GlobalDns | undefined): DnsConfigurationEntry[] {
  const entries: DnsConfigurationEntry[] = [];
  for (const [name, d] of Object.entries(global?.domains ?? {})) {
    entries.push({ nameservers: [...d.servers], ...(name !== '*' ? { domains: [name] } : {}), priority: DEFAULT_PRIORITY, vpn: false });
  }
  for (const c of sorted) {
    const nameservers = c.nameservers.map((s) => resolvNameserver(s, undefined)).filter((s): s is string => s !== undefined);
    if (nameservers.length === 0) continue;
    const domains = shownDomains(c);
    entries.push({
      nameservers,
      ...(domains.length ? { domains } : {}),
      ...(c.ifname ? { interface: c.ifname } : {}),
      priority: c.priority,
      vpn: c.isVpn,
    });
  }
  return entries;
}
