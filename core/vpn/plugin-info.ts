/**
 * VPN plugins as NetworkManager finds them: one `.name` file per plugin
 * (a GKeyFile) in /usr/lib/NetworkManager/VPN, /etc/NetworkManager/VPN and
 * nmk's own directories. `[VPN Connection]` gives the plugin's name, its D-Bus
 * service name and the program NetworkManager execs; `supports-multiple-connections`
 * says whether each connection gets its own bus name (…Connection_<n>);
 * `[GNOME] supports-hints` whether its auth dialog takes secret hints.
 *
 * A later directory overrides an earlier one for the same service (the
 * administrator's /etc over the package's /usr/lib). A file that does not
 * parse, or lacks service or program, is reported with its path and skipped.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface VpnPluginInfo {
  /** `name=` (openvpn). */
  name: string;
  /** `service=` (org.freedesktop.NetworkManager.openvpn): the profile's vpn.service-type. */
  service: string;
  /** `program=`: the classic D-Bus service NetworkManager execs. */
  program: string;
  supportsMultiple: boolean;
  supportsHints: boolean;
  /** The .name file it came from. */
  file: string;
}

/** NetworkManager's prefix for service names; a profile may give only the short name. */
export const VPN_SERVICE_PREFIX = 'org.freedesktop.NetworkManager.';

/** A GKeyFile's groups and keys (comments and blank lines dropped; no locale keys needed here). */
export function parseKeyFile(text: string): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const group = /^\[([^\]]+)\]$/.exec(line);
    if (group) {
      current = groups.get(group[1]!) ?? new Map();
      groups.set(group[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) throw new Error(`line ${i + 1}: expected [group] or key=value, found '${line}'`);
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return groups;
}

const isTrue = (v: string | undefined) => v !== undefined && /^(true|yes|1)$/i.test(v);

/** One .name file's text; throws an Error naming what is missing. */
export function parseNameFile(text: string, file: string): VpnPluginInfo {
  const g = parseKeyFile(text);
  const vc = g.get('VPN Connection');
  if (!vc) throw new Error('it has no [VPN Connection] group');
  const service = vc.get('service');
  const program = vc.get('program');
  if (!service) throw new Error('[VPN Connection] has no service=');
  if (!program) throw new Error('[VPN Connection] has no program=');
  if (!path.isAbsolute(program)) throw new Error(`program= must be an absolute path, not '${program}'`);
  return {
    name: vc.get('name') || service.replace(VPN_SERVICE_PREFIX, ''),
    service,
    program,
    supportsMultiple: isTrue(vc.get('supports-multiple-connections')),
    supportsHints: isTrue(g.get('GNOME')?.get('supports-hints')),
    file,
  };
}

export interface Discovery {
  plugins: VpnPluginInfo[];
  /** "FILE: why", one per file skipped. */
  errors: string[];
}

/** Read every *.name file of the directories, in order; a later one replaces an earlier one with the same service. */
export function discoverVpnPlugins(dirs: readonly string[]): Discovery {
  const byService = new Map<string, VpnPluginInfo>();
  const errors: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((f) => f.endsWith('.name')).sort();
    } catch {
      continue; // a directory that is not there holds no plugin
    }
    for (const n of names) {
      const file = path.join(dir, n);
      try {
        const info = parseNameFile(fs.readFileSync(file, 'utf8'), file);
        byService.set(info.service, info);
      } catch (err) {
        errors.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return { plugins: [...byService.values()], errors };
}

/** The plugin a profile's vpn.service-type names: its service, or its short name (NetworkManager accepts both). */
export function findPlugin(plugins: readonly VpnPluginInfo[], serviceType: string): VpnPluginInfo | undefined {
  return plugins.find((p) => p.service === serviceType) ?? plugins.find((p) => p.name === serviceType || p.service === VPN_SERVICE_PREFIX + serviceType);
}
