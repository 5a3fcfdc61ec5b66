/**
 * Which files in network-scripts belong to a profile, as NetworkManager's
 * ifcfg-rh plugin decides: a profile is `ifcfg-NAME`, with optional
 * `route-NAME` (IPv4 routes), `route6-NAME` (IPv6 routes) and `keys-NAME`
 * (secrets) beside it. Backup and package-manager leftovers are ignored, and
 * so are alias files (`ifcfg-eth0:1` next to `ifcfg-eth0`).
 */
import { basename, dirname, join } from 'node:path';

/** Where the files live, below the state root. */
export const IFCFG_DIR = '/etc/sysconfig/network-scripts';

export const FileTag = { ifcfg: 'ifcfg-', keys: 'keys-', route: 'route-', route6: 'route6-' } as const;
export type FileKind = keyof typeof FileTag;

/** Suffixes of files that are never profiles (compared ignoring case). */
const IGNORED_SUFFIXES = ['.bak', '~', '.orig', '.rej', '.rpmnew', '.augnew', '.augtmp'];
/** rpm's temporary files: NAME;5f3a9b0c */
const RPM_TEMP = /;[0-9a-fA-F]{8}$/;

export function isIgnoredName(base: string): boolean {
  const lower = base.toLowerCase();
  return IGNORED_SUFFIXES.some((s) => lower.length > s.length && lower.endsWith(s)) || RPM_TEMP.test(base);
}

/** What a file is, from its name alone, and the profile NAME it belongs to. */
export function classifyName(base: string): { kind: FileKind; name: string } | undefined {
  if (isIgnoredName(base)) return undefined;
  for (const kind of ['ifcfg', 'keys', 'route6', 'route'] as const) {
    const tag = FileTag[kind];
    if (base.startsWith(tag) && base.length > tag.length) return { kind, name: base.slice(tag.length) };
  }
  return undefined;
}

/**
 * Whether `ifcfg-NAME` is an alias of another profile: NAME holds ':' and
 * the file before the last ':' exists (NetworkManager's test, since a profile
 * name may itself contain ':').
 */
export function isAliasName(base: string, exists: (base: string) => boolean): boolean {
  const colon = base.lastIndexOf(':');
  return colon > FileTag.ifcfg.length && exists(base.slice(0, colon));
}

/** The profile NAME of an ifcfg path ("eth0" for .../ifcfg-eth0). */
export function profileName(ifcfgPath: string): string {
  return basename(ifcfgPath).slice(FileTag.ifcfg.length);
}

/** A companion file of a profile: keys-NAME, route-NAME or route6-NAME beside ifcfg-NAME. */
export function companionPath(ifcfgPath: string, kind: FileKind): string {
  return join(dirname(ifcfgPath), FileTag[kind] + profileName(ifcfgPath));
}

/**
 * NAME for a new profile: the interface name, else the id with blanks and
 * characters NetworkManager's writer replaces (escape_id) made safe.
 */
export function baseNameFor(interfaceName: string | undefined, id: string): string {
  if (interfaceName) return interfaceName;
  return id.replace(/ /g, '_').replace(/[\\\][|/=()!:]/g, '-');
}
