/**
 * `nmk connection show [ID|UUID]`, `reload`, `load FILE...` (profiles as the
 * daemon holds them) and `up`/`down` (commands/activation.ts).
 */
import type { ConnectionSettings, SettingValue } from '../../sdk/index.js';
import { matches, type GlobalOptions } from '../args.js';
import { CliError, Exit } from '../exit-codes.js';
import { activeOf, devicesOf, fetchProfiles, findProfile } from '../lookup.js';
import type { NmClient } from '../nm-client.js';
import { print } from '../output.js';
import { parseDown, parseUp, runDown, runUp, type DownRequest, type UpRequest } from './activation.js';
import { IMPORT_USAGE, parseImport, runImport, type ImportRequest } from './import.js';

const SETTINGS = '/org/freedesktop/NetworkManager/Settings';
const SETTINGS_IFACE = 'org.freedesktop.NetworkManager.Settings';

export const CONNECTION_USAGE = `Usage: nmk connection show [ID|UUID]
       nmk connection up [id|uuid|path] ID [ifname DEV] [--wait SECONDS]
       nmk connection down [id|uuid|path|apath] ID [--wait SECONDS]
       nmk connection reload
       nmk connection load FILE...
       ${IMPORT_USAGE.replace('Usage: ', '')}`;

/** nmcli's short type names for the profile list. */
const TYPE_SHORT: Record<string, string> = { '802-3-ethernet': 'ethernet', '802-11-wireless': 'wifi' };

export type ConnectionRequest =
  | { kind: 'show'; value?: string }
  | { kind: 'reload' }
  | { kind: 'load'; files: string[] }
  | ({ kind: 'up' } & UpRequest)
  | ({ kind: 'down' } & DownRequest)
  | ({ kind: 'import' } & ImportRequest);

/** Commands in nmcli's order, so a prefix picks the same one. */
const COMMANDS = ['show', 'up', 'down', 'import', 'reload', 'load'] as const;

export function parseConnection(args: string[]): ConnectionRequest {
  const [word = 'show', ...rest] = args;
  const kind = COMMANDS.find((c) => matches(word, c));
  switch (kind) {
    case 'show':
      return { kind, value: rest[0] };
    case 'reload':
      return { kind };
    case 'load':
      if (rest.length === 0) throw new CliError(Exit.USER_INPUT, `nmk connection load needs at least one file name.\n${CONNECTION_USAGE}`);
      return { kind, files: rest };
    case 'up':
      return { kind, ...parseUp(rest) };
    case 'down':
      return { kind, ...parseDown(rest) };
    case 'import':
      return { kind, ...parseImport(rest) };
    default:
      throw new CliError(Exit.USER_INPUT, `'connection ${word}' is not a known command in this version of nmk.\n${CONNECTION_USAGE}`);
  }
}

function formatValue(v: SettingValue): string {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v)) {
    return v
      .map((x: any) => (typeof x === 'object' && x !== null ? ('address' in x ? `${x.address}/${x.prefix}` : `${x.dest}/${x.prefix}${x.nextHop ? ` ${x.nextHop}` : ''}${x.metric !== undefined && x.metric >= 0 ? ` ${x.metric}` : ''}`) : String(x)))
      .join(',');
  }
  if (typeof v === 'object' && v !== null) return Object.entries(v).map(([k, x]) => `${k}=${x}`).join(',');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

async function show(client: NmClient, want: string | undefined, out: GlobalOptions): Promise<number> {
  // The settings model is loaded only here: up, down and the device commands start faster without it.
  const { fromDBus } = await import('../../sdk/index.js');
  const all = (await fetchProfiles(client)).map((p) => ({ ...p, settings: fromDBus(p.wire).settings as ConnectionSettings }));
  if (want === undefined) {
    // DEVICE: where the profile is active now.
    const objects = await client.managedObjects();
    const ifaces = new Map(devicesOf(objects).map((d) => [d.path, d.iface]));
    const deviceOf = new Map(activeOf(objects).map((a) => [a.connection, ifaces.get(a.devices[0] ?? '') ?? '--']));
    const rows = all
      .map(({ settings: s, filename, path }) => [String(s.connection?.id ?? ''), String(s.connection?.uuid ?? ''), TYPE_SHORT[String(s.connection?.type)] ?? String(s.connection?.type ?? ''), deviceOf.get(path) ?? '--', filename])
      .sort((a, b) => a[0]!.localeCompare(b[0]!));
    print(out, ['NAME', 'UUID', 'TYPE', 'DEVICE', 'FILENAME'], rows, ['NAME', 'UUID', 'TYPE', 'DEVICE']);
    return Exit.OK;
  }
  let match;
  try {
    match = findProfile(all, want);
  } catch {
    throw new CliError(Exit.NOT_FOUND, `${want} - no such connection profile.`);
  }
  const rows: string[][] = [];
  for (const [setting, props] of Object.entries(match.settings)) {
    for (const [prop, value] of Object.entries(props)) rows.push([`${setting}.${prop}:`, formatValue(value)]);
  }
  rows.push(['filename:', match.filename]);
  if (out.terse) for (const [k, v] of rows) console.log(`${k}${v}`);
  else {
    const w = Math.max(...rows.map((r) => r[0]!.length)) + 2;
    for (const [k, v] of rows) console.log(`${k!.padEnd(w)}${v || '--'}`);
  }
  return Exit.OK;
}

export async function runConnection(client: NmClient, req: ConnectionRequest, out: GlobalOptions): Promise<number> {
  switch (req.kind) {
    case 'show':
      return show(client, req.value, out);
    case 'reload':
      await client.call(SETTINGS, SETTINGS_IFACE, 'ReloadConnections');
      return Exit.OK;
    case 'load': {
      const reply = (await client.callAll(SETTINGS, SETTINGS_IFACE, 'LoadConnections', 'as', [req.files])) as [boolean, string[]];
      for (const f of reply[1] ?? []) console.error(`Could not load file '${f}'`);
      return reply[0] ? Exit.OK : Exit.UNKNOWN;
    }
    case 'up':
      return runUp(client, req, out);
    case 'down':
      return runDown(client, req, out);
    case 'import':
      return runImport(client, req);
  }
}
