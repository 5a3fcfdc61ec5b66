/**
 * glibc's malloc_trim(0) through our small addon (native/malloc-trim.c,
 * built by `npm run build` beside the compiled file): the idle collection
 * (idle-gc.ts) calls it after V8 has freed what it can, so the pages free
 * inside malloc's arenas go back to the kernel too. Without it an idle
 * daemon's resident memory varied by 2-3 MB from start to start
 * (bench/memory-idle.ts). The addon is optional: when it was not built (no
 * node headers) or cannot load, trimming does nothing.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

type Addon = { trim(): boolean };

let addon: Addon | null | undefined;

/** Beside the compiled file; run from source (jiti, the tests), the build's copy. */
function addonFile(): string | undefined {
  for (const rel of ['./malloc-trim.node', '../../dist/core/daemon/malloc-trim.node']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

function load(): Addon | null {
  const file = addonFile();
  if (!file) return null;
  try {
    return createRequire(import.meta.url)(file) as Addon;
  } catch {
    return null;
  }
}

/** Give malloc's free pages back to the kernel. False when nothing was released or the addon is not there. */
export function mallocTrim(): boolean {
  addon ??= load();
  return addon ? addon.trim() : false;
}

/** Whether the addon is built and loads (the tests check the build made it). */
export function mallocTrimAvailable(): boolean {
  addon ??= load();
  return addon !== null;
}
