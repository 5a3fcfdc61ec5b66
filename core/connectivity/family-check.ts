/**
 * The connectivity of one device for one address family, and when to check
 * it next, as NetworkManager 1.42 schedules it (nm-device.c concheck_*):
 * - while not FULL, probe after 1 s, then 2, 4, 8... up to the interval;
 *   FULL waits the whole interval; losing FULL starts probing at 1 s again;
 * - a check asked for from outside (CheckConnectivity) restarts the period;
 * - with checking off (interval 0) there is no request: the state is the
 *   "fake" one the host computes (FULL/LIMITED/NONE from the device state).
 * Several checks may run at once; a result settles every older one too.
 */
import { NMConnectivity } from '../../sdk/index.js';
import { stateName, type CheckResult, type ConnectivityState } from './states.js';

/** NetworkManager's first probe interval, in seconds. */
export const PROBE_INTERVAL_S = 1;

export interface FamilyCheckHost {
  /** Whether checks may run at all (a real device, not loopback, state known). */
  possible(): boolean;
  /** Seconds between checks when FULL; 0 when checking is off. */
  maxInterval(): number;
  /** One check (kernel pre-check, then HTTP). Must settle, also when aborted. */
  run(signal: AbortSignal): Promise<CheckResult>;
  /** The state to show while checking is off. */
  fakeState(): ConnectivityState;
  /** The state changed (called after `state` holds the new value). */
  changed(old: ConnectivityState, now: ConnectivityState): void;
  debug(message: string): void;
  /** Milliseconds, monotonic. */
  now(): number;
}

interface Pending {
  seq: number;
  abort: AbortController;
  periodic: boolean;
  settle: (state: ConnectivityState) => void;
}

export class FamilyCheck {
  state: ConnectivityState = NMConnectivity.UNKNOWN;
  private max = 0;
  private cur = PROBE_INTERVAL_S;
  /** When the current period began (ms). */
  private base = 0;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private pending: Pending[] = [];
  private disposed = false;

  constructor(private host: FamilyCheckHost) {}

  /**
   * The config or the device's state changed. `checkNow` restarts probing
   * (the device activated, disconnected or left ACTIVATED; the config changed).
   */
  updateInterval(checkNow: boolean): void {
    this.max = this.host.maxInterval();
    if (this.max === 0) {
      this.clearTimer();
      this.apply(this.host.fakeState());
      return;
    }
    if (checkNow || !this.timer) {
      this.cur = Math.min(this.max, PROBE_INTERVAL_S);
      this.base = this.host.now();
      if (this.schedule()) void this.start(true);
      return;
    }
    // A shorter interval than the one running: take it at once.
    if (this.cur > this.max) {
      this.cur = this.max;
      this.schedule();
    }
  }

  /** A check asked for now (Manager.CheckConnectivity): delays the periodic one. Resolves with the state it settled on. */
  checkNow(): Promise<ConnectivityState> {
    if (this.max > 0) {
      this.base = this.host.now();
      this.schedule();
    }
    return this.start(false);
  }

  /** Re-evaluate the fake state (checking off) after a route change. */
  refreshFake(): void {
    if (this.max === 0) this.apply(this.host.fakeState());
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    for (const p of this.pending.splice(0)) {
      p.abort.abort();
      p.settle(this.state);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Arm the timer for base + cur; false when periodic checks are off or impossible. */
  private schedule(): boolean {
    this.clearTimer();
    if (this.max === 0 || this.disposed || !this.host.possible()) return false;
    const delay = Math.max(0, this.base + this.cur * 1000 - this.host.now());
    this.timer = setTimeout(() => this.periodic(), delay);
    this.timer.unref?.();
    return true;
  }

  private periodic(): void {
    this.timer = undefined;
    const old = this.cur;
    // The last periodic check has not come back in a whole period: back off already.
    if (this.pending.some((p) => p.periodic)) this.cur = Math.min(old * 2, this.max);
    this.base += old * 1000;
    if (this.schedule()) void this.start(true);
  }

  private start(periodic: boolean): Promise<ConnectivityState> {
    if (this.disposed) return Promise.resolve(this.state);
    const seq = ++this.seq;
    const abort = new AbortController();
    return new Promise<ConnectivityState>((settle) => {
      this.pending.push({ seq, abort, periodic, settle });
      const run = this.max === 0 ? Promise.resolve<CheckResult | 'fake'>('fake') : this.host.run(abort.signal);
      run.then(
        (r) => this.complete(seq, r, periodic),
        (e: unknown) => this.complete(seq, { state: NMConnectivity.LIMITED, reason: `check failed: ${String(e)}` }, periodic),
      );
    });
  }

  private complete(seq: number, result: CheckResult | 'fake', periodic: boolean): void {
    const mine = this.pending.find((p) => p.seq === seq);
    if (!mine || this.disposed) return;
    // This answer is newer than every check still running before it: they are settled with it.
    const older = this.pending.filter((p) => p.seq <= seq);
    this.pending = this.pending.filter((p) => p.seq > seq);
    const state = result === 'fake' ? this.host.fakeState() : result.state;
    this.host.debug(`check completed: ${stateName(state)}; ${result === 'fake' ? 'fake result' : result.reason}`);
    this.reschedule(state, periodic);
    this.apply(state);
    for (const p of older) {
      if (p.seq !== seq) p.abort.abort();
      p.settle(state);
    }
  }

  /** The next periodic check after a result: NetworkManager's RETURNED_MAX / _MIN / _BUMP. */
  private reschedule(state: ConnectivityState, bump: boolean): void {
    if (this.max === 0) return;
    if (state === NMConnectivity.FULL) this.cur = this.max;
    else if (this.state === NMConnectivity.FULL) this.cur = Math.min(this.max, PROBE_INTERVAL_S);
    else if (bump) this.cur = Math.min(this.cur * 2, this.max);
    else return;
    if (this.timer) this.schedule();
  }

  private apply(state: ConnectivityState): void {
    const old = this.state;
    if (old === state) return;
    this.state = state;
    this.host.changed(old, state);
  }
}
