/**
 * IPv6 prefix delegation for sharing (`ipv6.method shared`), as
 * NetworkManager 1.42 does it (nm-policy.c: device_ip6_prefix_delegated,
 * ip6_subnet_from_device, ip6_subnet_from_delegation; nm-device.c:
 * nm_device_request_ip6_prefixes). One pool for the daemon:
 *
 * - The upstream is the activated connection with the best IPv6 default
 *   route. Its DHCPv6 leases' delegated prefixes (IA_PD) are the pool; a
 *   shared link that finds no /64 in it makes the upstream ask for one: a
 *   DHCPv6 client of its own on the upstream, IA_PD only (NetworkManager
 *   asks even when the router's M flag is off).
 * - Each prefix is cut into /64s numbered 0, 1, 2... A shared link keeps its
 *   number in a prefix for as long as the prefix lives, also across
 *   re-activations (keyed by ifindex, as NetworkManager keeps them); when
 *   several links wait, the newest activation is served first.
 * - When a prefix changes, expires, or the upstream goes (or another one
 *   becomes best), every shared link is told its new /64, or none: it then
 *   goes back to its ULA (NetworkManager keeps announcing the old subnet as
 *   deprecated and has no fallback).
 */
import type { DhcpLease, EventBus, Logger } from '../../../sdk/index.js';
import type { ActiveConnection } from '../active-connection.js';
import { delegatedSubnet, delegatedSubnetCount, type SharedIpv6 } from '../shared-address.js';
import type { DynamicIp } from './dynamic-ip.js';

/** The leases of the upstream's DHCPv6 clients that may carry delegated prefixes. */
const PD_SOURCES = ['dhcp6', 'dhcp6-pd'] as const;

/** A /64 handed to a shared link, and the delegated prefix it was cut from. */
export interface SharedSubnet extends SharedIpv6 {
  delegated: string;
}

interface Delegation {
  prefix: string;
  prefixlen: number;
  /** The upstream activation it was delegated to. */
  upstream: ActiveConnection;
  /** Milliseconds (this.now()) when the valid lifetime ends. */
  validUntil: number;
  next: bigint;
  /** ifindex to subnet number; kept after a link stops sharing, so it gets the same /64 back. */
  subnets: Map<number, bigint>;
}

interface Consumer {
  ac: ActiveConnection;
  changed(subnet: SharedSubnet | undefined): void;
  current?: SharedSubnet;
}

export interface PrefixDelegationOptions {
  logger: Logger;
  /**
   * Ask the upstream for prefixes: start its IA_PD client. Resolves true with
   * its first lease, false when it gave up; undefined when it cannot ask (no
   * automatic IPv6 on the upstream, no DHCPv6 client plugin).
   */
  requestPrefixes(upstream: ActiveConnection, dyn: DynamicIp): Promise<boolean> | undefined;
  /** Milliseconds a shared link waits for a delegated prefix before it takes its ULA. */
  waitMs?: number;
  now?: () => number;
}

/** A shared link's membership in the pool. */
export interface PrefixConsumer {
  /** Its /64 now, if any. */
  readonly subnet: SharedSubnet | undefined;
  /** A request to the upstream is under way that may still give it one. */
  readonly waiting: boolean;
  leave(): void;
}

/** nmk's wait for a first delegated prefix (NetworkManager shares at once and adds the prefix when it comes). */
export const PD_WAIT_MS_DEFAULT = 5000;

export class PrefixDelegation {
  private readonly delegations = new Map<string, Delegation>();
  /** In activation order (NetworkManager serves the newest first). */
  private readonly consumers: Consumer[] = [];
  /** When each lease was first seen: its lifetimes count from then. */
  private readonly seen = new WeakMap<DhcpLease, number>();
  /** The upstream activations asked for prefixes, and whether the request is still under way. */
  private readonly asked = new WeakMap<DynamicIp, { pending: boolean }>();
  private bestDefault: () => ActiveConnection | undefined = () => undefined;
  private expiryTimer?: NodeJS.Timeout;
  private readonly now: () => number;
  readonly waitMs: number;

