/**
 * The idle collection: one collection once the heap grew and stopped
 * moving, none while it still moves or did not grow.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exposedGc, startIdleGc } from './idle-gc.js';

const MB = 1024 * 1024;

describe('startIdleGc', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once the heap moved and the CPU went quiet, then waits for the next burst', () => {
    let used = 10 * MB;
    let cpu = 0;
    const gc = vi.fn(() => {
      used = 12 * MB;
    });
    const trim = vi.fn();
    const stop = startIdleGc({ intervalMs: 1000, idleIntervalMs: 1000, usedBytes: () => used, cpuMs: () => cpu, gc, trim });
    used = 40 * MB; // a storm: busy CPU
    cpu += 900;
    vi.advanceTimersByTime(1000);
    used = 39 * MB; // the heap hardly moved, but the CPU is still busy
    cpu += 500;
    vi.advanceTimersByTime(1000);
    expect(gc).not.toHaveBeenCalled();
    cpu += 10;
    vi.advanceTimersByTime(1000); // quiet
    expect(gc).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000); // quiet at 12 MB: nothing to collect
    expect(gc).toHaveBeenCalledTimes(1);
    used = 30 * MB;
    vi.advanceTimersByTime(1000);
    expect(gc).toHaveBeenCalledTimes(2);
    // malloc's free pages go back after each collection, never without one.
    expect(trim).toHaveBeenCalledTimes(2);
    stop();
  });

  it('counts a heap that shrank during the burst (V8 collected some; the pages it took stay)', () => {
    let used = 80 * MB;
    const gc = vi.fn(() => {
      used = 15 * MB;
    });
    const stop = startIdleGc({ intervalMs: 1000, idleIntervalMs: 1000, usedBytes: () => used, cpuMs: () => 0, gc });
    used = 50 * MB;
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(1000);
    expect(gc).toHaveBeenCalledTimes(1);
    stop();
  });

  it('leaves a heap alone that moved less than the threshold', () => {
    let used = 10 * MB;
    const gc = vi.fn();
    const stop = startIdleGc({ intervalMs: 1000, idleIntervalMs: 1000, usedBytes: () => used, cpuMs: () => 0, gc, busyBytes: 8 * MB });
    used = 17 * MB;
    vi.advanceTimersByTime(10_000);
    expect(gc).not.toHaveBeenCalled();
    stop();
  });
});

describe('exposedGc', () => {
  it("is V8's collector without --expose-gc, and leaves no gc() on the global object", async () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    const gc = exposedGc();
    let target: object | undefined = { big: new Array(1000).fill(1) };
    const ref = new WeakRef(target);
    target = undefined;
    // A WeakRef keeps its target until the current job ends.
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(ref.deref()).toBeUndefined();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});

describe('startIdleGc while nothing happens', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('checks less and less often, and every interval again once the CPU is busy', () => {
    let checks = 0;
    let cpu = 0;
    const gc = vi.fn();
    const stop = startIdleGc({
      intervalMs: 1000,
      idleIntervalMs: 8000,
      usedBytes: () => {
        checks++;
        return 0;
      },
      cpuMs: () => cpu,
      gc,
    });
    checks = 0;
    vi.advanceTimersByTime(1000 + 2000 + 4000 + 8000 + 8000);
    expect(checks).toBe(5);
    cpu += 5000; // a burst, seen by the next check
    vi.advanceTimersByTime(8000);
    checks = 0;
    vi.advanceTimersByTime(1000);
    expect(checks).toBe(1);
    expect(gc).not.toHaveBeenCalled();
    stop();
  });
});

describe('startIdleGc after a burst the caller announces', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('collects at the next quiet check even when the heap moved less than busyBytes, once', async () => {
    let used = 10 * MB;
    let cpu = 0;
    const gc = vi.fn();
    const idle = startIdleGc({ intervalMs: 1000, idleIntervalMs: 30_000, usedBytes: () => used, cpuMs: () => cpu, gc, busyBytes: 8 * MB });
    // Quiet, small moves: the back-off grows and nothing is collected.
    for (let i = 0; i < 5; i++) {
      used += MB / 4;
      await vi.advanceTimersByTimeAsync(20_000);
    }
    expect(gc).not.toHaveBeenCalled();
    idle.burstEnded();
    // A busy interval first: no collection while the CPU works.
    cpu += 500;
    await vi.advanceTimersByTimeAsync(1000);
    expect(gc).not.toHaveBeenCalled();
    // The next quiet check, one interval later (not after the back-off), collects.
    await vi.advanceTimersByTimeAsync(1000);
    expect(gc).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(gc).toHaveBeenCalledTimes(1);
    idle();
  });
});
