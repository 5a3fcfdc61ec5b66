/**
 * The SharingProvider: for one shared link it turns on forwarding, loads the
 * NAT rules (IPv4) and starts dnsmasq (DHCPv4 and DNS; router advertisements
 * for IPv6), in that order; a failure undoes what was done before it, and
 * the session's stop() undoes all of it in reverse. IPv4 and IPv6 of one
 * link come as two requests and share the link's one dnsmasq (link-dnsmasq.ts).
 */
import { mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { NmkError, type Logger, type Paths, type SharingProvider, type SharingRequest, type SharingSession } from '../../sdk/index.js';
import { dnsmasqArgs } from './dnsmasq-args.js';
import { DnsmasqProcess, killStaleDnsmasq } from './dnsmasq-process.js';
import { LinkDnsmasq } from './link-dnsmasq.js';
import { ForwardingKeeper, IPV4_FORWARDING, IPV6_FORWARDING, type SysctlAccess } from './forwarding.js';
import { sharedRulesetDown, sharedRulesetUp } from './nft-ruleset.js';
import { defaultSearchPath, findProgram } from './programs.js';
import { runNft } from './run-nft.js';

export interface SharingServiceOptions {
  logger: Logger;
  paths: Pick<Paths, 'runDir' | 'etcDir' | 'under'>;
  /** The platform's sysctls, asked for when a share starts (the platform plugin may be set up later). */
  sysctl: () => SysctlAccess;
  /** Where nft and dnsmasq are looked for (default PATH and the sbin folders). */
  searchPath?: readonly string[];
}

/** The files of one link's dnsmasq, named after the interface as NetworkManager names them. */
export function dnsmasqFiles(paths: SharingServiceOptions['paths'], ifname: string) {
  return {
    pidFile: path.join(paths.runDir, `dnsmasq-${ifname}.pid`),
    leaseFile: path.join(paths.runDir, `dnsmasq-${ifname}.leases`),
    // dnsmasq forwards to the host's resolvers; under a state root, that root's resolv.conf.
    resolvFile: paths.under('/etc/resolv.conf'),
    confDirCandidate: path.join(paths.etcDir, 'dnsmasq-shared.d'),
  };
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

/**
 * Whether a process that is not root can read the file: dnsmasq drops root
 * (to nobody) before it reads resolv.conf and, when it cannot, answers every
 * query REFUSED without a word. A missing file is fine (it is read once it appears).
 */
async function othersMayRead(file: string): Promise<boolean> {
  const real = await realpath(file).catch(() => undefined);
  if (!real) return true;
  const parts = real.split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    if (((await stat(dir)).mode & 0o001) === 0) return false;
  }
  return ((await stat(real)).mode & 0o004) !== 0;
}

function checkRequest(r: SharingRequest): void {
  const bad = (why: string) => new NmkError('INVALID_ARGUMENT', `sharing ${r.ifname || '(no interface)'}: ${why}`, { plugin: 'sharing', hook: 'start' });
  if (!r.ifname || r.ifname.length > 15 || /[/\s:]/.test(r.ifname)) throw bad(`'${r.ifname}' is not an interface name`);
  if (!r.ipv4 && !r.ipv6) throw bad('neither IPv4 nor IPv6 is to be shared');
}

export class SharingService implements SharingProvider {
  private readonly forwarding: ForwardingKeeper;
  private readonly searchPath: readonly string[];
  private readonly active = new Set<SharingSession>();
  private readonly links = new Map<string, LinkDnsmasq>();

  constructor(private readonly o: SharingServiceOptions) {
    this.forwarding = new ForwardingKeeper(o.sysctl, o.logger);
    this.searchPath = o.searchPath ?? defaultSearchPath();
  }

  async start(request: SharingRequest): Promise<SharingSession> {
    checkRequest(request);
    const log = this.o.logger.child({ ifname: request.ifname, uuid: request.uuid });
    const why = `sharing ${request.ifname}`;
    const families = (['ipv4', 'ipv6'] as const).filter((f) => request[f]);
    const link = this.linkOf(request.ifname);
    // Refused at once when the link already shares the family: nothing of the other share is touched.
    const unclaim = link.claim(families);
    const undo: Array<{ what: string; run: () => Promise<void> }> = [{ what: 'claim', run: async () => unclaim() }];
    try {
      // Every program first: a missing one changes nothing.
      const nft = request.ipv4 ? await findProgram('nft', this.searchPath, why) : undefined;
      await findProgram('dnsmasq', this.searchPath, why);
      const ruleset = request.ipv4 ? sharedRulesetUp(request.ifname, request.ipv4.address, request.ipv4.prefixlen) : undefined;

      const rows = [...(request.ipv4 ? IPV4_FORWARDING : []), ...(request.ipv6 ? IPV6_FORWARDING : [])];
      undo.push({ what: 'forwarding', run: await this.forwarding.acquire(rows) });

      if (nft && ruleset) {
        await runNft(nft, ruleset, 'start');
        undo.push({ what: 'nftables table', run: () => runNft(nft, sharedRulesetDown(request.ifname), 'stop') });
      }

      await link.add(request);
      undo.push({ what: 'dnsmasq', run: () => link.remove(request, families) });
    } catch (e) {
      await this.undoAll(undo, log);
      throw e;
    }

    log.info('sharing started', { ipv4: request.ipv4?.address, ipv6: request.ipv6?.prefix });
    let stopped: Promise<void> | undefined;
    const session: SharingSession = {
      stop: () =>
        (stopped ??= (async () => {
          this.active.delete(session);
          const failures = await this.undoAll(undo, log);
          if (failures.length) throw new NmkError('PLATFORM', `sharing ${request.ifname}: could not undo ${failures.join('; ')}`, { plugin: 'sharing', hook: 'stop' });
          log.info('sharing stopped');
        })()),
    };
    this.active.add(session);
    return session;
  }

  private linkOf(ifname: string): LinkDnsmasq {
    // Kept once made (one small object per link ever shared), so no change to a link can race its removal.
    let link = this.links.get(ifname);
    if (!link) {
      link = new LinkDnsmasq(ifname, (r) => this.launchDnsmasq(r), (msg) => this.o.logger.warn(msg, { ifname }));
      this.links.set(ifname, link);
    }
    return link;
  }

  private async launchDnsmasq(request: SharingRequest): Promise<DnsmasqProcess> {
    const log = this.o.logger.child({ ifname: request.ifname, uuid: request.uuid });
    const dnsmasq = await findProgram('dnsmasq', this.searchPath, `sharing ${request.ifname}`);
    const files = dnsmasqFiles(this.o.paths, request.ifname);
    await mkdir(this.o.paths.runDir, { recursive: true });
    await killStaleDnsmasq(files.pidFile, log);
    const confDir = (await isDirectory(files.confDirCandidate)) ? files.confDirCandidate : undefined;
    const resolvDir = path.dirname(files.resolvFile);
    const resolvFile = (await isDirectory(resolvDir)) ? files.resolvFile : undefined;
    if (!resolvFile) log.warn(`${resolvDir} does not exist: the clients' DNS queries have no upstream server`, { resolvFile: files.resolvFile });
    else if (!(await othersMayRead(resolvFile))) log.warn(`${resolvFile} cannot be read by dnsmasq once it drops root: the clients' DNS queries will be refused`);
    const args = dnsmasqArgs(request, { ...files, resolvFile, confDir }, { debug: this.o.logger.isEnabled('trace') });
    log.debug('starting dnsmasq', { command: [dnsmasq, ...args].join(' ') });
    return DnsmasqProcess.start({ binary: dnsmasq, args, pidFile: files.pidFile, ifname: request.ifname, logger: this.o.logger });
  }

  /** Stop every share (nmkd shutting down: NetworkManager, too, takes its shared connections down on quit). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.active].map((s) => s.stop().catch((e) => this.o.logger.warn('stopping a share failed', { error: String(e) }))));
  }

  /** Runs every undo step, last first, even after one fails; returns what failed. */
  private async undoAll(undo: Array<{ what: string; run: () => Promise<void> }>, log: Logger): Promise<string[]> {
    const failures: string[] = [];
    for (const step of undo.splice(0).reverse()) {
      try {
        await step.run();
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        log.warn(`could not undo ${step.what}`, { error: why });
        failures.push(`${step.what}: ${why}`);
      }
    }
    return failures;
  }
}
