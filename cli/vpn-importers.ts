/**
 * The importers of VPN plugins, for `nmk connection import --type TYPE FILE`.
 * NetworkManager has no D-Bus method for this (nmcli loads the VPN editor
 * plugin's library itself); nmk does the same: a plugin's importer is a pure
 * function, so the CLI loads the plugin's entry module directly, by its
 * manifest (kind "vpn"), from the built-in plugin folder and the folders in
 * NMK_PLUGIN_PATH (':'-separated), and takes the definitions it exports as
 * `vpnPlugins` (sdk/vpn.ts). It runs no plugin setup and touches no daemon;
 * the profile then goes to the daemon with AddConnection.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VPN_PLUGINS_EXPORT, type VpnPluginDefinition } from '../sdk/index.js';

/** The built-in plugins beside the CLI: plugins/ from source, dist/plugins/ when compiled. */
const BUILTIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../plugins');
const SERVICE_PREFIX = 'org.freedesktop.NetworkManager.';

export function pluginFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  return [BUILTIN, ...(env.NMK_PLUGIN_PATH ?? '').split(':').filter(Boolean)];
}

interface Candidate {
  dir: string;
  entry: string;
}

/** VPN plugins' entry files, by manifest; folders or manifests that do not read are skipped. */
function vpnEntries(folders: readonly string[]): Candidate[] {
  const out: Candidate[] = [];
  for (const root of folders) {
    let names: string[];
    try {
      names = fs.readdirSync(root).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const dir = path.join(root, n);
      try {
        const m = JSON.parse(fs.readFileSync(path.join(dir, 'nmk-plugin.json'), 'utf8')) as { kind?: string; entry?: string };
        if (m.kind !== 'vpn') continue;
        const entry = [m.entry, 'index.js', 'index.ts'].filter((x): x is string => !!x).map((e) => path.join(dir, e)).find((f) => fs.existsSync(f));
        if (entry) out.push({ dir, entry });
      } catch {
        /* not a plugin folder */
      }
    }
  }
  return out;
}

/** The plugin definition with an importer for a type ("openvpn" or its service name), or none and the types that have one. */
export async function findVpnImporter(type: string, folders = pluginFolders()): Promise<{ def?: VpnPluginDefinition; known: string[] }> {
  const known: string[] = [];
  for (const c of vpnEntries(folders)) {
    const mod = (await import(pathToFileURL(c.entry).href)) as Record<string, unknown>;
    const defs = mod[VPN_PLUGINS_EXPORT];
    if (!Array.isArray(defs)) continue;
    for (const def of defs as VpnPluginDefinition[]) {
      if (typeof def?.import !== 'function') continue;
      known.push(def.name);
      if (def.name === type || def.serviceType === type || def.serviceType === SERVICE_PREFIX + type) return { def, known };
    }
  }
  return { known };
}
