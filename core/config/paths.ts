/**
 * One root for every file nmk reads or writes. In production the root is "/";
 * tests and the sandbox move it (--root or NMK_ROOT) so they never touch the
 * host's /etc or /run.
 */
import path from 'node:path';
import type { Paths } from '../../sdk/index.js';

export function makePaths(root: string, overrides: { configFile?: string } = {}): Paths {
  const abs = path.resolve(root);
  const under = (p: string) => path.join(abs, path.isAbsolute(p) ? path.relative('/', p) : p);
  const etcDir = under('/etc/nmk');
  return {
    root: abs,
    etcDir,
    configFile: overrides.configFile ? path.resolve(overrides.configFile) : path.join(etcDir, 'nmk.conf'),
    configDir: path.join(etcDir, 'conf.d'),
    runDir: under('/run/nmk'),
    stateDir: under('/var/lib/nmk'),
    under,
  };
}
