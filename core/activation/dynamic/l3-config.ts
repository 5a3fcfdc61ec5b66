/**
 * What a lease or a router advertisement means for the kernel, worked out
 * without touching it: the addresses (with their lifetimes), the routes
 * (NetworkManager's metric, table and protocol), the DNS servers and domains
 * and the MTU. Pure, so the rules are unit-tested without a kernel; the
 * dynamic-ip driver diffs one L3Config against the next and applies only the
 * difference, so a renewal that changes nothing changes nothing in the kernel.
 */
import ipaddr from 'ipaddr.js';
import type { AddressSpec, DhcpLease, Family, NdiscConfig, RouteSpec } from '../../../sdk/index.js';

export interface L3Address {
  spec: AddressSpec;
  /** The subnet route NetworkManager adds itself at the profile's metric (the address carries IFA_F_NOPREFIXROUTE). */
  prefixRoute?: RouteSpec;
}

export interface L3Config {
  addresses: L3Address[];
  routes: RouteSpec[];
  nameservers: string[];
  /** DHCPv4 domain names (option 15): NetworkManager's "domains". */
  domains: string[];
  /** Search lists (DHCPv4 option 119, DHCPv6 domain list, RA DNSSL): NetworkManager's "searches". */
  searches: string[];
  mtu?: number;
}

/** The profile's switches that decide how much of a lease is used. */
export interface L3Context {
  family: Family;
  ifindex: number;
  metric: number;
  table: number;
  neverDefault: boolean;
  ignoreAutoRoutes: boolean;
  ignoreAutoDns: boolean;
  /** IPv6 privacy extensions (ipv6.ip6-privacy 1 or 2): the kernel makes temporary addresses from SLAAC ones. */
  privacy?: boolean;
}

export const EMPTY_L3: L3Config = { addresses: [], routes: [], nameservers: [], domains: [], searches: [] };

const IFA_F_MANAGETEMPADDR = 0x100;
const IFA_F_NOPREFIXROUTE = 0x200;
/** RTPROT_*: how `ip route` tells who added a route; NetworkManager uses the same. */
const RTPROT_KERNEL = 2;
const RTPROT_RA = 9;
const RTPROT_DHCP = 16;
const RT_SCOPE_LINK = 253;

function network(family: Family, address: string, prefixlen: number): string {
  return (family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefixlen}`) : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${prefixlen}`)).toString();
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** IPv4 lease: one address, its subnet route, the default route and the lease's routes (121 over 3, RFC 3442). */
export function l3FromDhcp4(lease: DhcpLease, ctx: L3Context): L3Config {
  const out: L3Config = { addresses: [], routes: [], nameservers: [], domains: [], searches: [] };
  for (const a of lease.addresses.slice(0, 1)) {
    const spec: AddressSpec = {
      family: 4,
      ifindex: ctx.ifindex,
      address: a.address,
      prefixlen: a.prefixlen,
      validLifetime: a.validLifetime,
      preferredLifetime: Math.min(a.preferredLifetime, a.validLifetime),
      flags: IFA_F_NOPREFIXROUTE,
      replace: true,
    };
    if (a.prefixlen < 31) spec.broadcast = ipaddr.IPv4.broadcastAddressFromCIDR(`${a.address}/${a.prefixlen}`).toString();
    const entry: L3Address = { spec };
    if (a.prefixlen < 32) {
      entry.prefixRoute = { family: 4, dst: network(4, a.address, a.prefixlen), dstLen: a.prefixlen, ifindex: ctx.ifindex, metric: ctx.metric, table: ctx.table, protocol: RTPROT_KERNEL, scope: RT_SCOPE_LINK, prefsrc: a.address };
    }
    out.addresses.push(entry);
  }
  if (!ctx.ignoreAutoRoutes) {
    let haveDefault = false;
    for (const r of lease.routes) {
      const isDefault = r.prefixlen === 0;
      if (isDefault && (ctx.neverDefault || haveDefault)) continue;
      haveDefault ||= isDefault;
      const direct = r.gateway === '0.0.0.0';
      out.routes.push({
        family: 4,
        dst: network(4, r.dest, r.prefixlen),
        dstLen: r.prefixlen,
        ...(direct ? { scope: RT_SCOPE_LINK } : { gateway: r.gateway }),
        ifindex: ctx.ifindex,
        metric: ctx.metric,
        table: ctx.table,
        protocol: RTPROT_DHCP,
      });
    }
    const router = lease.gateways[0];
    if (!haveDefault && !ctx.neverDefault && router && router !== '0.0.0.0') {
      out.routes.push({ family: 4, dst: '0.0.0.0', dstLen: 0, gateway: router, ifindex: ctx.ifindex, metric: ctx.metric, table: ctx.table, protocol: RTPROT_DHCP });
    }
  }
  if (!ctx.ignoreAutoDns) {
    out.nameservers = unique(lease.nameservers);
    // The lease merges the domain name (15) and the search list (119); the options name each (NetworkManager keeps them apart).
    const named = words(lease.options['domain_name']);
    const searched = words(lease.options['domain_search']);
    if (named.length || searched.length) {
      out.domains = unique(named);
      out.searches = unique(searched);
    } else out.domains = unique(lease.domains);
  }
  if (lease.mtu) out.mtu = lease.mtu;
  return out;
}

