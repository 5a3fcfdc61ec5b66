/**
 * `nmk connection import [--temporary] --type TYPE FILE` (also nmcli's
 * `import type TYPE file FILE`): the VPN plugin's importer (vpn-importers.ts)
 * turns the file into a profile; files it extracts (inline certificates) are
 * written 0600 under ~/.cert/nm-<type>, as NetworkManager's importers do;
 * then the daemon gets it with AddConnection (AddConnectionUnsaved with
 * --temporary) and the line nmcli prints is printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dbus from 'dbus-next';
import type { ConnectionSettings } from '../../sdk/index.js';
import { CliError, Exit } from '../exit-codes.js';
import type { NmClient } from '../nm-client.js';
import { findVpnImporter } from '../vpn-importers.js';
import { daemonCall } from './activation.js';

const SETTINGS = '/org/freedesktop/NetworkManager/Settings';
const SETTINGS_IFACE = 'org.freedesktop.NetworkManager.Settings';
export const IMPORT_USAGE = 'Usage: nmk connection import [--temporary] --type TYPE FILE   (or: type TYPE file FILE)';

export interface ImportRequest {
  type: string;
  file: string;
  temporary: boolean;
}

export function parseImport(args: string[]): ImportRequest {
  let type: string | undefined;
  let file: string | undefined;
  let temporary = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const next = () => {
      const v = args[++i];
      if (v === undefined) throw new CliError(Exit.USER_INPUT, `${w}: a value is missing.\n${IMPORT_USAGE}`);
      return v;
    };
    if (w === '--temporary') temporary = true;
    else if (w === '--type' || w === 'type') type = next();
    else if (w === 'file') file = next();
    else if (file === undefined && !w.startsWith('-')) file = w;
    else throw new CliError(Exit.USER_INPUT, `invalid extra argument '${w}'.\n${IMPORT_USAGE}`);
  }
  if (!type) throw new CliError(Exit.USER_INPUT, `the VPN type is missing.\n${IMPORT_USAGE}`);
  if (!file) throw new CliError(Exit.USER_INPUT, `the file to import is missing.\n${IMPORT_USAGE}`);
  return { type, file, temporary };
}

/** The SDK's {signature, value} D-Bus form into dbus-next Variants, nested a{sv} included (route-data, address-data). */
function toVariant(signature: string, value: unknown): unknown {
  if (signature === 'v') {
    const v = value as { signature: string; value: unknown };
    return new dbus.Variant(v.signature, toVariant(v.signature, v.value));
  }
  if (signature.startsWith('a{') && signature.endsWith('}')) {
    const inner = signature.slice(3, -1);
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, x]) => [k, toVariant(inner, x)]));
  }
  if (signature.startsWith('a') && Array.isArray(value)) return value.map((x) => toVariant(signature.slice(1), x));
  return value;
}

export async function runImport(client: NmClient, req: ImportRequest): Promise<number> {
  const file = path.resolve(req.file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(Exit.USER_INPUT, `cannot read '${file}': ${(err as Error).message}`);
  }
  const { def, known } = await findVpnImporter(req.type);
  if (!def?.import) {
    throw new CliError(Exit.USER_INPUT, `no VPN plugin with an importer for type '${req.type}' is installed${known.length ? ` (importers: ${known.join(', ')})` : ''}.`);
  }
  let settings: ConnectionSettings;
  let files;
  try {
    ({ settings, files } = def.import(text, file, { blobDir: path.join(os.homedir(), '.cert', `nm-${def.name}`) }));
  } catch (err) {
    throw new CliError(Exit.USER_INPUT, `failed to import '${file}': ${(err as Error).message}`);
  }
  for (const f of files) {
    fs.mkdirSync(path.dirname(f.path), { recursive: true, mode: 0o700 });
    fs.writeFileSync(f.path, f.text, { mode: 0o600 });
  }
  const { toDBus } = await import('../../sdk/index.js');
  const wire = Object.fromEntries(
    Object.entries(toDBus(settings, { withSecrets: true })).map(([s, props]) => [s, Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toVariant('v', v)]))]),
  );
  const method = req.temporary ? 'AddConnectionUnsaved' : 'AddConnection';
  await daemonCall(client.call(SETTINGS, SETTINGS_IFACE, method, 'a{sa{sv}}', [wire]), Exit.UNKNOWN, 'Error: failed to import: ');
  console.log(`Connection '${settings.connection?.id}' (${settings.connection?.uuid}) successfully added.`);
  return Exit.OK;
}
