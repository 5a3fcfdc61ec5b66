#!/usr/bin/env node
/**
 * nmk: the command-line client, with nmcli's grammar. It talks to nmkd (or
 * NetworkManager) over D-Bus; point it at a private bus with
 * DBUS_SYSTEM_BUS_ADDRESS, as nmcli. Implemented: general [status],
 * device [status], connection show|reload|load. Output: columns, or -t
 * (terse, ':'-separated) with -f FIELDS.
 */
import { connectionCommand } from './commands/connection.js';
import { NmClient } from './nm-client.js';
import { print, type Output } from './output.js';
import { deviceStateName, deviceTypeName, managerStateName } from './tables.js';

const NM = 'org.freedesktop.NetworkManager';
const DEVICE = `${NM}.Device`;

async function general(client: NmClient, out: Output): Promise<void> {
  const p = await client.managerProps();
  print(out, ['RUNNING', 'VERSION', 'STATE', 'NETWORKING'], [[
    'running', String(p.Version ?? ''), managerStateName(Number(p.State ?? 0)), p.NetworkingEnabled ? 'enabled' : 'disabled',
  ]]);
}

async function device(client: NmClient, out: Output): Promise<void> {
  const objects = await client.managedObjects();
  const rows: string[][] = [];
  for (const [path, ifaces] of objects) {
    const d = ifaces.get(DEVICE);
    if (!d) continue;
    rows.push([String(d.Interface), deviceTypeName(Number(d.DeviceType)), deviceStateName(Number(d.State)), '--', path]);
  }
  rows.sort((a, b) => a[0]!.localeCompare(b[0]!));
  print(out, ['DEVICE', 'TYPE', 'STATE', 'CONNECTION', 'DBUS-PATH'], rows);
}

const USAGE = `Usage: nmk [-t] [-f FIELDS] OBJECT [COMMAND]

OBJECT
  g[eneral]     general status of the daemon
  d[evice]      devices and their state
  c[onnection]  show [ID|UUID] | reload | load FILE...

Environment: DBUS_SYSTEM_BUS_ADDRESS selects the bus (as for nmcli).`;

async function main(argv: string[]): Promise<number> {
  const out: Output = { terse: false };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-t' || a === '--terse') out.terse = true;
    else if (a === '-f' || a === '--fields') out.fields = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '-h' || a === '--help') { console.log(USAGE); return 0; }
    else words.push(a);
  }
  const [object = 'general', ...rest] = words;
  const statusOnly = (fn: (c: NmClient, o: Output) => Promise<void>, name: string) => async (c: NmClient, args: string[], o: Output) => {
    if (args.length && !'status'.startsWith(args[0]!)) {
      console.error(`Error: '${args[0]}' is not a known command of '${name}' in this version of nmk.`);
      return 2;
    }
    await fn(c, o);
    return 0;
  };
  const table: Array<[string, (c: NmClient, args: string[], o: Output) => Promise<number>]> = [
    ['general', statusOnly(general, 'general')],
    ['device', statusOnly(device, 'device')],
    ['connection', connectionCommand],
  ];
  const match = table.find(([name]) => name.startsWith(object));
  if (!match) {
    console.error(`Error: argument '${object}' not understood. Try 'nmk --help'.`);
    return 2;
  }
  const client = NmClient.connect();
  try {
    return await match[1](client, rest, out);
  } catch (err: any) {
    console.error(`Error: ${err?.text ?? err?.message ?? String(err)}`);
    return 8;
  } finally {
    client.disconnect();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
