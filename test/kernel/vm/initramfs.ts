/**
 * Builds the kernel lane's initramfs: busybox-static, the virtio and 9p
 * modules in load order, and init.sh as /init. Cached under .cache/vm/, keyed
 * by the kernel version and a hash of everything that goes in, so a boot
 * after the first costs no build.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildCpio, type CpioEntry } from './cpio.js';
import { moduleLoadOrder, readModule, storedModuleName, type GuestKernel } from './kernel.js';

/** What the initramfs must load to reach the host's / over virtio-9p; their dependencies follow. */
const BOOT_MODULES = ['virtio_pci', '9pnet_virtio', '9p'];

const INIT_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'init.sh');

/** Where Debian's busybox-static installs its binary (busybox, the dynamic one, is no use in an initramfs). */
const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];

function findStaticBusybox(): string {
  for (const candidate of BUSYBOX_CANDIDATES) {
    if (!existsSync(candidate)) continue;
    // A dynamic binary names its interpreter (PT_INTERP) in the first page; a static one has none.
    const head = readFileSync(candidate).subarray(0, 4096).toString('latin1');
    if (!head.includes('ld-linux')) return candidate;
  }
  throw new Error(`the kernel lane needs a static busybox (none of ${BUSYBOX_CANDIDATES.join(', ')} is static): apt-get install -y busybox-static`);
}

/** Path of the gzip'd initramfs for this kernel, built now unless cached. */
export function ensureInitramfs(kernel: GuestKernel, cacheDir: string): string {
  const modules = moduleLoadOrder(kernel, BOOT_MODULES);
  const init = readFileSync(INIT_SCRIPT);
  const busybox = readFileSync(findStaticBusybox());
  const key = createHash('sha256').update(init).update(modules.join('\n')).update(busybox).digest('hex').slice(0, 12);
  const target = path.join(cacheDir, `initramfs-${kernel.version}-${key}.cpio.gz`);
  if (existsSync(target)) return target;

  const stored = modules.map(storedModuleName);
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'proc', 'sys', 'host', 'modules'].map((d): CpioEntry => ({ type: 'dir', path: d })),
    // The kernel opens /dev/console for init's stdio before devtmpfs is mounted.
    { type: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { type: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    { type: 'symlink', path: 'bin/sh', target: 'busybox' },
    { type: 'file', path: 'init', data: init, mode: 0o755 },
    { type: 'file', path: 'modules.load', data: Buffer.from(`${stored.join('\n')}\n`) },
    ...modules.map((file, i): CpioEntry => ({ type: 'file', path: `modules/${stored[i]}`, data: readModule(kernel, file) })),
  ];
  mkdirSync(cacheDir, { recursive: true });
  // Written under a unique name then renamed: test files booting in parallel never see half a file.
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, gzipSync(buildCpio(entries)));
  renameSync(tmp, target);
  // Images for an older init script or kernel are never used again.
  for (const old of readdirSync(cacheDir)) {
    if (/^initramfs-.*\.cpio\.gz$/.test(old) && path.join(cacheDir, old) !== target) rmSync(path.join(cacheDir, old), { force: true });
  }
  return target;
}
