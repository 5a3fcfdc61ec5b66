/**
 * What the routers on a link said, with an expiry time per item, merged as
 * NetworkManager 1.42's nm-ndisc.c merges it (nm_ndisc_add_gateway,
 * _add_address, _add_route, _add_dns_server, _add_dns_domain):
 * - an item is keyed (router address; /64 prefix; route destination, length
 *   and on-link flag; name server; domain) and a later advertisement replaces
 *   its lifetime; a lifetime of 0 withdraws it;
 * - SLAAC addresses follow RFC 4862 5.5.3 e): a shorter valid lifetime under
 *   two hours does not cut an address short (its preferred lifetime does);
 * - the DHCP level only rises (managed > other > none) across advertisements;
 * - sizes are capped as NetworkManager caps them.
 * Times are milliseconds on the session's clock; Infinity is "forever".
 * Pure: no timers, no I/O.
 */
import { formatIp, type NdiscConfig, type RouterPreference } from '../../sdk/index.js';
import type { RouterAdvert } from './ra-parse.js';

export const INFINITE_LIFETIME = 0xffffffff;
const MAX_GATEWAYS = 100;
const MAX_ROUTES = 1000;
const MAX_DNS_SERVERS = 64;
const MAX_DNS_DOMAINS = 64;
/** The kernel's default net.ipv6.conf.*.max_addresses, which NetworkManager reads. */
export const DEFAULT_MAX_ADDRESSES = 16;
/** RFC 4862 5.5.3 e): the two hours below which an advertisement cannot shorten an address's life. */
const PREFIX_LFT_MIN_MS = 7200 * 1000;
/** NetworkManager ignores an MTU below IPv6's minimum: the kernel would flush every address. */
const IPV6_MIN_MTU = 1280;

const PRIORITY: Record<RouterPreference, number> = { low: 1, medium: 2, high: 3 };

export function lifetimeToExpiry(now: number, lifetime: number): number {
  return lifetime === INFINITE_LIFETIME ? Infinity : now + lifetime * 1000;
}

/** Seconds left, rounded up, as NetworkManager hands them to the kernel; INFINITE_LIFETIME for forever. */
export function lifetimeFromExpiry(now: number, expiry: number): number {
  if (expiry === Infinity) return INFINITE_LIFETIME;
  const diff = expiry - now;
  if (diff <= 0) return 0;
  return Math.min(Math.floor((diff + 999) / 1000), INFINITE_LIFETIME - 1);
}

interface Gateway { address: string; expiry: number; preference: RouterPreference }
interface Address { prefixKey: string; address: string; expiry: number; preferredExpiry: number }
interface Route { network: string; prefixlen: number; gateway: string; onLink: boolean; expiry: number; preference: RouterPreference }
interface Expiring<K> { key: K; expiry: number }

const enum DhcpLevel { Unknown, None, OtherConf, Managed }

/** How a SLAAC address gets its host part (16 bytes out); undefined when none can be made (the caller logs why). */
export type CompleteAddress = (prefix: Uint8Array) => Uint8Array | undefined;

export interface ApplyResult {
  /** True when anything a report shows changed. */
  changed: boolean;
  /** Notes for the debug log (ignored items, clamped values). */
  notes: string[];
}

function prefixKeyOf(prefix: Uint8Array): string {
  return Buffer.from(prefix.subarray(0, 8)).toString('hex');
}

function isLinkLocal(b: Uint8Array): boolean {
  return b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
}

function isUnspecified(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}

export class NdiscState {
  private dhcpLevel = DhcpLevel.Unknown;
  private hopLimit = 0;
  private reachableTime = 0;
  private retransTimer = 0;
  private mtu = 0;
  private gateways: Gateway[] = [];
  private addresses: Address[] = [];
  private routes: Route[] = [];
  private servers: Expiring<string>[] = [];
  private domains: Expiring<string>[] = [];

  constructor(
    private readonly complete: CompleteAddress,
    private readonly maxAddresses = DEFAULT_MAX_ADDRESSES,
  ) {}

