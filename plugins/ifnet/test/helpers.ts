/** Shared by the ifnet tests: a source over a directory tree standing in for /. */
import fs from 'node:fs';
import path from 'node:path';
import { tempTree } from '../../../test/harness/settings-plugins.js';
import { IfnetSource } from '../source.js';

export { differences, interfaceName, nmLegacyUuid } from '../../../test/harness/settings-plugins.js';

export const FIXTURES = path.join(import.meta.dirname, 'fixtures');

export function sourceAt(root: string): IfnetSource {
  return new IfnetSource({ under: (p) => path.join(root, p) });
}

/** A temporary root with etc/conf.d/ (holding `net` as conf.d/net when given); `file` is conf.d/net's path. */
export function tempRoot(net?: string | Buffer): { root: string; file: string; cleanup: () => void } {
  const t = tempTree('nmk-ifnet-', net === undefined ? {} : { 'etc/conf.d/net': net });
  const file = path.join(t.root, 'etc/conf.d/net');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return { ...t, file };
}
