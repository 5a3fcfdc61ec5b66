/**
 * `[main] dns=` and `[main] rc-manager=` to what runs, as NetworkManager 1.42
 * decides it (nm-dns-manager.c, init_resolv_conf_mode):
 *  - dns unset: "systemd-resolved" when /etc/resolv.conf is resolved's file
 *    (a symlink to, or the same file as, one of its four paths), else "default";
 *    an unknown value is a warning and "default";
 *  - dns=none forces rc-manager=unmanaged; "none" as rc-manager is an old
 *    alias of symlink; an unknown rc-manager is a warning and "auto";
 *  - auto: unmanaged under systemd-resolved; else resolvconf when
 *    <root>/sbin/resolvconf is executable (Debian's NetworkManager 1.42.4,
 *    checked: it logs "rc-manager=resolvconf (auto)" once /sbin/resolvconf
 *    exists); else symlink. netconfig is never chosen by auto (a SUSE build option).
 * nmk adds dns=script (a packager's program, `[dns] script=`).
 * NetworkManager also reports rc-manager "immutable" for a chattr +i file;
 * nmk does not read file attributes: writing such a file fails with a warning.
 */
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ConfigView, Paths } from '../../sdk/index.js';
import type { RcManagerMode } from './rc-manager.js';

export const BUILTIN_MODES = ['default', 'none'] as const;
export const KNOWN_MODES = ['default', 'none', 'dnsmasq', 'systemd-resolved', 'script'] as const;

const RC_ALIASES: Record<string, RcManagerMode | 'auto'> = {
  auto: 'auto',
  symlink: 'symlink',
  none: 'symlink',
  file: 'file',
  resolvconf: 'resolvconf',
  netconfig: 'netconfig',
  unmanaged: 'unmanaged',
};

/** The paths systemd-resolved's resolv.conf lives at, relative and absolute, as NetworkManager lists them. */
const RESOLVED_PATHS = [
  '../run/systemd/resolve/stub-resolv.conf',
  '../run/systemd/resolve/resolv.conf',
  '../lib/systemd/resolv.conf',
  '../usr/lib/systemd/resolv.conf',
  '/run/systemd/resolve/stub-resolv.conf',
  '/run/systemd/resolve/resolv.conf',
  '/lib/systemd/resolv.conf',
  '/usr/lib/systemd/resolv.conf',
];

/** /etc/resolv.conf (under the root) is systemd-resolved's, even before resolved has written it. */
export async function resolvConfIsResolved(paths: Paths): Promise<boolean> {
  const etc = paths.under('/etc/resolv.conf');
  const link = await fsp.readlink(etc).catch(() => undefined);
  const absolute = RESOLVED_PATHS.filter((p) => p.startsWith('/'));
  if (link !== undefined) {
    if (RESOLVED_PATHS.includes(link)) return true;
    const real = await fsp.realpath(etc).catch(() => undefined);
    if (real && absolute.some((p) => paths.under(p) === real)) return true;
    if (absolute.some((p) => paths.under(p) === path.resolve(path.dirname(etc), link))) return true;
  }
  const st = await fsp.stat(etc).catch(() => undefined);
  if (!st) return false;
  for (const p of absolute) {
    const other = await fsp.stat(paths.under(p)).catch(() => undefined);
    if (other && other.dev === st.dev && other.ino === st.ino) return true;
  }
  return false;
}

export interface ModeDecision {
  mode: string;
  rcManager: RcManagerMode;
  /** rc-manager was "auto" (for the log line, as NetworkManager prints "(auto)"). */
  rcAuto: boolean;
  warnings: string[];
}

/**
 * `plugins`: the names DNS plugins provide (a third-party backend's name is a
 * mode too). `modeOverride`: decide rc-manager for this mode instead (a mode
 * that could not start runs as "default").
 */
export async function decideMode(config: ConfigView, paths: Paths, plugins: readonly string[] = [], modeOverride?: string): Promise<ModeDecision> {
  const warnings: string[] = [];
  const where = (key: string) => config.origin('main', key) ?? `[main] ${key}`;
  const configured = modeOverride ?? config.get('main', 'dns')?.trim();
  let mode: string;
  if (!configured) mode = (await resolvConfIsResolved(paths)) ? 'systemd-resolved' : 'default';
  else if ((KNOWN_MODES as readonly string[]).includes(configured) || plugins.includes(configured)) mode = configured;
  else {
    warnings.push(configured === 'unbound' ? `${where('dns')}: dns=unbound was removed from NetworkManager; using dns=default` : `${where('dns')}: unknown DNS mode '${configured}'; using dns=default`);
    mode = 'default';
  }

  if (mode === 'none') return { mode, rcManager: 'unmanaged', rcAuto: false, warnings };

  const rcText = config.get('main', 'rc-manager')?.trim();
  let rc = rcText ? RC_ALIASES[rcText] : 'auto';
  if (!rc) {
    warnings.push(`${where('rc-manager')}: unknown resolv.conf manager '${rcText}'; using rc-manager=auto`);
    rc = 'auto';
  }
  if (rc !== 'auto') return { mode, rcManager: rc, rcAuto: false, warnings };
  const executable = await fsp.access(paths.under('/sbin/resolvconf'), fsc.X_OK).then(() => true, () => false);
  const auto: RcManagerMode = mode === 'systemd-resolved' ? 'unmanaged' : executable ? 'resolvconf' : 'symlink';
  return { mode, rcManager: auto, rcAuto: true, warnings };
}
