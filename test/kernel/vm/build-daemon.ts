/**
 * Builds nmkd for one kernel-lane boot, as `npm run build` would, but into the
 * run's own directory: the shared dist/ may be stale or half-written by
 * another build, and the guest must run what the sources say now. Plain node
 * runs the output in the guest (jiti over 9p is far too slow, see
 * test/harness/vm.ts).
 *
 * The layout mirrors an installed package, which core/daemon/locations.ts
 * expects of a compiled daemon: <buildDir>/dist/{core,sdk,plugins}/...,
 * <buildDir>/package.json and <buildDir>/config. Node finds the dependencies
 * by walking up from <buildDir> to the repository's node_modules (the build
 * directory lives inside the repository).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { buildNativeHelpers } from './native-helpers.js';

const run = promisify(execFile);

/** Compile sdk, core, plugins (type checks off: the unit lane's typecheck covers them); returns nmkd's main.js. */
export async function buildDaemon(repoRoot: string, buildDir: string): Promise<string> {
  if (path.relative(repoRoot, buildDir).startsWith('..')) throw new Error(`the daemon build ${buildDir} must live inside the repository (${repoRoot}) so node finds its node_modules`);
  const outDir = path.join(buildDir, 'dist');
  const tsconfig = path.join(buildDir, 'tsconfig.daemon.json');
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(tsconfig, JSON.stringify({
    extends: path.join(repoRoot, 'tsconfig.json'),
    compilerOptions: {
      outDir, rootDir: repoRoot, declaration: false, sourceMap: true, noEmitOnError: false, noCheck: true,
      typeRoots: [path.join(repoRoot, 'node_modules/@types')],
    },
    include: ['sdk', 'core', 'plugins'].map((d) => path.join(repoRoot, d)),
    exclude: ['**/*.test.ts', '**/test/**'].map((g) => path.join(repoRoot, g)),
  }, null, 2));
  const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  const output = await run(process.execPath, [tsc, '-p', tsconfig], { maxBuffer: 16 * 1024 * 1024 }).then(
    () => '',
    (e: any) => `${e.stdout ?? ''}${e.stderr ?? e.message}`,
  );
  const main = path.join(outDir, 'core/main.js');
  if (!existsSync(main)) throw new Error(`tsc did not compile nmkd (${main} missing):\n${output}`);

  // What scripts/copy-assets.mjs does for dist/: each plugin's manifest beside its compiled entry.
  const plugins = path.join(repoRoot, 'plugins');
  for (const name of readdirSync(plugins)) {
    const manifest = path.join(plugins, name, 'nmk-plugin.json');
    if (!existsSync(manifest)) continue;
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    if (m.entry) m.entry = m.entry.replace(/\.(m?)ts$/, '.$1js');
    mkdirSync(path.join(outDir, 'plugins', name), { recursive: true });
    writeFileSync(path.join(outDir, 'plugins', name, 'nmk-plugin.json'), `${JSON.stringify(m, null, 2)}\n`);
  }
  await buildNativeHelpers(repoRoot, outDir);
  copyFileSync(path.join(repoRoot, 'package.json'), path.join(buildDir, 'package.json'));
  if (!existsSync(path.join(buildDir, 'config'))) symlinkSync(path.join(repoRoot, 'config'), path.join(buildDir, 'config'));
  return main;
}
