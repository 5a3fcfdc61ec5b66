/**
 * When to send router solicitations, as NetworkManager 1.42 does
 * (nm-ndisc.c): the first after a random 0-250 ms (RFC 4861's 1 s, cut
 * short), then RFC 7559's exponential back-off from 4 s up to an hour with
 * +-10% jitter, never giving up. Once an advertisement came, the next one is
 * sent a minute (jittered) before the first item with a lifetime of at least
 * two minutes (counted from the last solicitation) would expire, but no
 * sooner than 4 s and no later than an hour after the last solicitation:
 * routers that never advertise unsolicited are asked again in time.
 */
export const FIRST_DELAY_MAX_MS = 250;
export const RFC7559_IRT_MS = 4_000;
export const RFC7559_MRT_MS = 3_600_000;
const PRE_EXPIRY_MS = 60_000;
const PRE_EXPIRY_MIN_LIFETIME_MS = 120_000;
/** setTimeout fires at once for longer delays; NetworkManager clamps to the same 32-bit bound. */
export const MAX_TIMER_MS = 0x7fffffff;

export type Random = () => number;

/** `ms` +-10% (RFC 3315's RAND, as RFC 7559 asks). */
export function jitter(ms: number, random: Random): number {
  const tenPercent = Math.max(1, Math.floor(ms / 10));
  return ms - tenPercent + Math.floor(random() * 2 * tenPercent);
}

export function firstSolicitDelay(random: Random): number {
  return Math.floor(random() * FIRST_DELAY_MAX_MS);
}

/** The next retransmission state after a solicitation: the new back-off and the delay to wait. */
export function nextRetransmit(previousMs: number, random: Random): { retransmitMs: number; delayMs: number } {
  if (previousMs === 0) {
    const first = jitter(RFC7559_IRT_MS, random);
    return { retransmitMs: first, delayMs: first };
  }
  const grown = previousMs + jitter(previousMs, random);
  if (grown > RFC7559_MRT_MS) return { retransmitMs: RFC7559_MRT_MS, delayMs: jitter(RFC7559_MRT_MS, random) };
  return { retransmitMs: grown, delayMs: grown };
}

/** The delay (ms from `now`) to the solicitation that refreshes what is about to expire. */
export function refreshSolicitDelay(expiries: number[], lastRsAt: number, now: number, random: Random): number {
  let earliest = Infinity;
  for (const e of expiries) {
    // Short-lived items would re-trigger solicitations in a loop until they expire: leave them be.
    if (e >= lastRsAt + PRE_EXPIRY_MIN_LIFETIME_MS) earliest = Math.min(earliest, e);
  }
  const preExpiry = earliest - jitter(PRE_EXPIRY_MS, random);
  const at = Math.min(Math.max(preExpiry, lastRsAt + RFC7559_IRT_MS), lastRsAt + RFC7559_MRT_MS);
  return Math.min(Math.max(at - now, 0), MAX_TIMER_MS);
}
