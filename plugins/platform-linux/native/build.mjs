// Builds nmk's small C helpers, each beside the compiled plugin that runs it
// (see HELPERS). Part of `npm run build`; skips a compile when the binary is
// newer than its source, and a row whose source is not there. Needs a C
// compiler and the C library's headers (Debian: gcc and libc6-dev;
// scripts/bootstrap.sh installs them).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const cc = process.env.CC || 'cc';

/** One row per helper: its source, the binary, and what it is (for messages). */
const HELPERS = [
  { source: 'plugins/platform-linux/native/rtnl-events.c', target: 'dist/plugins/platform-linux/nmk-rtnl-events', what: 'netlink event helper' },
  { source: 'plugins/platform-linux/native/packet-io.c', target: 'dist/plugins/platform-linux/nmk-packet-io', what: 'packet helper' },
  { source: 'plugins/dhcp-dhclient/native/dhcp-helper.c', target: 'dist/plugins/dhcp-dhclient/nmk-dhcp-helper', what: 'dhclient helper' },
];

function build({ source: src, target: dst, what }) {
  const source = path.join(repo, src);
  const target = path.join(repo, dst);
  if (!fs.existsSync(source)) return;
  const upToDate = fs.existsSync(target) && fs.statSync(target).mtimeMs >= fs.statSync(source).mtimeMs;
  if (upToDate && !process.argv.includes('--force')) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  const compile = (extra) => execFileSync(cc, ['-O2', '-Wall', '-Wextra', '-Werror', ...extra, '-o', tmp, source], { stdio: 'inherit' });
  try {
    try {
      // Static: no shared libraries mapped, so the helper's RSS stays under 1 MB.
      compile(['-static']);
    } catch (e) {
      if (e.code === 'ENOENT') throw e;
      console.error(`build: static linking failed (no static libc?); linking the ${what} dynamically`);
      compile([]);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const why = e.code === 'ENOENT' ? `no C compiler (${cc}) found` : `${cc} failed`;
    console.error(
      `build: cannot build nmk's ${what} from ${src}: ${why}.\n` +
        'Install a C compiler and the C library headers (Debian: apt-get install gcc libc6-dev, or run scripts/bootstrap.sh), then npm run build.',
    );
    process.exit(1);
  }
  console.log(`build: ${dst}`);
}

/**
 * In-process N-API addons: optional. One that cannot be built (no node
 * headers beside this node, no compiler) is skipped with a message, and the
 * daemon runs without what it adds (core/daemon/malloc-trim.ts).
 */
const ADDONS = [{ source: 'core/daemon/native/malloc-trim.c', target: 'dist/core/daemon/malloc-trim.node', what: 'malloc_trim addon' }];

function buildAddon({ source: src, target: dst, what }) {
  const source = path.join(repo, src);
  const target = path.join(repo, dst);
  if (!fs.existsSync(source)) return;
  if (fs.existsSync(target) && fs.statSync(target).mtimeMs >= fs.statSync(source).mtimeMs && !process.argv.includes('--force')) return;
  // Node's own headers, installed with node (Debian's and NodeSource's nodejs packages both ship them).
  const include = path.resolve(path.dirname(process.execPath), '../include/node');
  if (!fs.existsSync(path.join(include, 'node_api.h'))) {
    console.error(`build: skipping the ${what}: no ${include}/node_api.h (node's headers); nmkd runs without it`);
    return;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    execFileSync(cc, ['-O2', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', `-I${include}`, '-o', tmp, source], { stdio: 'inherit' });
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    console.error(`build: skipping the ${what} (${e.code === 'ENOENT' ? `no C compiler (${cc})` : `${cc} failed`}); nmkd runs without it`);
    return;
  }
  console.log(`build: ${dst}`);
}

for (const helper of HELPERS) build(helper);
for (const addon of ADDONS) buildAddon(addon);