function words(v: string | undefined): string[] {
  return (v ?? '').split(/\s+/).filter((w) => w !== '');
}

/** IPv6 lease: each IA_NA address as a /128 (the prefix's route comes from router advertisements), and DNS. */
export function l3FromDhcp6(lease: DhcpLease, ctx: L3Context): L3Config {
  const out: L3Config = { addresses: [], routes: [], nameservers: [], domains: [], searches: [] };
  for (const a of lease.addresses) {
    out.addresses.push({
      spec: { family: 6, ifindex: ctx.ifindex, address: a.address, prefixlen: a.prefixlen || 128, validLifetime: a.validLifetime, preferredLifetime: Math.min(a.preferredLifetime, a.validLifetime), flags: IFA_F_NOPREFIXROUTE, replace: true },
    });
  }
  if (!ctx.ignoreAutoDns) {
    out.nameservers = unique(lease.nameservers);
    out.searches = unique(lease.domains);
  }
  return out;
}

const PREFERENCE_RANK = { high: 0, medium: 1, low: 2 } as const;

/** Router advertisements: SLAAC addresses, on-link prefixes, the best router's default route, RIO routes, RDNSS/DNSSL, MTU. */
export function l3FromNdisc(config: NdiscConfig, ctx: L3Context): L3Config {
  const out: L3Config = { addresses: [], routes: [], nameservers: [], domains: [], searches: [] };
  const flags = IFA_F_NOPREFIXROUTE | (ctx.privacy ? IFA_F_MANAGETEMPADDR : 0);
  for (const a of config.addresses) {
    out.addresses.push({
      spec: { family: 6, ifindex: ctx.ifindex, address: a.address, prefixlen: a.prefixlen, validLifetime: a.validLifetime, preferredLifetime: Math.min(a.preferredLifetime, a.validLifetime), flags, replace: true },
    });
  }
  if (!ctx.ignoreAutoRoutes) {
    for (const p of config.onLinkPrefixes) {
      if (p.validLifetime === 0) continue;
      out.routes.push({ family: 6, dst: network(6, p.prefix, p.prefixlen), dstLen: p.prefixlen, ifindex: ctx.ifindex, metric: ctx.metric, table: ctx.table, protocol: RTPROT_RA });
    }
    for (const r of config.routes) {
      if (r.lifetime === 0) continue;
      out.routes.push({ family: 6, dst: network(6, r.dest, r.prefixlen), dstLen: r.prefixlen, gateway: r.gateway, ifindex: ctx.ifindex, metric: ctx.metric, table: ctx.table, protocol: RTPROT_RA });
    }
    // One default route, through the most preferred router: two with one metric would make the kernel merge them into a multipath route.
    const best = config.routers.filter((r) => r.lifetime > 0).sort((a, b) => PREFERENCE_RANK[a.preference] - PREFERENCE_RANK[b.preference])[0];
    if (best && !ctx.neverDefault) out.routes.push({ family: 6, dst: '::', dstLen: 0, gateway: best.address, ifindex: ctx.ifindex, metric: ctx.metric, table: ctx.table, protocol: RTPROT_RA });
  }
  if (!ctx.ignoreAutoDns) {
    out.nameservers = unique(config.nameservers.filter((n) => n.lifetime > 0).map((n) => n.address));
    out.searches = unique(config.domains.filter((d) => d.lifetime > 0).map((d) => d.domain));
  }
  if (config.mtu) out.mtu = config.mtu;
  return out;
}

/** Several sources of one family (RA and DHCPv6; DHCP and sharing) as one configuration; earlier sources win on equal keys. */
export function mergeL3(parts: Iterable<L3Config>): L3Config {
  const out: L3Config = { addresses: [], routes: [], nameservers: [], domains: [], searches: [] };
  const seenA = new Set<string>();
  const seenR = new Set<string>();
  for (const p of parts) {
    for (const a of p.addresses) {
      const k = addressKey(a.spec);
      if (!seenA.has(k)) (seenA.add(k), out.addresses.push(a));
    }
    for (const r of p.routes) {
      const k = routeKey(r);
      if (!seenR.has(k)) (seenR.add(k), out.routes.push(r));
    }
    out.nameservers.push(...p.nameservers);
    out.domains.push(...p.domains);
    out.searches.push(...p.searches);
    if (p.mtu && !out.mtu) out.mtu = p.mtu;
  }
  out.nameservers = unique(out.nameservers);
  out.domains = unique(out.domains);
  out.searches = unique(out.searches);
  return out;
}

export function addressKey(a: AddressSpec): string {
  return `${a.address}/${a.prefixlen}`;
}

/** A route's identity for the kernel: table, destination, metric (and the next hop, so a changed router replaces the route). */
export function routeKey(r: RouteSpec): string {
  return `${r.table ?? 254}|${r.dst}/${r.dstLen}|${r.metric ?? 0}|${r.gateway ?? ''}`;
}
