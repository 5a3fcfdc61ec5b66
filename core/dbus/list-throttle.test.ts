import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ListThrottle } from './list-throttle.js';

describe('ListThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('announces the first change at once and gathers a storm into one announcement per interval', () => {
    const announce = vi.fn();
    const t = new ListThrottle(announce, 200, () => Date.now());
    t.changed();
    expect(announce).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 1000; i++) {
      vi.advanceTimersByTime(1);
      t.changed();
    }
    // 1000 ms of changes: the first at once, then one per 200 ms.
    expect(announce.mock.calls.length).toBeGreaterThanOrEqual(5);
    expect(announce.mock.calls.length).toBeLessThanOrEqual(7);
    const before = announce.mock.calls.length;
    vi.advanceTimersByTime(200);
    // The last change in the storm is announced once the interval ends.
    expect(announce.mock.calls.length).toBe(before + 1);
    vi.advanceTimersByTime(10_000);
    expect(announce.mock.calls.length).toBe(before + 1);
  });

  it('announces at once again after a quiet spell', () => {
    const announce = vi.fn();
    const t = new ListThrottle(announce, 200, () => Date.now());
    t.changed();
    vi.advanceTimersByTime(500);
    t.changed();
    expect(announce).toHaveBeenCalledTimes(2);
  });

  it('stop drops a pending announcement', () => {
    const announce = vi.fn();
    const t = new ListThrottle(announce, 200, () => Date.now());
    t.changed();
    t.changed();
    t.stop();
    vi.advanceTimersByTime(1000);
    expect(announce).toHaveBeenCalledTimes(1);
  });
});
