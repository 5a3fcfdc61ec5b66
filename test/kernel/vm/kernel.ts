/**
 * Finds the guest kernel (a Debian kernel whose modules include bonding) and
 * resolves which module files the initramfs must load, in dependency order,
 * from that kernel's modules.dep.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';

export interface GuestKernel {
  version: string;
  image: string;
  modulesDir: string;
}

const INSTALL_HINT = 'install Debian\'s stock kernel: apt-get install -y linux-image-amd64 (scripts/bootstrap.sh does)';

/** Compare dotted/dashed version strings numerically where both parts are numbers. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
    if (c !== 0) return c;
  }
  return 0;
}

/** The newest /boot/vmlinuz-* whose modules have bonding; throws (never skips) when none. */
export function findGuestKernel(bootDir = '/boot', modulesRoot = '/lib/modules'): GuestKernel {
  const versions = (existsSync(bootDir) ? readdirSync(bootDir) : [])
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((v) => existsSync(path.join(modulesRoot, v, 'kernel/drivers/net/bonding')))
    .sort(compareVersions);
  const version = versions.at(-1);
  if (!version) {
    throw new Error(`the kernel lane needs a kernel with the bonding module: no ${bootDir}/vmlinuz-<ver> has ${modulesRoot}/<ver>/kernel/drivers/net/bonding; ${INSTALL_HINT}`);
  }
  return { version, image: path.join(bootDir, `vmlinuz-${version}`), modulesDir: path.join(modulesRoot, version) };
}

/** Module name as the kernel knows it: file name without .ko[.xz|.zst|.gz], dashes as underscores. */
function moduleName(file: string): string {
  return path.basename(file).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/**
 * The module files (relative to modulesDir) needed to load `wanted`, each
 * after its dependencies. Built-in modules need nothing and are left out.
 */
export function moduleLoadOrder(kernel: GuestKernel, wanted: string[]): string[] {
  const deps = new Map<string, { file: string; needs: string[] }>();
  for (const line of readFileSync(path.join(kernel.modulesDir, 'modules.dep'), 'utf8').split('\n')) {
    const [file, rest] = line.split(':');
    if (!file || rest === undefined) continue;
    deps.set(moduleName(file), { file, needs: rest.trim().split(/\s+/).filter(Boolean).map(moduleName) });
  }
  const builtinFile = path.join(kernel.modulesDir, 'modules.builtin');
  const builtin = new Set(existsSync(builtinFile) ? readFileSync(builtinFile, 'utf8').split('\n').filter(Boolean).map(moduleName) : []);

  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name) || builtin.has(name)) return;
    seen.add(name);
    const entry = deps.get(name);
    if (!entry) throw new Error(`module ${name} is neither in ${kernel.modulesDir}/modules.dep nor built in`);
    entry.needs.forEach(visit);
    order.push(entry.file);
  };
  wanted.forEach(visit);
  return order;
}

/** A module file's bytes, decompressed when the distribution ships it compressed. */
export function readModule(kernel: GuestKernel, file: string): Buffer {
  const full = path.join(kernel.modulesDir, file);
  if (file.endsWith('.gz')) return gunzipSync(readFileSync(full));
  // Node has no xz or zstd: the tools come with Debian's kmod dependencies (xz-utils, zstd).
  if (file.endsWith('.xz')) return execFileSync('xz', ['-dc', full], { maxBuffer: 256 * 1024 * 1024 });
  if (file.endsWith('.zst')) return execFileSync('zstd', ['-dc', full], { maxBuffer: 256 * 1024 * 1024 });
  return readFileSync(full);
}

/** The name under which a module is stored in the initramfs (always uncompressed). */
export function storedModuleName(file: string): string {
  return `${moduleName(file)}.ko`;
}
