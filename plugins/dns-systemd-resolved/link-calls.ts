/**
 * The per-link calls to systemd-resolved's org.freedesktop.resolve1.Manager,
 * built from the DNS state as NetworkManager 1.42 builds them
 * (nm-dns-systemd-resolved.c, prepare_one_interface / update_add_ip_config):
 *  - configs are grouped by link (loopback skipped: resolved has no per-link
 *    settings for it); a config with no routing domain and no default route
 *    adds nothing;
 *  - SetLinkDomains: an exclusive config without an explicit "~." first gets
 *    (".", routing); then each routing domain, routing-only unless it is also a
 *    search domain ("." is always routing);
 *  - SetLinkDefaultRoute: whether any config of the link takes other domains;
 *  - SetLinkDNS: the servers as (family, address bytes);
 *  - mDNS, LLMNR and DNS-over-TLS as "" (resolved's default): a DnsConfig
 *    does not carry connection.mdns / llmnr / dns-over-tls.
 */
import ipaddr from 'ipaddr.js';
import type { DnsConfig, DnsState } from '../../sdk/index.js';

export const RESOLVED_NAME = 'org.freedesktop.resolve1';
export const RESOLVED_PATH = '/org/freedesktop/resolve1';
export const RESOLVED_MANAGER = 'org.freedesktop.resolve1.Manager';

const AF_INET = 2;
const AF_INET6 = 10;
const LOOPBACK = 1;

export interface LinkCall {
  member: string;
  signature: string;
  body: unknown[];
}

/** One server as resolved wants it, or undefined when it is not an address of the config's family. */
function serverBytes(server: string, family: 4 | 6): [number, Buffer] | undefined {
  const text = server.split('#')[0]!.trim();
  if (!ipaddr.isValid(text) || text.includes('%')) return undefined;
  const addr = ipaddr.parse(text);
  if ((addr.kind() === 'ipv4') !== (family === 4)) return undefined;
  return [family === 4 ? AF_INET : AF_INET6, Buffer.from(addr.toByteArray())];
}

function linkCalls(ifindex: number, configs: readonly DnsConfig[]): LinkCall[] {
  const domains: [string, boolean][] = [];
  const servers: [number, Buffer][] = [];
  let defaultRoute = false;
  for (const c of configs) {
    const r = c.routing;
    if (!r) continue;
    if (r.defaultRoute !== 'no') defaultRoute = true;
    if (r.domains.length === 0 && r.defaultRoute === 'no') continue;
    for (const s of c.nameservers) {
      const b = serverBytes(s, c.family);
      if (b) servers.push(b);
    }
    if (r.defaultRoute === 'exclusive' && !r.domains.includes('.')) domains.push(['.', true]);
    for (const d of r.domains) domains.push(d === '.' ? ['.', true] : [d, !c.searches.includes(d)]);
  }
  return [
    { member: 'SetLinkDomains', signature: 'ia(sb)', body: [ifindex, domains] },
    { member: 'SetLinkDefaultRoute', signature: 'ib', body: [ifindex, defaultRoute] },
    { member: 'SetLinkMulticastDNS', signature: 'is', body: [ifindex, ''] },
    { member: 'SetLinkLLMNR', signature: 'is', body: [ifindex, ''] },
    { member: 'SetLinkDNS', signature: 'ia(iay)', body: [ifindex, servers] },
    { member: 'SetLinkDNSOverTLS', signature: 'is', body: [ifindex, ''] },
  ];
}

/** The calls for every link in the state, in ifindex order, and the links that had some before and now have none (RevertLink). */
export function resolvedCalls(state: DnsState, previousLinks: ReadonlySet<number>): { calls: LinkCall[]; links: Set<number> } {
  const byLink = new Map<number, DnsConfig[]>();
  for (const c of state.configs) {
    if (c.ifindex === LOOPBACK || c.ifindex <= 0) continue;
    byLink.set(c.ifindex, [...(byLink.get(c.ifindex) ?? []), c]);
  }
  const calls: LinkCall[] = [];
  for (const ifindex of [...byLink.keys()].sort((a, b) => a - b)) calls.push(...linkCalls(ifindex, byLink.get(ifindex)!));
  for (const ifindex of [...previousLinks].sort((a, b) => a - b)) {
    if (!byLink.has(ifindex)) calls.push({ member: 'RevertLink', signature: 'i', body: [ifindex] });
  }
  return { calls, links: new Set(byLink.keys()) };
}
