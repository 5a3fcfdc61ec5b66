/**
 * PropertiesChanged for a list that grows with the system (the manager's
 * Devices and AllDevices: one path per link). Each announcement carries the
 * whole list, so while another tool makes thousands of links, one per tick
 * would put gigabytes on the bus (bench/link-churn-w4.ts). The first change
 * after a quiet spell is announced at once, as before; changes that follow
 * within `intervalMs` are gathered into one announcement at its end, which
 * carries the list as it is then. DeviceAdded/DeviceRemoved still go out one
 * by one, and Get always reads the current list.
 */
import { monotonicMs } from '../../sdk/monotonic.js';

export class ListThrottle {
  private last = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly announce: () => void,
    private readonly intervalMs: number,
    private readonly now: () => number = monotonicMs,
  ) {}

  changed(): void {
    if (this.timer) return; // the trailing announcement will carry it
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) {
      this.last = this.now();
      this.announce();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.last = this.now();
      this.announce();
    }, wait);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