  constructor(private readonly o: PrefixDelegationOptions) {
    this.now = o.now ?? Date.now;
    this.waitMs = o.waitMs ?? PD_WAIT_MS_DEFAULT;
  }

  /** Where the upstream comes from and when to look again (the activation manager calls this once). */
  attach(bestDefault6: () => ActiveConnection | undefined, events: EventBus): void {
    this.bestDefault = bestDefault6;
    // A lease renewed or lost, a connection up or down, a default route moved: all show as one of these.
    events.on('ip.config-changed', ({ family }) => family === 6 && this.refresh());
    events.on('activation.state-changed', () => this.refresh());
  }

  /** A shared link joins; `changed` hears every later change of its /64 (undefined: none). */
  join(ac: ActiveConnection, changed: (subnet: SharedSubnet | undefined) => void): PrefixConsumer {
    const consumer: Consumer = { ac, changed };
    this.consumers.push(consumer);
    this.refresh(consumer);
    const pool = this;
    return {
      get subnet() {
        return consumer.current;
      },
      get waiting() {
        return !consumer.current && pool.requestPending();
      },
      leave() {
        const i = pool.consumers.indexOf(consumer);
        if (i >= 0) pool.consumers.splice(i, 1);
        if (pool.consumers.length === 0) pool.stopTimer();
      },
    };
  }

  private stopTimer(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
  }

  /** The upstream and whether it was asked and has not answered yet. */
  requestPending(): boolean {
    const dyn = this.bestDefault()?.dynamic.get(6);
    return !!dyn && this.asked.get(dyn)?.pending === true;
  }

  /**
   * Bring the pool in line with the upstream's leases now, hand out /64s and
   * tell each shared link whose /64 changed (`quiet` is told nothing: it is
   * joining and reads its subnet itself).
   */
  refresh(quiet?: Consumer): void {
    if (this.consumers.length === 0) return;
    const upstream = this.bestDefault();
    this.ingest(upstream);
    // Newest activation first, each from the first prefix that has (or still has room for) it.
    const live = [...this.delegations.values()].filter((d) => d.upstream === upstream);
    let unserved = 0;
    for (const c of [...this.consumers].reverse()) {
      let subnet: SharedSubnet | undefined;
      for (const d of live) if ((subnet = this.subnetFor(d, c.ac.device.ifindex))) break;
      if (!subnet) unserved++;
      if (sameSubnet(subnet, c.current)) continue;
      c.current = subnet;
      if (subnet) this.o.logger.info(`ipv6-pd: ${subnet.prefix}/64 of ${subnet.delegated} is shared on ${c.ac.device.name}`);
      else this.o.logger.info(`ipv6-pd: no delegated prefix to share on ${c.ac.device.name}`);
      if (c !== quiet) c.changed(subnet);
    }
    if (unserved > 0 && upstream) this.ask(upstream, live.length);
    this.scheduleExpiry();
  }

  /** Take the upstream's delegated prefixes into the pool; drop those it no longer holds or that ran out. */
  private ingest(upstream: ActiveConnection | undefined): void {
    const now = this.now();
    const held = new Set<string>();
    const dyn = upstream?.dynamic.get(6);
    for (const source of PD_SOURCES) {
      const lease = dyn?.leases.get(source);
      if (!lease?.delegatedPrefixes?.length) continue;
      let at = this.seen.get(lease);
      if (at === undefined) this.seen.set(lease, (at = now));
      for (const p of lease.delegatedPrefixes) {
        const validUntil = at + p.validLifetime * 1000;
        if (validUntil <= now) continue;
        // NetworkManager knows a prefix by its address: a renewal with another length or lifetime updates it.
        const known = this.delegations.get(p.prefix);
        if (known && known.upstream === upstream) {
          known.prefixlen = p.prefixlen;
          known.validUntil = validUntil;
        } else {
          this.o.logger.info(`ipv6-pd: received a prefix ${p.prefix}/${p.prefixlen} from ${upstream!.device.name}`);
          this.delegations.set(p.prefix, { prefix: p.prefix, prefixlen: p.prefixlen, upstream: upstream!, validUntil, next: 0n, subnets: new Map() });
        }
        held.add(p.prefix);
      }
    }
    for (const [key, d] of this.delegations) {
      if (held.has(key)) continue;
      this.delegations.delete(key);
      this.o.logger.info(`ipv6-pd: undelegating prefix ${d.prefix}/${d.prefixlen}`);
    }
  }

