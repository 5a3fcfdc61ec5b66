#!/usr/bin/env node
/**
 * nmk: the command-line client, with nmcli's grammar. It talks to nmkd (or
 * NetworkManager) over D-Bus; point it at a private bus with
 * DBUS_SYSTEM_BUS_ADDRESS, as nmcli. Implemented: general [status],
 * device [status]. Output: columns, or -t (terse, ':'-separated) with -f FIELDS.
 */
import { NmClient } from './nm-client.js';
import { deviceStateName, deviceTypeName, managerStateName } from './tables.js';

const NM = 'org.freedesktop.NetworkManager';
const DEVICE = `${NM}.Device`;

interface Output {
  terse: boolean;
  fields?: string[];
}

function print(out: Output, columns: string[], rows: string[][]): void {
  const pick = out.fields ? out.fields.map((f) => {
    const i = columns.indexOf(f.toUpperCase());
    if (i < 0) throw new Error(`invalid field '${f}'; allowed fields: ${columns.join(',')}`);
    return i;
  }) : columns.map((_, i) => i);
  if (out.terse) {
    for (const r of rows) console.log(pick.map((i) => (r[i] ?? '').replace(/:/g, '\\:')).join(':'));
    return;
  }
  const widths = pick.map((i) => Math.max(columns[i]!.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => pick.map((i, k) => (cells[i] ?? '').padEnd(widths[k]!)).join('  ').trimEnd();
  console.log(line(columns));
  for (const r of rows) console.log(line(r));
}

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
  g[eneral]   general status of the daemon
  d[evice]    devices and their state

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
  const [object = 'general', command = 'status'] = words;
  const table: Array<[string, (c: NmClient, o: Output) => Promise<void>]> = [['general', general], ['device', device]];
  const match = table.find(([name]) => name.startsWith(object));
  if (!match) {
    console.error(`Error: argument '${object}' not understood. Try 'nmk --help'.`);
    return 2;
  }
  if (command !== 'status') {
    console.error(`Error: '${command}' is not a known command of '${match[0]}' in this version of nmk.`);
    return 2;
  }
  const client = NmClient.connect();
  try {
    await match[1](client, out);
    return 0;
  } catch (err: any) {
    console.error(`Error: ${err?.text ?? err?.message ?? String(err)}`);
    return 8;
  } finally {
    client.disconnect();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
