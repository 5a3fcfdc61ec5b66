/** Shared by the ifupdown tests: a source over a directory tree standing in for /. */
import path from 'node:path';
import { tempTree } from '../../../test/harness/settings-plugins.js';
import { IfupdownSource } from '../source.js';

export { differences, interfaceName, meaningDiff, nmLegacyUuid } from '../../../test/harness/settings-plugins.js';

export const FIXTURES = path.join(import.meta.dirname, 'fixtures');

export function sourceAt(root: string, managed = true): IfupdownSource {
  return new IfupdownSource({ under: (p) => path.join(root, p), managed: () => managed });
}

/** A temporary root holding `files` (paths relative to /), removed by the returned cleanup. */
export function tempRoot(files: Record<string, string> = {}): { root: string; cleanup: () => void } {
  return tempTree('nmk-ifupdown-', files);
}
