/**
 * What a listener knows from the platform's events: the start snapshot with
 * every event applied in order. Scenarios compare it with fresh dumps to
 * check that NEW and DEL are told apart and nothing is missing or stale.
 */
import type { Address, Link, Platform, PlatformEvent, PlatformSnapshot, Route } from '../../sdk/index.js';
import { canonical } from './assert.js';

export const addressKey = (a: Address): string => `${a.family}|${a.ifindex}|${a.address}/${a.prefixlen}`;
export const routeKey = (r: Route): string => `${r.family}|${r.table}|${r.dst}/${r.dstLen}|${r.metric}|${r.ifindex}|${r.type}|${r.gateway ?? ''}|${r.tos ?? 0}|${r.from ?? ''}/${r.fromLen ?? 0}`;

/** The parts of a state compared for convergence (address lifetimes tick, so they are left out). */
export function picture(s: PlatformSnapshot): string {
  const links = [...s.links].sort((a, b) => a.ifindex - b.ifindex);
  const addresses = [...s.addresses].sort((a, b) => addressKey(a).localeCompare(addressKey(b))).map((a) => ({ ...a, validLifetime: undefined, preferredLifetime: undefined }));
  const routes = [...s.routes].sort((a, b) => routeKey(a).localeCompare(routeKey(b)));
  return canonical({ links, addresses, routes });
}

export class EventView {
  readonly links = new Map<number, Link>();
  readonly addresses = new Map<string, Address>();
  readonly routes = new Map<string, Route>();
  /** Every event, in delivery order. */
  readonly log: PlatformEvent[] = [];
  resyncs = 0;
  private waiters = new Set<() => void>();

  load(s: PlatformSnapshot): void {
    this.links.clear();
    this.addresses.clear();
    this.routes.clear();
    for (const l of s.links) this.links.set(l.ifindex, l);
    for (const a of s.addresses) this.addresses.set(addressKey(a), a);
    for (const r of s.routes) this.routes.set(routeKey(r), r);
  }

  readonly listener = (ev: PlatformEvent): void => {
    this.log.push(ev);
    switch (ev.type) {
      case 'link':
        if (ev.action === 'new') this.links.set(ev.link.ifindex, ev.link);
        else this.links.delete(ev.link.ifindex);
        break;
      case 'address':
        if (ev.action === 'new') this.addresses.set(addressKey(ev.address), ev.address);
        else this.addresses.delete(addressKey(ev.address));
        break;
      case 'route':
        if (ev.action === 'new') this.routes.set(routeKey(ev.route), ev.route);
        else this.routes.delete(routeKey(ev.route));
        break;
      case 'resync':
        this.resyncs++;
        this.load(ev.snapshot);
        break;
    }
    for (const w of [...this.waiters]) w();
  };

  snapshot(): PlatformSnapshot {
    return { links: [...this.links.values()], addresses: [...this.addresses.values()], routes: [...this.routes.values()] };
  }

  /** Resolves when an event (from log index `from` on) matches, or rejects after `ms`. */
  waitFor(what: string, match: (ev: PlatformEvent) => boolean, from = 0, ms = 5000): Promise<PlatformEvent> {
    const found = () => this.log.slice(from).find(match);
    const hit = found();
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const check = () => {
        const ev = found();
        if (!ev) return;
        cleanup();
        resolve(ev);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no event ${what} within ${ms} ms`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /**
   * Wait until the events tell the same as a fresh dump; returns the last
   * difference when they never do within `ms`.
   */
  // The kernel announces carrier changes through linkwatch, up to a second or more after a dump already shows them; on a loaded machine, longer.
  async converge(platform: Platform, ms = 15_000): Promise<string | undefined> {
    const deadline = Date.now() + ms;
    let last = '';
    for (;;) {
      const [links, addresses, routes] = await Promise.all([platform.links(), platform.addresses(), platform.routes()]);
      // Give events already on their way a moment to land before comparing.
      await new Promise((r) => setTimeout(r, 50));
      const mine = picture(this.snapshot());
      const theirs = picture({ links, addresses, routes });
      if (mine === theirs) return undefined;
      last = describeDifference(mine, theirs);
      if (Date.now() > deadline) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function describeDifference(mine: string, theirs: string): string {
  const a = JSON.parse(mine);
  const b = JSON.parse(theirs);
  const out: string[] = [];
  for (const part of ['links', 'addresses', 'routes'] as const) {
    const sa = new Set<string>(a[part].map((x: unknown) => canonical(x)));
    const sb = new Set<string>(b[part].map((x: unknown) => canonical(x)));
    for (const x of sa) if (!sb.has(x)) out.push(`events have ${part} ${x}`);
    for (const x of sb) if (!sa.has(x)) out.push(`dump has ${part} ${x}`);
  }
  return out.join('\n');
}
