/**
 * One full garbage collection when the daemon is quiet again after a burst
 * of work (thousands of links made and removed by another tool, a large
 * GetManagedObjects). V8 collects its old generation when the heap reaches a
 * limit it set at the burst's peak, and its memory reducer may wait half a
 * minute or more, so without this the resident memory stays near the peak
 * while the daemon idles (bench/link-churn-w4.ts).
 *
 * Checks read the heap's size (no allocation worth the name) and the CPU
 * time used. Once the size moved by `busyBytes` in all since the last
 * collection (up, and down when V8 collected some during the burst: the
 * pages it committed at the peak stay) and an interval used less than
 * `quietShare` of its time on the CPU (the burst is over), one collection
 * runs. Checks come every `intervalMs` while something happens and back off
 * to `idleIntervalMs` while nothing does: an idle daemon wakes rarely.
 */
import { createRequire } from 'node:module';
import { mallocTrim } from './malloc-trim.js';

export interface IdleGcOptions {
  intervalMs?: number;
  idleIntervalMs?: number;
  busyBytes?: number;
  quietShare?: number;
  /** V8 heap plus external (Buffer) memory in bytes (tests replace it). */
  usedBytes?: () => number;
  /** The collection (tests replace it); default: V8's, see exposedGc. */
  gc?: () => void;
  /** CPU time used by the process so far, in ms (tests replace it). */
  cpuMs?: () => number;
  /** Run after each collection: malloc's free pages back to the kernel (default malloc-trim.ts; tests replace it). */
  trim?: () => void;
}

const MB = 1024 * 1024;

function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function heapAndExternal(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * V8's gc(): the global one when node runs with --expose-gc (bin/nmkd passes
 * it), else the one a fresh context gets once the flag is set (what test
 * runners' leak detectors do); the flag is cleared again so no other context
 * sees gc(). node:v8 and node:vm are loaded only then: together they cost an
 * idle daemon close to 2 MB resident (bench/memory-idle.ts).
 */
export function exposedGc(): () => void {
  const global = (globalThis as { gc?: () => void }).gc;
  if (typeof global === 'function') return global;
  const require = createRequire(import.meta.url);
  const v8 = require('node:v8') as typeof import('node:v8');
  const vm = require('node:vm') as typeof import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  try {
    return vm.runInNewContext('gc') as () => void;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

export interface IdleGc {
  (): void;
  /**
   * The end of a burst the caller knows of (start-up done): checks come
   * every `intervalMs` again and the next quiet one collects whatever the
   * heap moved, so an idle daemon does not wait for the back-off to shrink.
   */
  burstEnded(): void;
}

/** Starts the checks; returns the function that stops them (with burstEnded). The timer never keeps the process alive. */
export function startIdleGc(opts: IdleGcOptions = {}): IdleGc {
  const used = opts.usedBytes ?? heapAndExternal;
  const gc = opts.gc ?? exposedGc();
  const cpu = opts.cpuMs ?? processCpuMs;
  const trim = opts.trim ?? mallocTrim;
  const fast = opts.intervalMs ?? 1000;
  const slow = opts.idleIntervalMs ?? 30_000;
  const busyBytes = opts.busyBytes ?? 8 * MB;
  const quietShare = opts.quietShare ?? 0.05;
  let previous = used();
  let cpuBefore = cpu();
  let moved = 0;
  let delay = fast;
  let timer: NodeJS.Timeout | undefined;
  let collectNext = false;
  const check = () => {
    const now = used();
    moved += Math.abs(now - previous);
    previous = now;
    const cpuNow = cpu();
    const busy = cpuNow - cpuBefore >= delay * quietShare;
    cpuBefore = cpuNow;
    if (!busy && (moved >= busyBytes || collectNext)) {
      gc();
      trim();
      previous = used();
      cpuBefore = cpu();
      moved = 0;
      collectNext = false;
    }
    delay = busy || moved >= busyBytes ? fast : Math.min(delay * 2, slow);
    arm();
  };
  const arm = () => {
    timer = setTimeout(check, delay);
    timer.unref();
  };
  arm();
  const stop = (() => clearTimeout(timer)) as IdleGc;
  stop.burstEnded = () => {
    collectNext = true;
    delay = fast;
    clearTimeout(timer);
    arm();
  };
  return stop;
}
