/**
 * The malloc_trim addon is built by `npm run build` (node's headers come with
 * node) and really releases memory: blocks freed inside an arena stay
 * resident until the trim gives their pages back.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exposedGc } from './idle-gc.js';
import { mallocTrim, mallocTrimAvailable } from './malloc-trim.js';

function rssKb(): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]);
}

describe('malloc_trim addon', () => {
  it('is built and loads', () => {
    expect(fs.existsSync('dist/core/daemon/malloc-trim.node'), 'run npm run build first').toBe(true);
    expect(mallocTrimAvailable()).toBe(true);
  });

  it('gives the pages of freed malloc blocks back to the kernel', async () => {
    // Many 32 kB buffers (below malloc's mmap threshold: they come from an arena), every other one kept,
    // so the freed ones lie between live ones and cannot be returned by shrinking the arena's top.
    const kept: Buffer[] = [];
    let freed: Buffer[] = [];
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.allocUnsafeSlow(32 * 1024).fill(i & 0xff);
      (i % 2 ? kept : freed).push(b);
    }
    freed = [];
    // V8 frees a dead buffer's memory after the collection, from its sweeper: collect until that is done.
    const gc = exposedGc();
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = rssKb();
    expect(mallocTrim()).toBe(true);
    const after = rssKb();
    expect(kept.length).toBe(1000);
    expect(before - after).toBeGreaterThan(8 * 1024);
  });
});
