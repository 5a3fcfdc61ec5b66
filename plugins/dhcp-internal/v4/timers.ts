/**
 * Named one-shot timers for a client session: setting a name replaces its
 * previous timer; clearAll() on stop cancels everything. Delays longer than
 * setTimeout allows (~24.8 days, leases can be longer) are chained.
 */
const MAX_DELAY = 0x7fffffff;

export class Timers<Name extends string> {
  private readonly handles = new Map<Name, NodeJS.Timeout>();

  /** `unref`: the timer alone does not keep the process alive (lease timers; the channel does). */
  set(name: Name, ms: number, fn: () => void, unref = false): void {
    this.clear(name);
    const arm = (left: number) => {
      const step = Math.min(Math.max(0, left), MAX_DELAY);
      const h = setTimeout(() => {
        if (left > MAX_DELAY) arm(left - MAX_DELAY);
        else {
          this.handles.delete(name);
          fn();
        }
      }, step);
      if (unref) h.unref?.();
      this.handles.set(name, h);
    };
    arm(ms);
  }

  has(name: Name): boolean {
    return this.handles.has(name);
  }

  clear(...names: Name[]): void {
    for (const name of names) {
      const h = this.handles.get(name);
      if (h) clearTimeout(h);
      this.handles.delete(name);
    }
  }

  clearAll(): void {
    for (const h of this.handles.values()) clearTimeout(h);
    this.handles.clear();
  }
}
