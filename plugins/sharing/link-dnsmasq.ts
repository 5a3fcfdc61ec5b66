/**
 * The one dnsmasq of one shared link, serving whichever families are shared
 * on it now. Core shares IPv4 and IPv6 of a link as two requests; two
 * dnsmasq on one link would fight over its addresses' DNS sockets, so a
 * second family restarts the link's dnsmasq with both, and stopping one
 * restarts it with the other (the lease file keeps the clients' leases).
 * Changes to one link run one at a time.
 */
import { NmkError, type SharingRequest } from '../../sdk/index.js';
import type { DnsmasqProcess } from './dnsmasq-process.js';

type Parts = Pick<SharingRequest, 'ipv4' | 'ipv6'>;
export type Family = 'ipv4' | 'ipv6';

export class LinkDnsmasq {
  private parts: Parts = {};
  private proc: DnsmasqProcess | undefined;
  private readonly claimed = new Set<Family>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ifname: string,
    /** Starts dnsmasq for the request (rejects with its error); the link's stop is proc.stop(). */
    private readonly launch: (request: SharingRequest) => Promise<DnsmasqProcess>,
    private readonly warn: (msg: string) => void,
  ) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Reserve families for a share that is starting, before anything else is
   * done for it, so a second share of the same family on the link is refused
   * without touching the first one's rules. Returns the release.
   */
  claim(families: readonly Family[]): () => void {
    const taken = families.find((f) => this.claimed.has(f));
    if (taken) throw new NmkError('INVALID_ARGUMENT', `${this.ifname} already shares ${taken === 'ipv4' ? 'IPv4' : 'IPv6'}`, { plugin: 'sharing', hook: 'start' });
    for (const f of families) this.claimed.add(f);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const f of families) this.claimed.delete(f);
    };
  }

  /** Serve the request's families too; on failure the link serves what it served before. */
  add(request: SharingRequest): Promise<void> {
    return this.serial(async () => {
      const before = this.parts;
      const after: Parts = { ...before, ...(request.ipv4 ? { ipv4: request.ipv4 } : {}), ...(request.ipv6 ? { ipv6: request.ipv6 } : {}) };
      try {
        await this.restart(request, after);
      } catch (e) {
        await this.restart(request, before).catch((again: unknown) =>
          this.warn(`could not restart dnsmasq on ${this.ifname} as it was: ${again instanceof Error ? again.message : String(again)}`),
        );
        throw e;
      }
    });
  }

  /** Stop serving these families; dnsmasq stops with the last one. */
  remove(request: SharingRequest, families: readonly Family[]): Promise<void> {
    return this.serial(async () => {
      const after: Parts = { ...this.parts };
      for (const f of families) delete after[f];
      await this.restart(request, after);
    });
  }

  private async restart(request: SharingRequest, parts: Parts): Promise<void> {
    if (this.proc) {
      await this.proc.stop();
      this.proc = undefined;
    }
    this.parts = {};
    if (!parts.ipv4 && !parts.ipv6) return;
    const { ipv4: _4, ipv6: _6, ...link } = request;
    this.proc = await this.launch({ ...link, ...parts });
    this.parts = parts;
  }
}
