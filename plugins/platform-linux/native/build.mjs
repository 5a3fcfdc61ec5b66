// Builds the Linux platform's event helper (rtnl-events.c) into
// dist/plugins/platform-linux/nmk-rtnl-events, beside the compiled plugin
// that runs it. Part of `npm run build`; skips the compile when the binary
// is newer than its source. Needs a C compiler and the C library's headers
// (Debian: gcc and libc6-dev; scripts/bootstrap.sh installs them).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const source = path.join(here, 'rtnl-events.c');
const target = path.join(repo, 'dist/plugins/platform-linux/nmk-rtnl-events');
const cc = process.env.CC || 'cc';

const upToDate = fs.existsSync(target) && fs.statSync(target).mtimeMs >= fs.statSync(source).mtimeMs;
if (!upToDate || process.argv.includes('--force')) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  const compile = (extra) => execFileSync(cc, ['-O2', '-Wall', '-Wextra', '-Werror', ...extra, '-o', tmp, source], { stdio: 'inherit' });
  try {
    try {
      // Static: no shared libraries mapped, so the helper's RSS stays under 1 MB.
      compile(['-static']);
    } catch (e) {
      if (e.code === 'ENOENT') throw e;
      console.error('build: static linking failed (no static libc?); linking the event helper dynamically');
      compile([]);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const why = e.code === 'ENOENT' ? `no C compiler (${cc}) found` : `${cc} failed`;
    console.error(
      `build: cannot build nmk's netlink event helper from ${path.relative(repo, source)}: ${why}.\n` +
        'Install a C compiler and the C library headers (Debian: apt-get install gcc libc6-dev, or run scripts/bootstrap.sh), then npm run build.',
    );
    process.exit(1);
  }
  console.log(`build: ${path.relative(repo, target)}`);
}
