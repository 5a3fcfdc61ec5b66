/**
 * Native helpers that `npm run build` puts beside compiled plugins, built the
 * same way beside a kernel-lane build (the guest runs the compiled output,
 * not dist/): today the Linux platform's netlink event helper
 * (plugins/platform-linux/native/build.mjs says how dist/ gets it).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';

const run = promisify(execFile);

/** One row per helper: its C source (relative to the repository) and where it goes (relative to the compiled root). */
const HELPERS = [{ source: 'plugins/platform-linux/native/rtnl-events.c', target: 'plugins/platform-linux/nmk-rtnl-events' }];

/** Build each helper whose source exists into outDir when the plugin beside it was compiled there. */
export async function buildNativeHelpers(repoRoot: string, outDir: string): Promise<void> {
  for (const h of HELPERS) {
    const source = path.join(repoRoot, h.source);
    const target = path.join(outDir, h.target);
    if (!existsSync(source) || !existsSync(path.dirname(target))) continue;
    // Static, as native/build.mjs builds it.
    await run(process.env.CC || 'cc', ['-O2', '-static', '-o', target, source]).catch((e: any) => {
      throw new Error(`cannot build ${h.source} for the kernel lane (needs gcc and libc6-dev): ${e.stderr || e.message}`);
    });
  }
}
