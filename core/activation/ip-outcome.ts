/**
 * When the IP stage of an activation is decided, with both families
 * configured at once (NetworkManager: "the connection succeeds as soon as
 * one of the two address families completes", unless a family that may not
 * fail is still pending or has failed).
 */
import type { Family } from '../../sdk/index.js';
import { ipOutcome, type IpPlan } from './ip-plan.js';

export type IpDecision = { activated: boolean; failedFamily?: Family };

/** Decide as early as the results allow; families still running after that go on in the background. */
export function decideEarly(plans: readonly IpPlan[], settled: ReadonlyMap<Family, boolean>): IpDecision | undefined {
  let anySucceeded = false;
  let allInert = true;
  let requiredPending = false;
  for (const p of plans) {
    if (p.inert) continue;
    allInert = false;
    const result = settled.get(p.family);
    if (result === true) anySucceeded = true;
    else if (result === false && !p.mayFail) return { activated: false, failedFamily: p.family };
    else if (result === undefined && !p.mayFail) requiredPending = true;
  }
  if (allInert || (anySucceeded && !requiredPending)) return { activated: true };
  if (plans.every((p) => settled.has(p.family))) return ipOutcome(plans, settled);
  return undefined;
}

export function decideIp(plans: readonly IpPlan[], results: readonly Promise<boolean>[]): Promise<IpDecision> {
  return new Promise((resolve) => {
    const settled = new Map<Family, boolean>();
    let decided = false;
    const check = () => {
      if (decided) return;
      const d = decideEarly(plans, settled);
      if (d) {
        decided = true;
        resolve(d);
      }
    };
    results.forEach((r, i) => {
      const family = plans[i]!.family;
      r.then(
        (ok) => (settled.set(family, ok), check()),
        () => (settled.set(family, false), check()),
      );
    });
    check();
  });
}
