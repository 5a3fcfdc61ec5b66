import { describe, expect, it } from 'vitest';
import type { Family } from '../../sdk/index.js';
import { decideEarly, decideIp } from './ip-outcome.js';
import type { IpPlan } from './ip-plan.js';

const plan = (family: Family, o: Partial<IpPlan> = {}): IpPlan => ({ family, method: 'auto', supported: true, mayFail: true, inert: false, addresses: [], routes: [], rules: [], sysctls: [], ...o });

describe('decideEarly', () => {
  it('activates on the first family that succeeds when both may fail', () => {
    expect(decideEarly([plan(4), plan(6)], new Map([[4, true]]))).toEqual({ activated: true });
    expect(decideEarly([plan(4), plan(6)], new Map([[6, true]]))).toEqual({ activated: true });
  });
  it('waits for a family that may not fail, and fails with it', () => {
    const plans = [plan(4, { mayFail: false }), plan(6)];
    expect(decideEarly(plans, new Map([[6, true]]))).toBeUndefined();
    expect(decideEarly(plans, new Map<Family, boolean>([[6, true], [4, false]]))).toEqual({ activated: false, failedFamily: 4 });
    expect(decideEarly(plans, new Map([[4, true]]))).toEqual({ activated: true });
  });
  it('fails when every family failed; activates when both are inert', () => {
    expect(decideEarly([plan(4), plan(6)], new Map<Family, boolean>([[4, false], [6, false]]))).toEqual({ activated: false, failedFamily: 4 });
    expect(decideEarly([plan(4, { inert: true }), plan(6, { inert: true })], new Map())).toEqual({ activated: true });
    expect(decideEarly([plan(4), plan(6)], new Map([[4, false]]))).toBeUndefined();
  });
});

describe('decideIp', () => {
  it('resolves before the slower family settles', async () => {
    let settle6: (v: boolean) => void = () => undefined;
    const slow = new Promise<boolean>((r) => (settle6 = r));
    const d = await decideIp([plan(4), plan(6)], [Promise.resolve(true), slow]);
    expect(d).toEqual({ activated: true });
    settle6(false);
  });
});
