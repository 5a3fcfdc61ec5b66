/**
 * NetworkManager's schedule for one device and family, under fake timers:
 * probing at 1, 2, 4... seconds up to the interval while not FULL, the whole
 * interval once FULL, probing again from 1 s when FULL is lost, and the
 * guessed state with checking off.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NMConnectivity } from '../../sdk/index.js';
import { FamilyCheck, type FamilyCheckHost } from './family-check.js';
import type { ConnectivityState } from './states.js';

function harness(max: number, answers: ConnectivityState[], fake: ConnectivityState = NMConnectivity.NONE) {
  const runs: number[] = [];
  const changes: Array<[ConnectivityState, ConnectivityState]> = [];
  let i = 0;
  const host: FamilyCheckHost = {
    possible: () => true,
    maxInterval: () => max,
    run: async () => {
      runs.push(Date.now() / 1000);
      return { state: answers[Math.min(i++, answers.length - 1)]!, reason: 'test' };
    },
    fakeState: () => fake,
    changed: (old, now) => changes.push([old, now]),
    debug: () => undefined,
    now: () => Date.now(),
  };
  return { check: new FamilyCheck(host), runs, changes };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('FamilyCheck', () => {
  it('probes at 1, 2, 4, 8 s up to the interval while the answer is not FULL', async () => {
    const h = harness(8, [NMConnectivity.LIMITED]);
    h.check.updateInterval(true);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(h.runs).toEqual([0, 2, 6, 14, 22, 30]);
    expect(h.check.state).toBe(NMConnectivity.LIMITED);
    expect(h.changes).toEqual([[NMConnectivity.UNKNOWN, NMConnectivity.LIMITED]]);
    h.check.dispose();
  });

  it('waits the whole interval once FULL, and probes from 1 s again when FULL is lost', async () => {
    const h = harness(8, [NMConnectivity.FULL, NMConnectivity.FULL, NMConnectivity.PORTAL, NMConnectivity.PORTAL, NMConnectivity.FULL]);
    h.check.updateInterval(true);
    await vi.advanceTimersByTimeAsync(20_000);
    // 0 FULL, 8 FULL, 16 PORTAL (next in 1 s), 17 PORTAL (next in 2 s), 19 FULL.
    expect(h.runs).toEqual([0, 8, 16, 17, 19]);
    expect(h.changes).toEqual([
      [NMConnectivity.UNKNOWN, NMConnectivity.FULL],
      [NMConnectivity.FULL, NMConnectivity.PORTAL],
      [NMConnectivity.PORTAL, NMConnectivity.FULL],
    ]);
    await vi.advanceTimersByTimeAsync(7_000);
    expect(h.runs.at(-1)).toBe(27);
    h.check.dispose();
  });

  it('with checking off sends nothing and shows the guessed state', async () => {
    const h = harness(0, [NMConnectivity.FULL], NMConnectivity.LIMITED);
    h.check.updateInterval(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.runs).toEqual([]);
    expect(h.check.state).toBe(NMConnectivity.LIMITED);
    // A check asked for now gives the guess too.
    await h.check.checkNow();
    expect(h.runs).toEqual([]);
    expect(h.check.state).toBe(NMConnectivity.LIMITED);
  });

  it('a check asked for now resolves with its result and restarts the period', async () => {
    const h = harness(8, [NMConnectivity.FULL, NMConnectivity.PORTAL, NMConnectivity.FULL]);
    h.check.updateInterval(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.runs).toEqual([0]);
    await h.check.checkNow();
    expect(h.check.state).toBe(NMConnectivity.PORTAL);
    // Lost FULL: the next periodic check is 1 s after the external one.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.runs).toEqual([0, 5, 6]);
    h.check.dispose();
  });

  it('stops checking after dispose', async () => {
    const h = harness(8, [NMConnectivity.LIMITED]);
    h.check.updateInterval(true);
    await vi.advanceTimersByTimeAsync(0);
    h.check.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.runs).toEqual([0]);
  });
});
