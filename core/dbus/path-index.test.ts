import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PathIndex } from './path-index.js';

/** What the index must answer, computed the slow way from the list of indexed paths. */
function model(paths: readonly string[]): Map<string, Set<string>> {
  const children = new Map<string, Set<string>>();
  for (const path of paths) {
    const parts = path.split('/').filter(Boolean);
    for (let depth = 0; depth < parts.length; depth++) {
      const parent = `/${parts.slice(0, depth).join('/')}`;
      if (!children.has(parent)) children.set(parent, new Set());
      children.get(parent)!.add(parts[depth]!);
    }
  }
  return children;
}

const pathArb = fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 4 }).map((parts) => `/${parts.join('/')}`);

describe('path index', () => {
  it('lists the children of every path as the indexed paths imply, through any adds and removes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), pathArb), { maxLength: 40 }), (steps) => {
        const index = new PathIndex();
        const indexed: string[] = [];
        for (const [add, path] of steps) {
          if (add) {
            index.add(path);
            indexed.push(path);
          } else if (indexed.includes(path)) {
            index.remove(path);
            indexed.splice(indexed.indexOf(path), 1);
          }
          const expected = model(indexed);
          for (const p of ['/', '/a', '/b', '/a/b', '/a/a', '/c/c/c', '/a/b/c/a']) {
            expect(new Set(index.childrenOf(p)), p).toEqual(expected.get(p) ?? new Set());
            expect(index.hasChildren(p), p).toBe(expected.has(p));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