  /** Merge one advertisement from `router` (its link-local address) received at `now`. */
  apply(router: string, ra: RouterAdvert, now: number): ApplyResult {
    const notes: string[] = [];
    let changed = false;

    const level = ra.managed ? DhcpLevel.Managed : ra.otherConfig ? DhcpLevel.OtherConf : DhcpLevel.None;
    if (level > this.dhcpLevel) {
      this.dhcpLevel = level;
      changed = true;
    }

    // A router lifetime of 0: "not a default router" (RFC 4861 4.2), an item that expires now.
    changed = this.addGateway({ address: router, expiry: lifetimeToExpiry(now, ra.routerLifetime), preference: ra.preference }, now) || changed;

    for (const p of ra.prefixes) {
      const prefixText = `${formatIp(p.prefix)}/${p.prefixlen}`;
      if (p.prefixlen === 0 || isUnspecified(p.prefix) || isLinkLocal(p.prefix)) {
        notes.push(`prefix ${prefixText} ignored`);
        continue;
      }
      if (p.onLink) {
        const route: Route = { network: formatIp(p.prefix), prefixlen: p.prefixlen, gateway: '::', onLink: true, expiry: lifetimeToExpiry(now, p.validLifetime), preference: 'medium' };
        changed = this.addRoute(route, now) || changed;
      }
      if (p.autonomous) {
        if (p.prefixlen !== 64) {
          notes.push(`prefix ${prefixText} makes no SLAAC address (only /64 does)`);
          continue;
        }
        // NetworkManager caps the preferred lifetime by the valid one rather than ignoring the option (RFC 4862 5.5.3 c).
        const preferred = Math.min(p.preferredLifetime, p.validLifetime);
        changed = this.addAddress(p.prefix, lifetimeToExpiry(now, p.validLifetime), lifetimeToExpiry(now, preferred), now, notes) || changed;
      }
    }

    for (const r of ra.routes) {
      if (r.prefixlen === 0) {
        // The router cannot know the local policy for a default route: NetworkManager takes none from route information.
        notes.push('route information for ::/0 ignored');
        continue;
      }
      const route: Route = { network: formatIp(r.prefix), prefixlen: r.prefixlen, gateway: router, onLink: false, expiry: lifetimeToExpiry(now, r.lifetime), preference: r.preference };
      changed = this.addRoute(route, now) || changed;
    }

    for (const s of ra.nameservers) {
      if (isUnspecified(s.address) || s.address[0] === 0xff) {
        notes.push(`name server ${formatIp(s.address)} ignored`);
        continue;
      }
      changed = this.addExpiring(this.servers, MAX_DNS_SERVERS, { key: formatIp(s.address), expiry: lifetimeToExpiry(now, s.lifetime) }, now) || changed;
    }
    for (const d of ra.domains) {
      changed = this.addExpiring(this.domains, MAX_DNS_DOMAINS, { key: d.domain, expiry: lifetimeToExpiry(now, d.lifetime) }, now) || changed;
    }

    if (ra.curHopLimit !== this.hopLimit) {
      this.hopLimit = ra.curHopLimit;
      changed = true;
    }
    // 0 means "unspecified": the last value given stays.
    if (ra.reachableTime && ra.reachableTime !== this.reachableTime) {
      this.reachableTime = ra.reachableTime;
      changed = true;
    }
    if (ra.retransTimer && ra.retransTimer !== this.retransTimer) {
      this.retransTimer = ra.retransTimer;
      changed = true;
    }
    for (const mtu of ra.mtus) {
      if (mtu < IPV6_MIN_MTU) {
        notes.push(`MTU ${mtu} too small for IPv6, ignored`);
        continue;
      }
      if (mtu !== this.mtu) {
        this.mtu = mtu;
        changed = true;
      }
    }

    return { changed: this.expire(now) || changed, notes };
  }

  /** Drop what has expired at `now`; true when anything was dropped. */
  expire(now: number): boolean {
    const live = <T extends { expiry: number }>(items: T[]): T[] => items.filter((i) => i.expiry > now);
    let changed = false;
    const sweep = <T extends { expiry: number }>(items: T[], max: number): T[] => {
      const kept = live(items).slice(0, max);
      if (kept.length !== items.length) changed = true;
      return kept;
    };
    this.gateways = sweep(this.gateways, MAX_GATEWAYS);
    this.addresses = sweep(this.addresses, this.maxAddresses);
    this.routes = sweep(this.routes, MAX_ROUTES);
    this.servers = sweep(this.servers, MAX_DNS_SERVERS);
    this.domains = sweep(this.domains, MAX_DNS_DOMAINS);
    return changed;
  }

  /** Every finite expiry time held (for the expiry timer and for when to solicit again). */
  expiries(): number[] {
    return [...this.gateways, ...this.addresses, ...this.routes, ...this.servers, ...this.domains].map((i) => i.expiry).filter((e) => e !== Infinity);
  }

  /** The next time something expires (Infinity when nothing will). */
  nextExpiry(): number {
    return Math.min(Infinity, ...this.expiries());
  }

  /** Forget every address (the identifier changed); true when there were some. */
  clearAddresses(): boolean {
    const had = this.addresses.length > 0;
    this.addresses = [];
    return had;
  }