  /** NetworkManager's ip6_subnet_from_delegation: the link's number in the prefix, or the next free one. */
  private subnetFor(d: Delegation, ifindex: number): SharedSubnet | undefined {
    let index = d.subnets.get(ifindex);
    if (index === undefined) {
      if (d.next >= delegatedSubnetCount(d.prefixlen)) return undefined;
      index = d.next++;
      d.subnets.set(ifindex, index);
    }
    const subnet = delegatedSubnet(d.prefix, d.prefixlen, index);
    return subnet && { ...subnet, delegated: `${d.prefix}/${d.prefixlen}` };
  }

  /** NetworkManager's nm_device_request_ip6_prefixes: once per upstream activation, unless its leases already delegate. */
  private ask(upstream: ActiveConnection, known: number): void {
    const dyn = upstream.dynamic.get(6);
    if (!dyn || this.asked.has(dyn)) return;
    // Our client asks for one IA_PD: with prefixes already delegated (and full), asking again brings nothing new.
    if (known > 0) return this.o.logger.info(`ipv6-pd: the prefixes of ${upstream.device.name} have no /64 left to share`);
    // Its router's M or O flag runs a DHCPv6 client there already: a second one on the same port would take its replies.
    // (NetworkManager restarts that client with IA_PD added; nmk does not yet.)
    if (dyn.leases.has('dhcp6') || dyn.ndiscConfig?.managed || dyn.ndiscConfig?.otherConfig) {
      this.asked.set(dyn, { pending: false });
      return this.o.logger.warn(`ipv6-pd: ${upstream.device.name} runs DHCPv6 for its own configuration, which did not delegate a prefix; not asking with a second client`);
    }
    const state = { pending: true };
    this.asked.set(dyn, state);
    this.o.logger.info(`ipv6-pd: asking DHCPv6 on ${upstream.device.name} for a prefix`);
    const answer = this.o.requestPrefixes(upstream, dyn);
    if (!answer) {
      state.pending = false;
      return;
    }
    void answer.then((ok) => {
      state.pending = false;
      if (!ok) this.o.logger.info(`ipv6-pd: ${upstream.device.name} got no prefix`);
      this.refresh();
      // Links still without a /64 stop waiting for this answer.
      for (const c of [...this.consumers]) if (!c.current) c.changed(undefined);
    });
  }

  /** Look again when the first prefix's valid lifetime ends (the DHCP client reports a lost lease too; this covers a prefix that ends before its lease). */
  private scheduleExpiry(): void {
    this.stopTimer();
    const ends = [...this.delegations.values()].map((d) => d.validUntil);
    if (ends.length === 0 || this.consumers.length === 0) return;
    const delay = Math.max(0, Math.min(...ends) - this.now()) + 1;
    // setTimeout holds at most 2^31-1 ms; a later end is looked at again then.
    this.expiryTimer = setTimeout(() => this.refresh(), Math.min(delay, 0x7fffffff));
    this.expiryTimer.unref?.();
  }
}

function sameSubnet(a: SharedSubnet | undefined, b: SharedSubnet | undefined): boolean {
  return a?.prefix === b?.prefix && a?.delegated === b?.delegated;
}
