/**
 * Milliseconds on a monotonic clock, as performance.now() counts them, from
 * process.hrtime: touching the `performance` global loads node's perf_hooks
 * (about a dozen internal modules, close to 1 MB resident) for a number the
 * daemon reads all the time.
 */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
