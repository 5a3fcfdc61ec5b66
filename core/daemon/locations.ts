/** Where the daemon's own files are: the package root, built-in plugins and profiles. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const compiled = here.includes(`${path.sep}dist${path.sep}`);

/** The repository (or installed package) root. */
export const PACKAGE_ROOT = path.resolve(here, compiled ? '../../..' : '../..');
/** Built-in plugins: compiled under dist/ when running compiled, sources otherwise. */
export const BUILTIN_PLUGINS = path.resolve(here, '../../plugins');
export const BUILTIN_PROFILES = path.join(PACKAGE_ROOT, 'config', 'profiles');
export const NMK_VERSION = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).version as string;
