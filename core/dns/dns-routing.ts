/**
 * Which domains each config's servers answer (split DNS), as NetworkManager
 * 1.42 computes them for its caching plugins (nm-dns-manager.c,
 * _mgr_configs_data_construct), over the configs in their sorted order:
 *  - a config without name servers takes no part;
 *  - the wildcard (every other domain) goes to the configs that have a
 *    default route; when none has one, to every config that is not a VPN;
 *  - a domain already claimed at a lower (more preferred) priority is dropped;
 *    claimed at the same priority it is shared;
 *  - a domain whose parent (or the wildcard) was claimed with a negative
 *    priority lower than this config's is shadowed and dropped;
 *  - an explicit "~." (domain ".") or a negative priority with the wildcard
 *    makes the config exclusive: it takes every domain nobody else routes.
 * Reverse-lookup domains from the connection's subnets are not computed: a
 * DnsConfig carries no addresses.
 */
import type { DnsConfig, DnsRouting } from '../../sdk/index.js';

const WILDCARD = '';

/** "." (an explicit "~.") is the wildcard; other domains are kept as they are. */
function clean(domain: string): string {
  return domain === '.' ? WILDCARD : domain;
}

/** A parent of `domain` (or the wildcard) claimed by a negative priority lower than `priority`. */
function shadowed(claims: Map<string, number>, domain: string, priority: number): boolean {
  const hides = (d: string) => {
    const p = claims.get(d);
    return p !== undefined && p < 0 && p < priority;
  };
  if (hides(WILDCARD)) return true;
  for (let i = domain.indexOf('.'); i >= 0 && i + 1 < domain.length; i = domain.indexOf('.', i + 1)) {
    if (hides(domain.slice(i + 1))) return true;
  }
  return false;
}

/** Routing for each of `sorted` (same order); configs without name servers get { domains: [], defaultRoute: 'no' }. */
export function computeRouting(sorted: readonly DnsConfig[]): DnsRouting[] {
  const withServers = (c: DnsConfig) => c.nameservers.length > 0;
  const wildcard = new Set(sorted.filter((c) => withServers(c) && (c.hasDefaultRoute ?? c.isDefault)));
  const claims = new Map<string, number>();

  return sorted.map((c): DnsRouting => {
    if (!withServers(c)) return { domains: [], defaultRoute: 'no' };
    const maybeDefault = wildcard.size > 0 ? wildcard.has(c) : !c.isVpn;
    const kept: string[] = [];
    let explicit = false;
    let auto = false;

    const claim = (domain: string): boolean => {
      const old = claims.get(domain);
      if (old !== undefined ? old < c.priority : shadowed(claims, domain, c.priority)) return false;
      claims.set(domain, c.priority);
      return true;
    };

    for (const d of c.domains) {
      if (!claim(clean(d))) continue;
      kept.push(d);
      if (clean(d) === WILDCARD) explicit = true;
    }
    // The automatic wildcard comes after the config's own domains, and not at all after an explicit "~.".
    if (maybeDefault && !explicit && claim(WILDCARD)) auto = true;

    const exclusive = explicit || (c.priority < 0 && auto);
    return { domains: kept, defaultRoute: exclusive ? 'exclusive' : auto ? 'yes' : 'no' };
  });
}