  /** The whole picture at `now`, as NdiscConfig. */
  snapshot(now: number): NdiscConfig {
    const left = (expiry: number) => lifetimeFromExpiry(now, expiry);
    return {
      routers: this.gateways.map((g) => ({ address: g.address, lifetime: left(g.expiry), preference: g.preference })),
      addresses: this.addresses.map((a) => ({
        address: a.address,
        prefixlen: 64,
        validLifetime: left(a.expiry),
        preferredLifetime: left(Math.min(a.expiry, a.preferredExpiry)),
      })),
      onLinkPrefixes: this.routes.filter((r) => r.onLink).map((r) => ({ prefix: r.network, prefixlen: r.prefixlen, validLifetime: left(r.expiry) })),
      routes: this.routes
        .filter((r) => !r.onLink)
        .map((r) => ({ dest: r.network, prefixlen: r.prefixlen, gateway: r.gateway, lifetime: left(r.expiry), preference: r.preference })),
      nameservers: this.servers.map((s) => ({ address: s.key, lifetime: left(s.expiry) })),
      domains: this.domains.map((d) => ({ domain: d.key, lifetime: left(d.expiry) })),
      ...(this.mtu ? { mtu: this.mtu } : {}),
      ...(this.hopLimit ? { hopLimit: this.hopLimit } : {}),
      ...(this.reachableTime ? { reachableTimeMs: this.reachableTime } : {}),
      ...(this.retransTimer ? { retransTimerMs: this.retransTimer } : {}),
      managed: this.dhcpLevel === DhcpLevel.Managed,
      // Managed implies the other configuration too (NetworkManager's single DHCP level).
      otherConfig: this.dhcpLevel >= DhcpLevel.OtherConf,
    };
  }

  private addGateway(item: Gateway, now: number): boolean {
    let insertAt = -1;
    for (let i = 0; i < this.gateways.length; ) {
      const g = this.gateways[i]!;
      if (g.address === item.address) {
        if (item.expiry <= now) {
          this.gateways.splice(i, 1);
          return true;
        }
        if (g.preference !== item.preference) {
          // Re-inserted below at its new rank.
          this.gateways.splice(i, 1);
          continue;
        }
        if (g.expiry === item.expiry) return false;
        g.expiry = item.expiry;
        return true;
      }
      if (insertAt < 0 && PRIORITY[g.preference] < PRIORITY[item.preference]) insertAt = i;
      i++;
    }
    if (this.gateways.length >= MAX_GATEWAYS || item.expiry <= now) return false;
    this.gateways.splice(insertAt < 0 ? this.gateways.length : insertAt, 0, item);
    return true;
  }

  private addRoute(item: Route, now: number): boolean {
    let insertAt = -1;
    let changed = false;
    for (let i = 0; i < this.routes.length; ) {
      const r = this.routes[i]!;
      // An on-link prefix and a route information option for the same destination are two items.
      if (r.network === item.network && r.prefixlen === item.prefixlen && r.onLink === item.onLink) {
        if (item.expiry <= now) {
          this.routes.splice(i, 1);
          return true;
        }
        if (r.preference !== item.preference) {
          this.routes.splice(i, 1);
          changed = true;
          continue;
        }
        if (r.expiry === item.expiry && r.gateway === item.gateway) return false;
        r.expiry = item.expiry;
        r.gateway = item.gateway;
        return true;
      }
      if (insertAt < 0 && PRIORITY[r.preference] < PRIORITY[item.preference]) insertAt = i;
      i++;
    }
    if (this.routes.length >= MAX_ROUTES || item.expiry <= now) return changed;
    this.routes.splice(insertAt < 0 ? this.routes.length : insertAt, 0, item);
    return true;
  }

  private addAddress(prefix: Uint8Array, expiry: number, preferredExpiry: number, now: number, notes: string[]): boolean {
    const key = prefixKeyOf(prefix);
    const existing = this.addresses.find((a) => a.prefixKey === key);
    if (existing) {
      let newExpiry: number;
      if (expiry === Infinity) newExpiry = Infinity;
      else {
        const newLifetime = expiry - now;
        const existingLifetime = existing.expiry - now;
        if (newLifetime >= PREFIX_LFT_MIN_MS || newLifetime >= existingLifetime) newExpiry = expiry;
        else if (existingLifetime <= PREFIX_LFT_MIN_MS) newExpiry = existing.expiry;
        else newExpiry = now + PREFIX_LFT_MIN_MS;
      }
      const newPreferred = Math.min(preferredExpiry, expiry, newExpiry);
      if (newExpiry === existing.expiry && newPreferred === existing.preferredExpiry) return false;
      existing.expiry = newExpiry;
      existing.preferredExpiry = newPreferred;
      return true;
    }
    if (this.addresses.length >= this.maxAddresses) {
      notes.push(`prefix ${formatIp(prefix)}/64: already ${this.maxAddresses} SLAAC addresses, no more`);
      return false;
    }
    if (expiry <= now) return false;
    const bytes = this.complete(prefix);
    if (!bytes) return false;
    this.addresses.push({ prefixKey: key, address: formatIp(bytes), expiry, preferredExpiry: Math.min(preferredExpiry, expiry) });
    return true;
  }

  private addExpiring(list: Expiring<string>[], max: number, item: Expiring<string>, now: number): boolean {
    const i = list.findIndex((x) => x.key === item.key);
    if (i >= 0) {
      if (item.expiry <= now) {
        list.splice(i, 1);
        return true;
      }
      if (list[i]!.expiry === item.expiry) return false;
      list[i]!.expiry = item.expiry;
      return true;
    }
    if (list.length >= max || item.expiry <= now) return false;
    list.push({ ...item });
    return true;
  }
}
