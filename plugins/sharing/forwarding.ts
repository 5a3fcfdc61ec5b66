/**
 * The forwarding sysctls that sharing needs, held by every active share.
 *
 * NetworkManager 1.42 (nm-device.c, _dev_ipshared4_init, _dev_ipshared6_start)
 * writes net.ipv4.ip_forward=1 (and ip_dynaddr=1, failure there only logged)
 * for IPv4 and net.ipv6.conf.all.forwarding=1 for IPv6, and never writes them
 * back. nmk remembers the value it found and writes it back when the last
 * share that needed the sysctl stops; a value that was already "1" is not
 * nmk's and stays.
 */
import { NmkError, type Logger } from '../../sdk/index.js';

/** What sharing needs of the platform. */
export interface SysctlAccess {
  readSysctl(name: string): Promise<string>;
  writeSysctl(name: string, value: string): Promise<void>;
}

export interface ForwardingRow {
  name: string;
  /** Without it sharing cannot work: a failure to set it fails start(). Otherwise it is logged. */
  required: boolean;
}

export const IPV4_FORWARDING: readonly ForwardingRow[] = [
  { name: 'net.ipv4.ip_forward', required: true },
  // Lets masqueraded connections follow a dynamic upstream address (dial-up); NetworkManager only logs a failure.
  { name: 'net.ipv4.ip_dynaddr', required: false },
];

export const IPV6_FORWARDING: readonly ForwardingRow[] = [{ name: 'net.ipv6.conf.all.forwarding', required: true }];

interface Held {
  holders: number;
  /** The value to write back when the last holder lets go; undefined when it was already on. */
  restore?: string;
}

export class ForwardingKeeper {
  private readonly held = new Map<string, Held>();
  /** Acquire and release run one at a time, so two shares starting together read and count consistently. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sysctl: () => SysctlAccess,
    private readonly logger: Logger,
  ) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Turn the rows on; resolves with the function that lets go of them. A required row that cannot be set rejects, after letting go of the rest. */
  acquire(rows: readonly ForwardingRow[]): Promise<() => Promise<void>> {
    return this.serial(async () => {
      const mine: string[] = [];
      try {
        for (const row of rows) {
          if (await this.takeOne(row)) mine.push(row.name);
        }
      } catch (e) {
        await this.releaseNames(mine);
        throw e;
      }
      let released = false;
      return () => {
        if (released) return Promise.resolve();
        released = true;
        return this.serial(() => this.releaseNames(mine));
      };
    });
  }

  /** True when the row is now held (counted); false for an optional row that could not be set. */
  private async takeOne(row: ForwardingRow): Promise<boolean> {
    const held = this.held.get(row.name);
    if (held) {
      held.holders++;
      return true;
    }
    try {
      const before = (await this.sysctl().readSysctl(row.name)).trim();
      if (before !== '1') await this.sysctl().writeSysctl(row.name, '1');
      this.held.set(row.name, { holders: 1, restore: before !== '1' ? before : undefined });
      if (before !== '1') this.logger.debug('sysctl set for sharing', { sysctl: row.name, value: '1', was: before });
      return true;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (!row.required) {
        this.logger.debug('could not set sysctl for sharing', { sysctl: row.name, error: why });
        return false;
      }
      throw new NmkError('PLATFORM', `could not enable forwarding (${row.name}=1): ${why}`, { plugin: 'sharing', hook: 'start' }, { cause: e });
    }
  }

  private async releaseNames(names: readonly string[]): Promise<void> {
    const failures: string[] = [];
    for (const name of names) {
      const held = this.held.get(name);
      if (!held || --held.holders > 0) continue;
      this.held.delete(name);
      if (held.restore === undefined) continue;
      try {
        await this.sysctl().writeSysctl(name, held.restore);
        this.logger.debug('sysctl restored after sharing', { sysctl: name, value: held.restore });
      } catch (e) {
        failures.push(`${name}=${held.restore}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (failures.length) throw new NmkError('PLATFORM', `could not restore ${failures.join('; ')}`, { plugin: 'sharing', hook: 'stop' });
  }
}
