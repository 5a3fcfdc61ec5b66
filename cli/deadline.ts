/**
 * --wait: one time limit for a whole command (the daemon's reply and the
 * states after it). 0 means nmcli's "do not wait": the command returns
 * once the daemon has answered, so a 0 deadline never expires.
 */
export const TIMEOUT = Symbol('timeout');

export class Deadline {
  private timer?: NodeJS.Timeout;
  private expired: Promise<typeof TIMEOUT>;

  constructor(readonly seconds: number) {
    this.expired = seconds > 0 ? new Promise((r) => (this.timer = setTimeout(() => r(TIMEOUT), seconds * 1000))) : new Promise(() => {});
  }

  /** The promise's value, or TIMEOUT when the time is up first. */
  race<T>(p: Promise<T>): Promise<T | typeof TIMEOUT> {
    return Promise.race([p, this.expired]);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
