/**
 * Compiles kernel-lane scenarios for the guest. The guest runs plain node on
 * the output: jiti's module resolution stats many candidate files, and over 9p
 * on an emulated CPU that cost about 50 s per scenario (see test/harness/vm.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { buildNativeHelpers } from './native-helpers.js';

const run = promisify(execFile);

/**
 * Compile the scenarios (and what they import) into buildDir with the
 * project's tsc and compiler options, type checks off: the unit lane's
 * `npm run typecheck` covers types. Returns each scenario's .js path.
 */
export async function compileScenarios(repoRoot: string, buildDir: string, files: string[]): Promise<string[]> {
  const outDir = path.join(buildDir, 'out');
  const tsconfig = path.join(buildDir, 'tsconfig.json');
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(tsconfig, JSON.stringify({
    extends: path.join(repoRoot, 'tsconfig.json'),
    compilerOptions: {
      outDir, rootDir: repoRoot, declaration: false, sourceMap: true, noEmitOnError: false, noCheck: true,
      typeRoots: [path.join(repoRoot, 'node_modules/@types')],
    },
    files,
    include: [],
  }, null, 2));
  const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  const output = await run(process.execPath, [tsc, '-p', tsconfig], { maxBuffer: 16 * 1024 * 1024 }).then(
    () => '',
    (e: any) => `${e.stdout ?? ''}${e.stderr ?? e.message}`,
  );
  const compiled = files.map((f) => path.join(outDir, path.relative(repoRoot, f)).replace(/\.[cm]?ts$/, '.js'));
  const missing = compiled.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`tsc did not compile the scenarios (${missing.join(', ')} missing):\n${output}`);
  await buildNativeHelpers(repoRoot, outDir);
  return compiled;
}
