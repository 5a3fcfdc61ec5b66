/**
 * `nmk connection show [ID|UUID]`, `nmk connection reload`,
 * `nmk connection load FILE...`: profiles as the daemon holds them.
 */
import { fromDBus, type ConnectionSettings, type SettingValue } from '../../sdk/index.js';
import type { NmClient } from '../nm-client.js';
import { print, type Output } from '../output.js';

const SETTINGS = '/org/freedesktop/NetworkManager/Settings';
const SETTINGS_IFACE = 'org.freedesktop.NetworkManager.Settings';
const CONN_IFACE = 'org.freedesktop.NetworkManager.Settings.Connection';

/** nmcli's short type names for the profile list. */
const TYPE_SHORT: Record<string, string> = { '802-3-ethernet': 'ethernet', '802-11-wireless': 'wifi' };

async function fetchAll(client: NmClient): Promise<Array<{ path: string; settings: ConnectionSettings; filename: string }>> {
  const paths = (await client.call(SETTINGS, SETTINGS_IFACE, 'ListConnections')) as string[];
  return Promise.all(
    paths.map(async (path) => {
      const wire = (await client.callRaw(path, CONN_IFACE, 'GetSettings')) as Record<string, Record<string, { signature: string; value: unknown }>>;
      const filename = String(await client.getProperty(path, CONN_IFACE, 'Filename'));
      return { path, settings: fromDBus(wire).settings, filename };
    }),
  );
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

export async function connectionCommand(client: NmClient, args: string[], out: Output): Promise<number> {
  const [command = 'show', ...rest] = args;
  if ('show'.startsWith(command)) {
    const all = await fetchAll(client);
    if (rest.length === 0) {
      const rows = all
        .map(({ settings: s, filename }) => [String(s.connection?.id ?? ''), String(s.connection?.uuid ?? ''), TYPE_SHORT[String(s.connection?.type)] ?? String(s.connection?.type ?? ''), '--', filename])
        .sort((a, b) => a[0]!.localeCompare(b[0]!));
      print(out, ['NAME', 'UUID', 'TYPE', 'DEVICE', 'FILENAME'], rows, ['NAME', 'UUID', 'TYPE', 'DEVICE']);
      return 0;
    }
    const want = rest[0]!;
    const match = all.find((c) => c.settings.connection?.uuid === want) ?? all.find((c) => c.settings.connection?.id === want);
    if (!match) {
      console.error(`Error: ${want} - no such connection profile.`);
      return 10;
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
    return 0;
  }
  if ('reload'.startsWith(command)) {
    await client.call(SETTINGS, SETTINGS_IFACE, 'ReloadConnections');
    return 0;
  }
  if ('load'.startsWith(command)) {
    if (rest.length === 0) {
      console.error('Error: nmk connection load needs at least one file name.');
      return 2;
    }
    const reply = (await client.callAll(SETTINGS, SETTINGS_IFACE, 'LoadConnections', 'as', [rest])) as [boolean, string[]];
    for (const f of reply[1] ?? []) console.error(`Could not load file '${f}'`);
    return reply[0] ? 0 : 1;
  }
  console.error(`Error: 'connection ${command}' is not a known command in this version of nmk (show, reload, load).`);
  return 2;
}
